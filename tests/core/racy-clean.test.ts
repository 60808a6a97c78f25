import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Council } from '../../electron/core/council';
import { MergeQueue, processQueue } from '../../electron/core/merge/index';
import { rejection } from '../helpers/errors';
import { hideChangesBehindANewerIndex, racyEdit } from '../helpers/racy';
import { gitSync, makeRepo, writeIn } from '../helpers/repo';

/*
 * Issue 12, item 0: every path that stages, snapshots or judges "clean" through a copy of a
 * session's index, proven against racily clean files (tests/helpers/racy.ts). Before the fix the
 * merge queue committed nothing, merged the old tip, hid the edit by renaming its copy over the
 * index, and `session remove` then deleted the worktree with the edit in it.
 */

/** A session with two commits of f.txt ("old1" then "new1"), and a racy edit back on the first. */
async function sessionWithRacyEdit(): Promise<{ council: Council; root: string; id: string; worktree: string; edit: string }> {
  const repo = makeRepo({ 'README.md': '# racy\n', 'f.txt': 'base\n' });
  const council = Council.open(repo.root);
  const [s] = await council.createSessions({ task: 'racy edit' });
  const worktree = s!.worktreePath;
  writeIn(worktree, 'f.txt', 'old1\n');
  gitSync(worktree, 'commit', '-qam', 'one');
  const first = gitSync(worktree, 'rev-parse', 'HEAD');
  writeIn(worktree, 'f.txt', 'new1\n');
  gitSync(worktree, 'commit', '-qam', 'two');
  const edit = await racyEdit(worktree, first, 'f.txt', 'edit\n');
  return { council, root: repo.root, id: s!.id, worktree, edit };
}

describe('racily clean uncommitted work (issue 12, item 0)', () => {
  it('session commit stages and commits a racily clean edit', async () => {
    const { council, id, worktree, edit } = await sessionWithRacyEdit();
    const result = await council.commit(id, 'keep the edit');
    expect(result.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(gitSync(worktree, 'show', 'HEAD:f.txt') + '\n').toBe(edit);
    expect(gitSync(worktree, 'status', '--porcelain')).toBe('');
  });

  it('the merge queue commits the racily clean edit and lands it in the base', async () => {
    const { council, root, id, worktree, edit } = await sessionWithRacyEdit();
    await new MergeQueue(council.ws).enqueue(id, { strategy: 'merge' });
    const events: string[] = [];
    const result = await processQueue(council, { onEvent: (e) => events.push(e.message) });
    expect(result.settled.map((e) => [e.state, e.reason])).toEqual([['merged', null]]);
    expect(gitSync(root, 'show', 'main:f.txt') + '\n').toBe(edit);
    expect(readFileSync(path.join(root, 'f.txt'), 'utf8')).toBe(edit);
    // The message names the commit it made (it said "as " with nothing after it).
    expect(events.find((m) => m.startsWith('committed the session'))).toMatch(/ as [0-9a-f]{7,}$/);
    expect(gitSync(worktree, 'status', '--porcelain')).toBe('');
  });

  it('pending work that git cannot commit parks the entry instead of merging without it', async () => {
    const repo = makeRepo({ 'README.md': '# nested\n' });
    const council = Council.open(repo.root);
    const [s] = await council.createSessions({ task: 'nested repo' });
    const worktree = s!.worktreePath;
    // A repository inside the session's worktree, recorded as a gitlink: changes inside it show in
    // `git status` (" M sub") but `git add` cannot stage them.
    const sub = path.join(worktree, 'sub');
    writeIn(sub, 'inner.txt', 'one\n');
    execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: sub });
    gitSync(sub, 'add', '-A');
    gitSync(sub, 'commit', '-qm', 'inner');
    gitSync(worktree, 'add', 'sub');
    gitSync(worktree, 'commit', '-qm', 'add sub');
    writeIn(sub, 'inner.txt', 'two\n');
    expect(gitSync(worktree, 'status', '--porcelain')).toBe('M sub');
    const tip = gitSync(worktree, 'rev-parse', 'HEAD');
    const base = gitSync(repo.root, 'rev-parse', 'main');

    await new MergeQueue(council.ws).enqueue(s!.id, { strategy: 'merge' });
    const result = await processQueue(council);
    expect(result.settled.map((e) => e.state)).toEqual(['parked']);
    expect(result.settled[0]?.reason).toMatch(/uncommitted work could not be committed.*sub/);
    expect(gitSync(repo.root, 'rev-parse', 'main')).toBe(base);
    expect(gitSync(worktree, 'rev-parse', 'HEAD')).toBe(tip);
    expect(readFileSync(path.join(sub, 'inner.txt'), 'utf8')).toBe('two\n');
  });

  it('session remove refuses when an index hides a change (the file differs from HEAD though git status is empty)', async () => {
    const { council, id, worktree, edit } = await sessionWithRacyEdit();
    gitSync(worktree, 'reset', '-q', '--soft', 'HEAD~1'); // the branch holds no unmerged commit that would refuse on its own…
    gitSync(worktree, 'commit', '-qm', 'squashed', '--allow-empty');
    // …so only the hidden edit stands between remove and deletion. (Merged: the branch is in main.)
    gitSync(council.ws.repo.mainRoot, 'merge', '-q', '--ff-only', gitSync(worktree, 'rev-parse', '--abbrev-ref', 'HEAD'));
    hideChangesBehindANewerIndex(worktree);
    expect(execFileSync('git', ['status', '--porcelain'], { cwd: worktree, encoding: 'utf8', env: { ...process.env, GIT_OPTIONAL_LOCKS: '0' } })).toBe('');
    const err = await rejection(council.removeSession(id));
    expect(err.code).toBe('conflict');
    expect(err.message).toMatch(/uncommitted changes in 1 file/);
    expect(readFileSync(path.join(worktree, 'f.txt'), 'utf8')).toBe(edit);
    // Forced, the edit is archived, not dropped.
    const forced = await council.removeSession(id, { force: true });
    expect(forced.archivedAs).toMatch(/^refs\/council\/archive\//);
    expect(gitSync(council.ws.repo.mainRoot, 'show', `${forced.archivedCommit}:f.txt`) + '\n').toBe(edit);
  });

  it('the base checkout: a racily clean edit of a file the merge changes parks the entry, and the edit stays', async () => {
    const repo = makeRepo({ 'README.md': '# racy\n', 'f.txt': 'base\n' });
    const council = Council.open(repo.root);
    const [s] = await council.createSessions({ task: 'change f' });
    writeIn(s!.worktreePath, 'f.txt', 'sess\n');
    gitSync(s!.worktreePath, 'commit', '-qam', 'session changes f');
    const base = gitSync(repo.root, 'rev-parse', 'main');
    const mine = await racyEdit(repo.root, 'HEAD', 'f.txt', 'mine\n');
    const queue = new MergeQueue(council.ws);
    const entry = await queue.enqueue(s!.id, { strategy: 'merge' });
    await processQueue(council);
    const parked = queue.get(entry.id);
    expect(parked.state).toBe('parked');
    expect(parked.files).toEqual(['f.txt']);
    expect(gitSync(repo.root, 'rev-parse', 'main')).toBe(base);
    expect(readFileSync(path.join(repo.root, 'f.txt'), 'utf8')).toBe(mine);
  });
});
