import { spawn, type ChildProcess } from 'node:child_process';
import { statSync } from 'node:fs';
import { CouncilError } from '../errors';

/**
 * The one place that starts git. Arguments are always an array (never a shell string, shell:false);
 * the environment is hand-picked; every call declares which exit codes it expects.
 *
 * git is started with node's own spawn. It used to go through simple-git, whose completion plugin
 * waits 50 ms after every git process that printed nothing (`if (silent) await delay(50)`), with no
 * option to turn the wait off (simple-git 4.0.2 and 4.1.0; the plugin list is built privately in its
 * factory). Silent commands are common (update-ref, config, read-tree, a clean diff), so that cost
 * up to 50 ms each and had to be dodged by making git print something (issue 13).
 */
export interface GitCall {
  cwd: string;
  /** Exit codes that are answers, not failures (e.g. 1 for `merge-tree` with conflicts). 0 is always fine. */
  okExitCodes?: readonly number[];
  /** Extra environment for this call only, e.g. `GIT_INDEX_FILE` for a temporary index. */
  env?: Readonly<Record<string, string>>;
  /** Text fed to git's standard input (which is otherwise empty). */
  input?: string;
  /** Stop git (SIGINT, so it removes its lock files) if it prints nothing for this long. */
  timeoutMs?: number;
}

export interface GitOutput {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/** Variables of the user's environment that are about identity, config and transport: kept.
 * Everything else that starts with GIT_ (GIT_DIR, GIT_WORK_TREE, GIT_INDEX_FILE … set when we run
 * inside someone's git hook) is dropped so it cannot point our git at the wrong repository. */
const PASS_THROUGH = [
  'GIT_AUTHOR_NAME',
  'GIT_AUTHOR_EMAIL',
  'GIT_AUTHOR_DATE',
  'GIT_COMMITTER_NAME',
  'GIT_COMMITTER_EMAIL',
  'GIT_COMMITTER_DATE',
  'GIT_CONFIG_GLOBAL',
  'GIT_CONFIG_SYSTEM',
  'GIT_CONFIG_NOSYSTEM',
  'GIT_SSH',
  'GIT_SSH_COMMAND',
  'GIT_ASKPASS',
  'GIT_EXEC_PATH',
  'GIT_TRACE',
] as const;

/** Variables we set ourselves on some calls (through `GitCall.env`). */
const OWN = ['GIT_INDEX_FILE', 'GIT_SSH_VARIANT', 'GIT_TERMINAL_PROMPT', 'GIT_OPTIONAL_LOCKS', 'GIT_MERGE_AUTOEDIT', 'LC_ALL'] as const;

/** Never handed to git: we never want an editor or a pager to start (every call is non-interactive). */
const DROPPED = new Set(['EDITOR', 'VISUAL', 'PAGER', 'SSH_ASKPASS', 'PREFIX']);

const KEPT: ReadonlySet<string> = new Set<string>(PASS_THROUGH);
const SETTABLE: ReadonlySet<string> = new Set<string>([...PASS_THROUGH, ...OWN]);

function environment(extra: Readonly<Record<string, string>> | undefined): Record<string, string> {
  for (const key of Object.keys(extra ?? {})) {
    if ((key.startsWith('GIT_') && !SETTABLE.has(key)) || DROPPED.has(key.toUpperCase())) {
      throw new CouncilError('internal', `git() does not set ${key}: add it to the variables in core/git/git.ts if a call needs it`);
    }
  }
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value === undefined) continue;
    if (key.startsWith('GIT_') && !KEPT.has(key)) continue;
    if (DROPPED.has(key.toUpperCase())) continue;
    env[key] = value;
  }
  env.GIT_TERMINAL_PROMPT = '0';
  env.GIT_MERGE_AUTOEDIT = 'no';
  env.LC_ALL = 'C';
  // git refuses an abbreviated long option (`--verb` for `--verbose`), so a call cannot come to
  // mean something else when a later git adds an option (simple-git set this too).
  env.GIT_TEST_DISALLOW_ABBREVIATED_OPTIONS = 'true';
  return { ...env, ...extra };
}

/** How long to wait for git's output streams to close once git itself has exited. They close at
 * once unless something git started (a hook's background child) still holds them; then we stop
 * waiting and keep what git printed. The wait is counted in quiet time after the exit, and ends only
 * after the event loop has looked at the pipes once more: on a busy host the exit can be seen long
 * before the output is read, and a 50 ms wall-clock grace once returned git's answer empty
 * ("0 ahead, 0 behind", a clean status, no git dir) — a false "merged" on the board. */
const EXIT_GRACE_MS = 200;
/** However long something git started keeps writing to its pipes, the answer comes this long after git's exit. */
const EXIT_GRACE_MAX_MS = 5000;

interface GitExit {
  /** null when a signal ended git. */
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  /** stdout as git wrote it (for blobs that are not text: images). */
  stdoutBytes: Buffer;
  stderr: string;
  /** Stopped by us: silent for longer than `timeoutMs`. */
  timedOut: boolean;
}

