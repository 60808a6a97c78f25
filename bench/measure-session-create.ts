import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { Council } from '../electron/core/council';
import { timed } from './clock';
import { rawGit } from './git-exec';
import type { GeneratedRepo } from './repo-gen';
import type { BenchConfig, SummaryRow } from './result';
import { median, summarize } from './stats';
import { formatMs, formatRatio, renderTable } from './table';

/** Target: creating a session costs at most 15 % more than the `git worktree add` it wraps. */
export const CREATE_RATIO_TARGET = 1.15;

/**
 * Measurement 1: `council.createSessions({count: 1})` in-process against a raw
 * `git worktree add -b <branch> <path> HEAD` on the same repository, alternated (ours, raw, ours,
 * raw …) so that disk-cache effects hit both alike. Each run's worktree is removed before the next
 * run starts; removal is not timed.
 */
/**
 * Lets the previous run's removal (hundreds or thousands of deleted files) reach the disk before
 * the next timed run, so neither side pays for the other's clean-up. (On our build VMs, whose disk
 * is mounted `discard`, checkout times still swing 70–900 ms from one run to the next — for raw git
 * run from a shell too — so read the ratio together with both columns.)
 */
async function settleDisk(): Promise<void> {
  spawnSync('sync');
  await new Promise((resolve) => setTimeout(resolve, 100));
}

export async function measureSessionCreate(cfg: BenchConfig, repo: GeneratedRepo, runs: number): Promise<SummaryRow[]> {
  const council = Council.open(repo.root);
  const rawRoot = path.join(cfg.tmp, 'raw-worktrees', path.basename(repo.root));
  let rawCount = 0;

  const ours = async (): Promise<number> => {
    const { ms, value } = await timed(() => council.createSessions({ task: 'bench session create', count: 1 }));
    for (const s of value) await council.removeSession(s.id, { force: true });
    await settleDisk();
    return ms;
  };
  const raw = async (): Promise<number> => {
    const n = rawCount++;
    const branch = `bench/raw-${n}`;
    const worktree = path.join(rawRoot, `raw-${n}`);
    const { ms } = await timed(() => rawGit(repo.root, ['worktree', 'add', '-b', branch, worktree, 'HEAD']));
    await rawGit(repo.root, ['worktree', 'remove', '--force', worktree]);
    await rawGit(repo.root, ['branch', '-D', branch]);
    await settleDisk();
    return ms;
  };

  // Warm-up pair (discarded): loads the core's modules, fills the page cache with the repository's objects.
  await ours();
  await raw();
  const oursMs: number[] = [];
  const rawMs: number[] = [];
  for (let i = 0; i < runs; i++) {
    oursMs.push(await ours());
    rawMs.push(await raw());
  }
  const o = summarize(oursMs);
  const r = summarize(rawMs);
  const ratio = o.p50 / r.p50;
  const pairedRatio = median(oursMs.map((ms, i) => ms / (rawMs[i] ?? NaN)));
  const label = `${repo.files.toLocaleString('en-US')} files`;
  cfg.print(
    renderTable(
      `1. Session create vs raw git worktree add (${label})`,
      ['variant', 'n', 'p50', 'min', 'max', 'mean'],
      [
        ['ours: council.createSessions({count: 1})', o.n, formatMs(o.p50), formatMs(o.min), formatMs(o.max), formatMs(o.mean)],
        ['raw: git worktree add -b <branch> <path> HEAD', r.n, formatMs(r.p50), formatMs(r.min), formatMs(r.max), formatMs(r.mean)],
        ['ratio of medians ours/raw', '', formatRatio(ratio), '', '', ''],
        ['median of per-pair ratios (info)', '', formatRatio(pairedRatio), '', '', ''],
      ],
      ['alternated ours/raw, one warm-up pair discarded; worktree removal between runs is not timed'],
    ),
  );
  return [
    {
      measurement: `session create, ${label}`,
      ours: `p50 ${formatMs(o.p50)}`,
      baseline: `git worktree add -b (raw) p50 ${formatMs(r.p50)}`,
      value: formatRatio(ratio),
      target: `≤ ${formatRatio(CREATE_RATIO_TARGET)}`,
      pass: ratio <= CREATE_RATIO_TARGET,
    },
  ];
}
