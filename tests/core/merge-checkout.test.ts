import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Session } from '../../shared/models';
import { Council } from '../../electron/core/council';
import { MergeQueue, processQueue, type MergeEvent } from '../../electron/core/merge/index';
import { mergeRepo, treeContents } from '../helpers/merge-fixtures';
import { gitSync, tempDir, writeIn } from '../helpers/repo';

/**
 * The base branch's checkout: brought along when that is safe, left exactly as it was (files and
 * index) when the merge would overwrite local changes there, and not involved at all when the base
 * is not checked out anywhere.
 */

const sha = (file: string): string => createHash('sha256').update(readFileSync(file)).digest('hex');

async function oneSession(council: Council, change: Record<string, string>): Promise<Session> {
  const [s] = await council.createSessions({ task: 'change some files' });
  if (!s) throw new Error('no session');
  for (const [file, content] of Object.entries(change)) writeIn(s.worktreePath, file, content);
  return s;
}

/** Every file of the main checkout (outside .git) with its bytes' hash. */
function snapshot(root: string): Record<string, string> {
  const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others'], { cwd: root, encoding: 'utf8' }).split('\0').filter(Boolean);
  return Object.fromEntries(files.map((f) => [f, existsSync(path.join(root, f)) ? sha(path.join(root, f)) : 'missing']));
}

