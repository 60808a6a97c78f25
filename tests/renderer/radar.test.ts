/**
 * The conflict radar as the renderer shows it (renderer/src/models/radar-model.ts): pair
 * files with lock owners, grouping (conflicts, clean overlaps, quiet sessions), focus on one
 * session, the card badge, which radar wins when two cross — and how an older host's "unknown
 * command" is worded (renderer/src/lib/command-error.ts).
 */
import { describe, expect, it } from 'vitest';
import type { Radar, RadarPair } from '../../shared/merge';
import {
  badgeText,
  badgeTitle,
  computeFacts,
  radarSummary,
  conflictFileCount,
  followUpText,
  groupByFile,
  joinWords,
  newerRadar,
  otherSide,
  pairSentence,
  radarSessionIds,
  rowHeadline,
  type FileRow,
  reindex,
  sessionIndex,
} from '../../renderer/src/models/radar-model';
import { failureText, isUnknownCommand, unavailableText } from '../../renderer/src/lib/command-error';

const conflict = (path: string, kind: RadarPair['conflicts'][number]['kind'] = 'content') => ({ path, kind, message: `CONFLICT (${kind}): Merge conflict in ${path}` });

function radar(pairs: RadarPair[], extra: Partial<Radar> = {}): Radar {
  return {
    computedAt: '2026-01-01T10:00:00.000Z',
    base: { branch: 'main', commit: 'c'.repeat(40) },
    sessions: ['3f2a', '9b1c', 'aa11', 'bb22'].map((sessionId) => ({ sessionId, snapshot: 'd'.repeat(40), files: [], merged: false })),
    pairs,
    lockOwners: {},
    durationMs: 420,
    computedPairs: 2,
    ...extra,
  };
}

// 3f2a conflicts with 9b1c (content in a.ts, add/add in new.ts) and with the base (b.ts);
// aa11 only overlaps 9b1c (c.ts, merges cleanly); bb22 touches nothing anyone else does.
const sample = radar(
  [
    { a: '3f2a', b: '9b1c', overlap: ['src/a.ts', 'src/new.ts', 'README.md'], conflicts: [conflict('src/new.ts', 'add/add'), conflict('src/a.ts')] },
    { a: '3f2a', b: 'base', overlap: ['src/b.ts'], conflicts: [conflict('src/b.ts', 'modify/delete')] },
    { a: '9b1c', b: 'aa11', overlap: ['src/c.ts'], conflicts: [] },
  ],
  { lockOwners: { 'src/a.ts': '9b1c', 'README.md': '3f2a' } },
);

