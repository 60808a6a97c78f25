import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { HostRuntime } from '../../../shared/commands/hosts';
import { councilBundle } from '../agents/council-command';
import { CouncilError } from '../errors';
import { posixQuote, sshOrThrow, type SshOptions } from './ssh';

/**
 * Council's runtime on a host (issue 17): a copy of the CLI bundle (out/cli/*.cjs) in the remote
 * user's home, ~/.council/runtime/<version>/, with a manifest (runtime.json) saying it is ours,
 * which version and which build. Nothing global: no package, no PATH change, no service; removing
 * the folder removes it all. The next slice runs remote agents' hooks and council's side there.
 *
 * Sent over SSH as one Node program on stdin (`node -`) that carries the files (base64) and their
 * SHA-256: it writes them into a fresh folder, checks every digest, runs the copy
 * (`council.cjs --version` must print the version), and only then renames it into place — a
 * half-sent runtime is never the one in use. Other versions of ours are removed then.
 */

/** The manifest's marker: a folder of ~/.council/runtime is ours only when its runtime.json says so. */
export const RUNTIME_MARK = 'runtime';

export interface RuntimeFile {
  name: string;
  bytes: Buffer;
  sha256: string;
  mode: number;
}

export interface LocalRuntime {
  version: string;
  build: string;
  /** Where the bundle was read from (this machine). */
  dir: string;
  files: RuntimeFile[];
}

const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

/** A version safe as a folder name (package.json's, e.g. "0.1.0", "1.2.0-beta.1"). */
function checkVersion(version: string): string {
  if (!/^[0-9A-Za-z][0-9A-Za-z.+-]{0,63}$/.test(version)) throw new CouncilError('internal', `council's version ${JSON.stringify(version)} cannot name a runtime folder`);
  return version;
}

/** The bundle this process runs from, read whole: every *.cjs beside council.cjs (the CLI, its lean hook entry, the MCP server, the launcher). */
export function localRuntime(version: string, bundle: string | null = councilBundle()): LocalRuntime {
  if (!bundle) {
    throw new CouncilError('internal', 'the council CLI bundle (out/cli/council.cjs) was not found, and it is what a host gets: build it with `npm run build:cli`, or set COUNCIL_CLI to its path');
  }
  const dir = bundleDir(bundle);
  const names = readdirSync(dir).filter((n) => n.endsWith('.cjs')).sort();
  if (!names.includes('council.cjs')) throw new CouncilError('internal', `${dir} holds no council.cjs: build the CLI with \`npm run build:cli\``);
  const files = names.map((name) => {
    const file = path.join(dir, name);
    const bytes = readFileSync(file);
    return { name, bytes, sha256: sha256(bytes), mode: statSync(file).mode & 0o755 };
  });
  const build = sha256(Buffer.from(files.map((f) => `${f.name} ${f.sha256}\n`).join(''))).slice(0, 16);
  return { version: checkVersion(version), build, dir, files };
}

/**
 * The folder of the bundles. `council` started through bin/council.cjs (the installed command, the
 * launcher) names that file, not the bundle: its bundles are in ../out/cli, as the launcher itself
 * finds them.
 */
function bundleDir(file: string): string {
  const dir = path.dirname(file);
  if (path.basename(dir) === 'cli' || existsSync(path.join(dir, 'launch.cjs'))) return dir;
  return path.join(dir, '..', 'out', 'cli');
}

