import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Council } from '../../electron/core/council';
import { worktreeStatus, worktreeStatusMany } from '../../electron/core/git/status';
import { makeRepo } from '../helpers/repo';

/*
 * The merge queue looks at a train's followers' worktrees in one git process (for-each-repo):
 * each answer must be what `git status` of that worktree alone says, and a worktree that cannot be
 * asked must not be answered for (nor those after it, which for-each-repo never reached).
 */
describe('worktreeStatusMany', () => {
  it('answers each worktree as worktreeStatus does, clean or not, in order', async () => {
    const repo = makeRepo();
    const council = Council.open(repo.root);
    const [clean, edited, untracked, both] = await council.createSessions({ task: 'status many', count: 4 });
    writeFileSync(path.join(edited!.worktreePath, 'src/a.ts'), 'changed\n');
    writeFileSync(path.join(untracked!.worktreePath, 'new file.txt'), 'new\n');
    writeFileSync(path.join(both!.worktreePath, 'README.md'), 'changed\n');
    writeFileSync(path.join(both!.worktreePath, 'extra.ts'), 'x\n');
    const trees = [clean, edited, untracked, both].map((s) => s!.worktreePath);
    const many = await worktreeStatusMany(repo.root, trees);
    const one = await Promise.all(trees.map((w) => worktreeStatus(w)));
    expect(many).toEqual(one);
    expect(many.map((m) => m?.length)).toEqual([0, 1, 1, 2]);
  });

  it('a worktree that is gone gets null, and so do the ones after it and the last one answered before it (it may be cut short)', async () => {
    const repo = makeRepo();
    const council = Council.open(repo.root);
    const [a, b, gone, d] = await council.createSessions({ task: 'status many', count: 4 });
    writeFileSync(path.join(a!.worktreePath, 'src/a.ts'), 'changed\n');
    rmSync(gone!.worktreePath, { recursive: true, force: true });
    const many = await worktreeStatusMany(repo.root, [a!.worktreePath, b!.worktreePath, gone!.worktreePath, d!.worktreePath]);
    expect(many).toEqual([await worktreeStatus(a!.worktreePath), null, null, null]);
  });
});
