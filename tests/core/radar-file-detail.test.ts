import { describe, expect, it } from 'vitest';
import type { Session } from '../../shared/models';
import { Council } from '../../electron/core/council';
import { RadarService } from '../../electron/core/radar/radar';
import { conflictHunks } from '../../electron/core/radar/hunks';
import { MAX_DETAIL_BYTES } from '../../electron/core/radar/file-detail';
import { groupByFile, radarSummary } from '../../renderer/src/models/radar-model';
import { gitSync, makeRepo, writeIn } from '../helpers/repo';
import { rmSync } from 'node:fs';
import path from 'node:path';

// The radar by file, on real repositories (issue 14, item 6): three sessions colliding on one file,
// one colliding with a base that moved, a deletion against a change, two files added at one path;
// then one file of one pair closely (radar.fileDetail): each side's lines where they clash.

const LINES = Array.from({ length: 30 }, (_, i) => `line ${i + 1}`);
const withLine = (n: number, text: string): string => LINES.map((l, i) => (i === n - 1 ? text : l)).join('\n') + '\n';
const FILES = { 'README.md': '# demo\n', 'src/a.ts': LINES.join('\n') + '\n', 'src/b.ts': LINES.join('\n') + '\n', 'src/gone.ts': 'export const gone = 1;\n' };

function commitIn(s: Session, message: string): void {
  gitSync(s.worktreePath, 'add', '-A');
  gitSync(s.worktreePath, 'commit', '-q', '-m', message);
}

async function scene() {
  const repo = makeRepo(FILES);
  const council = Council.open(repo.root);
  await council.createSessions({ task: 'collide', count: 4 });
  const [s1, s2, s3, s4] = council.listSessions() as [Session, Session, Session, Session];
  // s1, s2, s3: line 10 of src/a.ts, each its own way (s3 leaves it uncommitted).
  writeIn(s1.worktreePath, 'src/a.ts', withLine(10, 'one'));
  rmSync(path.join(s1.worktreePath, 'src/gone.ts'));
  commitIn(s1, 'one');
  writeIn(s2.worktreePath, 'src/a.ts', withLine(10, 'two'));
  writeIn(s2.worktreePath, 'src/new.ts', 'export const made = "by two";\n');
  commitIn(s2, 'two');
  writeIn(s3.worktreePath, 'src/a.ts', withLine(10, 'three'));
  writeIn(s3.worktreePath, 'src/gone.ts', 'export const gone = 3;\n');
  // s4: line 20 of src/b.ts, and its own src/new.ts (untracked); then main changes line 20 too.
  writeIn(s4.worktreePath, 'src/b.ts', withLine(20, 'four'));
  commitIn(s4, 'four');
  writeIn(s4.worktreePath, 'src/new.ts', 'export const made = "by four";\n');
  writeIn(repo.root, 'src/b.ts', withLine(20, 'main moved'));
  gitSync(repo.root, 'commit', '-q', '-am', 'main: line 20');
  return { repo, council, s1, s2, s3, s4, radar: new RadarService(council) };
}

describe('the radar by file, on real git', () => {
  it('one row per conflicting file, naming every session and kind, most sessions first; the base conflict is the base’s', async () => {
    const { s1, s2, s3, s4, radar } = await scene();
    const result = await radar.compute();
    const groups = groupByFile(result);
    expect(groups.conflicting.map((row) => [row.path, row.sessions, row.againstBase, row.kinds])).toEqual([
      ['src/a.ts', [s1.id, s2.id, s3.id].sort(), [], ['content']],
      ['src/gone.ts', [s1.id, s3.id].sort(), [], ['modify/delete']],
      ['src/new.ts', [s2.id, s4.id].sort(), [], ['add/add']],
      ['src/b.ts', [s4.id], [s4.id], ['content']],
    ]);
    // src/a.ts: the three pairs of the three sessions, no pair with the base.
    const a = groups.conflicting[0]!;
    expect(a.pairs.map((p) => [p.a, p.b].sort().join(' ')).sort()).toEqual([[s1.id, s2.id], [s1.id, s3.id], [s2.id, s3.id]].map((p) => p.sort().join(' ')).sort());
    // src/b.ts is s4 against main, and only that: no session is blamed for it.
    expect(groups.conflicting[3]!.pairs).toEqual([expect.objectContaining({ a: s4.id, b: 'base', withBase: true, kind: 'content' })]);
    expect(radarSummary(result)).toBe('3 files would conflict between 4 sessions; 1 session would conflict with main in 1 file: main moved since it started');
    expect(groups.quiet).toEqual([]);
  });

  it('a file of a pair closely: each side’s clashing lines, what both started from, lines around; oriented as asked', async () => {
    const { s1, s2, s3, s4, radar } = await scene();
    const detail = await radar.fileDetail('src/a.ts', s1.id, s2.id);
    expect(detail).toEqual({
      path: 'src/a.ts',
      a: s1.id,
      b: s2.id,
      kind: 'content',
      message: 'CONFLICT (content): Merge conflict in src/a.ts',
      changes: ['modified', 'modified'],
      hunks: [{ line: 10, before: ['line 7', 'line 8', 'line 9'], a: ['one'], base: ['line 10'], b: ['two'], after: ['line 11', 'line 12', 'line 13'], clipped: false }],
      moreHunks: 0,
      note: null,
    });
    // Asked the other way round (and for the uncommitted session): the sides follow the question.
    expect((await radar.fileDetail('src/a.ts', s3.id, s1.id)).hunks[0]).toMatchObject({ a: ['three'], b: ['one'] });
    // Against the base: the session's line, then the base's.
    expect(await radar.fileDetail('src/b.ts', s4.id, 'base')).toMatchObject({
      kind: 'content',
      changes: ['modified', 'modified'],
      hunks: [{ line: 20, a: ['four'], base: ['line 20'], b: ['main moved'] }],
    });
    // Both added src/new.ts: nothing to start from.
    expect(await radar.fileDetail('src/new.ts', s4.id, s2.id)).toMatchObject({
      kind: 'add/add',
      changes: ['added', 'added'],
      hunks: [{ a: ['export const made = "by four";'], b: ['export const made = "by two";'] }],
    });
    // A deletion against a change: no lines to compare, said in words.
    const gone = await radar.fileDetail('src/gone.ts', s1.id, s3.id);
    expect(gone).toMatchObject({ kind: 'modify/delete', changes: ['deleted', 'modified'], hunks: [] });
    expect(gone.note).toContain('deleted');
    // The detail follows the radar as computed: once it has seen s1's new line, so does the detail.
    writeIn(s1.worktreePath, 'src/a.ts', withLine(10, 'one, again'));
    radar.invalidate(s1.id);
    await radar.compute();
    expect((await radar.fileDetail('src/a.ts', s1.id, s2.id)).hunks[0]).toMatchObject({ a: ['one, again'], b: ['two'] });
  });

  it('refuses what the radar does not name: a file the pair does not share, the same session twice, an unknown session', async () => {
    const { s1, s2, radar } = await scene();
    await expect(radar.fileDetail('README.md', s1.id, s2.id)).rejects.toMatchObject({ code: 'not-found', message: expect.stringContaining('refresh the radar') });
    await expect(radar.fileDetail('src/b.ts', s1.id, 'base')).rejects.toMatchObject({ code: 'not-found' });
    await expect(radar.fileDetail('src/a.ts', s1.id, s1.id)).rejects.toMatchObject({ code: 'invalid-input' });
    await expect(radar.fileDetail('src/a.ts', s1.id, 'fffffff')).rejects.toMatchObject({ code: 'not-found' });
  });
});

