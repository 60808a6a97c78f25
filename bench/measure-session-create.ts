import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Session } from '../shared/models';
import { writeInitialContext } from '../electron/core/context/context';
import { Council } from '../electron/core/council';
import { sessionBranch, taskSlug } from '../electron/core/sessions/naming';
import { COUNCIL_BIN } from '../tests/helpers/cli';
import { rawGit } from './git-exec';
import { generateRepo, type GeneratedRepo } from './repo-gen';
import type { BenchConfig, SummaryRow } from './result';
import { runStandaloneIfMain } from './standalone';
import { median, summarize } from './stats';
import { formatMs, formatRatio, renderTable } from './table';

/** Target: creating a session costs at most 15 % more than the `git worktree add` it wraps. */
export const CREATE_RATIO_TARGET = 1.15;

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

/** Wall time of one whole process, as a script or the user would see it. */
function timedProcess(command: string, args: readonly string[], cwd: string): { ms: number; stdout: string } {
  const start = performance.now();
  const r = spawnSync(command, [...args], { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const ms = performance.now() - start;
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} exited with ${String(r.status)}: ${r.stderr}`);
  return { ms, stdout: r.stdout };
}

/**
 * Measurement 1: `council session create --task …` as a whole process (what a script or a person
 * runs: Node's start-up, the CLI, the bookkeeping and git) against a raw `git worktree add -b
 * <branch> <path> HEAD` on the same repository in the same state, alternated (ours, raw, ours,
 * raw …) so that disk-cache effects hit both alike. Each run's worktree is removed before the next
 * run starts; removal is not timed. `label` says what state the repository is in.
 */
export async function measureSessionCreate(cfg: BenchConfig, repo: GeneratedRepo, runs: number, label = `${repo.files.toLocaleString('en-US')} files`): Promise<SummaryRow[]> {
  const council = Council.open(repo.root);
  const rawRoot = path.join(cfg.tmp, 'raw-worktrees', path.basename(repo.root));
  mkdirSync(rawRoot, { recursive: true });
  let rawCount = 0;

  const ours = async (): Promise<number> => {
    const { ms, stdout } = timedProcess(process.execPath, [COUNCIL_BIN, '--json', 'session', 'create', '--task', 'bench session create'], repo.root);
    const created = (JSON.parse(stdout) as { value: Session[] }).value;
    for (const s of created) await council.removeSession(s.id, { force: true });
    await settleDisk();
    return ms;
  };
  const raw = async (): Promise<number> => {
    const n = rawCount++;
    const branch = `bench/raw-${n}`;
    const worktree = path.join(rawRoot, `raw-${n}`);
    const { ms } = timedProcess('git', ['worktree', 'add', '-b', branch, worktree, 'HEAD'], repo.root);
    await rawGit(repo.root, ['worktree', 'remove', '--force', worktree]);
    await rawGit(repo.root, ['branch', '-D', branch]);
    await settleDisk();
    return ms;
  };

  // Warm-up pair (discarded): fills V8's compile cache and the page cache with the repository's objects.
  await ours();
  await raw();
  const oursMs: number[] = [];
  const rawMs: number[] = [];
  const nodeMs: number[] = [];
  for (let i = 0; i < runs; i++) {
    oursMs.push(await ours());
    rawMs.push(await raw());
    nodeMs.push(timedProcess(process.execPath, ['-e', '0'], repo.root).ms);
  }
  const o = summarize(oursMs);
  const r = summarize(rawMs);
  const ratio = o.p50 / r.p50;
  const pairedRatio = median(oursMs.map((ms, i) => ms / (rawMs[i] ?? NaN)));
  // What no Node program can go below: git's own time plus Node's start-up, before a line of ours.
  const n = summarize(nodeMs);
  const floor = (r.p50 + n.p50) / r.p50;
  cfg.print(
    renderTable(
      `1. council session create (a whole process) vs raw git worktree add (${label})`,
      ['variant', 'n', 'p50', 'min', 'max', 'mean'],
      [
        ['ours: node bin/council.cjs session create --task …', o.n, formatMs(o.p50), formatMs(o.min), formatMs(o.max), formatMs(o.mean)],
        ['raw: git worktree add -b <branch> <path> HEAD', r.n, formatMs(r.p50), formatMs(r.min), formatMs(r.max), formatMs(r.mean)],
        ['ratio of medians ours/raw', '', formatRatio(ratio), '', '', ''],
        ['median of per-pair ratios (info)', '', formatRatio(pairedRatio), '', '', ''],
        ['ours minus raw, medians (info)', '', formatMs(o.p50 - r.p50), '', '', ''],
        ['node -e 0 (the start-up any Node CLI pays)', n.n, formatMs(n.p50), formatMs(n.min), formatMs(n.max), formatMs(n.mean)],
        ['floor for a Node CLI: (raw + node -e 0) / raw, medians (info)', '', formatRatio(floor), '', '', ''],
      ],
      ['alternated ours/raw/node -e 0, one warm-up pair discarded; worktree removal between runs is not timed'],
    ),
  );
  return [
    {
      measurement: `session create (process), ${label}`,
      ours: `p50 ${formatMs(o.p50)} (Node floor ${formatRatio(floor)})`,
      baseline: `git worktree add -b (raw) p50 ${formatMs(r.p50)}`,
      value: formatRatio(ratio),
      target: `≤ ${formatRatio(CREATE_RATIO_TARGET)}`,
      pass: ratio <= CREATE_RATIO_TARGET,
    },
  ];
}

/**
 * Brings a repository to `count` sessions as the core leaves them (a registry record, a context
 * file, a branch council/<slug>-<id> and a registered worktree each), quickly: the worktrees are
 * added with --no-checkout, so 500 of them on a 10,000-file repository take seconds and no 5
 * million files. What a create at that state pays for them is all there: the registry, git's list
 * of worktrees and their HEADs, the branches; nothing in a create looks into another session's
 * files. Returns how long it took.
 */
export async function populateSessions(repo: GeneratedRepo, count: number): Promise<number> {
  const start = performance.now();
  const council = Council.open(repo.root);
  const root = await council.ws.worktreeRoot();
  mkdirSync(root, { recursive: true });
  const base = (await rawGit(repo.root, ['rev-parse', 'HEAD'])).trim();
  const slug = taskSlug('bench background session');
  const sessions: Session[] = [];
  for (let i = 0; i < count; i++) {
    const id = (0xb00000 + i).toString(16);
    const session: Session = {
      id,
      task: 'bench background session',
      agent: null,
      branch: sessionBranch(slug, id),
      worktreePath: path.join(root, `${slug}-${id}`),
      baseBranch: 'main',
      baseCommit: base,
      createdAt: new Date().toISOString(),
      state: 'ready',
    };
    await rawGit(repo.root, ['worktree', 'add', '--no-checkout', '-b', session.branch, session.worktreePath, base]);
    writeInitialContext(council.ws.paths, session);
    sessions.push(session);
  }
  await council.ws.registry.update((file) => ({ next: { ...file, sessions: { ...file.sessions, ...Object.fromEntries(sessions.map((s) => [s.id, s])) } }, result: undefined }));
  return performance.now() - start;
}

export const SCALE_SESSIONS = 500;

/** Measurement 1 at scale: the same, with 500 sessions (and their worktrees) already there. */
export async function measureSessionCreateAtScale(cfg: BenchConfig, repo: GeneratedRepo, runs: number, sessions = SCALE_SESSIONS): Promise<SummaryRow[]> {
  cfg.log(`making ${sessions} sessions on ${repo.files.toLocaleString('en-US')} files (worktrees without checkout)`);
  const ms = await populateSessions(repo, sessions);
  cfg.log(`made ${sessions} sessions in ${(ms / 1000).toFixed(1)} s`);
  return measureSessionCreate(cfg, repo, runs, `${repo.files.toLocaleString('en-US')} files, ${sessions} sessions already there`);
}

/**
 * Standalone: `npx tsx bench/measure-session-create.ts [--quick] [--scale]`: a 10,000-file
 * repository, session create with no session there; with --scale, then again with 500.
 */
async function standalone(cfg: BenchConfig): Promise<SummaryRow[]> {
  const repo = generateRepo(cfg.tmp, 'repo-10000', 10_000);
  const runs = cfg.quick ? 3 : 7;
  const rows = await measureSessionCreate(cfg, repo, runs);
  if (process.argv.includes('--scale')) rows.push(...(await measureSessionCreateAtScale(cfg, repo, runs)));
  return rows;
}

runStandaloneIfMain(import.meta.url, 'session-create', standalone);
