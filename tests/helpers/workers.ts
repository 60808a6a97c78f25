import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { REPO_ROOT } from './cli';

/** Path of a bundled worker (tests/workers/<name>.ts, built by tests/global-setup.ts). */
export const workerPath = (name: string): string => path.join(REPO_ROOT, 'out', 'test-workers', `${name}.cjs`);

export interface RunningWorker {
  child: ChildProcess;
  /** Resolves with the exit code (null when killed by a signal), stdout and stderr. */
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
  /** Resolves once the worker prints a line containing `text` on stdout. */
  waitFor(text: string, timeoutMs?: number): Promise<void>;
}

const running: RunningWorker[] = [];

/** Kills (SIGKILL) every worker still running and waits for it: call it in afterEach. */
export async function stopWorkers(): Promise<void> {
  for (const w of running.splice(0)) {
    if (w.child.exitCode === null && w.child.signalCode === null) {
      w.child.kill('SIGKILL');
      await w.done;
    }
  }
}

/** Starts a worker as a real OS process (tracked for stopWorkers). */
export function startWorker(name: string, args: string[], options: { cwd?: string; env?: Record<string, string> } = {}): RunningWorker {
  const child = spawn(process.execPath, [workerPath(name), ...args], { cwd: options.cwd, env: { ...process.env, ...options.env } });
  let stdout = '';
  let stderr = '';
  const waiters: { text: string; resolve: () => void }[] = [];
  child.stdout?.on('data', (d: Buffer) => {
    stdout += d.toString();
    for (const w of [...waiters]) {
      if (stdout.includes(w.text)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  });
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve) => {
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  const worker: RunningWorker = {
    child,
    done,
    waitFor(text, timeoutMs = 20_000) {
      if (stdout.includes(text)) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`worker ${name} did not print "${text}" within ${timeoutMs} ms; stderr: ${stderr}`)), timeoutMs);
        waiters.push({
          text,
          resolve: () => {
            clearTimeout(timer);
            resolve();
          },
        });
      });
    },
  };
  running.push(worker);
  return worker;
}
