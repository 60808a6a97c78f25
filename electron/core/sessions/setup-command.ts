import { spawn, type ChildProcess } from 'node:child_process';
import { StringDecoder } from 'node:string_decoder';
import { CouncilError, invalidInput } from '../errors';

/*
 * The settings' setup command (`npm ci`, `cp .env.example .env && make deps` …), run in a new
 * worktree before its agent starts. It is a command line the user wrote, so unlike git (always an
 * argument array, see git/git.ts) it goes through a shell on purpose: `/bin/sh -c <command>`, or
 * `cmd.exe /d /s /c` on Windows, with the whole command as one argument.
 */

/** How much of the output the result keeps (the end: that is where a failure explains itself). */
export const SETUP_OUTPUT_TAIL_BYTES = 64 * 1024;

export interface SetupCommandOptions {
  command: string;
  cwd: string;
  /** Added to the inherited environment (e.g. sessionEnvironment()'s variables). */
  env?: Readonly<Record<string, string>>;
  timeoutMs: number;
  /** Output as it arrives (stdout and stderr interleaved), for visible progress. */
  onOutput?: (text: string) => void;
  /** After a timeout: how long the process group gets between SIGTERM and SIGKILL. */
  killGraceMs?: number;
}

export interface SetupCommandResult {
  command: string;
  /** null when the shell was ended by a signal. */
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  /** The limit it ran under. */
  timeoutMs: number;
  durationMs: number;
  /** The last SETUP_OUTPUT_TAIL_BYTES of stdout and stderr, interleaved as they arrived. */
  output: string;
}

/** How long to wait for the output pipes to close once the shell has exited: a background process
 * the command started (a daemon, `… &`) may hold them open for good. */
const DRAIN_AFTER_EXIT_MS = 1000;
/** After the final SIGKILL, how long before giving up on pipes held by an escaped process. */
const GIVE_UP_AFTER_KILL_MS = 2000;
/** setTimeout's ceiling: a longer delay fires at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;

function shellInvocation(command: string): { file: string; args: string[]; verbatim: boolean } {
  if (process.platform === 'win32') {
    // The same quoting Node uses for `shell: true`: cmd takes the rest of its line verbatim.
    return { file: process.env.ComSpec ?? 'cmd.exe', args: ['/d', '/s', '/c', `"${command}"`], verbatim: true };
  }
  return { file: '/bin/sh', args: ['-c', command], verbatim: false };
}

/** Signals the command's whole process tree: its process group on POSIX (it was started as a group
 * leader), `taskkill /T` on Windows. Already gone is fine. */
function killTree(child: ChildProcess, signal: NodeJS.Signals): void {
  const pid = child.pid;
  if (pid === undefined) return;
  if (process.platform === 'win32') {
    spawn('taskkill', ['/pid', String(pid), '/T', '/F'], { stdio: 'ignore', windowsHide: true }).on('error', () => undefined);
    return;
  }
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: the group is already empty.
  }
}

class OutputTail {
  private chunks: Buffer[] = [];
  private size = 0;
  private trimmed = false;

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.size += chunk.length;
    while (this.chunks.length > 1 && this.size - this.chunks[0]!.length >= SETUP_OUTPUT_TAIL_BYTES) {
      this.size -= this.chunks.shift()!.length;
      this.trimmed = true;
    }
  }

  text(): string {
    let all = Buffer.concat(this.chunks);
    if (all.length > SETUP_OUTPUT_TAIL_BYTES) {
      all = all.subarray(all.length - SETUP_OUTPUT_TAIL_BYTES);
      this.trimmed = true;
    }
    if (this.trimmed) {
      // Cut on a byte boundary: drop a partial UTF-8 character at the start.
      let start = 0;
      while (start < all.length && start < 4 && (all[start]! & 0xc0) === 0x80) start++;
      all = all.subarray(start);
    }
    return all.toString('utf8');
  }
}

