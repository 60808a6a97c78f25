import { call } from '../api';
import { notify } from '../components/notices';
import { plural } from '../lib/format';
import { refreshQueue } from './stores/queue-store';
import { refreshSessions } from './stores/sessions-store';

/**
 * What the board does to several sessions at once (issue 14, item 1): each one is the same contract
 * command the app, the browser and the CLI use for one session, run one after the other, so every
 * rule holds per session. Remove is never forced: a session with unmerged work or a running agent
 * is kept and named, to be removed on its own (where its work is archived first).
 */
export type BulkAction = 'stop' | 'merge' | 'remove';

export interface BulkOutcome {
  done: string[];
  /** Sessions left as they were, each with why (the command's own words). */
  refused: { id: string; reason: string }[];
}

const VERB: Record<BulkAction, { done: string; title: string }> = {
  stop: { done: 'stopped', title: 'Stop agents' },
  merge: { done: 'sent to the merge queue', title: 'Merge' },
  remove: { done: 'removed', title: 'Remove' },
};

async function runOne(repo: string, id: string, action: BulkAction): Promise<string | null> {
  const result =
    action === 'stop'
      ? await call('agent.stop', { repo, id })
      : action === 'merge'
        ? await call('queue.merge', { repo, id })
        : await call('sessions.remove', { repo, id, force: false });
  if (!result.ok) return result.error.message;
  if (action === 'stop' && result.value === null) return 'no agent was running';
  return null;
}

/** Runs `action` on each session in turn; what was refused does not stop the rest. */
export async function runBulk(repo: string, ids: readonly string[], action: BulkAction): Promise<BulkOutcome> {
  const outcome: BulkOutcome = { done: [], refused: [] };
  for (const id of ids) {
    const reason = await runOne(repo, id, action);
    if (reason === null) outcome.done.push(id);
    else outcome.refused.push({ id, reason });
  }
  await Promise.all([refreshSessions(), refreshQueue()]);
  return outcome;
}

/** The outcome in words, as a notice: what was done, and each session left alone with why. */
export function reportBulk(action: BulkAction, outcome: BulkOutcome): void {
  const { done, title } = VERB[action];
  const headline = outcome.done.length > 0 ? `${plural(outcome.done.length, 'session')} ${done}` : `No session ${done}`;
  const detail = outcome.refused.map((r) => `${r.id}: ${r.reason}`).join('\n');
  notify({
    tone: outcome.refused.length === 0 ? 'success' : outcome.done.length === 0 ? 'error' : 'info',
    title: `${title}: ${headline}${outcome.refused.length > 0 ? `, ${outcome.refused.length} left as ${outcome.refused.length === 1 ? 'it was' : 'they were'}` : ''}`,
    detail: detail || undefined,
    sticky: outcome.refused.length > 0,
    testId: 'bulk-outcome',
  });
}
