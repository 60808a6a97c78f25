import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { coalesceRecent, inotifyWatchCount, inotifyWatchLimit, watchActivity } from '../../electron/core/agents/worktree-activity';
import { gitSync, makeRepo, tempDir, writeIn } from '../helpers/repo';
import { waitUntil } from '../agents/fake-agents';

const waitFor = (predicate: () => boolean): Promise<void> => waitUntil(predicate, 'the watcher', 5000);

/** Collects reports and lets a test wait until a path has been reported (the test's own timeout
 * bounds the wait: file events have no deadline we could honestly assert). */
function collector(): { reports: string[][]; onFiles: (paths: string[]) => void; seen: (rel: string) => Promise<void> } {
  const reports: string[][] = [];
  const waiters: { rel: string; resolve: () => void }[] = [];
  return {
    reports,
    onFiles(paths) {
      reports.push(paths);
      for (const w of [...waiters]) {
        if (paths.includes(w.rel)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve();
        }
      }
    },
    seen(rel) {
      if (reports.some((r) => r.includes(rel))) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ rel, resolve }));
    },
  };
}

describe('coalescing a burst of changes', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('reports a burst once, most recent first, a path changed twice at its latest change', () => {
    vi.useFakeTimers();
    const reports: string[][] = [];
    const c = coalesceRecent(50, 20, (paths) => reports.push(paths));
    c.push(['src/a.ts', 'src/b.ts']);
    vi.advanceTimersByTime(20);
    c.push(['src/a.ts', 'src/c.ts']);
    expect(reports).toEqual([]);
    vi.advanceTimersByTime(30);
    expect(reports).toEqual([['src/c.ts', 'src/a.ts', 'src/b.ts']]);
    c.push(['README.md']);
    vi.advanceTimersByTime(50);
    expect(reports).toEqual([['src/c.ts', 'src/a.ts', 'src/b.ts'], ['README.md']]);
  });

  it('keeps reporting during a long burst, and keeps only the most recent paths of a big one', () => {
    vi.useFakeTimers();
    const reports: string[][] = [];
    const c = coalesceRecent(50, 3, (paths) => reports.push(paths));
    // A change every 10 ms for 80 ms: the first window closes at 50 ms, the second at 100 ms.
    for (let i = 0; i < 8; i++) {
      c.push([`f${i}`]);
      vi.advanceTimersByTime(10);
    }
    expect(reports).toEqual([['f4', 'f3', 'f2']]);
    vi.advanceTimersByTime(20);
    expect(reports).toEqual([['f4', 'f3', 'f2'], ['f7', 'f6', 'f5']]);
  });

  it('reports nothing once stopped, not even what was pending', () => {
    vi.useFakeTimers();
    const reports: string[][] = [];
    const c = coalesceRecent(50, 20, (paths) => reports.push(paths));
    c.push(['a']);
    c.stop();
    c.push(['b']);
    vi.advanceTimersByTime(1000);
    expect(reports).toEqual([]);
  });
});

describe('watching an agent worktree', () => {
  it('reports the files the agent changes, never those under node_modules or .git', async () => {
    const repo = makeRepo();
    const worktree = path.join(tempDir(), 'wt');
    gitSync(repo.root, 'worktree', 'add', '-q', '-b', 'council/w1', worktree);
    const c = collector();
    const stop = await watchActivity(worktree, c.onFiles);
    try {
      writeIn(worktree, 'node_modules/left-pad/index.js', 'module.exports = 1;\n');
      writeIn(repo.root, '.git/council-probe', 'x\n');
      writeIn(worktree, 'src/a.ts', 'export const a = 2;\n');
      writeIn(worktree, 'src/new/feature.ts', 'export const f = 1;\n');
      await Promise.all([c.seen('src/a.ts'), c.seen('src/new/feature.ts')]);
      const all = c.reports.flat();
      expect(all.filter((p) => p.startsWith('node_modules/') || p.startsWith('.git/') || p === 'node_modules')).toEqual([]);
    } finally {
      await stop();
    }
  });
});

const linux = process.platform === 'linux';

describe.runIf(linux)('inotify watches (Linux)', () => {
  it('reads the per-user limit', () => {
    expect(inotifyWatchLimit()).toBeGreaterThan(0);
  });

  it('says null for a process that does not exist', () => {
    expect(inotifyWatchCount(2 ** 30)).toBeNull();
  });

  it('takes one watch per folder — not per file — drops back after, and ignores node_modules and .git', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 30; i++) for (let j = 0; j < 5; j++) files[`pkg/mod${i}/f${j}.ts`] = `export const m${i} = ${j};\n`;
    const repo = makeRepo(files);
    const before = inotifyWatchCount();
    expect(before).not.toBeNull();

    const stop = await watchActivity(repo.root, () => undefined);
    const watching = inotifyWatchCount()!;
    await stop();
    // Exactly the folders: the root, pkg/ and its 30 — not the 150 files, none of the ~25 under .git.
    expect(watching - before!).toBe(2 + 30);
    expect(inotifyWatchCount()).toBe(before);

    // 50 dependency folders (and git's own, already there) cost nothing.
    for (let i = 0; i < 50; i++) mkdirSync(path.join(repo.root, 'node_modules', `dep${i}`, 'lib'), { recursive: true });
    const stopAgain = await watchActivity(repo.root, () => undefined);
    const watchingAgain = inotifyWatchCount()!;
    await stopAgain();
    expect(watchingAgain).toBe(watching);
    expect(inotifyWatchCount()).toBe(before);
  });

  it('follows folders that appear and disappear while it watches', async () => {
    const repo = makeRepo();
    const seen: string[] = [];
    const stop = await watchActivity(repo.root, (paths) => seen.push(...paths), { coalesceMs: 10 });
    const before = inotifyWatchCount()!;
    mkdirSync(path.join(repo.root, 'new', 'deep', 'er'), { recursive: true });
    writeFileSync(path.join(repo.root, 'new', 'deep', 'er', 'file.ts'), 'x\n');
    await waitFor(() => seen.includes('new/deep/er/file.ts'));
    expect(inotifyWatchCount()).toBe(before + 3);
    writeFileSync(path.join(repo.root, 'new', 'deep', 'later.ts'), 'y\n');
    await waitFor(() => seen.includes('new/deep/later.ts'));
    rmSync(path.join(repo.root, 'new'), { recursive: true });
    await waitFor(() => inotifyWatchCount() === before);
    await stop();
  });
});
