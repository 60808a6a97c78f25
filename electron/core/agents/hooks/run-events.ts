import { appendFileSync, closeSync, fstatSync, openSync, readSync, watch } from 'node:fs';
import type { AgentEvent, AgentEventInput } from '../../../../shared/agents';
import { AgentEventSchema } from '../../../../shared/agents';
import type { LockScope } from '../../locks/repo-locks';
import { isLive, RunStore } from '../run-store';

/*
 * An interactive run has no structured output to parse: what its agent does is known from its
 * hooks (tool uses, questions, the end of each turn), which run in their own `council hook`
 * processes. They append those to the run's events file, and the process hosting the run follows
 * that file, so the Events tab of an interactive run shows what the hooks saw (issue 12, item 6).
 */

/**
 * Adds an event a hook saw to the session's live interactive run (headless runs get theirs from
 * the CLI's own stream: adding them here would count each twice). Never throws: a hook's status
 * report must not fail the agent.
 */
export function recordHookEvent(council: LockScope, sessionId: string, event: AgentEventInput): void {
  try {
    const store = new RunStore(council.ws.paths);
    const run = store.latest(sessionId);
    if (!run || !isLive(run) || run.mode !== 'interactive') return;
    store.appendEvent(run, { ...event, at: new Date().toISOString() } as AgentEvent);
  } catch {
    // no run folder, a removed session: nothing to add to
  }
}

/**
 * The CLI's own conversation id, as its hooks report it (`session_id` in every payload of Claude
 * Code, Codex, Gemini CLI and Qwen Code; `sessionId` in Copilot CLI's): recorded once as a `started` event of the live interactive run, so
 * an ended interactive agent can be resumed with a follow-up (headless runs report it in their
 * stream). Never throws.
 */
export function recordAgentSessionId(council: LockScope, sessionId: string, payload: unknown): void {
  try {
    // Copilot CLI's hooks say `sessionId`.
    const given = payload as { session_id?: unknown; sessionId?: unknown } | null;
    const id = given?.session_id ?? given?.sessionId;
    if (typeof id !== 'string' || id.trim() === '' || id.length > 200) return;
    const store = new RunStore(council.ws.paths);
    const run = store.latest(sessionId);
    if (!run || !isLive(run) || run.mode !== 'interactive' || run.agentSessionId === id) return;
    store.appendEvent(run, { kind: 'started', agentSessionId: id, model: null, at: new Date().toISOString() });
  } catch {
    // nothing to add to
  }
}

/**
 * Follows a run's events file from its current end: calls `onEvent` with each event appended by
 * another process (lines in `own`, written by the caller itself, are skipped once). Returns the
 * function that reads what is left and stops.
 */
export function followRunEvents(file: string, own: Set<string>, onEvent: (event: AgentEvent) => void): () => void {
  appendFileSync(file, ''); // it exists from now on, so it can be watched
  let offset = fileSize(file);
  let partial = '';
  const read = (): void => {
    let fd: number;
    try {
      fd = openSync(file, 'r');
    } catch {
      return;
    }
    try {
      const size = fstatSync(fd).size;
      if (size <= offset) return;
      const buffer = Buffer.alloc(size - offset);
      const got = readSync(fd, buffer, 0, buffer.length, offset);
      offset += got;
      const text = partial + buffer.subarray(0, got).toString('utf8');
      const lines = text.split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        if (!line) continue;
        if (own.delete(line)) continue;
        try {
          const parsed = AgentEventSchema.safeParse(JSON.parse(line));
          if (parsed.success) onEvent(parsed.data);
        } catch {
          // a torn or foreign line: skipped
        }
      }
    } finally {
      closeSync(fd);
    }
  };
  let watcher: ReturnType<typeof watch> | null = null;
  try {
    watcher = watch(file, () => read());
    watcher.on('error', () => undefined);
  } catch {
    watcher = null;
  }
  // A safety net where file events are lost (network folders): a cheap size check now and then.
  const timer = setInterval(read, 2000);
  timer.unref();
  return () => {
    read();
    watcher?.close();
    clearInterval(timer);
  };
}

function fileSize(file: string): number {
  try {
    const fd = openSync(file, 'r');
    try {
      return fstatSync(fd).size;
    } finally {
      closeSync(fd);
    }
  } catch {
    return 0;
  }
}
