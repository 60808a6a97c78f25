// Bundles the `council` CLI into one CommonJS file, out/cli/council.cjs.
// One file matters: `council lock acquire` runs before every agent edit, and resolving and loading
// hundreds of module files would cost more than the work itself.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const quiet = process.argv.includes('--quiet');

await build({
  entryPoints: [path.join(root, 'electron/cli/entry.ts')],
  outfile: path.join(root, 'out/cli/council.cjs'),
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  // import() becomes a lazy require(): the compile cache (v8-compile-cache on Node 20) runs the
  // bundle through vm.Script, where a native import() has no loader and fails.
  supported: { 'dynamic-import': false },
  sourcemap: 'linked',
  minify: true,
  keepNames: false,
  legalComments: 'none',
  // node-pty is a native module: loaded from node_modules at run time, never bundled.
  // ws (the browser host's socket) loads these native speed-ups if installed and works without them
  // (in try/catch); leaving them out of the bundle keeps that behaviour instead of failing the build.
  external: ['bufferutil', 'utf-8-validate', 'node-pty'],
  logLevel: quiet ? 'warning' : 'info',
});
