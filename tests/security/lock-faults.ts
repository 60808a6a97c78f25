/**
 * Faults the lock hook must survive by denying, set up the way they happen for real, for the
 * security tests (lock-hook-process.test.ts with `council hook` alone, hook-fail-closed.test.ts
 * with the real agent CLIs).
 */
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach } from 'vitest';
import type { Session } from '../../shared/models';
import type { Council } from '../../electron/core/council';
import { MUTEX_STALE_MS } from '../../electron/core/state/json-store';
import { COUNCIL_BIN } from '../helpers/cli';
import { tempDir } from '../helpers/repo';

/**
 * Leaves `session`'s locks behind without the session: what a hook that took a lock while the
 * session was being removed leaves (removal releases the locks, then drops the record; a lock
 * linked in between belongs to nobody). The next hook to want such a file takes it over, under
 * the gone session's mutex.
 */
export async function orphanLocksOf(council: Council, session: Session): Promise<void> {
  await council.ws.registry.update((file) => {
    const sessions = { ...file.sessions };
    delete sessions[session.id];
    return { next: { ...file, sessions }, result: undefined };
  });
}

const held: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(held.splice(0).map((release) => release().catch(() => undefined)));
});

/**
 * Holds a session's lock mutex (the one FileLocks takes to release or take over its locks) as a
 * live holder would: the mutex file (`session-<id>.mutex`, state/file-mutex.ts) created and its
 * time refreshed every second, so it never looks stale (MUTEX_STALE_MS). Released after the test,
 * or by the function returned.
 */
export async function holdSessionMutex(council: Council, sessionId: string): Promise<() => Promise<void>> {
  mkdirSync(council.locks.dir, { recursive: true });
  const mutex = path.join(council.locks.dir, `session-${sessionId}.mutex`);
  closeSync(openSync(mutex, 'wx'));
  const refresh = setInterval(() => {
    const now = new Date();
    utimesSync(mutex, now, now);
  }, Math.min(1000, MUTEX_STALE_MS / 3));
  let released = false;
  const once = async (): Promise<void> => {
    if (released) return;
    released = true;
    clearInterval(refresh);
    rmSync(mutex, { force: true });
  };
  held.push(once);
  return once;
}

/** A Claude Code PreToolUse payload for writing `file` (relative to `cwd`). */
export function claudeWrite(cwd: string, file: string, content = 'x\n'): string {
  return JSON.stringify({ session_id: 'probe', cwd, hook_event_name: 'PreToolUse', tool_name: 'Write', tool_input: { file_path: path.join(cwd, file), content } });
}

export interface HookRunOptions {
  cwd: string;
  env?: Record<string, string | undefined>;
  timeoutMs?: number;
  /** Hold stdin back this long (an injected fault then strikes while the hook waits for it). */
  inputDelayMs?: number;
}

export interface HookRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs a command line through sh, as the agent CLIs run hooks, with `input` on stdin. */
export function runShell(line: string, input: string, options: HookRunOptions): Promise<HookRun> {
  return run('/bin/sh', ['-c', line], input, options);
}

/** `council hook pre-tool --agent <agent>` as its own process (the built bundle, this Node). */
export function runPreToolHook(agent: string, input: string, options: HookRunOptions): Promise<HookRun> {
  return run(process.execPath, [COUNCIL_BIN, 'hook', 'pre-tool', '--agent', agent], input, options);
}

function run(command: string, args: string[], input: string, options: HookRunOptions): Promise<HookRun> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: { ...process.env, ...options.env } });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000);
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdin.on('error', () => undefined);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, ms: Date.now() - started });
    });
    if (options.inputDelayMs) setTimeout(() => child.stdin.end(input), options.inputDelayMs);
    else child.stdin.end(input);
  });
}

/**
 * A `--require` module that strikes once the hook has started reading its stdin (so its own code,
 * not Node's start-up, is what is running; hold the input back with `inputDelayMs` so it strikes
 * before the decision): throws from a callback, rejects a promise nobody awaits, exits 0, or kills
 * the process. Returns the NODE_OPTIONS value that loads it.
 */
export function injectFault(kind: 'throw' | 'reject' | 'exit-0' | 'sigkill'): string {
  const action = {
    throw: "throw new Error('injected fault: a callback threw')",
    reject: "Promise.reject(new Error('injected fault: nobody awaited this'))",
    'exit-0': 'process.exit(0)',
    sigkill: "process.kill(process.pid, 'SIGKILL')",
  }[kind];
  const file = path.join(tempDir('council-fault-'), `${kind}.cjs`);
  // Fired once the hook starts reading its payload, i.e. mid-hook, after its guards are in place:
  // hooks read fd 0 themselves (cli/hook-stdin.ts: fstatSync(0) first), never touching
  // process.stdin (whose getter would itself start reading fd 0) unless that read is impossible.
  writeFileSync(
    file,
    [
      "const fs = require('node:fs');",
      'const fstatSync = fs.fstatSync;',
      'let fired = false;',
      `const fire = () => { if (!fired) { fired = true; setImmediate(() => { ${action}; }); } };`,
      'fs.fstatSync = function (fd, ...rest) { if (fd === 0) fire(); return fstatSync.call(this, fd, ...rest); };',
      '',
    ].join('\n'),
  );
  return `--require=${file}`;
}
