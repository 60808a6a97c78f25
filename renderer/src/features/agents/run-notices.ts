import type { AgentRun } from '../../../../shared/agents';
import type { SessionCard } from '../../../../shared/contract';
import { runFacts } from '../../models/run-model';

/**
 * When to tell the user, in the window, that a session needs them: its run ended (done or failed),
 * or its context went to `waiting`. Pure, so the rules are tested without a page.
 */
export interface NoticeSpec {
  tone: 'info' | 'success' | 'error';
  title: string;
  detail?: string;
}

const clip = (text: string, max = 80): string => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/** Only a change seen live counts: a run already ended when we first heard of it says nothing. */
export function runEndNotice(previous: AgentRun | undefined, next: AgentRun): NoticeSpec | null {
  if (next.state !== 'done' && next.state !== 'failed') return null;
  if (previous !== undefined && previous.id === next.id && previous.state === next.state) return null;
  const facts = runFacts(next);
  if (next.state === 'done') {
    return { tone: 'success', title: `${next.preset} finished: ${clip(next.task)}`, detail: [`session ${next.sessionId}`, ...facts].join(' · ') };
  }
  return {
    tone: 'error',
    title: `${next.preset} failed: ${clip(next.task)}`,
    detail: [clip(next.reason ?? 'no reason given', 220), `session ${next.sessionId}`, ...facts].join(' · '),
  };
}

/**
 * Sessions that need the user now and did not before, or need them again for something new (a
 * second question after the first was answered between two lists). A session that appears already
 * asking (its agent started straight into "trust this folder?") counts too: `previous` is a list
 * seen live, not the first load.
 */
export function newlyNeedingInput(previous: readonly SessionCard[], next: readonly SessionCard[]): SessionCard[] {
  const before = new Map(previous.map((card) => [card.session.id, card]));
  return next.filter((card) => {
    const was = before.get(card.session.id);
    if (card.context.status !== 'needs-input') return false;
    return was === undefined || was.context.status !== 'needs-input' || needsInputEpisode(was) !== needsInputEpisode(card);
  });
}

/** Which time the session asked: when its status last turned to needs-input. */
export function needsInputEpisode(card: SessionCard): string {
  const last = card.context.history.findLast((change) => change.status === 'needs-input');
  return last?.at ?? card.context.updatedAt;
}

export function needsInputNotice(card: SessionCard): NoticeSpec {
  return {
    tone: 'info',
    title: `Needs input: ${clip(card.session.task)}`,
    detail: card.context.message ?? `Session ${card.session.id} is waiting for you.`,
  };
}
