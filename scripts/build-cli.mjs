// Bundles the `council` CLI into CommonJS files: out/cli/council.cjs (the whole CLI),
// out/cli/hot.cjs (electron/cli/hot.ts: `council lock …` and `council hook pre-tool`, which run
// before every agent edit, with the lock domain alone; bin/council.cjs tries it first for them) and
// out/cli/digest.cjs (the digest hook alone, before every prompt).
// One file each matters: resolving and loading hundreds of module files would cost more than the
// work itself. The hot bundle's metafile (out/cli/hot.meta.json) lists every module it holds, so a
// test can keep heavy ones out (tests/cli/hot-entry.test.ts).
import { copyFileSync, writeFileSync } from 'node:fs';
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const quiet = process.argv.includes('--quiet');

const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  // import() becomes a lazy require(): on Node 20 bin/council.cjs (loadCached, its V8 code cache) runs the
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
  // Two of proper-lockfile's dependencies are lighter stand-ins in the CLI (each loads streams and
  // net at start-up, ~3–5 ms, in every process that takes a mutex: a hook that releases a lock or
  // records a denial, a session create): graceful-fs is plain node:fs (it copies every property of
  // fs, fs.promises included, for EMFILE retries a CLI process never needs; nothing else here uses
  // it), and `assert` (used by it and signal-exit alone) is scripts/cli-shims/assert.cjs (the real
  // one opens process.stderr for its colours).
  alias: { 'graceful-fs': 'node:fs', assert: path.join(root, 'scripts/cli-shims/assert.cjs') },
  logLevel: quiet ? 'warning' : 'info',
};

// `council mcp`'s server and the MCP SDK (electron/cli/mcp-server.ts) are a bundle of their own,
// out/cli/mcp.cjs, which the full CLI requires at run time for that verb only: the SDK (and the
// schema libraries it brings) would otherwise be parsed by every `council` process.
const mcpApart = {
  name: 'mcp-server-apart',
  setup(b) {
    b.onResolve({ filter: /^\.\/mcp-server$/ }, () => ({ path: './mcp.cjs', external: true }));
  },
};
await build({ ...common, entryPoints: [path.join(root, 'electron/cli/entry.ts')], outfile: path.join(root, 'out/cli/council.cjs'), plugins: [mcpApart] });
await build({ ...common, entryPoints: [path.join(root, 'electron/cli/mcp-server.ts')], outfile: path.join(root, 'out/cli/mcp.cjs') });
// What runs on a host (issue 17): its sessions' agents, snapshots and worktrees (core/hosts/remote-side.ts).
await build({ ...common, entryPoints: [path.join(root, 'electron/cli/remote.ts')], outfile: path.join(root, 'out/cli/remote.cjs') });
const hot = await build({ ...common, entryPoints: [path.join(root, 'electron/cli/hot.ts')], outfile: path.join(root, 'out/cli/hot.cjs'), metafile: true });
writeFileSync(path.join(root, 'out/cli/hot.meta.json'), JSON.stringify(hot.metafile));
// The digest hook alone (electron/cli/digest-entry.ts), before every prompt: bin/council.cjs runs
// `council hook digest --agent NAME` from it when it is there (hot.cjs answers it otherwise).
const digest = await build({ ...common, entryPoints: [path.join(root, 'electron/cli/digest-entry.ts')], outfile: path.join(root, 'out/cli/digest.cjs'), metafile: true });
writeFileSync(path.join(root, 'out/cli/digest.meta.json'), JSON.stringify(digest.metafile));
// The launcher (bin/council.cjs: the lean entry for the hooks and lock verbs, the V8 code cache)
// beside the bundles, as out/cli/launch.cjs: what the agents' hooks run (core/agents/council-command.ts).
copyFileSync(path.join(root, 'bin/council.cjs'), path.join(root, 'out/cli/launch.cjs'));
