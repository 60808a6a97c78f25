import { mkdirSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FileLock, Session, SessionContextView } from '../../shared/models';
import { council, councilJson } from '../helpers/cli';
import { gitSync, makeRepo, tempDir, writeIn } from '../helpers/repo';

const create = (cwd: string, ...extra: string[]): Session[] => {
  const run = councilJson<Session[]>(['session', 'create', ...extra], { cwd });
  if (!run.result.ok) throw new Error(`create failed: ${run.result.error.message}`);
  return run.result.value;
};

describe('council CLI: sessions', () => {
  it('creates, lists, shows, commits and removes sessions, in text and JSON', () => {
    const repo = makeRepo();
    const created = council(['session', 'create', '--task', 'Add login form', '--agent', 'claude', '--no-start', '--count', '2'], { cwd: repo.root });
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/^ID\s+BRANCH\s+WORKTREE\n[0-9a-f]{6}\s+council\/add-login-form-[0-9a-f]{6}\s+\S+\n[0-9a-f]{6}/);

    const list = councilJson<Session[]>(['session', 'list'], { cwd: repo.root });
    expect(list.code).toBe(0);
    if (!list.result.ok) throw new Error(list.result.error.message);
    expect(list.result.value).toHaveLength(2);
    const [s] = list.result.value;
    expect(s).toMatchObject({ task: 'Add login form', agent: 'claude', state: 'ready' });

    writeIn(s!.worktreePath, 'src/login.ts', 'export const login = () => true;\n');
    const committed = council(['session', 'commit', s!.id.slice(0, 4), '-m', 'login'], { cwd: repo.root });
    expect(committed.stdout).toMatch(/committed 1 file\(s\) as [0-9a-f]{10}/);

    const show = council(['session', 'show', s!.id], { cwd: repo.root });
    expect(show.code).toBe(0);
    expect(show.stdout).toContain(`branch    ${s!.branch} (from main)`);
    expect(show.stdout).toContain('changes   1 ahead, 0 behind; 1 file, +1 -0');

    const refused = council(['session', 'remove', s!.id], { cwd: repo.root });
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain('has 1 unmerged commit');
    const forced = council(['session', 'remove', s!.id, '--force'], { cwd: repo.root });
    expect(forced.code).toBe(0);
    expect(forced.stdout).toMatch(/its work is kept at refs\/council\/archive\/[0-9a-f]{6}-\d{8}T\d{6}Z/);
    expect(council(['session', 'list'], { cwd: repo.root }).stdout).not.toContain(s!.id);
  });

  it('works from a subfolder, from inside a session worktree, and with --repo from anywhere', () => {
    const repo = makeRepo();
    const [s] = create(repo.root, '--task', 'where');
    const sub = path.join(repo.root, 'src');
    expect(councilJson<Session[]>(['session', 'list'], { cwd: sub }).result).toMatchObject({ ok: true, value: [{ id: s!.id }] });
    expect(councilJson<Session[]>(['session', 'list'], { cwd: path.join(s!.worktreePath, 'src') }).result).toMatchObject({ ok: true, value: [{ id: s!.id }] });
    expect(councilJson<Session[]>(['--repo', repo.root, 'session', 'list'], { cwd: tempDir() }).result).toMatchObject({ ok: true, value: [{ id: s!.id }] });
  });

  it('cleans up idle sessions and reconciles', () => {
    const repo = makeRepo();
    const [s] = create(repo.root, '--task', 'idle');
    expect(council(['session', 'cleanup', '--older-than', '1h'], { cwd: repo.root }).stdout).toContain('removed nothing: no session is idle for more than 1 hour (--older-than 1h)');
    const cleaned = councilJson<{ removed: string[] }>(['session', 'cleanup', '--older-than', '0s'], { cwd: repo.root });
    expect(cleaned.result).toEqual({ ok: true, value: { removed: [s!.id], kept: [], olderThanMs: 0, recent: [] } });
    expect(council(['session', 'reconcile'], { cwd: repo.root }).stdout).toBe('everything agrees\n');
    expect(council(['session', 'cleanup', '--older-than', 'soon'], { cwd: repo.root })).toMatchObject({ code: 2, stderr: expect.stringContaining('"soon" is not a duration') });
  });
});

