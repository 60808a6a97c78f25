import { mkdirSync, readFileSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Session } from '../../shared/models';
import { Council } from '../../electron/core/council';
import type { CouncilError } from '../../electron/core/errors';
import { rejection } from '../helpers/errors';
import { makeRepo, tempDir, type TestRepo } from '../helpers/repo';


describe('file locks', () => {
  let repo: TestRepo;
  let council: Council;
  let a: Session;
  let b: Session;

  beforeEach(async () => {
    repo = makeRepo();
    council = Council.open(repo.root);
    [a, b] = (await council.createSessions({ task: 'locks', count: 2 })) as [Session, Session];
  });

  it('acquires and releases a lock; who and list show it while held', async () => {
    const lock = await council.locks.acquire('src/a.ts', a.id, { cwd: repo.root });
    expect(lock).toMatchObject({ path: 'src/a.ts', sessionId: a.id });
    expect(await council.locks.who('src/a.ts', { cwd: repo.root })).toEqual(lock);
    expect(council.locks.list()).toEqual([lock]);
    expect(await council.locks.release('src/a.ts', a.id, { cwd: repo.root })).toEqual({ released: true, path: 'src/a.ts' });
    expect(await council.locks.who('src/a.ts', { cwd: repo.root })).toBeNull();
    expect(council.locks.list()).toEqual([]);
    expect(await council.locks.release('src/a.ts', a.id, { cwd: repo.root })).toEqual({ released: false, path: 'src/a.ts' });
  });

  it('blocks a second session and names the owner; re-acquiring your own lock succeeds', async () => {
    await council.locks.acquire('src/a.ts', a.id, { cwd: repo.root });
    const refused = await rejection(council.locks.acquire('src/a.ts', b.id, { cwd: repo.root }));
    expect(refused.code).toBe('lock-busy');
    expect(refused.message).toContain(`src/a.ts is locked by session ${a.id} (locks)`);
    expect(refused.details).toMatchObject({ path: 'src/a.ts', owner: a.id });
    expect(await council.locks.tryAcquire('src/a.ts', b.id, { cwd: repo.root })).toMatchObject({ acquired: false, owner: { sessionId: a.id } });
    expect(await council.locks.tryAcquire('src/a.ts', a.id, { cwd: repo.root })).toMatchObject({ acquired: true, already: true });
    // b cannot release a's lock.
    const notYours = await rejection(council.locks.release('src/a.ts', b.id, { cwd: repo.root }));
    expect(notYours.code).toBe('conflict');
    expect((await council.locks.who('src/a.ts', { cwd: repo.root }))?.sessionId).toBe(a.id);
  });

  it('keys a path the same from the main checkout, from a session worktree (absolute or relative), and from a subfolder', async () => {
    await council.locks.acquire(path.join(a.worktreePath, 'src', 'a.ts'), a.id);
    expect((await council.locks.who(path.join(repo.root, 'src', 'a.ts')))?.sessionId).toBe(a.id);
    expect((await council.locks.who('a.ts', { cwd: path.join(b.worktreePath, 'src') }))?.sessionId).toBe(a.id);
    expect((await council.locks.who('./src/../src/a.ts', { cwd: repo.root }))?.sessionId).toBe(a.id);
    expect((await council.locks.tryAcquire('src/a.ts', b.id, { cwd: b.worktreePath })).acquired).toBe(false);
    // A file that does not exist yet can be locked (an agent about to create it).
    expect((await council.locks.acquire('src/new/file.ts', b.id, { cwd: repo.root })).path).toBe('src/new/file.ts');
  });

  it('refuses paths outside the repository: ../, absolute elsewhere, through a symlink, the root, .git', async () => {
    const outside = tempDir();
    mkdirSync(path.join(outside, 'secret'), { recursive: true });
    symlinkSync(path.join(outside, 'secret'), path.join(repo.root, 'link-out'));
    const cases: [string, RegExp][] = [
      ['../elsewhere.txt', /is outside the repository/],
      [path.join(outside, 'x.txt'), /is outside the repository/],
      ['link-out/file.txt', /resolves through a symlink to .* outside the repository/],
      ['.', /repository's root folder/],
      ['.git/config', /git's own folder/],
      ['', /path is empty/],
    ];
    for (const [input, message] of cases) {
      const err = await rejection(council.locks.acquire(input, a.id, { cwd: repo.root }));
      expect(err.code, input).toBe('invalid-input');
      expect(err.message, input).toMatch(message);
    }
    expect(council.locks.list()).toEqual([]);
  });

  it('refuses an unknown session', async () => {
    const err = await rejection(council.locks.acquire('src/a.ts', 'ffffff', { cwd: repo.root }));
    expect(err).toMatchObject({ code: 'not-found', message: 'no session with id ffffff' });
  });

  it('release-all releases exactly the session’s locks', async () => {
    await council.locks.acquire('src/a.ts', a.id, { cwd: repo.root });
    await council.locks.acquire('src/b.ts', a.id, { cwd: repo.root });
    await council.locks.acquire('README.md', b.id, { cwd: repo.root });
    expect(await council.locks.releaseAll(a.id)).toEqual(['src/a.ts', 'src/b.ts']);
    expect(council.locks.list().map((l) => [l.path, l.sessionId])).toEqual([['README.md', b.id]]);
  });

  it('waits for a busy lock up to the timeout, and gets it when the holder releases', async () => {
    await council.locks.acquire('src/a.ts', a.id, { cwd: repo.root });
    const started = Date.now();
    const waiting = council.locks.acquire('src/a.ts', b.id, { cwd: repo.root, timeoutMs: 5000 });
    setTimeout(() => void council.locks.release('src/a.ts', a.id, { cwd: repo.root }), 150);
    const lock = await waiting;
    expect(lock.sessionId).toBe(b.id);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);

    const timedOut = await rejection(council.locks.acquire('src/a.ts', a.id, { cwd: repo.root, timeoutMs: 200 }));
    expect(timedOut.code).toBe('lock-busy');
    expect(timedOut.message).toMatch(/waited 0\.2 s/);
  });

  it('shares the sessions’ real roots between processes, made again whenever the registry changes', async () => {
    const file = path.join(council.ws.paths.dir, 'real-roots.json');
    const version = () => council.ws.registry.version;
    const stored = () => JSON.parse(readFileSync(file, 'utf8')) as { version: string; roots: string[] };
    await council.locks.acquire('src/a.ts', a.id, { cwd: repo.root });
    const realOf = (sessions: Session[]) => sessions.map((s) => realpathSync(s.worktreePath)).sort();
    expect(stored().version).toBe(version());
    expect(stored().roots.sort()).toEqual(realOf([a, b]));

    // Another process reads them from the file, not from the disk: here the file says b's root
    // is a folder elsewhere, which that process then takes as b's checkout.
    const elsewhere = realpathSync(tempDir());
    writeFileSync(file, JSON.stringify({ version: version(), roots: [realpathSync(a.worktreePath), elsewhere] }));
    const other = Council.open(repo.root);
    expect(await other.locks.acquire(path.join(elsewhere, 'x.ts'), b.id)).toMatchObject({ path: 'x.ts', sessionId: b.id });
    await other.locks.release(path.join(elsewhere, 'x.ts'), b.id);

    // A registry change makes a new version: the roots are resolved again, the new session's too.
    const [c] = (await council.createSessions({ task: 'locks three' })) as [Session];
    const third = Council.open(repo.root);
    expect((await rejection(third.locks.acquire(path.join(elsewhere, 'x.ts'), b.id))).code).toBe('invalid-input');
    expect(stored().version).toBe(version());
    expect(stored().roots.sort()).toEqual(realOf([a, b, c]));

    // A damaged file is resolved again and rewritten, never trusted.
    writeFileSync(file, '{"version": 3, "roots": "no"}');
    expect(await Council.open(repo.root).locks.acquire(path.join(c.worktreePath, 'y.ts'), c.id)).toMatchObject({ path: 'y.ts' });
    expect(stored().roots).toHaveLength(3);
  });

  it('treats a lock of a session that no longer exists as free, and takes it over', async () => {
    await council.locks.acquire('src/a.ts', a.id, { cwd: repo.root });
    await council.removeSession(a.id);
    expect(await council.locks.who('src/a.ts', { cwd: repo.root })).toBeNull();
    expect((await council.locks.acquire('src/a.ts', b.id, { cwd: repo.root })).sessionId).toBe(b.id);
  });
});

describe('merge lock', () => {
  it('serializes merges in one process and refuses a second at once, naming the holder', async () => {
    const repo = makeRepo();
    const council = Council.open(repo.root);
    const order: string[] = [];
    let inside = 0;
    let maxInside = 0;
    const merge = (name: string) =>
      council.withMergeLock(
        async () => {
          inside++;
          maxInside = Math.max(maxInside, inside);
          order.push(`start ${name}`);
          await new Promise((r) => setTimeout(r, 50));
          order.push(`end ${name}`);
          inside--;
        },
        { timeoutMs: 10_000, purpose: `merge ${name}` },
      );
    await Promise.all([merge('one'), merge('two'), merge('three')]);
    expect(maxInside).toBe(1);
    for (let i = 0; i < order.length; i += 2) expect(order[i + 1]).toBe(order[i]!.replace('start', 'end'));

    let busy: CouncilError | null = null;
    await council.withMergeLock(async () => {
      busy = await rejection(council.withMergeLock(async () => undefined, { timeoutMs: 0 }));
    }, { purpose: 'merge of session abc123' });
    expect(busy).toMatchObject({ code: 'lock-busy', message: expect.stringContaining(`by process ${process.pid} (merge of session abc123`) });
  });
});
