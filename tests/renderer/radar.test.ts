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
  conflictPairCount,
  groupRadar,
  joinWords,
  newerRadar,
  otherSide,
  pairFiles,
  radarSessionIds,
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

describe('radar pairs', () => {
  it('lists conflicts first, then plain overlaps, each with its lock owner', () => {
    expect(pairFiles(sample.pairs[0]!, sample.lockOwners)).toEqual([
      { path: 'src/a.ts', kind: 'content', message: 'CONFLICT (content): Merge conflict in src/a.ts', lockOwner: '9b1c' },
      { path: 'src/new.ts', kind: 'add/add', message: 'CONFLICT (add/add): Merge conflict in src/new.ts', lockOwner: null },
      { path: 'README.md', kind: null, message: null, lockOwner: '3f2a' },
    ]);
  });

  it('keeps a conflict whose path is not among the overlaps (a rename), and each path once', () => {
    const pair: RadarPair = { a: '3f2a', b: '9b1c', overlap: ['x.ts', 'x.ts'], conflicts: [conflict('y.ts', 'rename'), conflict('y.ts', 'rename')] };
    expect(pairFiles(pair, {}).map((f) => [f.path, f.kind])).toEqual([
      ['y.ts', 'rename'],
      ['x.ts', null],
    ]);
  });

  it('groups: conflicting pairs (most conflicts first), clean overlaps, quiet sessions', () => {
    const groups = groupRadar(sample);
    expect(groups.conflicting.map((v) => v.key)).toEqual(['3f2a×9b1c', '3f2a×base']);
    expect(groups.conflicting[0]!.conflicts).toBe(2);
    expect(groups.conflicting[1]!.withBase).toBe(true);
    expect(groups.overlapping.map((v) => v.key)).toEqual(['9b1c×aa11']);
    expect(groups.quiet).toEqual(['aa11', 'bb22']);
  });

  it('at equal conflict counts, the pair with the base comes first', () => {
    const r = radar([
      { a: 'aa11', b: 'bb22', overlap: ['a'], conflicts: [conflict('a')] },
      { a: 'bb22', b: 'base', overlap: ['b'], conflicts: [conflict('b')] },
    ]);
    expect(groupRadar(r).conflicting.map((v) => v.key)).toEqual(['bb22×base', 'aa11×bb22']);
  });

  it('focused on a session: only its pairs, and it is quiet when nothing conflicts with it', () => {
    const on9b = groupRadar(sample, '9b1c');
    expect(on9b.conflicting.map((v) => v.key)).toEqual(['3f2a×9b1c']);
    expect(on9b.overlapping.map((v) => v.key)).toEqual(['9b1c×aa11']);
    expect(on9b.quiet).toEqual([]);
    const onAa = groupRadar(sample, 'aa11');
    expect(onAa.conflicting).toEqual([]);
    expect(onAa.quiet).toEqual(['aa11']);
    expect(groupRadar(sample, 'bb22')).toEqual({ conflicting: [], overlapping: [], quiet: ['bb22'] });
  });

  it('knows sessions only named in a pair, and which side is the other', () => {
    const r = radar([{ a: 'cc33', b: 'dd44', overlap: ['x'], conflicts: [] }], { sessions: [] });
    expect(radarSessionIds(r)).toEqual(['cc33', 'dd44']);
    expect(otherSide({ a: 'cc33', b: 'dd44' }, 'dd44')).toBe('cc33');
    expect(otherSide({ a: 'cc33', b: 'base' }, 'ee55')).toBeNull();
  });

  it('counts conflicting pairs for the nav and says how the radar was computed', () => {
    expect(conflictPairCount(sample)).toBe(2);
    expect(conflictPairCount(null)).toBe(0);
    expect(computeFacts(sample)).toBe('computed in 420 ms · 2 pairs recomputed, 3 with shared files');
    expect(computeFacts(radar([], { durationMs: 2345, computedPairs: 1 }))).toBe('computed in 2.3 s · 1 pair recomputed');
  });

  it('says what it found in plain words', () => {
    expect(radarSummary(sample)).toBe('2 predicted conflicts; 1 more pair touches the same files without one');
    expect(radarSummary(radar([]))).toBe('No conflict predicted: no two sessions touch the same files');
    const sharing = sample.pairs.filter((pair) => pair.conflicts.length === 0);
    expect(radarSummary(radar([...sharing, ...sharing]))).toBe('No conflict predicted; 2 pairs touch the same files without one');
    expect(radarSummary(radar(sample.pairs.filter((pair) => pair.conflicts.length > 0).slice(0, 1)))).toBe('1 predicted conflict');
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