/** The installer: a Node program whose only inputs are the JSON literal it carries. */
export function installerScript(runtime: LocalRuntime): string {
  const spec = {
    version: runtime.version,
    build: runtime.build,
    files: runtime.files.map((f) => ({ name: f.name, sha256: f.sha256, mode: f.mode, base64: f.bytes.toString('base64') })),
  };
  return `'use strict';
const fs = require('fs'), path = require('path'), os = require('os'), crypto = require('crypto'), cp = require('child_process');
const spec = ${JSON.stringify(spec)};
const say = (value) => process.stdout.write(JSON.stringify(value) + '\\n');
const root = path.join(os.homedir(), '.council', 'runtime');
const dir = path.join(root, spec.version);
const stamp = process.pid + '-' + Date.now();
const temp = path.join(root, '.incoming-' + stamp);
try {
  fs.mkdirSync(root, { recursive: true, mode: 0o755 });
  for (const name of fs.readdirSync(root)) {
    // Left by an installer that died: old enough that none is still at work.
    const p = path.join(root, name);
    if (/^\\.(incoming|old)-/.test(name) && Date.now() - fs.statSync(p).mtimeMs > 10 * 60 * 1000) fs.rmSync(p, { recursive: true, force: true });
  }
  fs.mkdirSync(temp, { mode: 0o755 });
  for (const f of spec.files) {
    const bytes = Buffer.from(f.base64, 'base64');
    if (crypto.createHash('sha256').update(bytes).digest('hex') !== f.sha256) throw new Error(f.name + ' arrived damaged');
    fs.writeFileSync(path.join(temp, f.name), bytes, { mode: f.mode || 0o644 });
  }
  const manifest = { council: '${RUNTIME_MARK}', version: spec.version, build: spec.build, files: spec.files.map((f) => ({ name: f.name, sha256: f.sha256 })), installedAt: new Date().toISOString() };
  fs.writeFileSync(path.join(temp, 'runtime.json'), JSON.stringify(manifest) + '\\n');
  const run = cp.spawnSync(process.execPath, [path.join(temp, 'council.cjs'), '--version'], { encoding: 'utf8', timeout: 60000, cwd: temp });
  if (run.status !== 0 || String(run.stdout).trim() !== spec.version) throw new Error('the copied CLI does not run with ' + process.execPath + ' ' + process.version + ': ' + String(run.stderr || run.stdout || run.error).trim().slice(0, 500));
  let aside = null;
  if (fs.existsSync(dir)) { aside = path.join(root, '.old-' + stamp); fs.renameSync(dir, aside); }
  fs.renameSync(temp, dir);
  if (aside) fs.rmSync(aside, { recursive: true, force: true });
  const pruned = [];
  for (const name of fs.readdirSync(root)) {
    if (name === spec.version || name.startsWith('.')) continue;
    const p = path.join(root, name);
    let mine = false;
    try { mine = JSON.parse(fs.readFileSync(path.join(p, 'runtime.json'), 'utf8')).council === '${RUNTIME_MARK}'; } catch {}
    if (mine) { fs.rmSync(p, { recursive: true, force: true }); pruned.push(name); }
  }
  say({ ok: true, dir, pruned });
} catch (err) {
  try { fs.rmSync(temp, { recursive: true, force: true }); } catch {}
  say({ ok: false, message: String((err && err.message) || err) });
  process.exitCode = 1;
}
`;
}

export interface InstallResult {
  runtime: HostRuntime;
  pruned: string[];
}

/** Installs (or replaces) the runtime on the host with its `node` (the path the check found). */
export async function installRuntime(host: string, node: string, runtime: LocalRuntime, options: SshOptions = {}): Promise<InstallResult> {
  const result = await sshOrThrow(host, [posixQuote(node), '-'], { timeoutMs: 180_000, ...options, stdin: installerScript(runtime) });
  const answer = lastJson(result.stdout) as { ok?: boolean; dir?: string; pruned?: string[]; message?: string } | null;
  if (result.code !== 0 || !answer?.ok || typeof answer.dir !== 'string') {
    const why = answer?.message ?? (result.stderr.trim().split('\n').pop() || `exit ${result.code}`);
    throw new CouncilError('command-failed', `council's runtime could not be installed on ${host} (${why}): nothing was changed there; check free space and that ~/.council is writable there, then \`council host add ${host}\` again`, {
      host,
      problem: 'install',
    });
  }
  return { runtime: { version: runtime.version, build: runtime.build, dir: answer.dir }, pruned: Array.isArray(answer.pruned) ? answer.pruned : [] };
}

/** The remover: a fixed sh script; removes only folders whose manifest marks them ours, then the folders it made if empty. */
export function removerScript(): string {
  return [
    'root="$HOME/.council/runtime"',
    'for d in "$root"/* "$root"/.incoming-* "$root"/.old-*; do',
    '  [ -d "$d" ] || continue',
    '  case "$d" in "$root"/.incoming-*|"$root"/.old-*) rm -rf -- "$d"; continue;; esac',
    '  line=',
    '  if [ -f "$d/runtime.json" ]; then IFS= read -r line < "$d/runtime.json" || [ -n "$line" ]; fi',
    `  case "$line" in *'"council":"${RUNTIME_MARK}"'*) rm -rf -- "$d" && printf "removed %s\\n" "$d";; esac`,
    'done',
    'rmdir -- "$root" 2>/dev/null',
    'rmdir -- "$HOME/.council" 2>/dev/null',
    'printf "council-remove-end\\n"',
    '',
  ].join('\n');
}

/** Removes every runtime of ours from the host; the folders removed. */
export async function removeRuntimes(host: string, options: SshOptions = {}): Promise<string[]> {
  const result = await sshOrThrow(host, ['sh', '-s'], { ...options, stdin: removerScript() });
  const lines = result.stdout.split('\n');
  if (!lines.includes('council-remove-end')) {
    throw new CouncilError('command-failed', `council's runtime could not be removed from ${host} (${result.stderr.trim().split('\n').pop() || `exit ${result.code}`}): remove ~/.council/runtime there by hand, or \`council host remove ${host} --forget\` to only forget the host`, {
      host,
      problem: 'remove',
    });
  }
  return lines.filter((l) => l.startsWith('removed ')).map((l) => l.slice('removed '.length));
}

function lastJson(stdout: string): unknown {
  const line = stdout.trim().split('\n').pop();
  if (!line) return null;
  try {
    return JSON.parse(line);
  } catch {
    return null;
  }
}
