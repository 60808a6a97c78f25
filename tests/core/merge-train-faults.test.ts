import { describe, expect, it, vi } from 'vitest';
import { Council } from '../../electron/core/council';
import { MergeQueue, processQueue } from '../../electron/core/merge/index';
import { committedSessions, mergeRepo } from '../helpers/merge-fixtures';
import { gitSync } from '../helpers/repo';

/**
 * A follower whose check fails unexpectedly (an exception, not an answer) is one that is not
 * plain: back at the head of the line, handled on its own. The entries in front of it still land,
 * nothing parks for its fault, the order holds, and no entry is left claimed for recovery to find.
 * The fault: the check whether the session's agent is running throws, once, for one session.
 */
const fault = vi.hoisted(() => ({ session: null as string | null }));
vi.mock('../../electron/core/agents/run-store', async (original) => {
  const real = await original<typeof import('../../electron/core/agents/run-store')>();
  return {
    ...real,
    agentRunningIn: (paths: Parameters<typeof real.agentRunningIn>[0], sessionId: string): boolean => {
      if (fault.session === sessionId) {
        fault.session = null;
        throw new Error('the run records could not be read');
      }
      return real.agentRunningIn(paths, sessionId);
    },
  };
});

describe('a train whose follower fails', () => {
  it('lands the entries in front, then handles the failed one on its own, in order, with nothing parked', async () => {
    const repo = mergeRepo(4);
    const council = Council.open(repo.root);
    const sessions = await committedSessions(council, 3, { task: 'train with a fault' });
    const queue = new MergeQueue(council.ws);
    for (const s of sessions) await queue.enqueue(s.id, { strategy: 'merge', gate: null });
    const base0 = gitSync(repo.root, 'rev-parse', 'main');
    fault.session = sessions[2]?.id ?? null;
    const run = await processQueue(council);

    expect(fault.session).toBeNull();
    expect(run.settled.map((e) => [e.sessionId, e.state])).toEqual(sessions.map((s) => [s.id, 'merged']));
    expect(run.recovery).toEqual([]);
    // In queue order, one merge each; the first two moved the base together, the third alone.
    const chain = gitSync(repo.root, 'rev-list', '--first-parent', '--reverse', `${base0}..main`).split('\n');
    expect(chain).toEqual(queue.list().map((e) => e.resultCommit));
    expect(gitSync(repo.root, 'reflog', 'show', '--format=%gs', 'refs/heads/main').split('\n').slice(0, 2)).toEqual([
      expect.stringMatching(/^council: merge queue entry [0-9a-f]{8} /),
      expect.stringMatching(/^council: merge queue entries [0-9a-f]{8}, [0-9a-f]{8} /),
    ]);
  });
});
