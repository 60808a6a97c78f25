import type { AgentPresetId, AgentRun, RunMode, RunResult } from '../../../shared/agents';
import { countCommits } from '../git/history';
import { branchRef } from '../git/refs';
import { sessionChanges } from '../sessions/changes';
import type { AgentManager } from './manager';

/**
 * Runs one agent in each of several sessions, at most `concurrency` at a time. An agent that fails
 * before doing any work (no tool call, no edit: a dead server, a bad login) is retried with
 * exponential backoff up to `maxRetries` times; one that failed after working is not (its work is
 * there to look at). Cancel stops the running ones and starts no more.
 */

export interface ExecutorOptions {
  preset?: AgentPresetId;
  mode?: RunMode;
  concurrency: number;
  maxRetries: number;
  /** First retry delay; doubles each time. */
  backoffMs?: number;
  signal?: AbortSignal;
  /** Called whenever a session's run starts, retries or ends. */
  onProgress?: (sessionId: string, run: AgentRun, note: string) => void;
}

const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });

async function commitsAhead(manager: AgentManager, sessionId: string): Promise<number> {
  const session = manager.council.session(sessionId);
  return (await countCommits(manager.council.ws.repo.mainRoot, branchRef(session.branch), session.baseCommit)) || 0;
}

async function runOne(manager: AgentManager, sessionId: string, options: ExecutorOptions): Promise<RunResult> {
  const started = Date.now();
  const backoff = options.backoffMs ?? 1000;
  let attempt = 0;
  let run: AgentRun | null = null;
  for (;;) {
    attempt += 1;
    if (options.signal?.aborted) break;
    try {
      const first = await manager.start(sessionId, { preset: options.preset, mode: options.mode ?? 'headless', attempt });
      options.onProgress?.(sessionId, first, attempt > 1 ? `retry ${attempt - 1} started` : 'started');
      run = (await manager.waitForEnd(sessionId)) ?? first;
    } catch (err) {
      // Could not even start (unknown preset, missing program found at launch time): not retried.
      return {
        sessionId,
        preset: options.preset ?? 'custom',
        state: 'failed',
        attempts: attempt,
        exitCode: null,
        reason: (err as Error).message,
        filesChanged: [],
        commits: 0,
        durationMs: Date.now() - started,
        costUsd: null,
      };
    }
    options.onProgress?.(sessionId, run, run.state);
    const retry = run.state === 'failed' && !run.didWork && attempt <= options.maxRetries && !options.signal?.aborted;
    if (!retry) break;
    await sleep(backoff * 2 ** (attempt - 1), options.signal);
  }
  const session = manager.council.session(sessionId);
  const [changes, commits] = await Promise.all([sessionChanges(manager.council.ws, session).catch(() => []), commitsAhead(manager, sessionId).catch(() => 0)]);
  return {
    sessionId,
    preset: run?.preset ?? options.preset ?? 'custom',
    state: run?.state ?? 'stopped',
    attempts: attempt,
    exitCode: run?.exitCode ?? null,
    reason: run?.reason ?? (run ? null : 'cancelled before it started'),
    filesChanged: changes.map((file) => file.path),
    commits,
    durationMs: Date.now() - started,
    costUsd: run?.costUsd ?? null,
  };
}

/** Runs the sessions' agents and resolves with one result per session, in the order given. */
export async function runSessions(manager: AgentManager, sessionIds: string[], options: ExecutorOptions): Promise<RunResult[]> {
  const results = new Array<RunResult>(sessionIds.length);
  let next = 0;
  const onAbort = (): void => void manager.stopAll();
  options.signal?.addEventListener('abort', onAbort);
  const worker = async (): Promise<void> => {
    for (;;) {
      const index = next++;
      if (index >= sessionIds.length) return;
      results[index] = await runOne(manager, sessionIds[index] as string, options);
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, Math.min(options.concurrency, sessionIds.length)) }, worker));
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
  }
  return results;
}

/** Exit status for `council run --wait`: success only when every session's agent finished. */
export const allSucceeded = (results: RunResult[]): boolean => results.length > 0 && results.every((result) => result.state === 'done');
