import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync, statSync } from 'node:fs';
import { councilCommand } from '../core/agents/council-command';
import { CouncilError } from '../core/errors';

/**
 * The one way the CLI starts a background worker that outlives it (`council queue run` after
 * `council merge`, `council agent-host` after `council run` / `session create --headless`): its
 * own process group (detached), nothing on stdin, and its output either appended to a log file for
 * its whole life, or — without one — its stderr read until it is under way and then let go. The
 * worker is watched for a moment: one that cannot be started, or that stops at once with a failure,
 * is an error with what it said; one that is under way (or ended well) is left running.
 */

export interface DetachedOptions {
  cwd: string;
  env?: Record<string, string | undefined>;
  /** Where its stdout and stderr go (appended; started afresh once past `maxLogBytes`). */
  logFile?: string;
  maxLogBytes?: number;
  /** Whether it is under way (asked every 25 ms); until then, or `watchMs`, it is watched. */
  ready?: () => boolean;
  watchMs: number;
  /** What it is, in an error: "the background merge queue runner". */
  what: string;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function logTail(file: string): string {
  try {
    return readFileSync(file, 'utf8').trim().split('\n').slice(-5).join('\n');
  } catch {
    return '';
  }
}

/** Starts `argv` detached; resolves with its pid once it is under way (see above). */
export async function startDetached(argv: readonly string[], options: DetachedOptions): Promise<number | null> {
  const [program, ...args] = argv as [string, ...string[]];
  let fd: number | null = null;
  if (options.logFile) {
    let size = 0;
    try {
      size = statSync(options.logFile).size;
    } catch {
      // no log yet
    }
    fd = openSync(options.logFile, size > (options.maxLogBytes ?? 1024 * 1024) ? 'w' : 'a');
  }
  let child: ChildProcess;
  try {
    child = spawn(program, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      detached: true,
      stdio: fd === null ? ['ignore', 'ignore', 'pipe'] : ['ignore', fd, fd],
      windowsHide: true,
    });
  } finally {
    if (fd !== null) closeSync(fd);
  }
  let said = '';
  let exited: number | null = null;
  let failedToStart: Error | null = null;
  child.stderr?.on('data', (d: Buffer) => (said += d.toString()));
  child.on('exit', (code) => (exited = code ?? 1));
  child.on('error', (err) => (failedToStart = err));
  const ready = options.ready ?? (() => false);
  for (let waited = 0; waited < options.watchMs && exited === null && !failedToStart && !ready(); waited += 25) await sleep(25);
  if (failedToStart) throw new CouncilError('internal', `could not start ${options.what}: ${(failedToStart as Error).message}`);
  if (exited !== null && exited !== 0 && !ready()) {
    const text = (options.logFile ? logTail(options.logFile) : said.trim()) || '';
    throw new CouncilError('command-failed', `${options.what} stopped at once (exit ${exited})${text ? `:\n${text}` : ''}`);
  }
  child.stderr?.destroy();
  child.unref();
  return child.pid ?? null;
}

/** Starts `council <args>` (this same CLI bundle) as a detached worker. */
export function startCouncilWorker(args: readonly string[], options: DetachedOptions): Promise<number | null> {
  const command = councilCommand();
  return startDetached([...command.argv, ...args], { ...options, env: { ...process.env, ...command.env, ...options.env } });
}
