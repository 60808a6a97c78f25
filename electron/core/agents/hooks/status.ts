import type { ContextUpdate, SessionContext } from '../../../../shared/models';
import { Council } from '../../council';
import { parseStatusPayload, type HookAgent, type StatusReport } from '../hook-payload';
import { hookSession } from '../lock-hook';
import { recordAgentSessionId, recordHookEvent } from './run-events';
import type { AgentEventInput } from '../../../../shared/agents';
import type { StatusHookKind } from './command';

/**
 * The status hooks (`council hook post-tool|notify|stop|prompt`): what an agent just did, written
 * to its session's shared context so every other session and the UI see it live.
 *
 *   post-tool → working, currentFile = the file just edited (repo-relative), no longer blocked
 *   notify    → needs-input, with the notification's text (it needs the user)
 *   stop      → done, with the agent's last message
 *   prompt    → working again
 *
 * Unlike the lock hook these never decide anything: the CLI command around this swallows every
 * error and always lets the agent go on.
 */

export interface StatusHookOptions {
  /** The hook's environment (COUNCIL_SESSION_ID); default process.env. */
  env?: Record<string, string | undefined>;
  /** An already-open Council (tests); default: the repository that contains the payload's cwd. */
  council?: Council;
}

const MESSAGE_MAX = 500;

function clip(text: string | null): string | null {
  if (text === null) return null;
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > MESSAGE_MAX ? `${oneLine.slice(0, MESSAGE_MAX - 1)}…` : oneLine || null;
}

/** The first edited file as a repo-relative path, or null when there is none inside the repository. */
function firstRepoFile(council: Council, report: Extract<StatusReport, { kind: 'post-tool' }>): string | null {
  for (const file of report.files) {
    try {
      return council.locks.normalize(file, report.cwd);
    } catch {
      // outside every checkout (say /tmp/notes.md): not what the session is working on
    }
  }
  return null;
}

function updateFor(council: Council, report: StatusReport): ContextUpdate {
  switch (report.kind) {
    case 'post-tool': {
      const file = firstRepoFile(council, report);
      return { status: 'working', blockedReason: null, blockedOn: null, ...(file ? { currentFile: file, message: `editing ${file}` } : {}) };
    }
    case 'notify':
      return { status: 'needs-input', message: clip(report.text) ?? 'waiting for your input' };
    case 'stop':
      return { status: 'done', message: clip(report.text) };
    case 'prompt':
      return { status: 'working', blockedReason: null, blockedOn: null, message: clip(report.text) };
  }
}

/**
 * Records one status hook call. Returns the stored context, or null when there was nothing to
 * record (a payload not worth a change, an agent outside every session). Throws on the rest (a
 * malformed payload, an unknown session): the caller ignores it.
 */
export async function recordHookStatus(agent: HookAgent, kind: StatusHookKind, payload: unknown, options: StatusHookOptions = {}): Promise<SessionContext | null> {
  const report = parseStatusPayload(agent, kind, payload);
  if (!report) return null;
  const council = options.council ?? Council.open(report.cwd);
  const session = hookSession(council, options.env ?? process.env, report.cwd);
  if (!session) return null;
  const update = updateFor(council, report);
  const stored = await council.context.update(session.id, update, { cwd: report.cwd });
  recordAgentSessionId(council, session.id, payload);
  recordHookEvent(council, session.id, eventFor(report, update.currentFile ?? null));
  return stored;
}

/** What the hook saw, as an event of the run (shown in an interactive run's Events tab). */
function eventFor(report: StatusReport, file: string | null): AgentEventInput {
  switch (report.kind) {
    case 'post-tool':
      return { kind: 'tool', tool: report.tool || 'tool', path: file };
    case 'notify':
      return { kind: 'needs-input', text: clip(report.text) };
    case 'stop':
      return { kind: 'done', text: clip(report.text) };
    case 'prompt':
      return { kind: 'message', text: `prompt: ${clip(report.text) ?? '(empty)'}` };
  }
}