describe('council CLI: locks and context', () => {
  it('acquires, refuses with the owner named (exit 3), lists, tells who, and releases', () => {
    const repo = makeRepo();
    const [a, b] = create(repo.root, '--task', 'Lock test', '--agent', 'codex', '--no-start', '--count', '2');
    expect(council(['lock', 'acquire', 'src/a.ts', '--session', a!.id], { cwd: repo.root })).toMatchObject({ code: 0, stdout: `locked src/a.ts for session ${a!.id}\n` });

    // From inside b's worktree, with an absolute path: the same file, so refused, naming a.
    const refused = council(['lock', 'acquire', path.join(b!.worktreePath, 'src', 'a.ts'), '--session', b!.id], { cwd: b!.worktreePath });
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain(`src/a.ts is locked by session ${a!.id} (codex: Lock test)`);

    const json = councilJson(['lock', 'acquire', 'src/a.ts', '--session', b!.id], { cwd: repo.root });
    expect(json.code).toBe(3);
    expect(json.result).toMatchObject({ ok: false, error: { code: 'lock-busy', details: { owner: a!.id, path: 'src/a.ts' } } });

    // COUNCIL_SESSION_ID stands in for --session (how agents' hooks call it).
    expect(council(['lock', 'acquire', 'src/b.ts'], { cwd: repo.root, env: { COUNCIL_SESSION_ID: b!.id } }).code).toBe(0);

    const list = councilJson<FileLock[]>(['lock', 'list'], { cwd: repo.root });
    expect(list.result.ok && list.result.value.map((l) => [l.path, l.sessionId])).toEqual([
      ['src/a.ts', a!.id],
      ['src/b.ts', b!.id],
    ]);
    expect(council(['lock', 'who', 'src/a.ts'], { cwd: repo.root }).stdout).toContain(`src/a.ts is locked by session ${a!.id}`);
    expect(council(['lock', 'release', 'src/a.ts', '--session', b!.id], { cwd: repo.root })).toMatchObject({ code: 3, stderr: expect.stringContaining('not by') });
    expect(council(['lock', 'release', 'src/a.ts', '--session', a!.id], { cwd: repo.root })).toMatchObject({ code: 0, stdout: 'released src/a.ts\n' });
    expect(council(['lock', 'who', 'src/a.ts'], { cwd: repo.root }).stdout).toBe('src/a.ts is not locked\n');
    expect(council(['lock', 'release-all', '--session', b!.id], { cwd: repo.root }).stdout).toBe('released src/b.ts\n');
    expect(council(['lock', 'list'], { cwd: repo.root }).stdout).toBe('no locks\n');
  });

  it('waits for a lock with --timeout', () => {
    const repo = makeRepo();
    const [a, b] = create(repo.root, '--task', 'wait', '--count', '2');
    council(['lock', 'acquire', 'README.md', '--session', a!.id], { cwd: repo.root });
    const started = Date.now();
    const timedOut = council(['lock', 'acquire', 'README.md', '--session', b!.id, '--timeout', '0.5'], { cwd: repo.root });
    expect(timedOut.code).toBe(3);
    expect(timedOut.stderr).toContain('waited 0.5 s');
    expect(Date.now() - started).toBeGreaterThanOrEqual(500);
  });

  it('updates and shows context, marks blocked, and prints the status summary with file conflicts', () => {
    const repo = makeRepo();
    const [a, b] = create(repo.root, '--task', 'ctx', '--agent', 'gemini', '--no-start', '--count', '2');
    expect(council(['context', 'update', '--session', a!.id, '--status', 'working', '--file', 'src/a.ts', '--progress', '2/5', '--message', 'on it'], { cwd: repo.root }).code).toBe(0);
    council(['context', 'update', '--session', b!.id, '--status', 'working', '--file', 'src/a.ts'], { cwd: repo.root });
    const shown = councilJson<SessionContextView>(['context', 'show', a!.id], { cwd: repo.root });
    expect(shown.result).toMatchObject({ ok: true, value: { status: 'working', currentFile: 'src/a.ts', progress: '2/5', message: 'on it', agent: 'gemini' } });

    const blocked = council(['context', 'blocked', '--session', b!.id, '--reason', 'waiting for the API', '--on', 'src/api.ts'], { cwd: repo.root });
    expect(blocked.stdout).toContain('blocked   waiting for the API (on src/api.ts)');

    const status = council(['status'], { cwd: repo.root });
    expect(status.code).toBe(0);
    expect(status.stdout).toContain('2 sessions: 1 working, 1 blocked');
    // b is blocked, not done: it still counts as on src/a.ts.
    expect(status.stdout).toContain(`src/a.ts: sessions ${[a!.id, b!.id].sort().join(', ')}`);

    const all = councilJson<SessionContextView[]>(['context', 'show'], { cwd: repo.root });
    expect(all.result.ok && all.result.value.map((c) => c.status).sort()).toEqual(['blocked', 'working']);
    expect(council(['context', 'update', '--session', a!.id, '--status', 'sleeping'], { cwd: repo.root })).toMatchObject({ code: 2, stderr: expect.stringContaining("Allowed choices are working, needs-input, blocked, idle, done, failed") });
  });
});

