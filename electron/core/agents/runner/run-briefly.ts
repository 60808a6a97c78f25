import { spawn } from 'node:child_process';

/**
 * A short-lived program (a CLI's `--version`, a lock hook's probe) run with a timeout that kills it
 * and everything it started (its own process group): a child that keeps the output pipe open must
 * not hold the answer past the timeout. Output is kept up to 1 MB per stream, decoded once at the end.
 */

export interface BriefRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  /** Why it could not be started (spawn failed); null when it ran. */
  error: string | null;
}

export interface BriefOptions {
  env: Record<string, string | undefined>;
  cwd?: string;
  timeoutMs: number;
  /** Written to its stdin, then closed (otherwise stdin is closed at once). */
  input?: string;
  /** Run `file` as a shell command line (as agent CLIs run their hooks); default: an argument array. */
  shell?: boolean;
}

const KEEP_BYTES = 1024 * 1024;
/** How long the answer waits for the killed group's pipes to close. */
const AFTER_KILL_MS = 1000;

export function runBriefly(file: string, args: readonly string[], options: BriefOptions): Promise<BriefRun> {
  return new Promise((resolve) => {
    const out = { chunks: [] as Buffer[], bytes: 0 };
    const err = { chunks: [] as Buffer[], bytes: 0 };
    let settled = false;
    let timedOut = false;
    const finish = (result: Omit<BriefRun, 'stdout' | 'stderr'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ ...result, stdout: Buffer.concat(out.chunks).toString('utf8'), stderr: Buffer.concat(err.chunks).toString('utf8') });
    };
    const child = spawn(file, [...args], {
      env: options.env as NodeJS.ProcessEnv,
      cwd: options.cwd,
      shell: options.shell ?? false,
      detached: process.platform !== 'win32',
      windowsHide: true,
      stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    const keep = (into: { chunks: Buffer[]; bytes: number }) => (chunk: Buffer) => {
      if (into.bytes >= KEEP_BYTES) return;
      into.bytes += chunk.length;
      into.chunks.push(chunk);
    };
    child.stdout?.on('data', keep(out));
    child.stderr?.on('data', keep(err));
    const timer = setTimeout(() => {
      try {
        if (child.pid !== undefined) process.kill(process.platform === 'win32' ? child.pid : -child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
      timedOut = true;
      // Answered once the group is gone (its exit reaped), or after a moment when something that
      // left the group still holds the pipes.
      setTimeout(() => finish({ code: null, signal: null, timedOut: true, error: null }), AFTER_KILL_MS).unref();
    }, options.timeoutMs);
    child.on('error', (e) => finish({ code: null, signal: null, timedOut: false, error: e.message }));
    child.on('close', (code, signal) => finish({ code, signal, timedOut, error: null }));
    if (options.input !== undefined && child.stdin) {
      child.stdin.on('error', () => undefined); // a program that never reads its stdin
      child.stdin.end(options.input);
    }
  });
}
