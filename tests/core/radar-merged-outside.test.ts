import { describe, expect, it } from 'vitest';
import type { Radar } from '../../shared/merge';
import type { Session } from '../../shared/models';
import { RadarFeed } from '../../electron/core/app/radar-feed';
import { Council } from '../../electron/core/council';
import { RadarService } from '../../electron/core/radar/radar';
import { gitSync, makeRepo, writeIn } from '../helpers/repo';

// A session merged into the base OUTSIDE the merge queue (the person ran `git merge` in the main
// checkout): the radar says `merged` for it — its tip is in the base and it has commits of its own
// (git merge-base --is-ancestor, and not a fresh session) — and the live radar publishes that
// within about a second, though nothing in the shared state changed.

const merged = (radar: Radar, id: string): boolean | undefined => radar.sessions.find((s) => s.sessionId === id)?.merged;

function commitIn(s: Session, file: string, content: string): void {
  writeIn(s.worktreePath, file, content);
  gitSync(s.worktreePath, 'add', '-A');
  gitSync(s.worktreePath, 'commit', '-q', '-m', `${file}`);
}

async function setup(): Promise<{ root: string; council: Council; done: Session; fresh: Session; later: Session }> {
  const repo = makeRepo();
  const council = Council.open(repo.root);
  const [done, fresh, later] = (await council.createSessions({ task: 'outside', count: 3 })) as [Session, Session, Session];
  commitIn(done, 'src/done.ts', 'export const done = 1;\n');
  commitIn(later, 'src/later.ts', 'export const later = 1;\n');
  return { root: repo.root, council, done, fresh, later };
}

describe('merged outside the queue', () => {
  it('git merge (a merge commit) in the main checkout: merged; a fresh session is not; new commits after the merge make it not merged again', async () => {
    const { root, council, done, fresh, later } = await setup();
    const radar = new RadarService(council);
    const before = await radar.compute();
    expect([merged(before, done.id), merged(before, fresh.id), merged(before, later.id)]).toEqual([false, false, false]);

    gitSync(root, 'merge', '--no-ff', '-q', '-m', 'merge by hand', done.branch);
    gitSync(root, 'merge', '--no-ff', '-q', '-m', 'merge by hand', later.branch);
    const after = await radar.compute();
    expect([merged(after, done.id), merged(after, fresh.id), merged(after, later.id)]).toEqual([true, false, true]);
    // git's own word, for the record: the tips are in main.
    gitSync(root, 'merge-base', '--is-ancestor', done.branch, 'main');

    commitIn(later, 'src/later.ts', 'export const later = 2;\n');
    radar.invalidate(later.id); // as its worktree watcher does
    const more = await radar.compute();
    expect([merged(more, done.id), merged(more, fresh.id), merged(more, later.id)]).toEqual([true, false, false]);
  });

  it('a fast-forward merge counts too; uncommitted work on top of the merged tip does not', async () => {
    const { root, council, done } = await setup();
    const radar = new RadarService(council);
    gitSync(root, 'merge', '--ff-only', '-q', done.branch);
    expect(gitSync(root, 'rev-parse', 'main')).toBe(gitSync(done.worktreePath, 'rev-parse', 'HEAD'));
    expect(merged(await radar.compute(), done.id)).toBe(true);
    writeIn(done.worktreePath, 'src/done.ts', 'export const done = 2;\n');
    radar.invalidate(done.id);
    expect(merged(await radar.compute(), done.id)).toBe(false);
  });

  it('the live radar publishes it within seconds of a `git merge` in the main checkout, with nothing else poking it', async () => {
    const { root, council, done } = await setup();
    const published: Radar[] = [];
    const feed = new RadarFeed(council, (radar) => published.push(radar));
    feed.start();
    try {
      const deadline = (ms: number) => Date.now() + ms;
      let until = deadline(10_000);
      while (published.length === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
      expect(published.length).toBeGreaterThan(0);
      expect(merged(published.at(-1)!, done.id)).toBe(false);

      const mergedAt = Date.now();
      gitSync(root, 'merge', '--no-ff', '-q', '-m', 'merge by hand', done.branch);
      until = deadline(10_000);
      while (merged(published.at(-1)!, done.id) !== true && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
      expect(merged(published.at(-1)!, done.id)).toBe(true);
      // The sweep would take 30 s; the base ref is polled every second (plus the 300 ms debounce).
      expect(Date.now() - mergedAt).toBeLessThan(5000);
    } finally {
      feed.stop();
    }
  });
});
