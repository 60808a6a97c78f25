import type { AgentEvent, AgentRun } from '../../../shared/agents';
import type { ContextUpdate } from '../../../shared/models';

/**
 * What one normalized event means for its run record and its session's context: pure, so the
 * mapping is read (and tested) in one place. Only fields that actually change are returned — the
 * run record is rewritten, and announced, only when something in it moved.
 */

export const FILES_TOUCHED_LIMIT = 500;

export interface EventEffects {
  run: Partial<AgentRun>;
  context: ContextUpdate | null;
  /** A final verdict from the CLI itself (it may still exit non-zero or be stopped). */
  outcome: { state: 'done' | 'failed'; reason: string | null } | null;
}

export function eventEffects(run: AgentRun, event: AgentEvent): EventEffects {
  const changes: Partial<AgentRun> = {};
  const worked = (): void => {
    if (!run.didWork) changes.didWork = true;
  };
  switch (event.kind) {
    case 'started':
      if (event.agentSessionId && event.agentSessionId !== run.agentSessionId) changes.agentSessionId = event.agentSessionId;
      return { run: changes, context: null, outcome: null };
    case 'tool':
      worked();
      return { run: changes, context: event.path ? { currentFile: event.path, status: 'working' } : null, outcome: null };
    case 'file-changed':
      worked();
      if (!run.filesTouched.includes(event.path) && run.filesTouched.length < FILES_TOUCHED_LIMIT) changes.filesTouched = [...run.filesTouched, event.path];
      return { run: changes, context: { currentFile: event.path }, outcome: null };
    case 'message':
      return { run: changes, context: { message: event.text }, outcome: null };
    case 'denied':
      return { run: { denials: run.denials + 1 }, context: { status: 'blocked', blockedReason: event.reason, blockedOn: event.path, message: `denied: ${event.reason}` }, outcome: null };
    case 'needs-input':
      return { run: changes, context: { status: 'needs-input', message: event.text ?? 'needs your input' }, outcome: null };
    case 'usage':
      return { run: { costUsd: event.costUsd ?? run.costUsd, inputTokens: event.inputTokens ?? run.inputTokens, outputTokens: event.outputTokens ?? run.outputTokens }, context: null, outcome: null };
    case 'done':
      return { run: changes, context: null, outcome: { state: 'done', reason: null } };
    case 'failed':
      return { run: changes, context: null, outcome: { state: 'failed', reason: event.reason } };
  }
}
