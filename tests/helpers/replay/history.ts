import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../cli';
import { gitSync, tempDir } from '../repo';
import type { Answer } from './reference';

/*
 * A public repository's real history, replayed (issue 12): the bundle, the merges in it, and the
 * cases made of them. See tests/fixtures/history/README.md for what the bundle is and where it
 * comes from.
 */

/** Where the replay looks for the history (COUNCIL_REPLAY_BUNDLE overrides). */
export const DEFAULT_BUNDLE = path.join(REPO_ROOT, 'tests', 'fixtures', 'history', 'flask.bundle');
/** The bundle's one branch, and the commit it must be at: flask's merge of 2019-06-23. */
export const BUNDLE_BRANCH = 'main';
export const BUNDLE_TIP = '1351d0a56580df36872b466eb245e7634c20dab5';

export function bundlePath(): string {
  return process.env.COUNCIL_REPLAY_BUNDLE || DEFAULT_BUNDLE;
}

/** Why the replay cannot run here (the bundle is missing), or null when it can. */
export function bundleMissing(file = bundlePath()): string | null {
  if (existsSync(file)) return null;
  return `the history bundle ${file} is not there: the replay of real merges cannot run. tests/fixtures/history/README.md says how to make it (or set COUNCIL_REPLAY_BUNDLE to one)`;
}

/** A repository holding the bundle's history under refs/replay/main, HEAD detached, no files. */
export interface History {
  /** A plain repository with a working tree, used for git's own answers (merge, rebase). */
  root: string;
  /** Where the history comes from: the bundle, or a repository's own folder (ownHistory). */
  bundle: string;
  /** What is fetched from it (a branch of the bundle, or HEAD) and the commit that must be. */
  ref: string;
  tip: string;
  /** git's answers already asked (reference.ts), by strategy, base and topic. */
  answers: Map<string, Answer>;
}

/** A fresh repository with the bundle's objects fetched into it, at `refs/replay/main`. */
export function loadHistory(target: string, bundle = bundlePath(), ref = `refs/heads/${BUNDLE_BRANCH}`, expectedTip = BUNDLE_TIP): void {
  mkdirSync(target, { recursive: true });
  gitSync(target, 'init', '-q', '-b', 'replay-main');
  gitSync(target, 'fetch', '-q', '--no-tags', bundle, `+${ref}:refs/replay/main`);
  const tip = gitSync(target, 'rev-parse', 'refs/replay/main');
  if (tip !== expectedTip) throw new Error(`the history ${bundle} ends at ${tip}, not ${expectedTip}: the cases name commits of that history`);
}

export function openHistory(bundle = bundlePath()): History {
  const missing = bundleMissing(bundle);
  if (missing) throw new Error(missing);
  const root = path.join(tempDir('council-replay-git-'), 'reference');
  loadHistory(root, bundle);
  gitSync(root, 'checkout', '-q', '--detach', BUNDLE_TIP);
  return { root, bundle, ref: `refs/heads/${BUNDLE_BRANCH}`, tip: BUNDLE_TIP, answers: new Map() };
}

/**
 * Why CLI Council's own history cannot be replayed here (not a git checkout, or a shallow clone
 * without the merges), or null. Its history is real, public and ours: it runs wherever the suite
 * runs, where the flask bundle may not be (the tool library's rules keep fetched code out of commits).
 */
export function ownHistoryMissing(needs: readonly string[]): string | null {
  if (!existsSync(path.join(REPO_ROOT, '.git'))) return `${REPO_ROOT} is not a git checkout: its own history cannot be replayed`;
  for (const commit of needs) {
    if (spawnSync('git', ['cat-file', '-e', `${commit}^{commit}`], { cwd: REPO_ROOT }).status !== 0) return `${REPO_ROOT} does not have commit ${commit} (a shallow clone?): its own history cannot be replayed`;
  }
  return null;
}

/** CLI Council's own history, up to HEAD, as a History. */
export function openOwnHistory(): History {
  const tip = gitSync(REPO_ROOT, 'rev-parse', 'HEAD');
  const root = path.join(tempDir('council-replay-own-'), 'reference');
  loadHistory(root, REPO_ROOT, 'HEAD', tip);
  gitSync(root, 'checkout', '-q', '--detach', tip);
  return { root, bundle: REPO_ROOT, ref: 'HEAD', tip, answers: new Map() };
}

/** A real merge of the history: the merge commit and its two parents. */
export interface RealMerge {
  commit: string;
  /** First parent: the branch merged into (the base side). */
  base: string;
  /** Second parent: the branch merged (the topic side). */
  topic: string;
}

/** Every two-parent merge of the history, newest first (`git rev-list --merges --parents`). */
export function realMerges(h: History): RealMerge[] {
  return gitSync(h.root, 'rev-list', '--merges', '--parents', 'refs/replay/main')
    .split('\n')
    .map((line) => line.split(' '))
    .filter((parts) => parts.length === 3)
    .map(([commit, base, topic]) => ({ commit: commit as string, base: base as string, topic: topic as string }));
}

export function mergeBase(h: History, a: string, b: string): string {
  return gitSync(h.root, 'merge-base', a, b);
}

export function isAncestor(h: History, ancestor: string, descendant: string): boolean {
  return spawnSync('git', ['merge-base', '--is-ancestor', ancestor, descendant], { cwd: h.root }).status === 0;
}

/** Paths that differ between two commits (renames off). */
export function changedPaths(h: History, from: string, to: string): string[] {
  return execFileSync('git', ['diff-tree', '-r', '-z', '--name-only', '--no-renames', '--no-commit-id', from, to], { cwd: h.root, encoding: 'utf8' }).split('\0').filter(Boolean);
}

export function blob(h: History, rev: string, file: string): Buffer {
  return execFileSync('git', ['cat-file', 'blob', `${rev}:${file}`], { cwd: h.root, maxBuffer: 64 * 1024 * 1024, stdio: ['ignore', 'pipe', 'ignore'] });
}

export const treeOfCommit = (cwd: string, rev: string): string => gitSync(cwd, 'rev-parse', `${rev}^{tree}`);

/** `git rev-list --merges --count base..topic`: merge commits a rebase of topic onto base would meet. */
export function mergesInRange(h: History, base: string, topic: string): number {
  return Number(gitSync(h.root, 'rev-list', '--merges', '--count', '--cherry-pick', '--right-only', `${base}...${topic}`));
}