function run(args: readonly string[], call: GitCall, env: Record<string, string>): Promise<GitExit> {
  return new Promise((resolve, reject) => {
    let child: ChildProcess;
    try {
      child = spawn('git', [...args], {
        cwd: call.cwd,
        env,
        stdio: [call.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
        shell: false,
        windowsHide: true,
      });
    } catch (err) {
      reject(err);
      return;
    }
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    let silence: NodeJS.Timeout | undefined;
    let grace: NodeJS.Timeout | undefined;
    let exited: { code: number | null; signal: NodeJS.Signals | null } | null = null;
    let settled = false;

    const settle = (outcome: Error | null): void => {
      if (settled) return;
      settled = true;
      clearTimeout(silence);
      clearTimeout(grace);
      if (outcome) {
        reject(outcome);
        return;
      }
      child.stdout?.destroy();
      child.stderr?.destroy();
      const stdoutBytes = Buffer.concat(out);
      resolve({
        exitCode: exited?.code ?? null,
        signal: exited?.signal ?? null,
        stdout: stdoutBytes.toString('utf8'),
        stdoutBytes,
        stderr: Buffer.concat(err).toString('utf8'),
        timedOut,
      });
    };
    const stopWhenSilent = (): void => {
      if (!call.timeoutMs || exited) return;
      clearTimeout(silence);
      silence = setTimeout(() => {
        timedOut = true;
        child.kill('SIGINT');
      }, call.timeoutMs);
    };

    let chunks = 0;
    /** After the exit: settle once the streams have been quiet for the grace period and the loop
     * has polled the pipes after that (a setImmediate runs after the poll phase), never on a timer
     * that fired before anything was read. */
    let exitedAt = 0;
    const waitForStreams = (): void => {
      exitedAt ||= performance.now();
      const seen = chunks;
      grace = setTimeout(() => {
        setImmediate(() => {
          if (chunks !== seen && performance.now() - exitedAt < EXIT_GRACE_MAX_MS) waitForStreams();
          else settle(null);
        });
      }, EXIT_GRACE_MS);
    };
    child.stdout?.on('data', (chunk: Buffer) => {
      out.push(chunk);
      chunks++;
      stopWhenSilent();
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      err.push(chunk);
      chunks++;
      stopWhenSilent();
    });
    child.on('error', (error) => settle(error));
    child.on('exit', (code, signal) => {
      exited = { code, signal };
      clearTimeout(silence);
      waitForStreams();
    });
    child.on('close', (code, signal) => {
      exited ??= { code, signal };
      settle(null);
    });
    if (call.input !== undefined && child.stdin) {
      // git may exit without reading all of it (EPIPE): its exit code tells what happened.
      child.stdin.on('error', () => undefined);
      child.stdin.end(call.input, 'utf8');
    }
    stopWhenSilent();
  });
}

function isFolder(dir: string): boolean {
  try {
    return statSync(dir).isDirectory();
  } catch {
    return false;
  }
}

/** Why a spawn failed, in words: git missing, or the folder to run it in missing. */
function spawnFailure(args: readonly string[], cwd: string, error: unknown): CouncilError {
  const code = (error as NodeJS.ErrnoException).code;
  const message = error instanceof Error ? error.message : String(error);
  if (code === 'ENOENT' || code === 'ENOTDIR') {
    if (!isFolder(cwd)) {
      return new CouncilError('git-failed', `git ${args[0] ?? ''} failed: the folder ${cwd} does not exist`, { args: [...args] });
    }
    return new CouncilError('internal', 'git was not found on PATH: install git 2.38 or newer');
  }
  return new CouncilError('git-failed', `git ${args[0] ?? ''} failed: ${message}`, { args: [...args] });
}

export async function git(args: readonly string[], call: GitCall): Promise<GitOutput> {
  return (await gitRun(args, call)).output;
}

/** git's output as bytes (a blob that is not text, e.g. an image for the diff's preview). */
export async function gitBytes(args: readonly string[], call: GitCall): Promise<Buffer> {
  return (await gitRun(args, call)).bytes;
}

async function gitRun(args: readonly string[], call: GitCall): Promise<{ output: GitOutput; bytes: Buffer }> {
  const env = environment(call.env);
  let exit: GitExit;
  try {
    exit = await run(args, call, env);
  } catch (error) {
    throw spawnFailure(args, call.cwd, error);
  }
  const { exitCode, stdout, stderr } = exit;
  if (exitCode === 0) return { output: { stdout, stderr, exitCode }, bytes: exit.stdoutBytes };
  if (exitCode !== null && !exit.timedOut && call.okExitCodes?.includes(exitCode)) return { output: { stdout, stderr, exitCode }, bytes: exit.stdoutBytes };
  const said = exit.timedOut
    ? `stopped after printing nothing for ${call.timeoutMs} ms`
    : stderr.trim() || stdout.trim() || (exitCode === null ? `ended by ${exit.signal ?? 'a signal'}` : `exit status ${exitCode}`);
  throw new CouncilError('git-failed', `git ${args[0] ?? ''} failed: ${said}`, { args: [...args], exitCode, stderr });
}
