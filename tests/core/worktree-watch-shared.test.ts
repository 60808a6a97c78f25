import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { inotifyWatchCount } from '../../electron/core/agents/worktree-activity';
import { watchWorktree } from '../../electron/core/app/worktree-watch';
import { tempDir } from '../helpers/repo';

/*
 * Issue 13, item 6 (main RSS at 100 agents): the board's watcher of a session's worktree and its
 * live agent's watcher watched the same folders twice, ~1.3 KB of RSS and one inotify watch per
 * folder each. Subscriptions to one worktree in a process now share one set of watches.
 */

const waitFor = async (check: () => boolean, ms = 2000): Promise<boolean> => {
  const end = Date.now() + ms;
  while (!check() && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
  return check();
};

describe.runIf(process.platform === 'linux')('worktree watchers in one process', () => {
  it('two subscriptions to one worktree share its folder watches, both hear an edit, and the watches go with the last', async () => {
    const root = tempDir('council-shared-watch-');
    for (const dir of ['a', 'a/b', 'c']) mkdirSync(path.join(root, dir));
    const before = inotifyWatchCount() as number;
    const board: string[] = [];
    const agent: string[] = [];
    const stopBoard = await watchWorktree(root, (paths) => board.push(...paths));
    const one = (inotifyWatchCount() as number) - before;
    const stopAgent = await watchWorktree(root, (paths) => agent.push(...paths));
    expect(one).toBe(4); // the root and its three folders
    expect((inotifyWatchCount() as number) - before).toBe(one);

    writeFileSync(path.join(root, 'a', 'b', 'x.ts'), 'x\n');
    expect(await waitFor(() => board.includes('a/b/x.ts') && agent.includes('a/b/x.ts'))).toBe(true);

    await stopBoard();
    writeFileSync(path.join(root, 'c', 'y.ts'), 'y\n');
    expect(await waitFor(() => agent.includes('c/y.ts'))).toBe(true);
    expect(board).not.toContain('c/y.ts');
    expect((inotifyWatchCount() as number) - before).toBe(one);
    await stopAgent();
    expect(await waitFor(() => (inotifyWatchCount() as number) === before)).toBe(true);
  });
});
