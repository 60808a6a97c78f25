import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { Council } from '../electron/core/council';
import { MergeQueue, processQueue } from '../electron/core/merge/index';
import { MAX_TRAIN } from '../electron/core/merge/train';
import { timed } from './clock';
import { rawGit } from './git-exec';
import { generateRepo, type GeneratedRepo } from './repo-gen';
import type { BenchConfig, SummaryRow } from './result';
import { runStandaloneIfMain } from './standalone';
import { median, summarize } from './stats';
import { formatMs, formatRatio, renderTable } from './table';

/** Target: bringing sessions in through the queue costs at most 30 % more than raw `git merge --no-ff` of the same branches. */
export const MERGE_RATIO_TARGET = 1.3;

export const MERGE_FILES = 700;

export interface MergeBenchCounts {
  rounds: number;
  merges: number;
}
export const MERGE_FULL: MergeBenchCounts = { rounds: 3, merges: 20 };
export const MERGE_QUICK: MergeBenchCounts = { rounds: 1, merges: 8 };

/**
 * Measurement: N non-conflicting sessions (each changes one file of its own and adds one, in one
 * commit) merged into the base through the queue (enqueue + processQueue, strategy merge, no gate;
 * the base is checked out, clean, in the main checkout, so the queue brings it along) against the
 * sum of raw `git merge --no-ff --no-edit` of the very same branches, one after the other, in a
 * scratch worktree on a copy of the base (where git, too, updates a working tree; made before the
 * sessions and left to settle a second, as a checkout in use is). Both run in the same process and
 * round; the order alternates between rounds so disk-cache effects hit both alike. The queue sees
 * all N waiting at once, so it lands them in trains (merge/train.ts); the commits it makes are the
 * ones it would make one at a time, checked below by comparing the result with raw git's.
 */