describe('the radar by file', () => {
  it('one row per conflicting file, with every session, the kinds and the lock owner; clean overlaps and quiet sessions apart', () => {
    const groups = groupByFile(sample);
    expect(groups.conflicting).toEqual([
      {
        path: 'src/a.ts',
        sessions: ['3f2a', '9b1c'],
        againstBase: [],
        kinds: ['content'],
        pairs: [{ a: '3f2a', b: '9b1c', withBase: false, kind: 'content', message: 'CONFLICT (content): Merge conflict in src/a.ts' }],
        lockOwner: '9b1c',
      },
      {
        path: 'src/new.ts',
        sessions: ['3f2a', '9b1c'],
        againstBase: [],
        kinds: ['add/add'],
        pairs: [{ a: '3f2a', b: '9b1c', withBase: false, kind: 'add/add', message: 'CONFLICT (add/add): Merge conflict in src/new.ts' }],
        lockOwner: null,
      },
      // The base moved under 3f2a: its own row, blaming no session.
      {
        path: 'src/b.ts',
        sessions: ['3f2a'],
        againstBase: ['3f2a'],
        kinds: ['modify/delete'],
        pairs: [{ a: '3f2a', b: 'base', withBase: true, kind: 'modify/delete', message: 'CONFLICT (modify/delete): Merge conflict in src/b.ts' }],
        lockOwner: null,
      },
    ]);
    // README.md is shared by 3f2a and 9b1c without conflict; c.ts by 9b1c and aa11.
    expect(groups.shared).toEqual([
      { path: 'README.md', sessions: ['3f2a', '9b1c'], withBase: false, lockOwner: '3f2a' },
      { path: 'src/c.ts', sessions: ['9b1c', 'aa11'], withBase: false, lockOwner: null },
    ]);
    expect(groups.quiet).toEqual(['aa11', 'bb22']);
  });

  it('sorts by how many sessions collide on a file, then by pairs, then by path; kinds in a fixed order; session pairs before the base', () => {
    const r = radar([
      { a: '3f2a', b: '9b1c', overlap: ['z.ts', 'y.ts'], conflicts: [conflict('z.ts'), conflict('y.ts', 'add/add')] },
      { a: '3f2a', b: 'aa11', overlap: ['z.ts'], conflicts: [conflict('z.ts', 'rename'), conflict('z.ts', 'rename')] },
      { a: '9b1c', b: 'aa11', overlap: ['z.ts'], conflicts: [conflict('z.ts')] },
      { a: 'bb22', b: 'base', overlap: ['y.ts'], conflicts: [conflict('y.ts')] },
      { a: 'aa11', b: 'base', overlap: ['x.ts'], conflicts: [conflict('x.ts')] },
      { a: '3f2a', b: 'bb22', overlap: ['w.ts'], conflicts: [conflict('w.ts')] },
    ]);
    const rows = groupByFile(r).conflicting;
    expect(rows.map((row) => [row.path, row.sessions.length, row.pairs.length])).toEqual([
      ['z.ts', 3, 3],
      ['y.ts', 3, 2],
      ['w.ts', 2, 1],
      ['x.ts', 1, 1],
    ]);
    expect(rows[1]!.pairs.map((p) => `${p.a}×${p.b}`)).toEqual(['3f2a×9b1c', 'bb22×base']);
    expect(rows[1]!.againstBase).toEqual(['bb22']);
    expect(rows[0]!.kinds).toEqual(['content', 'rename']);
    // Each conflicting pair once per file, whatever git repeats.
    expect(rows[0]!.pairs.map((p) => `${p.a}×${p.b}`)).toEqual(['3f2a×9b1c', '3f2a×aa11', '9b1c×aa11']);
  });

  it('focused on a session: only its conflicts, and it is quiet when nothing conflicts with it', () => {
    const on9b = groupByFile(sample, '9b1c');
    expect(on9b.conflicting.map((row) => row.path)).toEqual(['src/a.ts', 'src/new.ts']);
    expect(on9b.shared.map((row) => row.path)).toEqual(['README.md', 'src/c.ts']);
    expect(on9b.quiet).toEqual([]);
    expect(groupByFile(sample, 'aa11')).toEqual({ conflicting: [], shared: [{ path: 'src/c.ts', sessions: ['9b1c', 'aa11'], withBase: false, lockOwner: null }], quiet: ['aa11'] });
  });

  it('knows sessions only named in a pair, and which side is the other', () => {
    const r = radar([{ a: 'cc33', b: 'dd44', overlap: ['x'], conflicts: [] }], { sessions: [] });
    expect(radarSessionIds(r)).toEqual(['cc33', 'dd44']);
    expect(otherSide({ a: 'cc33', b: 'dd44' }, 'dd44')).toBe('cc33');
    expect(otherSide({ a: 'cc33', b: 'base' }, 'ee55')).toBeNull();
  });

  it('counts conflicting files for the nav and says how the radar was computed', () => {
    expect(conflictFileCount(sample)).toBe(3);
    expect(conflictFileCount(radar([...sample.pairs, { a: 'aa11', b: 'bb22', overlap: ['src/a.ts'], conflicts: [conflict('src/a.ts')] }]))).toBe(3);
    expect(conflictFileCount(null)).toBe(0);
    expect(computeFacts(sample)).toBe('computed in 420 ms · 2 pairs recomputed, 3 with shared files');
    expect(computeFacts(radar([], { durationMs: 2345, computedPairs: 1 }))).toBe('computed in 2.3 s · 1 pair recomputed');
  });

  it('says what it found in plain words, a conflict with the base as one', () => {
    expect(radarSummary(sample)).toBe('2 files would conflict between 2 sessions; 1 session would conflict with main in 1 file: main moved since it started');
    expect(radarSummary(radar([]))).toBe('No conflict predicted: no two sessions change the same files');
    const sharing = sample.pairs.filter((pair) => pair.conflicts.length === 0);
    expect(radarSummary(radar(sharing))).toBe('No conflict predicted; 1 file is changed by more than one side but should merge cleanly');
    expect(radarSummary(radar(sample.pairs.slice(0, 1)))).toBe('2 files would conflict between 2 sessions');
    expect(radarSummary(radar(sample.pairs.slice(1, 2)))).toBe('1 session would conflict with main in 1 file: main moved since it started');
    expect(radarSummary(sample, 'aa11')).toBe('No conflict predicted; 1 file is changed by more than one side but should merge cleanly');
  });

  it('tells a pair in a sentence, and prefills a note for an agent naming the file, the other session and what it is doing', () => {
    const [onA, , onB] = groupByFile(sample).conflicting as [FileRow, FileRow, FileRow];
    expect(pairSentence(onA.pairs[0]!, 'main')).toBe('Sessions 3f2a and 9b1c changed the same lines');
    expect(pairSentence(onB.pairs[0]!, 'main')).toBe('main moved since session 3f2a started, and one of them deleted this file while the other changed it: 3f2a would conflict with main');
    expect(rowHeadline(onA, 'main')).toBe('2 sessions collide here');
    expect(rowHeadline(onB, 'main')).toBe('Would conflict with main, which moved since it started');
    expect(rowHeadline({ ...onA, againstBase: ['3f2a'], pairs: [...onA.pairs, { ...onB.pairs[0]!, kind: 'content' }] }, 'main')).toBe('2 sessions collide here; 1 would also conflict with main, which moved');
    const note = followUpText({ path: 'src/a.ts', pair: onA.pairs[0]!, self: '9b1c', base: 'main', otherTask: 'Make two twenty', otherProgress: 'editing the parser' });
    expect(note).toContain('session 3f2a (its task: "Make two twenty"; it says it is now: "editing the parser") is also changing src/a.ts');
    expect(note).toContain('(both sides changed the same lines)');
    const toBase = followUpText({ path: 'src/b.ts', pair: onB.pairs[0]!, self: '3f2a', base: 'main', otherTask: null });
    expect(toBase).toContain('main has moved since you started and changed src/b.ts too; merging your work now would conflict (one side changed the file, the other deleted it)');
    expect(toBase).not.toContain('session');
  });
});

