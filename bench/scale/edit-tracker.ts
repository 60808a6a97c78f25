import { statSync } from 'node:fs';
import path from 'node:path';
import type { AgentRun } from '../../shared/agents';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * When each file first appeared in its session's run (`filesTouched`), as the app's clients hear
 * it (`agent.run` events): the edits the main process saw, against the edits the agents made.
 */
export class EditTracker {
  private readonly seen = new Map<string, Map<string, number>>();

  onRun(run: AgentRun): void {
    let paths = this.seen.get(run.sessionId);
    if (!paths) this.seen.set(run.sessionId, (paths = new Map()));
    const now = Date.now();
    for (const file of run.filesTouched) if (!paths.has(file)) paths.set(file, now);
  }

  /** When `file` first showed on the session's run (Date.now() ms), or null. */
  at(sessionId: string, file: string): number | null {
    return this.seen.get(sessionId)?.get(file) ?? null;
  }

  /** How many of the expected (session, file) pairs have been seen. */
  seenCount(expected: ReadonlyMap<string, readonly string[]>): number {
    let done = 0;
    for (const [id, files] of expected) for (const file of files) if (this.at(id, file) !== null) done++;
    return done;
  }

  /** Waits until every expected edit is seen or `timeoutMs` passes; calls `tick` meanwhile. Returns how many were seen. */
  async waitAll(expected: ReadonlyMap<string, readonly string[]>, timeoutMs: number, tick: () => void = () => undefined): Promise<number> {
    const total = [...expected.values()].reduce((n, files) => n + files.length, 0);
    const end = performance.now() + timeoutMs;
    for (;;) {
      const done = this.seenCount(expected);
      if (done === total || performance.now() > end) return done;
      tick();
      await sleep(25);
    }
  }

  /** Written (the file's mtime) → seen on the run, for each seen edit (ms). */
  latencies(expected: ReadonlyMap<string, readonly string[]>, worktreeOf: (sessionId: string) => string): number[] {
    const out: number[] = [];
    for (const [id, files] of expected) {
      for (const file of files) {
        const seenAt = this.at(id, file);
        if (seenAt !== null) out.push(seenAt - statSync(path.join(worktreeOf(id), file)).mtimeMs);
      }
    }
    return out;
  }
}

/** Every expected edit not seen, as `session: file` (for a failure message). */
export function missingEdits(tracker: EditTracker, expected: ReadonlyMap<string, readonly string[]>): string[] {
  const out: string[] = [];
  for (const [id, files] of expected) for (const file of files) if (tracker.at(id, file) === null) out.push(`${id}: ${file}`);
  return out;
}
