import { chmod, copyFile, constants as fsConstants, lstat, mkdir, readFile, readlink, realpath, symlink } from 'node:fs/promises';
import path from 'node:path';
import ignore from 'ignore';
import type { Session } from '../../../shared/models';
import { CouncilError, invalidInput } from '../errors';
import { ignoredEntries, ignoredFilesIn, untrackedFiles } from '../git/files';

export { runSetupCommand, setupFailure, SETUP_OUTPUT_TAIL_BYTES, type SetupCommandOptions, type SetupCommandResult } from './setup-command';

/*
 * Bootstrap of a freshly created session worktree: the untracked files it needs from the main
 * checkout (`.env` and friends), the environment its setup command and agent run with, and (in
 * setup-command.ts) the user's setup command itself.
 */

/** The file at the top of the main checkout listing what to copy into new worktrees (gitignore syntax). */
export const WORKTREE_INCLUDE_FILE = '.worktreeinclude';

/** Case-insensitive file systems are the default on macOS and Windows; git matches accordingly there. */
const IGNORE_CASE = process.platform === 'darwin' || process.platform === 'win32';

/** Is `child` (already resolved) `parent` itself or inside it? */
function isWithin(parent: string, child: string): boolean {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

const GLOB_CHARS = /[*?[\\]/;

/**
 * The literal leading folders a slash-containing pattern is anchored to (`apps/*\/.env` → `apps`,
 * `config/local.json` → `config/local.json`), or '' for a pattern that can match at any depth.
 */
function literalPrefix(pattern: string): string {
  let p = pattern.trim();
  if (!p || p.startsWith('#') || p.startsWith('!')) return '';
  p = p.replace(/\/+$/, '');
  // gitignore: a pattern with no slash except a trailing one matches at any depth.
  if (!p.includes('/')) return '';
  p = p.replace(/^\/+/, '');
  const literal: string[] = [];
  for (const part of p.split('/')) {
    if (GLOB_CHARS.test(part)) break;
    literal.push(part);
  }
  return literal.join('/');
}

/**
 * Should we list the files inside `dir` (an ignored folder git reported as a whole, e.g.
 * `node_modules/`)? Only when the patterns point there: the folder itself is included (`config/`),
 * or a pattern's literal path runs through it (`config/local.json`, `apps/*\/.env` for `apps/web/`).
 * A pattern that floats to any depth (`.env`, `*.pem`) does not make us walk every ignored folder:
 * that is what keeps `node_modules` and build output out of the listing.
 */
function worthListing(dir: string, matcher: ReturnType<typeof ignore>, prefixes: readonly string[]): boolean {
  if (matcher.ignores(`${dir}/`)) return true;
  return prefixes.some((prefix) => prefix === dir || prefix.startsWith(`${dir}/`) || dir.startsWith(`${prefix}/`));
}

/** Untracked files of the main checkout that could be copied: git does the walking (and stops at
 * ignored folders it reports as a whole, which we only open when a pattern points into them). */
async function untrackedCandidates(mainRoot: string, matcher: ReturnType<typeof ignore>, prefixes: readonly string[]): Promise<Set<string>> {
  const [others, ignored] = await Promise.all([
    untrackedFiles(mainRoot),
    ignoredEntries(mainRoot),
  ]);
  const files = new Set<string>();
  const openDirs: string[] = [];
  // Entries ending in '/' are folders git did not descend into: nested repositories in the first
  // listing (never copied), ignored folders in the second.
  for (const entry of others) if (!entry.endsWith('/')) files.add(entry);
  for (const entry of ignored) {
    if (!entry.endsWith('/')) files.add(entry);
    else if (worthListing(entry.slice(0, -1), matcher, prefixes)) openDirs.push(entry.slice(0, -1));
  }
  // Batched so a long list of folders stays well under the command-line length limit.
  for (let i = 0; i < openDirs.length; i += 100) {
    const inside = await ignoredFilesIn(mainRoot, openDirs.slice(i, i + 100));
    for (const entry of inside) if (!entry.endsWith('/')) files.add(entry);
  }
  return files;
}

async function readIncludeFile(mainRoot: string): Promise<string> {
  const file = path.join(mainRoot, WORKTREE_INCLUDE_FILE);
  try {
    // A symlinked include file could pull patterns from anywhere; only a real file counts.
    if (!(await lstat(file)).isFile()) return '';
    return await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw err;
  }
}

const errnoCode = (err: unknown): string | undefined => (err as NodeJS.ErrnoException | undefined)?.code;

async function exists(file: string): Promise<boolean> {
  try {
    await lstat(file);
    return true;
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return false;
    throw err;
  }
}

/**
 * Copies the untracked files the new worktree needs from the main checkout: those matched by the
 * patterns of `.worktreeinclude` (at the main checkout's top) plus `extraPatterns` (the settings'
 * `worktreeInclude`), gitignore syntax for both. Typically `.env`, `.env.local`, `config/local.json`:
 * gitignored, so a fresh worktree lacks them.
 *
 * - Tracked files are never candidates (the checkout already put them there) and nothing that exists
 *   in the worktree is overwritten.
 * - Symlinks are never followed out of the main checkout: a relative link that resolves inside it is
 *   recreated as the same link; any other link is skipped. A file reached through a symlinked folder
 *   is skipped too.
 * - Modes are kept (an executable script stays executable); `.git` is never copied.
 * - A folder git ignores as a whole (`node_modules/`, `secrets/`) is only looked into when a pattern
 *   points there (`secrets/`, `secrets/api.key`); a pattern for any depth (`.env`, `*.pem`) matches
 *   everywhere else but does not make us walk dependency folders.
 *
 * Returns the copied paths, repo-relative with forward slashes, sorted.
 */
export async function copyIncludedFiles(mainRoot: string, worktree: string, extraPatterns: readonly string[] = []): Promise<string[]> {
  const fromFile = await readIncludeFile(mainRoot);
  const patterns = [...fromFile.split(/\r?\n/), ...extraPatterns].filter((p) => p.trim() && !p.trim().startsWith('#'));
  if (patterns.length === 0) return [];
  const matcher = ignore({ ignorecase: IGNORE_CASE }).add(patterns);
  const prefixes = patterns.map(literalPrefix).filter(Boolean);
  const candidates = await untrackedCandidates(mainRoot, matcher, prefixes);
  const [realMain, realWorktree] = await Promise.all([realpath(mainRoot), realpath(worktree)]);

  const copied: string[] = [];
  for (const rel of [...candidates].sort()) {
    if (rel.split('/').includes('.git') || !matcher.ignores(rel)) continue;
    if (await copyOne(realMain, realWorktree, rel)) copied.push(rel);
  }
  return copied;
}

/** Copies one candidate; false when it is skipped (a link out, something in the way, vanished). */
async function copyOne(realMain: string, realWorktree: string, rel: string): Promise<boolean> {
  const source = path.join(realMain, ...rel.split('/'));
  const target = path.join(realWorktree, ...rel.split('/'));
  let stats;
  try {
    stats = await lstat(source);
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return false; // deleted since git listed it
    throw err;
  }
  let linkText: string | null = null;
  if (stats.isSymbolicLink()) {
    linkText = await readlink(source);
    if (path.isAbsolute(linkText)) return false;
    const resolved = await realpath(source).catch(() => null);
    if (!resolved || !isWithin(realMain, resolved)) return false;
    // Recreated in the worktree, the same text must land inside the worktree (`../demo/x` from a
    // checkout named demo resolves into the main checkout, not into the worktree).
    if (!isWithin(realWorktree, path.resolve(path.dirname(target), linkText))) return false;
  } else if (stats.isFile()) {
    // git lists paths, not how it reached them: refuse a file whose folder is a link out.
    if (!isWithin(realMain, await realpath(path.dirname(source)))) return false;
  } else {
    return false;
  }

  const targetDir = path.dirname(target);
  await mkdir(targetDir, { recursive: true });
  // The worktree's own tracked content could hold a symlinked folder; never write through it.
  if (!isWithin(realWorktree, await realpath(targetDir))) return false;
  if (await exists(target)) return false;
  try {
    if (linkText !== null) {
      await symlink(linkText, target);
    } else {
      await copyFile(source, target, fsConstants.COPYFILE_EXCL);
      await chmod(target, stats.mode & 0o7777);
    }
  } catch (err) {
    if (errnoCode(err) === 'EEXIST') return false;
    throw new CouncilError('internal', `could not copy ${rel} into the new worktree ${realWorktree}: ${(err as Error).message}`);
  }
  return true;
}

/** The environment a session's setup command and agent run with. */
export interface SessionEnvironment {
  COUNCIL_SESSION_ID: string;
  /** The main checkout's root. */
  COUNCIL_REPO: string;
  COUNCIL_WORKTREE: string;
  COUNCIL_BRANCH: string;
  /** A TCP port that was free on 127.0.0.1 when the session was set up, for its dev server. */
  PORT: string;
  [key: string]: string;
}

export interface SessionEnvironmentOptions {
  session: Pick<Session, 'id' | 'branch' | 'worktreePath'>;
  repoRoot: string;
  /** Look for a free port from this one upwards (the OS picks one when omitted). */
  basePort?: number;
}

/**
 * Ports handed out by this process, oldest first. Probing closes its socket, so the OS may give the
 * same port to the next probe: two sessions set up together would then share a dev-server port.
 * Bounded: after this many sessions the oldest reservations lapse (their servers, if any, hold the
 * port by then, which probing sees).
 */
const reservedPorts = new Map<number, string>();
const RESERVATION_LIMIT = 256;
const BASE_PORT_SPAN = 200;

/** Forgets the port reserved for a session (e.g. when the session is removed). */
export function releaseSessionPort(sessionId: string): void {
  for (const [port, owner] of reservedPorts) if (owner === sessionId) reservedPorts.delete(port);
}

function reserve(port: number, sessionId: string): void {
  reservedPorts.set(port, sessionId);
  while (reservedPorts.size > RESERVATION_LIMIT) {
    const oldest = reservedPorts.keys().next().value;
    if (oldest === undefined) break;
    reservedPorts.delete(oldest);
  }
}

/** Binds 127.0.0.1:`port` (0: any), closes it again, and says which port it got; null if in use. */
async function probePort(port: number): Promise<number | null> {
  // Loaded here: the CLI's lock and context commands (an agent's every edit) never need the network.
  const net = await import('node:net');
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE' || err.code === 'EACCES') resolve(null);
      else reject(err);
    });
    server.listen({ host: '127.0.0.1', port, exclusive: true }, () => {
      const address = server.address();
      const got = typeof address === 'object' && address ? address.port : null;
      server.close(() => resolve(got));
    });
  });
}