/**
 * Runs the setup command in `cwd` and resolves when it is over, whatever the outcome (a non-zero
 * exit or a timeout is in the result; see setupFailure). Rejects only when the shell cannot start.
 * On timeout the whole process tree is stopped: SIGTERM to the group, SIGKILL after the grace.
 */
export function runSetupCommand(options: SetupCommandOptions): Promise<SetupCommandResult> {
  const { command, cwd, timeoutMs, onOutput } = options;
  if (!command.trim()) return Promise.reject(invalidInput('the setup command is empty'));
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0 || timeoutMs > MAX_TIMER_MS) {
    return Promise.reject(invalidInput(`the setup timeout must be between 1 ms and ${MAX_TIMER_MS} ms, not ${timeoutMs}`));
  }
  const grace = options.killGraceMs ?? 3000;
  const shell = shellInvocation(command);
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(shell.file, shell.args, {
      cwd,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      // POSIX: a new process group (and session) led by the shell, so a timeout can end every
      // process the command started. Windows: taskkill /T walks the tree instead, and detached
      // would open a console window.
      detached: process.platform !== 'win32',
      windowsHide: true,
      windowsVerbatimArguments: shell.verbatim,
    });
    const tail = new OutputTail();
    const timers = new Set<NodeJS.Timeout>();
    const later = (ms: number, run: () => void): void => {
      timers.add(setTimeout(run, ms));
    };
    let timedOut = false;
    let settled = false;

    for (const stream of [child.stdout, child.stderr]) {
      const decoder = new StringDecoder('utf8');
      stream.on('data', (chunk: Buffer) => {
        tail.push(chunk);
        const text = decoder.write(chunk);
        if (text && onOutput) {
          try {
            onOutput(text);
          } catch {
            // A listener's failure must not stop the command or lose its result.
          }
        }
      });
    }
    const stopPipes = (): void => {
      child.stdout.destroy();
      child.stderr.destroy();
    };

    later(timeoutMs, () => {
      timedOut = true;
      killTree(child, 'SIGTERM');
      later(grace, () => {
        killTree(child, 'SIGKILL');
        later(GIVE_UP_AFTER_KILL_MS, stopPipes);
      });
    });
    child.once('exit', () => {
      if (!timedOut) later(DRAIN_AFTER_EXIT_MS, stopPipes);
    });
    child.once('error', (err) => {
      if (settled) return;
      settled = true;
      for (const t of timers) clearTimeout(t);
      reject(new CouncilError('internal', `could not start the setup command "${command}" in ${cwd}: ${err.message}`));
    });
    child.once('close', (code, signal) => {
      if (settled) return;
      settled = true;
      for (const t of timers) clearTimeout(t);
      // Anything of the tree still alive after a timeout (it closed its output, or ignored SIGTERM
      // without holding the pipes) is ended now.
      if (timedOut) killTree(child, 'SIGKILL');
      resolve({ command, exitCode: code, signal, timedOut, timeoutMs, durationMs: Math.round(performance.now() - started), output: tail.text() });
    });
  });
}

const LAST_LINES = 20;

/** The error to show for a setup that did not succeed (null when it did): names the command, how
 * it ended, and the last lines of its output. */
export function setupFailure(result: SetupCommandResult): CouncilError | null {
  if (!result.timedOut && result.exitCode === 0) return null;
  const seconds = (ms: number): string => `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
  const how = result.timedOut
    ? `timed out after ${seconds(result.timeoutMs)} and was stopped, with everything it started`
    : result.exitCode !== null
      ? `failed with exit code ${result.exitCode} after ${seconds(result.durationMs)}`
      : `was killed by ${result.signal ?? 'a signal'} after ${seconds(result.durationMs)}`;
  const lines = result.output.replace(/\s+$/, '').split(/\r?\n/).slice(-LAST_LINES).join('\n');
  const said = lines ? `; its last output:\n${lines}` : ' without any output';
  return new CouncilError('internal', `setup command "${result.command}" ${how}${said}`, {
    command: result.command,
    exitCode: result.exitCode,
    signal: result.signal,
    timedOut: result.timedOut,
  });
}