export async function measureMerge(cfg: BenchConfig, counts: MergeBenchCounts, repo?: GeneratedRepo): Promise<SummaryRow[]> {
  const source = repo ?? generateRepo(cfg.tmp, `repo-merge-${MERGE_FILES}`, MERGE_FILES);
  const council = Council.open(source.root);
  const queue = new MergeQueue(council.ws);
  const rows: (string | number)[][] = [];
  const oursTotals: number[] = [];
  const rawTotals: number[] = [];
  const oursPerMerge: number[] = [];
  const rawPerMerge: number[] = [];
  const enqueueTotals: number[] = [];

  for (let round = 0; round < counts.rounds; round++) {
    cfg.log(`merge round ${round + 1}/${counts.rounds}: ${counts.merges} sessions`);
    // The raw side's scratch worktree, made first and then left to settle: a checkout whose index
    // was written in the same second as its files has them all "racily clean", and git merge would
    // hash all 700 again on every merge — a cost of the setup, not of merging.
    const scratch = path.join(cfg.tmp, `raw-merge-${round}`);
    await rawGit(source.root, ['worktree', 'add', '-q', '-b', `bench/raw-merge-${round}`, scratch, 'HEAD']);
    const settled = performance.now() + 1100;
    const sessions = await council.createSessions({ task: `bench merge round ${round}`, count: counts.merges });
    for (const [i, s] of sessions.entries()) {
      const own = source.samplePaths[(round * counts.merges + i) % source.samplePaths.length] as string;
      writeFileSync(path.join(s.worktreePath, own), `// changed by session ${s.id}\nexport const changed = ${i};\n`);
      writeFileSync(path.join(s.worktreePath, `bench-${s.id}.txt`), `added by ${s.id}\n`);
      await rawGit(s.worktreePath, ['add', '-A']);
      await rawGit(s.worktreePath, ['commit', '-q', '-m', `session ${s.id}`]);
    }
    // MERGE_BENCH_AGED=1: sessions as they are after living a second or more — their index
    // refreshed after the second they were made in. By default they are merged fresh: made and
    // committed within one second, so every file is "racily clean" in their index and the queue's
    // look at each session's uncommitted work (git status) hashes all of them again (~20 ms here),
    // which raw `git merge` of the branch never does.
    if (process.env.MERGE_BENCH_AGED) {
      await new Promise((r) => setTimeout(r, 1100));
      for (const s of sessions) await rawGit(s.worktreePath, ['update-index', '-q', '--refresh']);
    }
    await new Promise((r) => setTimeout(r, Math.max(0, settled - performance.now())));
    await rawGit(scratch, ['update-index', '-q', '--refresh']);

    const raw = async (): Promise<number> => {
      let total = 0;
      for (const s of sessions) {
        const { ms } = await timed(() => rawGit(scratch, ['merge', '--no-ff', '--no-edit', '-q', s.branch]));
        rawPerMerge.push(ms);
        total += ms;
      }
      return total;
    };
    const ours = async (): Promise<number> => {
      const claimed = new Map<string, number>();
      // Claimed → merged, per entry: an entry that lands in a train waits for the others in it.
      const enqueue = await timed(async () => {
        for (const s of sessions) await queue.enqueue(s.id, { strategy: 'merge', gate: null });
      });
      enqueueTotals.push(enqueue.ms);
      const run = await timed(() =>
        processQueue(council, {
          onEvent: (e) => {
            if (e.step === 'claimed' && e.entryId) claimed.set(e.entryId, performance.now());
            if (e.step === 'merged' && e.entryId) oursPerMerge.push(performance.now() - (claimed.get(e.entryId) ?? performance.now()));
          },
        }),
      );
      const merged = run.value.settled.filter((e) => e.state === 'merged').length;
      if (merged !== sessions.length) throw new Error(`the queue merged ${merged} of ${sessions.length}: ${run.value.settled.map((e) => e.reason).join('; ')}`);
      return enqueue.ms + run.ms;
    };
    let rawMs: number;
    let oursMs: number;
    if (round % 2 === 0) {
      rawMs = await raw();
      oursMs = await ours();
    } else {
      oursMs = await ours();
      rawMs = await raw();
    }
    rawTotals.push(rawMs);
    oursTotals.push(oursMs);
    rows.push([`round ${round + 1}`, counts.merges, formatMs(oursMs), formatMs(rawMs), formatRatio(oursMs / rawMs)]);
    // Both sides did the same merges: the same files, in the same order.
    const [oursTree, rawTree] = await Promise.all([rawGit(source.root, ['rev-parse', 'main^{tree}']), rawGit(scratch, ['rev-parse', 'HEAD^{tree}'])]);
    if (oursTree.trim() !== rawTree.trim()) throw new Error('the queue and raw git merged to different trees');
    await rawGit(source.root, ['worktree', 'remove', '--force', scratch]);
    await rawGit(source.root, ['branch', '-q', '-D', `bench/raw-merge-${round}`]);
    // Later rounds' raw merges start from the new base, like the queue's.
  }

  const ours = oursTotals.reduce((a, b) => a + b, 0);
  const raw = rawTotals.reduce((a, b) => a + b, 0);
  const ratio = ours / raw;
  const o = summarize(oursPerMerge);
  const r = summarize(rawPerMerge);
  const merges = counts.rounds * counts.merges;
  cfg.print(
    renderTable(
      `Merge queue: ${counts.merges} non-conflicting merges (strategy merge, no gate) vs raw git merge --no-ff (${MERGE_FILES} files)`,
      ['round', 'merges', 'ours: enqueue + processQueue', 'raw: sum of git merge --no-ff', 'ratio'],
      [
        ...rows,
        ['all rounds', merges, formatMs(ours), formatMs(raw), formatRatio(ratio)],
        ['per merge (all rounds / merges)', '', formatMs(ours / merges), formatMs(raw / merges), formatRatio(ratio)],
        ['latency p50 (claimed → merged / one git merge)', '', formatMs(o.p50), formatMs(r.p50), ''],
        ['latency max', '', formatMs(o.max), formatMs(r.max), ''],
        ['enqueue, per entry (included above)', '', formatMs(median(enqueueTotals) / counts.merges), '', ''],
      ],
      [
        'ours: commit check of each session, merge-tree + commit-tree, journal and queue record, the main checkout (clean, on the base) brought along, CAS update-ref, locks and context',
        `ours lands entries waiting together in trains of up to ${MAX_TRAIN} (merge/train.ts): each its own merge commit on the one before, the base and its checkout moved once per train`,
        'latency: an entry in a train is merged when the whole train lands, so its claimed → merged time covers the entries before it',
        'raw: git merge --no-ff --no-edit -q in a scratch worktree of the same repository, on a branch at the same base',
      ],
    ),
  );
  return [
    {
      measurement: `merge queue, ${counts.merges} merges × ${counts.rounds}`,
      ours: `${formatMs(ours / (counts.rounds * counts.merges))}/merge`,
      baseline: `git merge --no-ff ${formatMs(raw / (counts.rounds * counts.merges))}/merge`,
      value: formatRatio(ratio),
      target: `≤ ${formatRatio(MERGE_RATIO_TARGET)}`,
      pass: ratio <= MERGE_RATIO_TARGET,
    },
  ];
}

runStandaloneIfMain(import.meta.url, 'merge', (cfg) => measureMerge(cfg, cfg.quick ? MERGE_QUICK : MERGE_FULL));