describe('the main checkout on the base branch', () => {
  it('with uncommitted changes in files the merge touches: parks naming them, and changes nothing there', async () => {
    const repo = mergeRepo(3);
    const council = Council.open(repo.root);
    const s = await oneSession(council, { 'src/f0.ts': 'export const f0 = "session";\n', 'src/f1.ts': 'export const f1 = "session";\n', 'added.ts': 'new\n' });
    // Local work in main: a modified file and a staged one the merge changes, an untracked file where
    // the merge adds one, and an unrelated modification.
    repo.write('src/f0.ts', 'export const f0 = "mine";\n');
    repo.write('src/f1.ts', 'export const f1 = "staged";\n');
    gitSync(repo.root, 'add', 'src/f1.ts');
    repo.write('added.ts', 'my own untracked file\n');
    repo.write('src/f2.ts', 'export const f2 = "unrelated";\n');
    const base0 = gitSync(repo.root, 'rev-parse', 'main');
    const index = path.join(repo.root, '.git', 'index');
    const indexBefore = sha(index);
    const filesBefore = snapshot(repo.root);

    const queue = new MergeQueue(council.ws);
    const entry = await queue.enqueue(s.id);
    await processQueue(council);

    // Checked before any git command of ours here can refresh the index.
    expect(sha(index)).toBe(indexBefore);
    expect(snapshot(repo.root)).toEqual(filesBefore);
    const parked = queue.get(entry.id);
    expect(parked.state).toBe('parked');
    expect(parked.files.sort()).toEqual(['added.ts', 'src/f0.ts', 'src/f1.ts']);
    expect(parked.reason).toMatch(/^the main checkout \(.+\) has uncommitted changes in .*that this merge would overwrite; commit or stash them there, then retry \(nothing was changed\)$/);
    expect(parked.reason).toContain('src/f0.ts');
    expect(gitSync(repo.root, 'rev-parse', 'main')).toBe(base0);
    expect(gitSync(repo.root, 'diff', '--cached', '--name-only')).toBe('src/f1.ts');
    expect(existsSync(path.join(repo.root, '.git', 'index.lock'))).toBe(false);
    expect(readFileSync(path.join(repo.root, 'src/f0.ts'), 'utf8')).toBe('export const f0 = "mine";\n');

    // Once the user has committed their work elsewhere (here: stashed it), a retry goes through.
    gitSync(repo.root, 'stash', '-u');
    await queue.retry(entry.id);
    await processQueue(council);
    expect(queue.get(entry.id)).toMatchObject({ state: 'merged', attempts: 2 });
    expect(readFileSync(path.join(repo.root, 'src/f0.ts'), 'utf8')).toBe('export const f0 = "session";\n');
  });

  it('when clean, is brought along: its files, index and HEAD show the merge', async () => {
    const repo = mergeRepo(3);
    const council = Council.open(repo.root);
    const s = await oneSession(council, { 'src/f0.ts': 'export const f0 = "merged";\n', 'docs/new.md': '# new\n' });
    gitSync(s.worktreePath, 'rm', '-q', 'src/f2.ts');
    const queue = new MergeQueue(council.ws);
    const entry = await queue.enqueue(s.id);
    const events: MergeEvent[] = [];
    await processQueue(council, { onEvent: (e) => events.push(e) });
    const merged = queue.get(entry.id);
    expect(merged.state).toBe('merged');
    expect(gitSync(repo.root, 'rev-parse', 'HEAD')).toBe(merged.resultCommit);
    expect(gitSync(repo.root, 'symbolic-ref', 'HEAD')).toBe('refs/heads/main');
    expect(gitSync(repo.root, 'status', '--porcelain', '--untracked-files=all')).toBe('');
    expect(readFileSync(path.join(repo.root, 'src/f0.ts'), 'utf8')).toBe('export const f0 = "merged";\n');
    expect(readFileSync(path.join(repo.root, 'docs/new.md'), 'utf8')).toBe('# new\n');
    expect(existsSync(path.join(repo.root, 'src/f2.ts'))).toBe(false);
    expect(existsSync(path.join(repo.root, '.git', 'index.lock'))).toBe(false);
    expect(events.map((e) => e.step)).toEqual(expect.arrayContaining(['journal-written', 'checkout-locked', 'checkout-updated', 'base-moved', 'merged']));
    // The branch's reflog says who moved it.
    expect(gitSync(repo.root, 'reflog', '-1', '--format=%gs', 'main')).toBe(`council: merge queue entry ${entry.id} (session ${s.id}, merge)`);
  });

  it('a file the merge changes that was rewritten with the same content (new stat data, say by an editor) is brought along, not refused', async () => {
    const repo = mergeRepo(3);
    const council = Council.open(repo.root);
    const s = await oneSession(council, { 'src/f0.ts': 'export const f0 = "merged";\n' });
    const file = path.join(repo.root, 'src/f0.ts');
    const same = readFileSync(file, 'utf8');
    const later = new Date(Date.now() + 5_000);
    writeFileSync(file, same);
    utimesSync(file, later, later);
    // git itself sees the stat change (without a refresh, read-tree refuses it as "not uptodate").
    expect(execFileSync('git', ['diff-files', '--name-only'], { cwd: repo.root, encoding: 'utf8' }).trim()).toBe('src/f0.ts');
    const queue = new MergeQueue(council.ws);
    const entry = await queue.enqueue(s.id);
    await processQueue(council);
    expect(queue.get(entry.id)).toMatchObject({ state: 'merged', reason: null });
    expect(readFileSync(file, 'utf8')).toBe('export const f0 = "merged";\n');
    expect(gitSync(repo.root, 'status', '--porcelain', '--untracked-files=all')).toBe('');
  });

  it('keeps local changes to files the merge does not touch, byte for byte (staged ones staged)', async () => {
    const repo = mergeRepo(4);
    const council = Council.open(repo.root);
    const s = await oneSession(council, { 'src/f0.ts': 'export const f0 = "merged";\n' });
    repo.write('src/f1.ts', 'export const f1 = "my work in progress";\n');
    repo.write('src/f2.ts', 'export const f2 = "staged by me";\n');
    gitSync(repo.root, 'add', 'src/f2.ts');
    repo.write('notes.txt', 'untracked notes\n');
    const queue = new MergeQueue(council.ws);
    const entry = await queue.enqueue(s.id);
    await processQueue(council);
    expect(queue.get(entry.id).state).toBe('merged');
    expect(readFileSync(path.join(repo.root, 'src/f0.ts'), 'utf8')).toBe('export const f0 = "merged";\n');
    expect(readFileSync(path.join(repo.root, 'src/f1.ts'), 'utf8')).toBe('export const f1 = "my work in progress";\n');
    expect(readFileSync(path.join(repo.root, 'notes.txt'), 'utf8')).toBe('untracked notes\n');
    const status = execFileSync('git', ['status', '--porcelain', '-z'], { cwd: repo.root, encoding: 'utf8' }).split('\0').filter(Boolean);
    expect(status.sort()).toEqual([' M src/f1.ts', '?? notes.txt', 'M  src/f2.ts']);
  });

  it('parks while a merge is in progress there', async () => {
    const repo = mergeRepo(2);
    const council = Council.open(repo.root);
    const s = await oneSession(council, { 'src/f0.ts': 'export const f0 = "merged";\n' });
    writeFileSync(path.join(repo.root, '.git', 'MERGE_HEAD'), `${gitSync(repo.root, 'rev-parse', 'HEAD')}\n`);
    const base0 = gitSync(repo.root, 'rev-parse', 'main');
    const queue = new MergeQueue(council.ws);
    const entry = await queue.enqueue(s.id);
    await processQueue(council);
    expect(queue.get(entry.id)).toMatchObject({ state: 'parked', reason: expect.stringMatching(/^a merge is in progress in the main checkout \(.+\), which has main checked out/) });
    expect(gitSync(repo.root, 'rev-parse', 'main')).toBe(base0);
  });

  it('parks when another git command holds its index.lock, and leaves that lock alone', async () => {
    const repo = mergeRepo(2);
    const council = Council.open(repo.root);
    const s = await oneSession(council, { 'src/f0.ts': 'export const f0 = "merged";\n' });
    const lock = path.join(repo.root, '.git', 'index.lock');
    writeFileSync(lock, 'held by someone else');
    const base0 = gitSync(repo.root, 'rev-parse', 'main');
    const queue = new MergeQueue(council.ws);
    const entry = await queue.enqueue(s.id);
    await processQueue(council);
    expect(queue.get(entry.id)).toMatchObject({ state: 'parked', reason: expect.stringContaining('is busy: another git command holds') });
    expect(readFileSync(lock, 'utf8')).toBe('held by someone else');
    expect(gitSync(repo.root, 'rev-parse', 'main')).toBe(base0);
    expect(readFileSync(path.join(repo.root, 'src/f0.ts'), 'utf8')).toBe('export const f0 = 0;\n');
  });
});

