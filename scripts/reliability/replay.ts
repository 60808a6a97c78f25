// A replay of real history at full count (issue 12):
//
//   npx tsx scripts/reliability/replay.ts [--skip N] [--limit N] [--pairs N] [--racy-every N] [--strategies merge,squash,rebase] [--only SHA,…] [--via core|cli] [--quiet]
//
// Every two-parent merge of the history bundle (tests/fixtures/history/, flask up to 2019-06-23:
// 939 merges) replayed through CLI Council's sessions, conflict radar and merge queue with each
// strategy, plus pairs of topics merged one after the other into the same branch, each answer
// checked against git's own (tests/helpers/replay/). Every N-th merge (default 10) carries a racily
// clean uncommitted edit. `--via cli` asks the built CLI (`council conflicts --json`, `council merge
// --wait`; build it first: node scripts/build-cli.mjs) instead of the core API. Prints the counts and every mismatch; writes test-results/replay/summary.json;
// exits 1 on any mismatch. `npm test` replays a handful (tests/core/replay-history.test.ts).
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MERGE_STRATEGIES, type MergeStrategy } from '../../shared/merge';
import { isolateGitEnvironment } from '../../tests/helpers/git-env';
import { consecutivePairs, mergeCase, mergesNamed, pairCase, type ReplayCase } from '../../tests/helpers/replay/cases';
import { bundleMissing, openHistory, realMerges } from '../../tests/helpers/replay/history';
import { mismatches, openReplayer, replayCase, type CaseRun, type Replayer } from '../../tests/helpers/replay/run';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

function value(name: string): string | undefined {
  const at = process.argv.indexOf(`--${name}`);
  return at === -1 ? undefined : (process.argv[at + 1] ?? '');
}

function count(name: string, fallback: number): number {
  const raw = value(name);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < 0) {
    process.stderr.write(`--${name} takes a whole number from 0, not "${raw}"\n`);
    process.exit(2);
  }
  return n;
}

function strategies(): MergeStrategy[] {
  const raw = value('strategies');
  if (raw === undefined) return [...MERGE_STRATEGIES];
  const wanted = raw.split(',').filter(Boolean);
  const unknown = wanted.filter((s) => !(MERGE_STRATEGIES as readonly string[]).includes(s));
  if (wanted.length === 0 || unknown.length > 0) {
    process.stderr.write(`--strategies takes a comma-separated list of: ${MERGE_STRATEGIES.join(', ')}${unknown.length ? ` (unknown: ${unknown.join(', ')})` : ''}\n`);
    process.exit(2);
  }
  return wanted as MergeStrategy[];
}

/** A run that threw (not an answer to compare): counted as a mismatch, its sessions removed. */
async function failedRun(r: Replayer, c: ReplayCase, strategy: MergeStrategy, err: unknown): Promise<CaseRun> {
  for (const s of r.council.listSessions()) await r.council.removeSession(s.id, { force: true }).catch(() => undefined);
  const detail = err instanceof Error ? err.message : String(err);
  return { name: c.name, strategy, racy: c.racyFile !== null, conflicting: false, checks: [{ what: 'the run failed', ok: false, detail }], ms: 0 };
}

async function main(): Promise<number> {
  const missing = bundleMissing();
  if (missing) {
    process.stderr.write(`${missing}\n`);
    return 2;
  }
  isolateGitEnvironment();
  const skip = count('skip', 0);
  const limit = count('limit', Number.MAX_SAFE_INTEGER);
  const pairLimit = count('pairs', 50);
  const racyEvery = count('racy-every', 10);
  const quiet = process.argv.includes('--quiet');
  const only = value('only')?.split(',').filter(Boolean);
  const via = value('via') ?? 'core';
  if (via !== 'core' && via !== 'cli') {
    process.stderr.write(`--via takes core or cli, not "${via}"\n`);
    return 2;
  }
  const h = openHistory();
  const merges = only ? mergesNamed(h, only) : realMerges(h).slice(skip, skip + limit);
  const cases: ReplayCase[] = merges.map((m, i) => mergeCase(h, m, racyEvery > 0 && (skip + i) % racyEvery === 0));
  if (!only) {
    for (const [a, b] of consecutivePairs(h, realMerges(h))) {
      if (cases.filter((c) => c.kind === 'pair').length >= pairLimit) break;
      const pair = pairCase(h, a, b);
      if (pair) cases.push(pair);
    }
  }
  const r = openReplayer(h);
  const runs: CaseRun[] = [];
  const started = Date.now();
  const chosen = strategies();
  for (const [i, c] of cases.entries()) {
    for (const strategy of chosen) {
      const run = await replayCase(r, c, strategy, via).catch(async (err: unknown) => failedRun(r, c, strategy, err));
      runs.push(run);
      const bad = mismatches(run);
      if (!quiet || bad.length) process.stdout.write(`${String(i + 1).padStart(4)}/${cases.length} ${c.name.padEnd(30)} ${strategy.padEnd(7)} ${run.racy ? 'racy ' : '     '}${run.conflicting ? 'conflict' : 'clean   '} ${bad.length ? `MISMATCH ${bad.map((b) => `${b.what}: ${b.detail}`).join(' | ')}` : 'agrees'} (${run.ms} ms)\n`);
    }
  }
  const seconds = (Date.now() - started) / 1000;
  const failed = runs.filter((run) => mismatches(run).length > 0);
  const summary = {
    bundle: path.relative(root, h.bundle),
    cases: cases.length,
    merges: cases.filter((c) => c.kind === 'merge').length,
    pairs: cases.filter((c) => c.kind === 'pair').length,
    runs: runs.length,
    strategies: chosen,
    conflictingRuns: runs.filter((run) => run.conflicting).length,
    racyRuns: runs.filter((run) => run.racy).length,
    checks: runs.reduce((n, run) => n + run.checks.length, 0),
    mismatchedRuns: failed.length,
    seconds,
    mismatches: failed.map((run) => ({ case: run.name, strategy: run.strategy, racy: run.racy, checks: mismatches(run) })),
  };
  const out = path.join(root, 'test-results', 'replay');
  mkdirSync(out, { recursive: true });
  writeFileSync(path.join(out, 'summary.json'), JSON.stringify(summary, null, 2) + '\n');
  process.stdout.write(
    `\n${summary.cases} cases (${summary.merges} real merges, ${summary.pairs} pairs of topics) × ${chosen.join(', ')} = ${summary.runs} runs, ${summary.checks} checks, in ${seconds.toFixed(0)} s\n` +
      `${summary.conflictingRuns} runs where git conflicts, ${summary.racyRuns} with a racily clean edit\n` +
      `${failed.length === 0 ? 'every answer agrees with git' : `${failed.length} run(s) disagree with git:`}\n`,
  );
  for (const m of summary.mismatches) for (const c of m.checks) process.stdout.write(`  ${m.case} ${m.strategy}${m.racy ? ' racy' : ''}: ${c.what}: ${c.detail}\n`);
  return failed.length === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
