#!/usr/bin/env node
// The installed `council` command: runs the bundled CLI (built by `npm run build` or `npm run build:cli`).
// Agents' hooks start it before every edit, so start-up time matters (bench/measure-lock-cli.ts):
// - `council lock …` and `council hook pre-tool` first go to the lean bundle out/cli/hot.cjs
//   (electron/cli/hot.ts: the lock domain alone, no commander, no git); it answers null for any
//   spelling it does not handle, and the full CLI (out/cli/council.cjs) runs it;
// - `council hook digest --agent NAME` (before every prompt) goes to out/cli/digest.cjs, the
//   digest hook alone (electron/cli/digest-entry.ts), when it is there;
// - V8's code cache spares re-compiling a bundle on every run: Node ≥ 22 has it built in
//   (module.enableCompileCache); on Node 20 `loadCached` below keeps it. Not the v8-compile-cache
//   package: it loads node:crypto to hash the whole bundle and rewrites its cache on every run
//   (~10 ms of a hook's ~15 ms budget), and caches only what is compiled before the bundle runs.
const path = require('node:path');
const fs = require('node:fs');
const nodeModule = require('node:module');

// This file is also copied next to the bundles as out/cli/launch.cjs (scripts/build-cli.mjs): the
// agents' hooks run that copy (core/agents/council-command.ts), a real file in the packaged app too,
// and in council's runtime on an SSH host (~/.council/runtime/<version>/, core/hosts/runtime.ts).
const dir = path.basename(__dirname) === 'cli' || path.basename(__filename) === 'launch.cjs' ? __dirname : path.join(__dirname, '..', 'out', 'cli');
const argv = process.argv.slice(2);

/**
 * Node 20: loads a CommonJS bundle as `require` would, through a V8 code cache kept in
 * $V8_COMPILE_CACHE_CACHE_DIR (default: <tmp>/council-compile-cache-<uid>/<V8 version>), one file
 * per bundle, stamped with the bundle's size and time. A missing, stale or rejected cache (V8
 * checks the source itself too) is written anew at exit, after the run, so it also holds the
 * functions the run compiled lazily. DISABLE_V8_COMPILE_CACHE=1 turns it off.
 */
function loadCached(file) {
  if (typeof nodeModule.enableCompileCache === 'function') {
    nodeModule.enableCompileCache();
    return require(file);
  }
  if (process.env.DISABLE_V8_COMPILE_CACHE) return require(file);
  const vm = require('node:vm');
  const source = fs.readFileSync(file, 'utf8');
  const stat = fs.statSync(file);
  const stamp = `${stat.size}:${stat.mtimeMs}:${process.versions.v8}`;
  const cacheDir =
    process.env.V8_COMPILE_CACHE_CACHE_DIR || path.join(require('node:os').tmpdir(), `council-compile-cache-${process.getuid ? process.getuid() : 'user'}`, process.versions.v8);
  let hash = 0x811c9dc5; // FNV-1a of the bundle's path: two checkouts never share a cache file
  for (let i = 0; i < file.length; i++) hash = Math.imul(hash ^ file.charCodeAt(i), 0x01000193) >>> 0;
  const cacheFile = path.join(cacheDir, `${path.basename(file)}.${hash.toString(16)}.v8cache`);
  let cachedData;
  try {
    const stored = fs.readFileSync(cacheFile);
    const end = stored.indexOf(10);
    if (end > 0 && stored.toString('latin1', 0, end) === stamp) cachedData = stored.subarray(end + 1);
  } catch {
    // no cache yet
  }
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) { ${source}\n})`, { filename: file, cachedData });
  if (cachedData === undefined || script.cachedDataRejected) {
    process.once('exit', () => {
      try {
        fs.mkdirSync(cacheDir, { recursive: true });
        const temp = `${cacheFile}.${process.pid}.tmp`;
        fs.writeFileSync(temp, Buffer.concat([Buffer.from(`${stamp}\n`, 'latin1'), script.createCachedData()]));
        fs.renameSync(temp, cacheFile);
      } catch {
        // a cache is a speed-up, never a reason to fail
      }
    });
  }
  const mod = new nodeModule(file, module);
  mod.filename = file;
  mod.paths = nodeModule._nodeModulePaths(path.dirname(file));
  nodeModule._cache[file] = mod;
  const localRequire = (id) => mod.require(id);
  localRequire.resolve = (request, options) => nodeModule._resolveFilename(request, mod, false, options);
  localRequire.main = process.mainModule;
  localRequire.cache = nodeModule._cache;
  script.runInThisContext({ displayErrors: true }).call(mod.exports, mod.exports, localRequire, mod, file, path.dirname(file));
  mod.loaded = true;
  return mod.exports;
}

/** The first word after the global options (`--json`, `--repo <path>`), or undefined. */
function group() {
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i];
    if (token === '--repo') i++;
    else if (!token.startsWith('-')) return token;
  }
  return undefined;
}

function full() {
  const bundle = path.join(dir, 'council.cjs');
  if (!fs.existsSync(bundle)) {
    process.stderr.write(`council: ${bundle} is missing; build it first with: npm run build:cli\n`);
    process.exit(1);
  }
  loadCached(bundle);
}

/**
 * The lean bundle for these arguments: the digest hook's own (as the agents' hooks spell it), else
 * hot.cjs — which also answers a remote session's digest on its host (COUNCIL_AUTHORITY: asked of
 * home, electron/cli/hook-remote.ts).
 */
function lean() {
  if (argv.length === 4 && argv[0] === 'hook' && argv[1] === 'digest' && argv[2] === '--agent' && !process.env.COUNCIL_AUTHORITY) {
    const digest = path.join(dir, 'digest.cjs');
    if (fs.existsSync(digest)) return digest;
  }
  return path.join(dir, 'hot.cjs');
}

const first = group();
const hot = first === 'lock' || first === 'hook' ? lean() : null;
if (hot !== null && fs.existsSync(hot)) {
  loadCached(hot)
    .runHot(argv)
    .then(
      (code) => {
        if (code === null) full();
        else process.exitCode = code;
      },
      (err) => {
        process.stderr.write(`council: unexpected failure: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
        process.exitCode = 1;
      },
    );
} else full();
