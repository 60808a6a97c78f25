import { writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { REMOVED_LOG_LIMIT, type RemovedSession, type Session } from '../../shared/models';
import { Council } from '../../electron/core/council';
import { listRemoved, recordRemoval } from '../../electron/core/sessions/removed-log';
import { council as cli, councilJson } from '../helpers/cli';
import { makeRepo } from '../helpers/repo';

/**
 * The removal log (issue 14, item 1: removed sessions archived out of the way): every removal is
 * recorded after it is complete, newest first, bounded; an unreadable log reads as empty, never
 * fails a removal, and is started anew by the next one. Through the core and through `council session removed`.
 */
const entry = (n: number): RemovedSession => ({
  id: (0xa00000 + n).toString(16),
  task: `task ${n}`,
  branch: `council/t-${n}`,
  baseBranch: 'main',
  removedAt: new Date(Date.UTC(2026, 0, 1, 0, 0, n)).toISOString(),
  archivedAs: null,
  archivedCommit: null,
});

describe('the removal log', () => {
  it('keeps the newest REMOVED_LOG_LIMIT removals, newest first, one line per session', async () => {
    const { ws } = Council.open(makeRepo().root);
    for (let n = 0; n < REMOVED_LOG_LIMIT + 5; n++) await recordRemoval(ws.paths, entry(n));
    await recordRemoval(ws.paths, { ...entry(10), task: 'removed again' }); // the same id again: one line, on top
    const removed = listRemoved(ws.paths);
    expect(removed).toHaveLength(REMOVED_LOG_LIMIT);
    expect(removed[0]).toMatchObject({ id: entry(10).id, task: 'removed again' });
    expect(removed.filter((r) => r.id === entry(10).id)).toHaveLength(1);
    expect(removed[1]?.id).toBe(entry(REMOVED_LOG_LIMIT + 4).id);
  });

  it('is written by every removal, and a damaged log never stops one', async () => {
    const repo = makeRepo();
    const created = councilJson<Session[]>(['session', 'create', '--task', 'gone soon', '--count', '2'], { cwd: repo.root });
    if (!created.result.ok) throw new Error(created.result.error.message);
    const [a, b] = created.result.value as [Session, Session];
    expect(cli(['session', 'remove', a.id], { cwd: repo.root }).code).toBe(0);
    const listed = councilJson<RemovedSession[]>(['session', 'removed'], { cwd: repo.root });
    expect(listed.result.ok && listed.result.value.map((r) => [r.id, r.task, r.archivedAs])).toEqual([[a.id, 'gone soon', null]]);
    const text = cli(['session', 'removed'], { cwd: repo.root });
    expect(text.stdout).toMatch(new RegExp(`${a.id}\\s+.*nothing unmerged.*gone soon`));

    const { ws } = Council.open(repo.root);
    writeFileSync(ws.paths.removedLog, '{ not json');
    expect(listRemoved(ws.paths)).toEqual([]);
    expect(cli(['session', 'remove', b.id], { cwd: repo.root }).code).toBe(0);
    expect(Council.open(repo.root).listSessions()).toEqual([]);
    expect(listRemoved(ws.paths).map((r) => r.id)).toEqual([b.id]); // started anew
  });
});
