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
  sourcemap: 'linked',
  minify: true,
  keepNames: false,
  legalComments: 'none',
  logLevel: quiet ? 'warning' : 'info',
});
