/**
 * The merge queue as the renderer shows it (renderer/src/models/queue-model.ts): sections,
 * what each state allows, reordering the line (steps, drops, the optimistic move), the card's chip,
 * the notices for parked and merged entries, the enqueue form; the merge-queue settings; and the
 * refresh on `state.changed` kind `queue`.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../shared/models';
import { refreshesQueue } from '../../renderer/src/app/refresh-plan';
import { queueEntry } from '../helpers/queue-entry';
import {
  appendEntry,
  applyLine,
  applyMove,
  buildEnqueueInput,
  dropIndex,
  entryActions,
  entryChipText,
  entryFacts,
  entryForSession,
  fileSummary,
  linePosition,
  mergedNotice,
  mergedTogetherNotice,
  mergeFormDefaults,
  moveInLine,
  parkedNotice,
  queueCounts,
  queueSections,
  queueSummary,
  queueTransitions,
  stepIndex,
  waitingLine,
} from '../../renderer/src/models/queue-model';

const entry = queueEntry;

describe('what an entry allows', () => {
  it('retry a parked one, remove anything not merging, resolve a conflict park, move a waiting one', () => {
    const withAgent = { agent: 'claude' };
    expect(entryActions(entry('aa11', 'queued'), withAgent)).toEqual({ retry: false, remove: true, resolve: false, move: true });
    expect(entryActions(entry('aa11', 'checking'), withAgent)).toEqual({ retry: false, remove: true, resolve: false, move: false });
    expect(entryActions(entry('aa11', 'merging'), withAgent)).toEqual({ retry: false, remove: false, resolve: false, move: false });
    expect(entryActions(entry('aa11', 'merged'), withAgent)).toEqual({ retry: false, remove: true, resolve: false, move: false });
    expect(entryActions(entry('aa11', 'parked', { reason: 'gate failed (exit 1)' }), withAgent)).toEqual({ retry: true, remove: true, resolve: false, move: false });
    expect(entryActions(entry('aa11', 'parked', { reason: 'conflict', files: ['src/a.ts'] }), withAgent)).toEqual({ retry: true, remove: true, resolve: true, move: false });
    // Issue 12, item 8: "Resolve with agent" only where it can work: a session with an agent, still there.
    expect(entryActions(entry('aa11', 'parked', { reason: 'conflict', files: ['src/a.ts'] }), { agent: null }).resolve).toBe(false);
    expect(entryActions(entry('aa11', 'parked', { reason: 'conflict', files: ['src/a.ts'] }), undefined).resolve).toBe(false);
  });
});

describe('the line', () => {
  const a = entry('aa11', 'merged', { updatedAt: '2026-01-01T09:00:00.000Z' });
  const b = entry('bb22', 'checking');
  const c = entry('cc33', 'queued');
  const d = entry('dd44', 'parked', { reason: 'conflict', files: ['x.ts'] });
  const e = entry('ee55', 'queued');
  const f = entry('ff66', 'merged', { updatedAt: '2026-01-01T11:00:00.000Z' });
  const g = entry('ab12', 'queued');
  const all = [a, b, c, d, e, f, g];

  it('sections: in progress, waiting in order, parked, merged newest first', () => {
    const sections = queueSections(all);
    expect(sections.active).toEqual([b]);
    expect(sections.waiting).toEqual([c, e, g]);
    expect(sections.parked).toEqual([d]);
    expect(sections.merged).toEqual([f, a]);
    expect(queueSummary(sections)).toBe('1 in progress · 3 waiting · 1 parked · 2 merged entries');
    expect(queueCounts(all)).toEqual({ open: 4, parked: 1 });
  });

  it('places in line are 1-based and only for waiting entries', () => {
    expect(waitingLine(all)).toEqual([c.id, e.id, g.id]);
    expect(linePosition(all, e.id)).toBe(2);
    expect(linePosition(all, b.id)).toBeNull();
  });

  it('up/down steps stop at the ends', () => {
    const line = waitingLine(all);
    expect(stepIndex(line, e.id, -1)).toBe(0);
    expect(stepIndex(line, e.id, 1)).toBe(2);
    expect(stepIndex(line, c.id, -1)).toBeNull();
    expect(stepIndex(line, g.id, 1)).toBeNull();
    expect(stepIndex(line, d.id, 1)).toBeNull();
  });

  it('a drop before or after a row becomes the index queue.move wants; no-ops are null', () => {
    const line = ['p', 'q', 'r', 's'];
    expect(dropIndex(line, 'p', 'r', false)).toBe(1); // q p r s
    expect(dropIndex(line, 'p', 'r', true)).toBe(2); // q r p s
    expect(dropIndex(line, 's', 'p', false)).toBe(0); // s p q r
    expect(dropIndex(line, 'p', 's', true)).toBe(3); // q r s p
    expect(dropIndex(line, 'q', 'p', true)).toBeNull(); // already right after p
    expect(dropIndex(line, 'q', 'r', false)).toBeNull(); // already right before r
    expect(dropIndex(line, 'q', 'q', true)).toBeNull();
    expect(dropIndex(line, 'x', 'q', true)).toBeNull();
    expect(dropIndex(line, 'q', 'x', true)).toBeNull();
  });

  it('moves within the line, clamped', () => {
    expect(moveInLine(['p', 'q', 'r'], 'r', 0)).toEqual(['r', 'p', 'q']);
    expect(moveInLine(['p', 'q', 'r'], 'p', 99)).toEqual(['q', 'r', 'p']);
    expect(moveInLine(['p', 'q', 'r'], 'x', 0)).toEqual(['p', 'q', 'r']);
  });

  it('the optimistic move reorders waiting entries in their slots and leaves the others', () => {
    const moved = applyMove(all, g.id, 0);
    expect(moved.map((x) => x.sessionId)).toEqual(['aa11', 'bb22', 'ab12', 'dd44', 'cc33', 'ff66', 'ee55']);
    expect(waitingLine(moved)).toEqual([g.id, c.id, e.id]);
    expect(applyMove(all, b.id, 0)).toEqual(all);
  });

  it("queue.move's answer (the line alone) goes into the waiting places; a line that no longer fits is refused", () => {
    const line = [{ ...g, updatedAt: 'later' }, c, e];
    const next = applyLine(all, line)!;
    expect(next.map((x) => x.sessionId)).toEqual(['aa11', 'bb22', 'ab12', 'dd44', 'cc33', 'ff66', 'ee55']);
    expect(next[2]).toBe(line[0]);
    expect(applyLine(all, [g, c])).toBeNull();
    expect(applyLine(all, [g, c, { ...d, state: 'queued' }])).toBeNull();
    expect(applyLine(all, [g, c, { ...e, state: 'checking' }])).toBeNull();
  });

  it('an enqueued or retried entry goes to the end, as the core puts it', () => {
    const retried = { ...d, state: 'queued' as const, attempts: 2 };
    expect(appendEntry(all, retried).map((x) => x.id)).toEqual([a, b, c, e, f, g, d].map((x) => x.id));
    expect(waitingLine(appendEntry(all, retried))).toEqual([c.id, e.id, g.id, d.id]);
  });
});

describe('a session in the queue', () => {
  it('its open entry wins over older merges; else its latest merge', () => {
    const merged1 = entry('aa11', 'merged', { enqueuedAt: '2026-01-01T08:00:00.000Z' });
    const merged2 = entry('aa11', 'merged', { enqueuedAt: '2026-01-01T09:00:00.000Z' });
    const open = entry('aa11', 'parked', { enqueuedAt: '2026-01-01T07:00:00.000Z' });
    expect(entryForSession([merged1, open, merged2], 'aa11')).toBe(open);
    expect(entryForSession([merged1, merged2], 'aa11')).toBe(merged2);
    expect(entryForSession([merged1], 'bb22')).toBeUndefined();
  });

  it('the chip says its place in line, or its state', () => {
    const x = entry('aa11', 'queued');
    const y = entry('bb22', 'queued');
    const z = entry('cc33', 'parked');
    expect(entryChipText([x, y, z], y)).toBe('queued #2');
    expect(entryChipText([x, y, z], z)).toBe('parked');
  });

  it('facts: strategy, attempts after the first, a failing gate', () => {
    expect(entryFacts(entry('aa11', 'queued'))).toEqual(['merge']);
    expect(entryFacts(entry('aa11', 'parked', { strategy: 'squash', attempts: 2, gateExitCode: 1 }))).toEqual(['squash', 'attempt 2', 'gate exit 1']);
    expect(entryFacts(entry('aa11', 'merged', { gateExitCode: 0 }))).toEqual(['merge']);
  });
});

describe('queue notices', () => {
  it('only for changes seen live: parking, merging, parking again after a retry', () => {
    const q = entry('aa11', 'queued');
    const p = { ...q, state: 'parked' as const, reason: 'conflict', files: ['a.ts'] };
    expect(queueTransitions(null, [p])).toEqual([]);
    expect(queueTransitions([q], [p])).toEqual([{ kind: 'parked', entry: p }]);
    expect(queueTransitions([p], [p])).toEqual([]);
    const again = { ...p, attempts: 2 };
    expect(queueTransitions([p], [again])).toEqual([{ kind: 'parked', entry: again }]);
    const m = { ...q, state: 'merged' as const, resultCommit: 'f'.repeat(40) };
    expect(queueTransitions([q], [m])).toEqual([{ kind: 'merged', entry: m }]);
    // An entry that was added and merged between two lists still counts.
    expect(queueTransitions([], [m])).toEqual([{ kind: 'merged', entry: m }]);
    expect(queueTransitions([q], [{ ...q, state: 'checking' }])).toEqual([]);
  });

  it('parked: the reason, the files, the session; merged: where the base is now', () => {
    const p = entry('aa11', 'parked', { reason: 'CONFLICT (content) in 4 files', files: ['a.ts', 'b.ts', 'c.ts', 'd.ts'] });
    expect(parkedNotice(p, 'Add a login form')).toEqual({
      tone: 'error',
      title: 'Merge parked: Add a login form',
      detail: 'CONFLICT (content) in 4 files · a.ts, b.ts, c.ts and 1 more · session aa11',
    });
    expect(parkedNotice({ ...p, reason: null, files: [] }, null)).toEqual({ tone: 'error', title: 'Merge parked: session aa11', detail: 'no reason given · session aa11' });
    const m = entry('aa11', 'merged', { strategy: 'squash', resultCommit: '0123456789abcdef' });
    expect(mergedNotice(m, 'Add a login form', 'main')).toEqual({ tone: 'success', title: 'Merged into main: Add a login form', detail: 'session aa11 · squash · now at 0123456' });
    expect(fileSummary(['a', 'b'])).toBe('a, b');
  });

  it('several merged in one update (a train): one notice naming a few, with where the base is now', () => {
    const merged = ['aa11', 'bb22', 'cc33', 'dd44'].map((id, i) => ({ entry: entry(id, 'merged', { resultCommit: `${i}`.repeat(40) }), task: i === 1 ? null : `Task ${id}` }));
    expect(mergedTogetherNotice(merged, 'main')).toEqual({ tone: 'success', title: 'Merged 4 sessions into main', detail: 'Task aa11, session bb22 and 2 more · now at 3333333' });
    expect(mergedTogetherNotice(merged.slice(0, 2), null)).toEqual({ tone: 'success', title: 'Merged 2 sessions', detail: 'Task aa11, session bb22 · now at 1111111' });
  });
});

describe('the enqueue form', () => {
  it('starts from the settings', () => {
    expect(mergeFormDefaults(null)).toEqual({ strategy: 'merge', gate: '' });
    expect(mergeFormDefaults({ ...DEFAULT_SETTINGS, mergeStrategy: 'rebase', gateCommand: 'npm test' })).toEqual({ strategy: 'rebase', gate: 'npm test' });
  });

  it('builds the input: an empty gate is none; a session is required; the gate is bounded', () => {
    expect(buildEnqueueInput('/r', 'aa11', { strategy: 'squash', gate: '  npm test ' })).toEqual({ ok: true, input: { repo: '/r', id: 'aa11', strategy: 'squash', gate: 'npm test' } });
    expect(buildEnqueueInput('/r', 'aa11', { strategy: 'merge', gate: '   ' })).toEqual({ ok: true, input: { repo: '/r', id: 'aa11', strategy: 'merge', gate: null } });
    expect(buildEnqueueInput('/r', '', { strategy: 'merge', gate: '' })).toMatchObject({ ok: false });
    expect(buildEnqueueInput('/r', 'aa11', { strategy: 'merge', gate: 'x'.repeat(4001) })).toMatchObject({ ok: false, error: expect.stringContaining('4000') });
  });
});

describe('refreshing on state.changed', () => {
  it('the queue is fetched again on kind queue only', () => {
    expect(refreshesQueue(['queue'])).toBe(true);
    expect(refreshesQueue(new Set(['sessions', 'queue'] as const))).toBe(true);
    expect(refreshesQueue(['sessions', 'locks', 'context', 'settings', 'runs'])).toBe(false);
    expect(refreshesQueue([])).toBe(false);
  });
});

describe("the merge dialog's message", () => {
  it('is sent only when edited, never for a rebase, and refused blank or too long', () => {
    const form = { strategy: 'merge' as const, gate: '' };
    expect(buildEnqueueInput('/r', 'aa11', form)).toEqual({ ok: true, input: { repo: '/r', id: 'aa11', strategy: 'merge', gate: null } });
    expect(buildEnqueueInput('/r', 'aa11', form, 'Land it\n\nwhy')).toEqual({ ok: true, input: { repo: '/r', id: 'aa11', strategy: 'merge', gate: null, message: 'Land it\n\nwhy' } });
    expect(buildEnqueueInput('/r', 'aa11', { strategy: 'rebase', gate: '' }, 'ignored')).toEqual({ ok: true, input: { repo: '/r', id: 'aa11', strategy: 'rebase', gate: null } });
    expect(buildEnqueueInput('/r', 'aa11', form, '  \n')).toMatchObject({ ok: false, error: expect.stringContaining('Merge message: write one') });
    expect(buildEnqueueInput('/r', 'aa11', form, 'x'.repeat(20_001))).toMatchObject({ ok: false, error: 'Merge message: at most 20000 characters.' });
  });
});
