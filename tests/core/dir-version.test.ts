import { mkdirSync, renameSync, statSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Session } from '../../shared/models';
import { Council } from '../../electron/core/council';
import { peersView } from '../../electron/core/coordination/peers';
import { DirectoryVersion, RACY_COARSE_MS, RACY_MS } from '../../electron/core/state/dir-version';
import { council as cli } from '../helpers/cli';
import { makeRepo, tempDir, type TestRepo } from '../helpers/repo';

/**
 * The peers view (every agent's MCP `peers`) reads 100 contexts and 100 locks per call; their
 * folders' versions (state/dir-version.ts) let it skip the per-file stats when nothing was added,
 * replaced or removed. These tests hold the cache to what is on disk: a change by another process
 * is seen on the next call, whatever was cached, and a folder changed too recently to be sure of
 * (the same timestamp tick) is never trusted.
 */

const changedMs = (dir: string): number => {
  const s = statSync(dir, { bigint: true });
  return Number((s.ctimeNs > s.mtimeNs ? s.ctimeNs : s.mtimeNs) / 1_000_000n);
};
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('DirectoryVersion', () => {
  let dir: string;
  beforeEach(() => {
    dir = path.join(tempDir(), 'records');
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'a.json'), '{}');
  });

  it('never vouches for a folder changed within the racy window, however often asked', () => {
    const version = new DirectoryVersion(dir, () => changedMs(dir) + RACY_MS);
    for (let i = 0; i < 3; i++) expect(version.unchanged()).toBe(false);
  });

  it('vouches for an older folder from the second call, until an entry is added, replaced or removed', () => {
    let clock = changedMs(dir) + 10_000;
    const version = new DirectoryVersion(dir, () => clock);
    expect(version.unchanged()).toBe(false); // the first read of every file
    expect(version.unchanged()).toBe(true);
    expect(version.unchanged()).toBe(true);
    const changes: [string, () => void][] = [
      ['a file added', () => writeFileSync(path.join(dir, 'b.json'), '{}')],
      ['a file replaced by rename', () => (writeFileSync(path.join(dir, 'a.json.tmp'), '{"x":1}'), renameSync(path.join(dir, 'a.json.tmp'), path.join(dir, 'a.json')))],
      ['a file removed', () => unlinkSync(path.join(dir, 'b.json'))],
    ];
    for (const [what, change] of changes) {
      change();
      clock = changedMs(dir) + 10_000;
      expect(version.unchanged(), what).toBe(false);
      expect(version.unchanged(), what).toBe(true);
    }
    version.forget();
    expect(version.unchanged()).toBe(false);
  });

  it('waits longer on whole-second timestamps (coarse filesystems), and answers false for a missing folder', () => {
    const whole = Math.floor(Date.now() / 1000) - 1;
    utimesSync(dir, whole, whole); // mtime on a second boundary: the folder's filesystem may count seconds only
    const base = changedMs(dir);
    const soon = new DirectoryVersion(dir, () => base + RACY_MS + 50);
    expect([soon.unchanged(), soon.unchanged()]).toEqual([false, false]);
    const later = new DirectoryVersion(dir, () => base + RACY_COARSE_MS + 50);
    expect([later.unchanged(), later.unchanged()]).toEqual([false, true]);
    const missing = new DirectoryVersion(path.join(dir, 'none'), () => Date.now() + 10_000);
    expect([missing.unchanged(), missing.unchanged()]).toEqual([false, false]);
  });
});

describe('contexts and locks cached by folder version', () => {
  let repo: TestRepo;
  let council: Council;
  let a: Session;
  let b: Session;

  beforeEach(async () => {
    repo = makeRepo();
    council = Council.open(repo.root);
    [a, b] = (await council.createSessions({ task: 'dir cache', count: 2 })) as [Session, Session];
    await council.context.update(a.id, { status: 'working', currentFile: 'src/a.ts' }, { cwd: repo.root });
  });

  /** Lets the folders age past the racy window, then reads twice: the second read is from the cache. */
  const settle = async () => {
    await sleep(RACY_MS + 50);
    council.context.all();
    council.context.all();
  };

  it('sees another process change a context on the next call, after cached reads', async () => {
    await settle();
    expect(council.context.get(b.id).status).toBe('idle');
    expect(peersView(council, a.id).peers.find((p) => p.sessionId === b.id)?.status).toBe('idle');
    expect(cli(['context', 'update', '--session', b.id, '--status', 'blocked', '--message', 'waiting on a'], { cwd: repo.root }).code).toBe(0);
    await sleep(RACY_MS + 50); // past the racy window: only the folder's new version tells the change
    const seen = council.context.all().find((c) => c.sessionId === b.id);
    expect(seen).toMatchObject({ status: 'blocked', message: 'waiting on a' });
    expect(peersView(council, a.id).peers.find((p) => p.sessionId === b.id)).toMatchObject({ status: 'blocked', message: 'waiting on a' });
  });

  it('sees another process take and release a lock on the next call, after cached reads', async () => {
    expect(council.locks.list()).toEqual([]);
    await settle();
    expect(council.locks.list()).toEqual([]);
    expect(cli(['lock', 'acquire', 'README.md', '--session', b.id], { cwd: repo.root }).code).toBe(0);
    // at once (the folder changed within the racy window), then the release after a pause (past it)
    expect(council.locks.list().map((l) => [l.path, l.sessionId])).toEqual([['README.md', b.id]]);
    expect(peersView(council, a.id).peers.find((p) => p.sessionId === b.id)?.filesLocked).toEqual(['README.md']);
    await settle();
    expect(council.locks.list().map((l) => l.path)).toEqual(['README.md']);
    expect(cli(['lock', 'release', 'README.md', '--session', b.id], { cwd: repo.root }).code).toBe(0);
    await sleep(RACY_MS + 50);
    expect(council.locks.list()).toEqual([]);
    expect(peersView(council, a.id).peers.find((p) => p.sessionId === b.id)?.filesLocked).toEqual([]);
  });

  it('drops a lock from the list when its session leaves the registry, with the lock folder unchanged', async () => {
    await council.locks.acquire('src/b.ts', b.id, { cwd: repo.root });
    await settle();
    expect(council.locks.list().map((l) => l.sessionId)).toEqual([b.id]);
    // Another owner rewrites the registry without b (as a crashed removal could leave it); the lock file stays.
    const other = Council.open(repo.root);
    await other.ws.registry.update((file) => {
      const sessions = { ...file.sessions };
      delete sessions[b.id];
      return { next: { ...file, sessions }, result: undefined };
    });
    expect(council.locks.list()).toEqual([]);
  });

  it('each answer is a list of its own: changing one does not change the next', async () => {
    await council.locks.acquire('src/b.ts', b.id, { cwd: repo.root });
    await settle();
    const first = council.locks.list();
    first.pop();
    expect(council.locks.list()).toHaveLength(1);
  });
});
