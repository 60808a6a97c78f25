import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { QueueEntry } from '../../shared/merge';
import type { Session } from '../../shared/models';
import { Council } from '../../electron/core/council';
import { MergeQueue, processQueue, type EnqueueOptions, type MergeEvent } from '../../electron/core/merge/index';
import { MAX_TRAIN } from '../../electron/core/merge/train';
import { committedSessions, mergeRepo, treeContents } from '../helpers/merge-fixtures';
import { gitSync, writeIn } from '../helpers/repo';

/**
 * Trains (merge/train.ts): plain entries waiting together land in one move of the base, each as the
 * commit it would have been one at a time. Anything not plain about a follower ends the train and
 * that entry is handled on its own; nothing about one entry may park another.
 */

interface Line {
  root: string;
  council: Council;
  sessions: Session[];
  queue: MergeQueue;
  entries: QueueEntry[];
  base0: string;
}

/** `count` committed sessions on a fresh repository, all in line (merge, no gate) unless `enqueue` says otherwise. */
async function inLine(count: number, options: { file?: (i: number) => string; before?: (root: string) => void; enqueue?: (i: number) => EnqueueOptions } = {}): Promise<Line> {
  const repo = mergeRepo(Math.max(count, 4));
  const council = Council.open(repo.root);
  const sessions = await committedSessions(council, count, { task: 'train', file: options.file });
  options.before?.(repo.root);
  const queue = new MergeQueue(council.ws);
  const entries: QueueEntry[] = [];
  for (const [i, s] of sessions.entries()) entries.push(await queue.enqueue(s.id, options.enqueue?.(i) ?? { strategy: 'merge', gate: null }));
  return { root: repo.root, council, sessions, queue, entries, base0: gitSync(repo.root, 'rev-parse', 'main') };
}

/** [session id, state] of the given sessions, in order: what run.settled is expected to say. */
const outcomes = (sessions: readonly Session[], states: readonly string[]): [string, string][] => states.map((state, i) => [(sessions[i] as Session).id, state]);
const settledAs = (settled: readonly QueueEntry[]): [string, string][] => settled.map((e) => [e.sessionId, e.state]);

/** How many times the branch moved since `since` (its reflog, newest first). */
const movesSince = (root: string, since: string): string[] => {
  const lines = gitSync(root, 'reflog', 'show', '--format=%H %gs', 'refs/heads/main').split('\n');
  return lines.slice(0, lines.findIndex((l) => l.startsWith(since)));
};

const firstParents = (root: string, from: string): string[] => gitSync(root, 'rev-list', '--first-parent', '--reverse', `${from}..main`).split('\n').filter(Boolean);

