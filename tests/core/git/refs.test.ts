import { appendFileSync, existsSync, mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { currentBranch, deleteRef, readBranchCommit, refsInFiles } from '../../../electron/core/git/refs';
import { gitSync, makeRepo, tempDir } from '../../helpers/repo';

describe('reading refs from git’s files', () => {
  it('reads loose and packed branches like git does, and says "ask git" when unsure', () => {
    const repo = makeRepo();
    const common = path.join(repo.root, '.git');
    const head = gitSync(repo.root, 'rev-parse', 'HEAD');
    gitSync(repo.root, 'branch', 'feature/deep/name');
    expect(readBranchCommit(common, 'main')).toBe(head);
    expect(readBranchCommit(common, 'feature/deep/name')).toBe(head);
    expect(readBranchCommit(common, 'missing')).toBeNull();

    gitSync(repo.root, 'pack-refs', '--all');
    expect(readBranchCommit(common, 'main')).toBe(head);
    expect(readBranchCommit(common, 'feature/deep/name')).toBe(head);
    // A loose ref written after packing wins over the packed one.
    repo.write('x.txt', 'x\n');
    const next = repo.commitAll('next');
    expect(readBranchCommit(common, 'main')).toBe(next);
    expect(readBranchCommit(common, 'missing')).toBeNull();

    for (const odd of ['../config', 'a..b', '/abs', 'trailing/', 'x.lock', 'sp ace', 'ünï']) expect(readBranchCommit(common, odd)).toBeUndefined();
    expect(currentBranch(common)).toBe('main');

    appendFileSync(path.join(common, 'config'), '[extensions]\n\trefStorage = reftable\n');
    expect(readBranchCommit(common, 'main')).toBeUndefined();
  });

  it('one reftable check: refs are read from files only when git keeps them there', () => {
    const repo = makeRepo();
    const common = path.join(repo.root, '.git');
    expect(refsInFiles(common)).toBe(true);
    const files = tempDir();
    mkdirSync(path.join(files, 'x'));
    writeFileSync(path.join(files, 'x', 'config'), '[core]\n\tbare = false\n[extensions]\n\trefStorage = files\n');
    expect(refsInFiles(path.join(files, 'x'))).toBe(true);
    writeFileSync(path.join(files, 'x', 'config'), '[extensions]\n  RefStorage=reftable\n');
    expect(refsInFiles(path.join(files, 'x'))).toBe(false);
    // No readable config: git is asked.
    expect(refsInFiles(path.join(files, 'missing'))).toBe(false);
  });
});

describe('deleting a ref when a killed git left packed-refs.lock', () => {
  function scene() {
    const repo = makeRepo();
    gitSync(repo.root, 'branch', 'doomed');
    const tip = gitSync(repo.root, 'rev-parse', 'doomed').trim();
    const lock = path.join(repo.root, '.git', 'packed-refs.lock');
    writeFileSync(lock, ''); // what a git killed inside `update-ref -d` leaves
    return { repo, tip, lock };
  }

  it('takes the lock over once it has stayed unchanged longer than git would wait, and deletes the ref', async () => {
    const { repo, tip, lock } = scene();
    const started = Date.now();
    await deleteRef(repo.root, 'refs/heads/doomed', tip, path.join(repo.root, '.git'));
    expect(Date.now() - started).toBeGreaterThanOrEqual(2900);
    expect(existsSync(lock)).toBe(false);
    expect(gitSync(repo.root, 'branch', '--list', 'doomed')).toBe('');
  }, 20_000);

  it('leaves a lock that changes (someone\'s git at work) and refuses, and refuses at once without the repository\'s git dir', async () => {
    const { repo, tip, lock } = scene();
    await expect(deleteRef(repo.root, 'refs/heads/doomed', tip)).rejects.toThrow(/packed-refs\.lock': File exists/);
    let n = 0;
    const busy = setInterval(() => {
      n++;
      appendFileSync(lock, `${n}\n`);
      utimesSync(lock, new Date(), new Date());
    }, 150);
    try {
      await expect(deleteRef(repo.root, 'refs/heads/doomed', tip, path.join(repo.root, '.git'))).rejects.toThrow(/packed-refs\.lock': File exists/);
    } finally {
      clearInterval(busy);
    }
    expect(existsSync(lock)).toBe(true);
    expect(gitSync(repo.root, 'rev-parse', 'doomed').trim()).toBe(tip);
  }, 20_000);
});