describe('a file of a pair that has no lines to show', () => {
  it('a binary file, and a file past the size cap, are said in words, with what each side did', async () => {
    const repo = makeRepo(FILES);
    const council = Council.open(repo.root);
    await council.createSessions({ task: 'big and binary', count: 2 });
    const [s1, s2] = council.listSessions() as [Session, Session];
    // Each side's version alone is past the cap.
    const big = (who: string): string => `${who}\n${'x'.repeat(79)}\n`.repeat(Math.ceil(MAX_DETAIL_BYTES / 80) + 1);
    for (const [s, who] of [[s1, 'one'], [s2, 'two']] as const) {
      writeIn(s.worktreePath, 'assets/logo.bin', `\0binary ${who}\0`);
      writeIn(s.worktreePath, 'src/big.txt', big(who));
      commitIn(s, who);
    }
    const radar = new RadarService(council);
    const binary = await radar.fileDetail('assets/logo.bin', s1.id, s2.id);
    expect(binary).toMatchObject({ kind: 'add/add', changes: ['added', 'added'], hunks: [], note: expect.stringContaining('A binary file') });
    const large = await radar.fileDetail('src/big.txt', s1.id, s2.id);
    expect(large).toMatchObject({ kind: 'add/add', hunks: [], note: expect.stringMatching(/^The file is too large to show here \(\d+ KB\)/) });
  });
});

describe('conflict hunks from a merged file', () => {
  const block = (a: string[], b: string[], base: string[] | null = null): string[] => ['<<<<<<< x', ...a, ...(base ? ['||||||| y', ...base] : []), '=======', ...b, '>>>>>>> z'];

  it('numbers each hunk by the file with side a taken, with context, and caps hunks, lines and line length', () => {
    const text = ['h1', 'h2', ...block(['a1', 'a2'], ['b1']), 'm1', ...block(['c1'], ['d1', 'd2'], ['o1']), 't1', ''].join('\n');
    expect(conflictHunks(text).hunks).toEqual([
      { line: 3, before: ['h1', 'h2'], a: ['a1', 'a2'], base: null, b: ['b1'], after: ['m1'], clipped: false },
      { line: 6, before: ['m1'], a: ['c1'], base: ['o1'], b: ['d1', 'd2'], after: ['t1'], clipped: false },
    ]);
    const many = Array.from({ length: 5 }, (_, i) => block([`a${i}`], [`b${i}`]).join('\n')).join('\n');
    expect(conflictHunks(many, { maxHunks: 2, maxLines: 40, context: 3, maxLineLength: 300 })).toMatchObject({ hunks: [{ a: ['a0'] }, { a: ['a1'] }], more: 3 });
    const long = block(['x'.repeat(10), 'second', 'third'], ['y']).join('\n');
    expect(conflictHunks(long, { maxHunks: 5, maxLines: 2, context: 3, maxLineLength: 4 }).hunks).toEqual([{ line: 1, before: [], a: ['xxxx…', 'seco…'], base: null, b: ['y'], after: [], clipped: true }]);
  });

  it('takes longer markers (a virtual base’s) as lines, and stops at a conflict left open', () => {
    const text = ['<<<<<<< x', 'a', '||||||| base', '<<<<<<<< inner', 'o', '>>>>>>>> inner', '=======', 'b', '>>>>>>> z', '<<<<<<< open', 'never closed'].join('\n');
    expect(conflictHunks(text).hunks).toEqual([{ line: 1, before: [], a: ['a'], base: ['<<<<<<<< inner', 'o', '>>>>>>>> inner'], b: ['b'], after: [], clipped: false }]);
  });
});