async function freePort(sessionId: string, basePort: number | undefined): Promise<number> {
  for (const [port, owner] of reservedPorts) if (owner === sessionId) return port;
  if (basePort !== undefined) {
    for (let port = basePort; port < Math.min(basePort + BASE_PORT_SPAN, 65536); port++) {
      if (reservedPorts.has(port)) continue;
      const got = await probePort(port);
      // Checked again after the await: a concurrent caller may have taken it meanwhile.
      if (got !== null && !reservedPorts.has(got)) {
        reserve(got, sessionId);
        return got;
      }
    }
  }
  for (let attempt = 0; attempt < 50; attempt++) {
    const got = await probePort(0);
    if (got !== null && !reservedPorts.has(got)) {
      reserve(got, sessionId);
      return got;
    }
  }
  throw new CouncilError('internal', 'could not find a free TCP port on 127.0.0.1 for the session');
}

/**
 * The variables a session's setup command and agent see: who they are, where the main checkout and
 * the worktree are, and a free `PORT` so parallel sessions' dev servers do not collide. Asking again
 * for the same session gives the same port until `releaseSessionPort`.
 */
export async function sessionEnvironment(options: SessionEnvironmentOptions): Promise<SessionEnvironment> {
  const { session, repoRoot, basePort } = options;
  if (basePort !== undefined && (!Number.isInteger(basePort) || basePort < 1 || basePort > 65535)) {
    throw invalidInput(`the base port must be a whole number from 1 to 65535, not ${String(basePort)}`);
  }
  const port = await freePort(session.id, basePort);
  return {
    COUNCIL_SESSION_ID: session.id,
    COUNCIL_REPO: repoRoot,
    COUNCIL_WORKTREE: session.worktreePath,
    COUNCIL_BRANCH: session.branch,
    PORT: String(port),
  };
}