describe('trains', () => {
  it('lands entries waiting together in one move, each as its own merge commit in queue order', async () => {
    const { root, council, sessions, queue, base0 } = await inLine(6);
    const events: MergeEvent[] = [];
    const run = await processQueue(council, { onEvent: (e) => events.push(e) });

    expect(settledAs(run.settled)).toEqual(outcomes(sessions, Array(6).fill('merged')));
    // Fewer moves than entries (one, unless the machine is so slow a train hit its time budget).
    const moves = movesSince(root, base0);
    expect(moves.length).toBeGreaterThanOrEqual(1);
    expect(moves.length).toBeLessThan(sessions.length);
    expect(moves[moves.length - 1]).toMatch(/council: merge queue entries [0-9a-f]{8}, [0-9a-f]{8}/);
    // The history is exactly one merge per session, in queue order, each on the one before.
    const chain = firstParents(root, base0);
    expect(chain).toHaveLength(sessions.length);
    const entries = queue.list();
    chain.forEach((commit, i) => {
      expect(entries[i]?.resultCommit).toBe(commit);
      expect(entries[i]?.baseBefore).toBe(i === 0 ? base0 : chain[i - 1]);
      expect(gitSync(root, 'rev-parse', `${commit}^2`)).toBe(gitSync(root, 'rev-parse', (sessions[i] as Session).branch));
    });
    // Every entry went through every step (the screens follow each one).
    for (const e of entries) {
      expect(events.filter((ev) => ev.entryId === e.id).map((ev) => ev.step)).toEqual(expect.arrayContaining(['claimed', 'candidate', 'journal-written', 'base-moved', 'merged']));
    }
    // The main checkout was brought along to the end result.
    expect(gitSync(root, 'status', '--porcelain', '--untracked-files=all')).toBe('');
    for (let i = 0; i < sessions.length; i++) expect(readFileSync(path.join(root, `src/f${i}.ts`), 'utf8')).toBe(`export const f${i} = "session ${i}";\n`);
    expect(council.context.get((sessions[3] as Session).id)).toMatchObject({ status: 'done', message: `merged into main as ${entries[3]?.resultCommit?.slice(0, 12)}` });
  });

  it(`is at most ${MAX_TRAIN} entries long`, async () => {
    const { root, council, queue, base0 } = await inLine(MAX_TRAIN + 2, { enqueue: () => ({ strategy: 'squash', gate: null }) });
    await processQueue(council);
    expect(queue.list().map((e) => e.state)).toEqual(Array(MAX_TRAIN + 2).fill('merged'));
    expect(firstParents(root, base0)).toHaveLength(MAX_TRAIN + 2);
    expect(movesSince(root, base0).length).toBeGreaterThanOrEqual(2);
  });

  it('a follower that conflicts with the entry before it parks on its own; the rest still land', async () => {
    // Sessions 1 and 2 both change src/f1.ts.
    const { root, council, sessions, queue } = await inLine(4, { file: (i) => (i === 2 ? 'src/f1.ts' : `src/f${i}.ts`) });
    const run = await processQueue(council);

    expect(settledAs(run.settled)).toEqual(outcomes(sessions, ['merged', 'merged', 'parked', 'merged']));
    expect(queue.list()[2]).toMatchObject({ state: 'parked', files: ['src/f1.ts'] });
    expect(queue.list()[2]?.reason).toMatch(/conflicts in src\/f1\.ts \(content\)/);
    const tree = treeContents(root, 'main');
    expect(tree['src/f1.ts']).toBe('export const f1 = "session 1";\n');
    expect(tree['src/f3.ts']).toBe('export const f3 = "session 3";\n');
  });

  it('local changes in the base checkout to a file only a follower touches park that follower, not the entry in front', async () => {
    const edit = 'export const f1 = "local edit";\n';
    const { root, council, sessions, queue } = await inLine(3, { before: (r) => writeFileSync(path.join(r, 'src/f1.ts'), edit) });
    const run = await processQueue(council);

    expect(settledAs(run.settled)).toEqual(outcomes(sessions, ['merged', 'parked', 'merged']));
    expect(queue.list()[1]).toMatchObject({ state: 'parked', files: ['src/f1.ts'] });
    expect(readFileSync(path.join(root, 'src/f1.ts'), 'utf8')).toBe(edit);
    expect(treeContents(root, 'main')['src/f1.ts']).toBe('export const f1 = 1;\n');
    expect(treeContents(root, 'main')['src/f2.ts']).toBe('export const f2 = "session 2";\n');
  });

  it('a follower whose session gets a commit before the move is merged with it (the train does not land without it)', async () => {
    const { root, council, sessions, entries } = await inLine(3);
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
    expect(settledAs(run.settled)).toEqual(outcomes(sessions, ['merged', 'merged', 'merged']));
    expect(treeContents(root, 'main')['late.txt']).toBe('committed while the train was built\n');
    expect(gitSync(root, 'merge-base', '--is-ancestor', late.branch, 'main')).toBe('');
  });

  it('a follower removed from the queue while the train is built is not merged', async () => {
    const { root, council, sessions, queue, entries } = await inLine(3);
    let removed = false;
    const run = await processQueue(council, {
      onEvent: (e) => {
        if (removed || e.step !== 'candidate' || e.entryId !== entries[2]?.id) return;
        // Between two of the engine's steps, as another process would.
        void queue.remove(entries[1]?.id as string).then(() => (removed = true));
      },
    });

    expect(removed).toBe(true);
    expect(queue.list().map((e) => e.sessionId)).toEqual([(sessions[0] as Session).id, (sessions[2] as Session).id]);
    expect(settledAs(run.settled)).toEqual([
      [(sessions[0] as Session).id, 'merged'],
      [(sessions[2] as Session).id, 'merged'],
    ]);
    const tree = treeContents(root, 'main');
    expect(tree['src/f1.ts']).toBe('export const f1 = 1;\n');
    expect(tree['src/f2.ts']).toBe('export const f2 = "session 2";\n');
  });

  it('an entry with a gate, or a rebase, lands on its own', async () => {
    const kinds: EnqueueOptions[] = [
      { strategy: 'merge', gate: 'test -f README.md' },
      { strategy: 'merge', gate: null },
      { strategy: 'rebase', gate: null },
      { strategy: 'merge', gate: null },
    ];
    const { root, council, base0 } = await inLine(4, { enqueue: (i) => kinds[i] as EnqueueOptions });
    const run = await processQueue(council);

    expect(run.settled.map((e) => e.state)).toEqual(['merged', 'merged', 'merged', 'merged']);
    // The gated one alone, then session 1 (the rebase may not follow it), then the rebase alone
    // (nothing may follow it either), then session 3.
    expect(movesSince(root, base0)).toHaveLength(4);
  });
});