describe('council CLI: bad input gets exit 2 and a message naming the problem', () => {
  it.each([
    ['not a git repository', () => ({ cwd: tempDir() }), ['session', 'list'], /is not inside a git repository/],
    [
      'a bare repository',
      () => {
        const bare = path.join(tempDir(), 'bare.git');
        gitSync(tempDir(), 'init', '-q', '--bare', bare);
        return { cwd: bare };
      },
      ['session', 'list'],
      /is a bare repository/,
    ],
    [
      'a repository with no commits',
      () => {
        const empty = path.join(tempDir(), 'empty');
        mkdirSync(empty);
        gitSync(empty, 'init', '-q');
        return { cwd: empty };
      },
      ['session', 'create', '--task', 'x'],
      /has no commits yet/,
    ],
    ['an unknown base branch', () => ({ cwd: makeRepo().root }), ['session', 'create', '--task', 'x', '--base', 'nope'], /unknown base branch "nope"/],
    ['an empty task', () => ({ cwd: makeRepo().root }), ['session', 'create', '--task', '  '], /the task is empty/],
    ['an unknown session id', () => ({ cwd: makeRepo().root }), ['session', 'show', 'abc123'], /no session with id abc123/],
    ['a malformed session id', () => ({ cwd: makeRepo().root }), ['session', 'remove', '../x'], /"..\/x" is not a session id/],
    ['a count that is not a number', () => ({ cwd: makeRepo().root }), ['session', 'create', '--task', 'x', '--count', 'two'], /--count must be a whole number/],
    ['an unknown command', () => ({ cwd: makeRepo().root }), ['sesion', 'list'], /unknown command 'sesion'/],
    ['a missing required option', () => ({ cwd: makeRepo().root }), ['session', 'create'], /required option '-t, --task <text>' not specified/],
    ['a missing session', () => ({ cwd: makeRepo().root }), ['lock', 'acquire', 'README.md'], /which session\? pass --session ID/],
  ])('%s', (_name, setup, args, message) => {
    const { cwd } = setup();
    const run = council(args as string[], { cwd });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message as RegExp);
    expect(run.stdout).not.toMatch(/at .*\.ts:\d+/); // no stack traces for people
  });

  it('a lock path outside the repository', () => {
    const repo = makeRepo();
    const [s] = create(repo.root, '--task', 'x');
    for (const outside of ['../../etc/passwd', '/etc/passwd', realpathSync(tempDir())]) {
      const run = councilJson(['lock', 'acquire', outside, '--session', s!.id], { cwd: repo.root });
      expect(run.code, outside).toBe(2);
      expect(run.result, outside).toMatchObject({ ok: false, error: { code: 'invalid-input', message: expect.stringContaining('outside the repository') } });
    }
  });

  it('prints help with exit 0', () => {
    const run = council(['--help'], { cwd: tempDir() });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Usage: council');
    for (const word of ['session', 'lock', 'context', 'status']) expect(run.stdout).toContain(word);
  });
});
