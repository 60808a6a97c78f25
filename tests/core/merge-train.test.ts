import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { QueueEntry } from '../../shared/merge';
import type { Session } from '../../shared/models';
import { Council } from '../../electron/core/council';
import { MergeQueue, processQueue, type MergeEvent } from '../../electron/core/merge/index';
import { MAX_TRAIN } from '../../electron/core/merge/train';
import { mergeRepo, treeContents } from '../helpers/merge-fixtures';
import { gitSync, writeIn } from '../helpers/repo';

/**
 * Trains (merge/train.ts): plain entries waiting together land in one move of the base, each as the
 * commit it would have been one at a time. Anything not plain about a follower ends the train and
 * that entry is handled on its own; nothing about one entry may park another.
 */

async function committedSessions(council: Council, count: number, file = (i: number): string => `src/f${i}.ts`): Promise<Session[]> {
  const sessions = await council.createSessions({ task: 'train', count });
  for (const [i, s] of sessions.entries()) {
    writeIn(s.worktreePath, file(i), `export const f${i} = "session ${i}";\n`);
    gitSync(s.worktreePath, 'add', '-A');
    gitSync(s.worktreePath, 'commit', '-q', '-m', `session ${i}`);
  }
  return sessions;
}

/** How many times the branch moved since `since` (its reflog, newest first). */
const movesSince = (root: string, since: string): string[] => {
  const lines = gitSync(root, 'reflog', 'show', '--format=%H %gs', 'refs/heads/main').split('\n');
  return lines.slice(0, lines.findIndex((l) => l.startsWith(since)));
};

const firstParents = (root: string, from: string): string[] => gitSync(root, 'rev-list', '--first-parent', '--reverse', `${from}..main`).split('\n').filter(Boolean);

