import { describe, expect, it } from 'vitest';
import { RadarSchema, type Radar } from '../../shared/merge';
import type { Session } from '../../shared/models';
import { Council } from '../../electron/core/council';
import { council, councilJson } from '../helpers/cli';
import { gitSync, makeRepo, writeIn } from '../helpers/repo';

// `council conflicts` as its own OS process (the built CLI), on a real repository.

async function twoSessions(): Promise<{ root: string; c: Council; s1: Session; s2: Session }> {
  const repo = makeRepo();
  const c = Council.open(repo.root);
  await c.createSessions({ task: 'conflicts', count: 2 });
  const [s1, s2] = c.listSessions() as [Session, Session];
  return { root: repo.root, c, s1, s2 };
}

describe('council conflicts', () => {
  it('says so when nothing would conflict (exit 0)', async () => {
    const { root, s1 } = await twoSessions();
    writeIn(s1.worktreePath, 'src/a.ts', 'export const a = 10;\n');
    const text = council(['conflicts'], { cwd: root });
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toBe(`no predicted conflicts (2 sessions checked against main at ${gitSync(root, 'rev-parse', 'main').slice(0, 8)})\n`);
  });

  it('prints one row per file: the sessions colliding there, those conflicting with the base told apart, the kinds; then the lock owners; still exit 0', async () => {
    const { root, c, s1, s2 } = await twoSessions();
    writeIn(s1.worktreePath, 'src/a.ts', 'export const a = 10;\n');
    writeIn(s1.worktreePath, 'README.md', '# demo\n\nmore\n');
    writeIn(s2.worktreePath, 'src/a.ts', 'export const a = 20;\n');
    writeIn(root, 'README.md', '# changed on main\n');
    gitSync(root, 'commit', '-q', '-am', 'main moves');
    await c.locks.acquire('src/a.ts', s2.id, { cwd: root });

    const text = council(['conflicts'], { cwd: s1.worktreePath });
    expect(text.code, text.stderr).toBe(0);
    const lines = text.stdout.trimEnd().split('\n');
    const ids = [s1.id, s2.id].sort().join(', ');
    expect(lines[0]).toMatch(/^FILE\s+SESSIONS\s+WITH MAIN\s+KINDS$/);
    expect(lines[1]).toMatch(new RegExp(`^src/a\\.ts\\s+${ids}\\s+-\\s+content$`));
    // The base moved under s1: said as such, s2 (which never touched README.md) is not named.
    expect(lines[2]).toMatch(new RegExp(`^README\\.md\\s+-\\s+${s1.id}\\s+content$`));
    expect(lines.slice(3)).toEqual([
      '',
      'WITH MAIN: main moved since these sessions started and changed the same file (no other session is involved).',
      '',
      'Locked:',
      `  src/a.ts: ${s2.id}`,
      '',
      `2 files would conflict: between 2 sessions, 1 session with main (2 sessions checked against main at ${gitSync(root, 'rev-parse', 'main').slice(0, 8)})`,
    ]);

    // --pairs: the old view, one line per pair.
    const pairs = council(['conflicts', '--pairs'], { cwd: s1.worktreePath });
    expect(pairs.code, pairs.stderr).toBe(0);
    const pairLines = pairs.stdout.trimEnd().split('\n');
    expect(pairLines[0]).toMatch(/^PAIR\s+CONFLICTS\s+OVERLAP$/);
    expect(pairLines[1]).toMatch(new RegExp(`^${s1.id} × base \\(main\\)\\s+README\\.md \\(content\\)\\s+README\\.md$`));
    expect(pairLines[2]).toMatch(new RegExp(`^${s1.id} × ${s2.id}\\s+src/a\\.ts \\(content\\)\\s+src/a\\.ts$`));
    expect(pairLines.at(-1)).toBe(`2 pairs would conflict, 0 only overlap (2 sessions checked against main at ${gitSync(root, 'rev-parse', 'main').slice(0, 8)})`);
  });

  it('six sessions on one file are one row, not 15 pairs; a file several sides change cleanly is listed apart', async () => {
    const repo = makeRepo({ 'src/a.ts': 'export const a = 1;\n', 'src/b.ts': 'one\ntwo\nthree\nfour\nfive\n' });
    const c = Council.open(repo.root);
    const sessions = (await c.createSessions({ task: 'many', count: 6 })) as Session[];
    for (const s of sessions) writeIn(s.worktreePath, 'src/a.ts', `export const a = '${s.id}';\n`);
    writeIn(sessions[0]!.worktreePath, 'src/new-0.ts', 'export const x = 0;\n');
    // Two sessions change src/b.ts at lines far apart: git merges them cleanly.
    writeIn(sessions[1]!.worktreePath, 'src/b.ts', 'ONE\ntwo\nthree\nfour\nfive\n');
    gitSync(sessions[1]!.worktreePath, 'add', '-A');
    gitSync(sessions[1]!.worktreePath, 'commit', '-q', '-m', 'b');
    writeIn(sessions[2]!.worktreePath, 'src/b.ts', 'one\ntwo\nthree\nfour\nFIVE\n');
    const text = council(['conflicts'], { cwd: repo.root });
    expect(text.code, text.stderr).toBe(0);
    const lines = text.stdout.trimEnd().split('\n');
    const ids = sessions.map((s) => s.id).sort();
    expect(lines[1]).toMatch(new RegExp(`^src/a\\.ts\\s+${ids.join(', ')}\\s+-\\s+content$`));
    expect(lines.filter((line) => line.startsWith('src/a.ts'))).toHaveLength(1);
    const clean = [sessions[1]!.id, sessions[2]!.id].sort().join(', ');
    expect(lines).toContain('Changed on several sides, should merge cleanly:');
    expect(lines).toContain(`  src/b.ts: ${clean}`);
    expect(lines.at(-1)).toBe(`1 file would conflict: between 6 sessions; 1 more file changed on several sides should merge cleanly (6 sessions checked against main at ${gitSync(repo.root, 'rev-parse', 'main').slice(0, 8)})`);
    const pairs = council(['conflicts', '--pairs'], { cwd: repo.root });
    expect(pairs.stdout.trimEnd().split('\n').at(-1)).toMatch(/^15 pairs would conflict, /);
  });

  it('a session made after the base moved is not blamed for what it inherited: only X × base (issue 12, radar 1)', async () => {
    const { root, c, s1: x } = await twoSessions();
    writeIn(x.worktreePath, 'src/a.ts', 'export const a = 10;\n');
    gitSync(x.worktreePath, 'add', '-A');
    gitSync(x.worktreePath, 'commit', '-q', '-m', 'x');
    writeIn(root, 'src/a.ts', 'export const a = 30;\n');
    gitSync(root, 'add', '-A');
    gitSync(root, 'commit', '-q', '-m', 'main');
    const [y] = (await c.createSessions({ task: 'later' })) as [Session];

    const text = council(['conflicts'], { cwd: root });
    expect(text.code, text.stderr).toBe(0);
    const lines = text.stdout.trimEnd().split('\n');
    expect(lines[1]).toMatch(new RegExp(`^src/a\\.ts\\s+-\\s+${x.id}\\s+content$`));
    expect(text.stdout).not.toContain(y.id);
    expect(lines.at(-1)).toBe(`1 file would conflict: 1 session with main (3 sessions checked against main at ${gitSync(root, 'rev-parse', 'main').slice(0, 8)})`);
  });

  it('council status counts the same predicted conflicts and says where to see them; "files two sessions are on" is its own line (issue 12, radar 3)', async () => {
    const { root, s1, s2 } = await twoSessions();
    writeIn(s1.worktreePath, 'src/a.ts', 'export const a = 10;\n');
    writeIn(s2.worktreePath, 'src/a.ts', 'export const a = 20;\n');
    const conflicts = council(['conflicts'], { cwd: root });
    expect(conflicts.stdout.trimEnd().split('\n').at(-1)).toMatch(/^1 file would conflict: between 2 sessions /);

    const status = council(['status'], { cwd: root });
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).not.toMatch(/no file conflicts/i);
    expect(status.stdout).toContain('Files two sessions are on (from their context): none.');
    // By file, with the sessions involved: the radar's own words (not a count of pairs).
    expect(status.stdout).toContain('Predicted merge conflicts: 1 file would conflict: between 2 sessions (`council conflicts` shows which).');
    const json = councilJson<{ sharedFiles: unknown[]; predictedConflicts: { pairs: number; withBase: number } | null }>(['status'], { cwd: root });
    if (!json.result.ok) throw new Error(json.result.error.message);
    expect(json.result.value.sharedFiles).toEqual([]);
    expect(json.result.value.predictedConflicts).toEqual({ pairs: 1, withBase: 0, files: 1, sessions: 2, sessionsWithBase: 0, base: 'main' });

    gitSync(s2.worktreePath, 'checkout', '--', 'src/a.ts');
    expect(council(['status'], { cwd: root }).stdout).toContain('Predicted merge conflicts: none (`council conflicts` checks again).');
  });

  it('council status speaks by file like the radar: three sessions on one file are 1 file and 3 sessions, not 3 pairs; one with the base is named as such', async () => {
    const repo = makeRepo();
    const c = Council.open(repo.root);
    await c.createSessions({ task: 'same file', count: 3 });
    const sessions = c.listSessions() as Session[];
    sessions.forEach((s, i) => writeIn(s.worktreePath, 'src/a.ts', `export const a = ${100 + i};\n`));
    const conflicts = council(['conflicts'], { cwd: repo.root });
    expect(conflicts.stdout.trimEnd().split('\n').at(-1)).toMatch(/^1 file would conflict: between 3 sessions /);
    const status = council(['status'], { cwd: repo.root });
    expect(status.stdout).toContain('Predicted merge conflicts: 1 file would conflict: between 3 sessions (`council conflicts` shows which).');
    expect(status.stdout).not.toContain('pair');

    // The base moves on another file that one session changes too: a second file, one session with main.
    writeIn(sessions[0]!.worktreePath, 'src/b.ts', 'export const b = "session";\n');
    writeIn(repo.root, 'src/b.ts', 'export const b = "main";\n');
    gitSync(repo.root, 'commit', '-qam', 'main changes b');
    expect(council(['status'], { cwd: repo.root }).stdout).toContain('Predicted merge conflicts: 2 files would conflict: between 3 sessions, 1 session with main (`council conflicts` shows which).');
  });

  it('--json prints the radar', async () => {
    const { root, s1, s2 } = await twoSessions();
    writeIn(s1.worktreePath, 'src/b.ts', 'export const b = 1;\n');
    writeIn(s2.worktreePath, 'src/b.ts', 'export const b = 3;\n');
    // The global --json, before or after the command.
    for (const args of [['--json', 'conflicts'], ['conflicts', '--json']]) {
      const result = council(args, { cwd: root });
      expect(result.code, result.stderr).toBe(0);
      const printed = JSON.parse(result.stdout) as { ok: boolean; value: unknown };
      expect(printed.ok).toBe(true);
      const radar = RadarSchema.parse(printed.value);
      expect(radar.base).toEqual({ branch: 'main', commit: gitSync(root, 'rev-parse', 'main') });
      expect(radar.sessions.map((s) => [s.sessionId, s.files])).toEqual([
        [s1.id, ['src/b.ts']],
        [s2.id, ['src/b.ts']],
      ]);
      expect(radar.pairs).toEqual([{ a: s1.id, b: s2.id, overlap: ['src/b.ts'], conflicts: [{ path: 'src/b.ts', kind: 'content', message: 'CONFLICT (content): Merge conflict in src/b.ts' }] }]);
      expect(radar.computedPairs).toBe(3);
    }
  });

  it('--base compares with another branch; an unknown one is an error (exit 2)', async () => {
    const { root, s1 } = await twoSessions();
    gitSync(root, 'branch', 'release');
    writeIn(s1.worktreePath, 'src/a.ts', 'export const a = 5;\n');
    const ok = councilJson<Radar>(['conflicts', '--base', 'release'], { cwd: root });
    expect(ok.code, ok.stderr).toBe(0);
    if (!ok.result.ok) throw new Error(ok.result.error.message);
    expect(ok.result.value.base.branch).toBe('release');
    const missing = council(['conflicts', '--base', 'nope'], { cwd: root });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('council: the base branch nope does not exist');
  });
});
