import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runOp, snapshot } from '../../electron/core/hosts/remote-side';
import { racyEdit } from '../helpers/racy';
import { gitSync, makeRepo } from '../helpers/repo';

/*
 * The host's snapshot of a remote session (core/hosts/remote-side.ts, what home's mirror, radar and
 * merge see) against a racily clean edit (tests/helpers/racy.ts): a file rewritten in the second
 * its checkout wrote it, with the same size — as the fake agent of tests/remote/remote-context
 * rewrites "# demo\n" as "# mine\n" right after the worktree is made. The snapshot went through a
 * plain copy of the index (a newer time stamp), so git trusted the stat data and left the edit out:
 * home's mirror lost it, the radar at home never predicted its conflict, and `remove` would have
 * found nothing new on the host and deleted the edit with the worktree. Plain Node and git, as on
 * a host.
 */

const byteLength = (s: string): number => Buffer.byteLength(s);

describe("the host's snapshot of a racily clean edit", () => {
  it('has the edit in its tree', async () => {
    const repo = makeRepo({ 'README.md': '# demo\n' });
    const base = gitSync(repo.root, 'rev-parse', 'HEAD');
    const edit = await racyEdit(repo.root, base, 'README.md', '# mine\n');
    expect(byteLength(edit)).toBe(byteLength('# demo\n'));
    const s = snapshot(repo.root, 'racy1');
    expect(s.head).toBe(base);
    expect(gitSync(repo.root, 'show', `${s.commit}:README.md`) + '\n').toBe(edit);
    expect(s.tree).not.toBe(gitSync(repo.root, 'rev-parse', `${base}^{tree}`));
    // The worktree's own index is not touched.
    expect(gitSync(repo.root, 'diff', '--cached', '--name-only')).toBe('');
  });

  it('remove keeps a worktree whose racily clean edit home has not fetched', async () => {
    const repo = makeRepo({ 'README.md': '# demo\n' });
    const bare = `${repo.root}-host.git`;
    gitSync(repo.root, 'clone', '-q', '--bare', repo.root, bare);
    const wt = `${repo.root}-host-wt`;
    gitSync(bare, 'worktree', 'add', '-q', '-b', 'council/racy', wt, 'main');
    const base = gitSync(wt, 'rev-parse', 'HEAD');
    const edit = await racyEdit(wt, base, 'README.md', '# mine\n');
    // Home has only the tree of the base (it never saw the edit).
    const stale = gitSync(wt, 'rev-parse', `${base}^{tree}`);
    const answer = runOp({ op: 'remove', repo: bare, path: wt, branch: 'council/racy', id: 'racy2', expectTree: stale }) as { removed: boolean };
    expect(answer.removed).toBe(false);
    expect(existsSync(wt)).toBe(true);
    expect(readFileSync(path.join(wt, 'README.md'), 'utf8')).toBe(edit);
  });
});