describe('the base branch elsewhere', () => {
  it('not checked out anywhere: only the branch moves; the main checkout (on another branch) is untouched', async () => {
    const repo = mergeRepo(2);
    const council = Council.open(repo.root);
    const s = await oneSession(council, { 'src/f0.ts': 'export const f0 = "merged";\n' });
    gitSync(repo.root, 'switch', '-q', '-c', 'elsewhere');
    repo.write('src/f0.ts', 'export const f0 = "dirty on another branch";\n');
    const before = snapshot(repo.root);
    const queue = new MergeQueue(council.ws);
    const entry = await queue.enqueue(s.id);
    await processQueue(council);
    const merged = queue.get(entry.id);
    expect(merged.state).toBe('merged');
    expect(gitSync(repo.root, 'rev-parse', 'main')).toBe(merged.resultCommit);
    expect(gitSync(repo.root, 'show', 'main:src/f0.ts')).toBe('export const f0 = "merged";');
    expect(snapshot(repo.root)).toEqual(before);
    expect(gitSync(repo.root, 'symbolic-ref', 'HEAD')).toBe('refs/heads/elsewhere');
  });

  it('checked out in a linked worktree of the user: that worktree is brought along', async () => {
    const repo = mergeRepo(2);
    const council = Council.open(repo.root);
    const s = await oneSession(council, { 'src/f1.ts': 'export const f1 = "merged";\n' });
    gitSync(repo.root, 'switch', '-q', '-c', 'elsewhere');
    const linked = path.join(tempDir('council-linked-'), 'main-wt');
    gitSync(repo.root, 'worktree', 'add', '-q', linked, 'main');
    const queue = new MergeQueue(council.ws);
    const entry = await queue.enqueue(s.id);
    await processQueue(council);
    expect(queue.get(entry.id).state).toBe('merged');
    expect(readFileSync(path.join(linked, 'src/f1.ts'), 'utf8')).toBe('export const f1 = "merged";\n');
    expect(gitSync(linked, 'status', '--porcelain')).toBe('');
    // The main checkout, on another branch, still has the old file.
    expect(readFileSync(path.join(repo.root, 'src/f1.ts'), 'utf8')).toBe('export const f1 = 1;\n');
  });

  it('when someone else moves the base during the merge, computes it again on the new base', async () => {
    const repo = mergeRepo(3);
    const council = Council.open(repo.root);
    const s = await oneSession(council, { 'src/f0.ts': 'export const f0 = "session";\n' });
    gitSync(repo.root, 'switch', '-q', '-c', 'elsewhere');
    const queue = new MergeQueue(council.ws);
    const entry = await queue.enqueue(s.id);
    let racer = '';
    const events: MergeEvent[] = [];
    await processQueue(council, {
      onEvent: (e) => {
        events.push(e);
        if (e.step !== 'candidate' || racer) return;
        // Another tool commits to main (not through the queue) right after the candidate was made.
        const blob = execFileSync('git', ['hash-object', '-w', '--stdin'], { cwd: repo.root, input: 'export const f2 = "racer";\n', encoding: 'utf8' }).trim();
        const treeWithRacer = makeTreeWith(repo.root, 'main', 'src/f2.ts', blob);
        racer = gitSync(repo.root, 'commit-tree', treeWithRacer, '-p', 'main', '-m', 'racer');
        gitSync(repo.root, 'update-ref', 'refs/heads/main', racer);
      },
    });
    const merged = queue.get(entry.id);
    expect(merged.state).toBe('merged');
    expect(events.map((e) => e.step)).toContain('base-raced');
    expect(merged.baseBefore).toBe(racer);
    expect(gitSync(repo.root, 'rev-parse', 'main^1')).toBe(racer);
    expect(treeContents(repo.root, 'main')).toMatchObject({ 'src/f0.ts': 'export const f0 = "session";\n', 'src/f2.ts': 'export const f2 = "racer";\n' });
  });
});

/** A tree like `rev`'s with one file replaced, built through a throw-away index. */
function makeTreeWith(root: string, rev: string, file: string, blob: string): string {
  const index = path.join(tempDir('council-index-'), 'index');
  const env = { ...process.env, GIT_INDEX_FILE: index };
  execFileSync('git', ['read-tree', rev], { cwd: root, env });
  execFileSync('git', ['update-index', '--cacheinfo', `100644,${blob},${file}`], { cwd: root, env });
  return execFileSync('git', ['write-tree'], { cwd: root, env, encoding: 'utf8' }).trim();
}