describe('trains', () => {
  it('lands entries waiting together in one move, each as its own merge commit in queue order', async () => {
    const repo = mergeRepo(6);
    const council = Council.open(repo.root);
    const sessions = await committedSessions(council, 6);
    const base0 = gitSync(repo.root, 'rev-parse', 'main');
    const queue = new MergeQueue(council.ws);
    for (const s of sessions) await queue.enqueue(s.id, { strategy: 'merge', gate: null });
    const events: MergeEvent[] = [];
    const run = await processQueue(council, { onEvent: (e) => events.push(e) });

    expect(run.settled.map((e) => [e.sessionId, e.state])).toEqual(sessions.map((s) => [s.id, 'merged']));
    // Fewer moves than entries (one, unless the machine is so slow a train hit its time budget).
    const moves = movesSince(repo.root, base0);
    expect(moves.length).toBeGreaterThanOrEqual(1);
    expect(moves.length).toBeLessThan(sessions.length);
    expect(moves[moves.length - 1]).toMatch(/council: merge queue entries [0-9a-f]{8}, [0-9a-f]{8}/);
    // The history is exactly one merge per session, in queue order, each on the one before.
    const chain = firstParents(repo.root, base0);
    expect(chain).toHaveLength(sessions.length);
    const entries = queue.list();
    chain.forEach((commit, i) => {
      expect(entries[i]?.resultCommit).toBe(commit);
      expect(entries[i]?.baseBefore).toBe(i === 0 ? base0 : chain[i - 1]);
      expect(gitSync(repo.root, 'rev-parse', `${commit}^2`)).toBe(gitSync(repo.root, 'rev-parse', (sessions[i] as Session).branch));
    });
    // Every entry went through every step (the screens follow each one).
    for (const e of entries) {
      expect(events.filter((ev) => ev.entryId === e.id).map((ev) => ev.step)).toEqual(expect.arrayContaining(['claimed', 'candidate', 'journal-written', 'base-moved', 'merged']));
    }
    // The main checkout was brought along to the end result.
    expect(gitSync(repo.root, 'status', '--porcelain', '--untracked-files=all')).toBe('');
    for (let i = 0; i < sessions.length; i++) expect(readFileSync(path.join(repo.root, `src/f${i}.ts`), 'utf8')).toBe(`export const f${i} = "session ${i}";\n`);
    expect(council.context.get((sessions[3] as Session).id)).toMatchObject({ status: 'done', message: `merged into main as ${entries[3]?.resultCommit?.slice(0, 12)}` });
  });

  it(`is at most ${MAX_TRAIN} entries long`, async () => {
    const repo = mergeRepo(MAX_TRAIN + 2);
    const council = Council.open(repo.root);
    const sessions = await committedSessions(council, MAX_TRAIN + 2);
    const base0 = gitSync(repo.root, 'rev-parse', 'main');
    const queue = new MergeQueue(council.ws);
    for (const s of sessions) await queue.enqueue(s.id, { strategy: 'squash', gate: null });
    await processQueue(council);
    expect(queue.list().map((e) => e.state)).toEqual(Array(MAX_TRAIN + 2).fill('merged'));
    expect(firstParents(repo.root, base0)).toHaveLength(MAX_TRAIN + 2);
    expect(movesSince(repo.root, base0).length).toBeGreaterThanOrEqual(2);
  });

  it('a follower that conflicts with the entry before it parks on its own; the rest still land', async () => {
    const repo = mergeRepo(4);
    const council = Council.open(repo.root);
    // Sessions 1 and 2 both change src/f1.ts.
    const sessions = await committedSessions(council, 4, (i) => (i === 2 ? 'src/f1.ts' : `src/f${i}.ts`));
    const queue = new MergeQueue(council.ws);
    for (const s of sessions) await queue.enqueue(s.id, { strategy: 'merge', gate: null });
    const run = await processQueue(council);

    expect(run.settled.map((e) => [e.sessionId, e.state])).toEqual([
      [(sessions[0] as Session).id, 'merged'],
      [(sessions[1] as Session).id, 'merged'],
      [(sessions[2] as Session).id, 'parked'],
      [(sessions[3] as Session).id, 'merged'],
    ]);
    expect(queue.list()[2]).toMatchObject({ state: 'parked', files: ['src/f1.ts'] });
    expect(queue.list()[2]?.reason).toMatch(/conflicts in src\/f1\.ts \(content\)/);
    const tree = treeContents(repo.root, 'main');
    expect(tree['src/f1.ts']).toBe('export const f1 = "session 1";\n');
    expect(tree['src/f3.ts']).toBe('export const f3 = "session 3";\n');
  });

  it('local changes in the base checkout to a file only a follower touches park that follower, not the entry in front', async () => {
    const repo = mergeRepo(4);
    const council = Council.open(repo.root);
    const sessions = await committedSessions(council, 3);
    repo.write('src/f1.ts', 'export const f1 = "local edit";\n');
    const queue = new MergeQueue(council.ws);
    for (const s of sessions) await queue.enqueue(s.id, { strategy: 'merge', gate: null });
    const run = await processQueue(council);

    expect(run.settled.map((e) => [e.sessionId, e.state])).toEqual([
      [(sessions[0] as Session).id, 'merged'],
      [(sessions[1] as Session).id, 'parked'],
      [(sessions[2] as Session).id, 'merged'],
    ]);
    expect(queue.list()[1]).toMatchObject({ state: 'parked', files: ['src/f1.ts'] });
    expect(readFileSync(path.join(repo.root, 'src/f1.ts'), 'utf8')).toBe('export const f1 = "local edit";\n');
    expect(treeContents(repo.root, 'main')['src/f1.ts']).toBe('export const f1 = 1;\n');
    expect(treeContents(repo.root, 'main')['src/f2.ts']).toBe('export const f2 = "session 2";\n');
  });

  it('a follower whose session gets a commit before the move is merged with it (the train does not land without it)', async () => {
    const repo = mergeRepo(4);
    const council = Council.open(repo.root);
    const sessions = await committedSessions(council, 3);
    const queue = new MergeQueue(council.ws);
    const entries: QueueEntry[] = [];
    for (const s of sessions) entries.push(await queue.enqueue(s.id, { strategy: 'merge', gate: null }));
    const late = sessions[1] as Session;
    let committed = false;
    const run = await processQueue(council, {
      onEvent: (e) => {
        // After every merge of the train is built, before the base moves.
        if (committed || e.step !== 'journal-written' || e.entryId !== entries[2]?.id) return;
        writeIn(late.worktreePath, 'late.txt', 'committed while the train was built\n');
        gitSync(late.worktreePath, 'add', '-A');
        gitSync(late.worktreePath, 'commit', '-q', '-m', 'late');
        committed = true;
      },
    });

    expect(committed).toBe(true);
    expect(run.settled.map((e) => e.state)).toEqual(['merged', 'merged', 'merged']);
    expect(treeContents(repo.root, 'main')['late.txt']).toBe('committed while the train was built\n');
    expect(gitSync(repo.root, 'merge-base', '--is-ancestor', late.branch, 'main')).toBe('');
  });

  it('a follower removed from the queue while the train is built is not merged', async () => {
    const repo = mergeRepo(4);
    const council = Council.open(repo.root);
    const sessions = await committedSessions(council, 3);
    const queue = new MergeQueue(council.ws);
    const entries: QueueEntry[] = [];
    for (const s of sessions) entries.push(await queue.enqueue(s.id, { strategy: 'merge', gate: null }));
    let removed = false;
    const run = await processQueue(council, {
      onEvent: (e) => {
        if (removed || e.step !== 'candidate' || e.entryId !== entries[2]?.id) return;
        // Synchronously, as another process would between two of the engine's steps.
        void queue.remove(entries[1]?.id as string).then(() => (removed = true));
      },
    });

    expect(removed).toBe(true);
    expect(queue.list().map((e) => e.sessionId)).toEqual([(sessions[0] as Session).id, (sessions[2] as Session).id]);
    expect(run.settled.map((e) => [e.sessionId, e.state])).toEqual([
      [(sessions[0] as Session).id, 'merged'],
      [(sessions[2] as Session).id, 'merged'],
    ]);
    const tree = treeContents(repo.root, 'main');
    expect(tree['src/f1.ts']).toBe('export const f1 = 1;\n');
    expect(tree['src/f2.ts']).toBe('export const f2 = "session 2";\n');
  });

  it('an entry with a gate, or a rebase, lands on its own', async () => {
    const repo = mergeRepo(4);
    const council = Council.open(repo.root);
    const sessions = await committedSessions(council, 4);
    const base0 = gitSync(repo.root, 'rev-parse', 'main');
    const queue = new MergeQueue(council.ws);
    await queue.enqueue((sessions[0] as Session).id, { strategy: 'merge', gate: 'test -f README.md' });
    await queue.enqueue((sessions[1] as Session).id, { strategy: 'merge', gate: null });
    await queue.enqueue((sessions[2] as Session).id, { strategy: 'rebase', gate: null });
    await queue.enqueue((sessions[3] as Session).id, { strategy: 'merge', gate: null });
    const run = await processQueue(council);

    expect(run.settled.map((e) => e.state)).toEqual(['merged', 'merged', 'merged', 'merged']);
    // The gated one alone, then session 1 (the rebase may not follow it), then the rebase alone
    // (nothing may follow it either), then session 3.
    expect(movesSince(repo.root, base0)).toHaveLength(4);
  });
});