describe('radar per session and the card badge', () => {
  const index = sessionIndex(sample);

  it('indexes both ends of a pair, the base first, and the conflicting files', () => {
    expect(index.get('3f2a')).toEqual({ sessionId: '3f2a', conflictsWith: ['base', '9b1c'], overlapsWith: [], conflictFiles: ['src/a.ts', 'src/b.ts', 'src/new.ts'] });
    expect(index.get('9b1c')).toEqual({ sessionId: '9b1c', conflictsWith: ['3f2a'], overlapsWith: ['aa11'], conflictFiles: ['src/a.ts', 'src/new.ts'] });
    expect(index.get('aa11')).toEqual({ sessionId: 'aa11', conflictsWith: [], overlapsWith: ['9b1c'], conflictFiles: [] });
    expect(index.has('bb22')).toBe(false);
    expect(index.has('base')).toBe(false);
  });

  it('badge text: one side, the base, or the first and how many more; none without conflicts', () => {
    expect(badgeText(index.get('9b1c'))).toBe('conflicts with 3f2a');
    expect(badgeText(index.get('3f2a'))).toBe('conflicts with base +1');
    expect(badgeText(sessionIndex(radar([{ a: 'aa11', b: 'base', overlap: [], conflicts: [conflict('x')] }])).get('aa11'))).toBe('conflicts with base');
    expect(badgeText(index.get('aa11'))).toBeNull();
    expect(badgeText(undefined)).toBeNull();
  });

  it('badge title names every side and the file count', () => {
    expect(badgeTitle(index.get('3f2a')!)).toBe('Predicted conflicts with the base and session 9b1c in 3 files: open the conflict radar');
    expect(joinWords(['a', 'b', 'c'])).toBe('a, b and c');
    expect(joinWords(['a'])).toBe('a');
    expect(joinWords([])).toBe('');
  });

  it('a new radar keeps unchanged entries (and the whole map when nothing changed)', () => {
    const first = reindex(new Map(), sample);
    const same = reindex(first, { ...sample, computedAt: '2026-01-01T10:05:00.000Z' });
    expect(same).toBe(first);
    const changed = reindex(first, { ...sample, pairs: sample.pairs.slice(0, 2) });
    expect(changed).not.toBe(first);
    expect(changed.get('3f2a')).toBe(first.get('3f2a'));
    expect(changed.get('9b1c')).not.toBe(first.get('9b1c'));
    expect(changed.has('aa11')).toBe(false);
  });

  it('of two radars, the one computed later wins', () => {
    const older = radar([], { computedAt: '2026-01-01T10:00:00.000Z' });
    const newer = radar([], { computedAt: '2026-01-01T10:00:05.000Z' });
    expect(newerRadar(null, older)).toBe(older);
    expect(newerRadar(older, newer)).toBe(newer);
    expect(newerRadar(newer, older)).toBe(newer);
  });
});

describe('commands an older host does not serve', () => {
  const unknown = { code: 'invalid-input' as const, message: 'unknown command "radar.get"', details: { command: 'radar.get' } };

  it('recognizes "unknown command" from the core, the preload and the browser transport', () => {
    expect(isUnknownCommand(unknown)).toBe(true);
    expect(isUnknownCommand({ code: 'invalid-input', message: 'unknown command "queue.list"' })).toBe(true);
    expect(isUnknownCommand({ code: 'invalid-input', message: 'invalid input for "queue.move": index too big' })).toBe(false);
    expect(isUnknownCommand({ code: 'internal', message: 'unknown command "x"' })).toBe(false);
  });

  it('words it as unavailable, and any other failure as "Could not …"', () => {
    expect(unavailableText('The conflict radar', 'radar.get')).toContain('The conflict radar is not available from this council yet: it does not serve "radar.get"');
    expect(failureText(unknown, 'queue the session', 'The merge queue', 'queue.enqueue')).toMatch(/^The merge queue is not available/);
    expect(failureText({ code: 'conflict', message: 'already queued' }, 'queue the session', 'The merge queue', 'queue.enqueue')).toBe('Could not queue the session: already queued');
  });
});
