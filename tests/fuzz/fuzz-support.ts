import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../helpers/cli';

/**
 * What the fuzz tests share: how many inputs (COUNCIL_FUZZ_RUNS), the seed, the summary they leave
 * for scripts/reliability/fuzz.ts, and the state fingerprint that proves malformed input changed
 * nothing.
 */

/** Inputs per command or verb: small in `npm test`, COUNCIL_FUZZ_RUNS=1000 for the published figures. */
export function fuzzRuns(fallback: number): number {
  const value = Number(process.env.COUNCIL_FUZZ_RUNS);
  return Number.isInteger(value) && value > 0 ? value : fallback;
}

/** A test's time limit for `inputs` inputs of about `msEach` each (vitest's default minute is for the small counts). */
export const timeLimit = (inputs: number, msEach: number): number => 60_000 + inputs * msEach;

/** True when the count was raised for a full run (the real-process parts scale with it). */
export const fullRun = (): boolean => fuzzRuns(0) >= 1000;

/** The seed: COUNCIL_FUZZ_SEED to replay a failure (every failure message names it), else a fresh one. */
export function fuzzSeed(): number {
  const value = Number(process.env.COUNCIL_FUZZ_SEED);
  return Number.isSafeInteger(value) ? value : Math.floor(Math.random() * 2 ** 31);
}

export interface SummaryRow {
  /** The command or verb. */
  target: string;
  /** How it ran: in-process (dispatch / main) or as real processes. */
  how: string;
  inputs: number;
  /** Inputs the schema (or the argument parser) refuses outright. */
  malformed: number;
  /** Well-typed but hostile inputs (bad ids, paths outside the repository…) that reach the core. */
  hostile: number;
  typedErrors: number;
  /** Hostile inputs of a read-only command that were answered (e.g. a repository path with a trailing "/."). */
  answered: number;
  crashes: number;
  stateChanges: number;
  ms: number;
}

export const SUMMARY_DIR = process.env.COUNCIL_FUZZ_SUMMARY_DIR ?? path.join(REPO_ROOT, 'test-results', 'fuzz');

/** Writes one test file's rows (read by scripts/reliability/fuzz.ts). */
export function writeSummary(name: string, seed: number, rows: SummaryRow[]): void {
  mkdirSync(SUMMARY_DIR, { recursive: true });
  writeFileSync(path.join(SUMMARY_DIR, `${name}.json`), `${JSON.stringify({ name, seed, runs: fuzzRuns(0) || null, at: new Date().toISOString(), rows }, null, 2)}\n`);
}

const git = (cwd: string, ...args: string[]): string =>
  execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, GIT_OPTIONAL_LOCKS: '0' } });

/** Every file and folder under `dir`, with a hash of each file's content (and each link's target). */
function tree(dir: string, label: string): string[] {
  if (!existsSync(dir)) return [`${label}: (none)`];
  const lines: string[] = [];
  const walk = (current: string): void => {
    for (const name of readdirSync(current).sort()) {
      // The stored radar is a cache every compute rewrites (its time, its duration): not state.
      if (current === dir && name === 'radar.json') continue;
      const full = path.join(current, name);
      const rel = path.relative(dir, full);
      const stat = lstatSync(full);
      if (stat.isDirectory()) {
        lines.push(`${label}/${rel}/`);
        walk(full);
      } else if (stat.isSymbolicLink()) {
        lines.push(`${label}/${rel} -> ${readlinkSync(full)}`);
      } else {
        lines.push(`${label}/${rel} ${createHash('sha256').update(readFileSync(full)).digest('hex').slice(0, 16)}`);
      }
    }
  };
  walk(dir);
  return lines;
}

/**
 * The state a malformed input must not change: every ref (branches, archives, the base), git's
 * worktree list, the status of every worktree (main checkout and sessions), and every file under
 * .git/council (registry, locks, context, settings, queue, runs) and under the `watched` folders
 * (the "outside the repository" targets the fuzzers aim paths at).
 */
export function fingerprint(repoRoot: string, watched: Record<string, string> = {}): string[] {
  const worktrees = git(repoRoot, 'worktree', 'list', '--porcelain');
  const roots = worktrees
    .split('\n')
    .filter((l) => l.startsWith('worktree '))
    .map((l) => l.slice('worktree '.length));
  return [
    ...git(repoRoot, 'for-each-ref', '--format=%(refname) %(objectname)').trim().split('\n').map((l) => `ref ${l}`),
    `HEAD ${readFileSync(path.join(repoRoot, '.git', 'HEAD'), 'utf8').trim()}`,
    ...worktrees.trim().split('\n').map((l) => `worktree-list ${l}`),
    ...roots.flatMap((root) =>
      existsSync(root)
        ? git(root, 'status', '--porcelain=v2', '--untracked-files=all', '--ignored')
            .trim()
            .split('\n')
            .map((l) => `status ${root}: ${l}`)
        : [`status ${root}: (missing)`],
    ),
    ...tree(path.join(repoRoot, '.git', 'council'), '.git/council'),
    ...Object.entries(watched).flatMap(([label, dir]) => tree(dir, label)),
  ];
}

/** Rejects when `promise` has not settled within `ms`: a hang is a finding too. */
export function withDeadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms (a hang)`)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

/** Unhandled rejections and uncaught exceptions while a batch runs: each is a crash. */
export function watchForCrashes(): { crashes: string[]; stop(): void } {
  const crashes: string[] = [];
  const onRejection = (reason: unknown): void => void crashes.push(`unhandled rejection: ${describeError(reason)}`);
  const onException = (error: unknown): void => void crashes.push(`uncaught exception: ${describeError(error)}`);
  process.on('unhandledRejection', onRejection);
  process.on('uncaughtException', onException);
  return {
    crashes,
    stop() {
      process.off('unhandledRejection', onRejection);
      process.off('uncaughtException', onException);
    },
  };
}

export function describeError(value: unknown): string {
  if (value instanceof Error) return value.stack ?? value.message;
  return String(value);
}

/** An input shown in a failure message: JSON where possible, cut to a readable length. */
export function show(value: unknown, max = 300): string {
  let text: string;
  try {
    text =
      JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v instanceof Map ? `Map(${v.size})` : v instanceof Set ? `Set(${v.size})` : v)) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > max ? `${text.slice(0, max)}… (${text.length} chars)` : text;
}
