import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { Council } from '../electron/core/council';
import { COUNCIL_BIN } from '../tests/helpers/cli';
import { generateRepo } from './repo-gen';
import type { BenchConfig, SummaryRow } from './result';
import { runStandaloneIfMain } from './standalone';
import { median, summarize, type Summary } from './stats';
import { formatMs, formatRatio, renderTable } from './table';

/** Target (issue 13, item 4): each hot verb as a whole process at most 1.2× `node -e 0`. */
export const CLI_RATIO_TARGET = 1.2;

export interface LockCliCounts {
  warmup: number;
  iterations: number;
}
export const LOCK_CLI_FULL: LockCliCounts = { warmup: 2, iterations: 25 };
export const LOCK_CLI_QUICK: LockCliCounts = { warmup: 1, iterations: 8 };

interface ProcessRun {
  ms: number;
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Wall time of one whole process, from spawn to exit, as a hook that runs it would see. */
function runProcess(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv, input?: string): ProcessRun {
  const start = performance.now();
  const r = spawnSync(process.execPath, [...args], { cwd, env, input: input ?? '', encoding: 'utf8' });
  const ms = performance.now() - start;
  return { ms, code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function mustSucceed(run: ProcessRun, what: string): number {
  if (run.code !== 0 || run.stderr !== '') throw new Error(`${what} exited with ${String(run.code)}: ${run.stderr}${run.stdout}`);
  return run.ms;
}

/**
 * What Claude Code sends a PreToolUse hook for an edit (its fields as of 2.x): the hook reads the
 * payload, finds the session from COUNCIL_SESSION_ID, takes the lock, and allows the edit.
 */
function claudeEdit(worktree: string, relPath: string): string {
  return JSON.stringify({
    session_id: '6f1c2a9e-3b7d-4e21-9a55-0c8d7e6f5a41',
    transcript_path: path.join(worktree, '.claude', 'transcript.jsonl'),
    cwd: worktree,
    permission_mode: 'acceptEdits',
    hook_event_name: 'PreToolUse',
    tool_name: 'Edit',
    tool_input: { file_path: path.join(worktree, relPath), old_string: 'export const', new_string: 'export let', replace_all: false },
    tool_use_id: 'toolu_01ABCDEFGHJKLMNPQRSTUVWX',
  });
}

export interface LockCliSession {
  id: string;
  worktreePath: string;
}

/**
 * Measurement 3: the verbs an agent's edit runs, each as a whole process — `council hook pre-tool`
 * (a real Claude payload on stdin, a file not locked yet, so it takes the lock), `council lock
 * acquire` and `council lock who` — against `node -e 0` (the floor for any Node program),
 * interleaved round by round in one run, so a machine busy with other work weighs on all alike.
 * Each acquire is followed by a `council lock release` (timed, for information). V8's compile
 * cache goes to a fresh folder of this run, so the first run of each bundle is a cold one; it is
 * reported and discarded with the warm-up rounds.
 */
export function measureLockCli(cfg: BenchConfig, repoRoot: string, session: LockCliSession, paths: readonly string[], counts: LockCliCounts): SummaryRow[] {
  const cacheDir = path.join(cfg.tmp, 'v8-compile-cache');
  mkdirSync(cacheDir, { recursive: true });
  const env: NodeJS.ProcessEnv = { ...process.env, V8_COMPILE_CACHE_CACHE_DIR: cacheDir };
  delete env.COUNCIL_SESSION_ID;
  delete env.DISABLE_V8_COMPILE_CACHE;
  const hookEnv = { ...env, COUNCIL_SESSION_ID: session.id };
  const [acquired, hooked] = [paths[0] as string, paths.slice(1)];
  if (hooked.length === 0) throw new Error('measureLockCli needs at least two paths');
  let nextHooked = 0;

  const hook = (): number => {
    const relPath = hooked[nextHooked++ % hooked.length] as string;
    const run = runProcess([COUNCIL_BIN, 'hook', 'pre-tool', '--agent', 'claude'], session.worktreePath, hookEnv, claudeEdit(session.worktreePath, relPath));
    if (run.stdout !== '') throw new Error(`council hook pre-tool did not allow the edit: ${run.stdout}`);
    return mustSucceed(run, 'council hook pre-tool');
  };
  const acquire = (): number => mustSucceed(runProcess([COUNCIL_BIN, 'lock', 'acquire', acquired, '--session', session.id], repoRoot, env), 'council lock acquire');
  const who = (): number => mustSucceed(runProcess([COUNCIL_BIN, 'lock', 'who', acquired], repoRoot, env), 'council lock who');
  const release = (): number => mustSucceed(runProcess([COUNCIL_BIN, 'lock', 'release', acquired, '--session', session.id], repoRoot, env), 'council lock release');
  const releaseHooked = (): void => void mustSucceed(runProcess([COUNCIL_BIN, 'lock', 'release-all', '--session', session.id], repoRoot, env), 'council lock release-all');
  const bare = (): number => mustSucceed(runProcess(['-e', '0'], repoRoot, env), 'node -e 0');

  const cold = { hook: hook(), acquire: acquire() };
  release();
  // Each round: node -e 0, then the verbs, in the order an agent's edit would run them.
  const round = (): Record<'bare' | 'hook' | 'acquire' | 'who' | 'release', number> => {
    const b = bare();
    const h = hook();
    const a = acquire();
    const w = who();
    const r = release();
    return { bare: b, hook: h, acquire: a, who: w, release: r };
  };
  for (let i = 0; i < counts.warmup; i++) round();
  const samples = { bare: [] as number[], hook: [] as number[], acquire: [] as number[], who: [] as number[], release: [] as number[] };
  for (let i = 0; i < counts.iterations; i++) {
    const r = round();
    for (const key of Object.keys(samples) as (keyof typeof samples)[]) samples[key].push(r[key]);
    // Every hook run takes a lock on a file not locked yet, as an agent's first edit of a file does.
    if (nextHooked % hooked.length === 0) releaseHooked();
  }
  releaseHooked();

  const b = summarize(samples.bare);
  const verbs = [
    { name: 'council hook pre-tool (Claude Edit payload)', short: 'hook pre-tool', s: summarize(samples.hook), xs: samples.hook, cold: cold.hook },
    { name: 'council lock acquire', short: 'lock acquire', s: summarize(samples.acquire), xs: samples.acquire, cold: cold.acquire },
    { name: 'council lock who', short: 'lock who', s: summarize(samples.who), xs: samples.who, cold: null },
  ];
  const info = summarize(samples.release);
  const row = (name: string, s: Summary, ratio = ''): (string | number)[] => [name, s.n, formatMs(s.p50), formatMs(s.p95), formatMs(s.min), formatMs(s.max), ratio];
  const pairedRatio = (xs: readonly number[]): number => median(xs.map((x, i) => x / (samples.bare[i] ?? Number.NaN)));
  cfg.print(
    renderTable(
      '3. The lock hook and lock verbs as whole processes vs node -e 0',
      ['process', 'n', 'p50', 'p95', 'min', 'max', 'ratio of medians to node -e 0'],
      [
        row('node -e 0', b),
        ...verbs.map((v) => row(v.name, v.s, formatRatio(v.s.p50 / b.p50))),
        row('council lock release (info, no target)', info, formatRatio(info.p50 / b.p50)),
        ...verbs.filter((v) => v.cold !== null).map((v) => [`${v.short}, first run (cold compile cache; not in the figures)`, 1, formatMs(v.cold as number), '', '', '', '']),
      ],
      [
        `interleaved round by round (node -e 0, hook, acquire, who, release), ${counts.warmup} warm-up round(s) discarded; each hook run takes a lock not yet held`,
        `median of per-round ratios (info): ${verbs.map((v) => `${v.short} ${formatRatio(pairedRatio(v.xs))}`).join(', ')}`,
      ],
    ),
  );
  return verbs.map((v) => {
    const ratio = v.s.p50 / b.p50;
    return {
      measurement: `CLI \`council ${v.short}\` process`,
      ours: `p50 ${formatMs(v.s.p50)}`,
      baseline: `node -e 0 p50 ${formatMs(b.p50)}`,
      value: formatRatio(ratio),
      target: `≤ ${formatRatio(CLI_RATIO_TARGET)}`,
      pass: ratio <= CLI_RATIO_TARGET,
    };
  });
}

/** Standalone (`npx tsx bench/measure-lock-cli.ts [--quick]`): a 700-file repository, two sessions. */
async function standalone(cfg: BenchConfig): Promise<SummaryRow[]> {
  const repo = generateRepo(cfg.tmp, 'repo-700', 700);
  const council = Council.open(repo.root);
  const [session] = await council.createSessions({ task: 'bench lock cli', count: 2 });
  if (!session) throw new Error('could not create the session');
  return measureLockCli(cfg, repo.root, session, repo.samplePaths.slice(5), cfg.quick ? LOCK_CLI_QUICK : LOCK_CLI_FULL);
}

runStandaloneIfMain(import.meta.url, 'lock-cli', standalone);
