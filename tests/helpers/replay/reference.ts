import { spawnSync } from 'node:child_process';
import type { MergeStrategy } from '../../../shared/merge';
import { gitSync } from '../repo';
import { isAncestor, mergesInRange, type History } from './history';

/*
 * git's own answer to a merge, asked of git's own porcelain in a repository of its own (the
 * reference, see history.ts) — never through anything of CLI Council's:
 *
 * - merge and squash: `git merge --no-ff` of the topic into the base, checked out detached. Conflict
 *   or not, the unmerged paths git leaves in the index, and the tree it commits. (Squash lands the
 *   same tree with one parent; `git merge --squash` runs the same merge.)
 * - rebase: `git rebase <base>` of the topic. The paths of the commit it stops on, or the tree it
 *   ends with. A topic that is not on top of the base and has merge commits to replay is not asked:
 *   git would flatten them, and the merge queue refuses that on purpose (candidate.ts); the replay
 *   expects that refusal. One already on top of the base is asked with `--rebase-merges` (nothing
 *   to replay: the topic itself, as the queue fast-forwards to it).
 */

export type Answer =
  | { kind: 'clean'; tree: string; commit: string }
  | { kind: 'conflict'; files: string[] }
  /** Rebase only: the topic has merge commits; the queue must refuse, naming them. */
  | { kind: 'refused'; merges: number };

function run(cwd: string, args: string[]): { status: number; stdout: string; stderr: string } {
  const out = spawnSync('git', args, { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { status: out.status ?? -1, stdout: out.stdout, stderr: out.stderr };
}

/** The paths left unmerged in the reference's index, sorted. */
function unmerged(cwd: string): string[] {
  return [...new Set(run(cwd, ['diff', '--name-only', '-z', '--diff-filter=U']).stdout.split('\0').filter(Boolean))].sort();
}

function reset(h: History, rev: string): void {
  gitSync(h.root, 'checkout', '-q', '-f', '--detach', rev);
  gitSync(h.root, 'clean', '-q', '-f', '-d', '-x');
}

/** `git merge` of `topic` into `base` (uncached: gitAnswer remembers). */
function gitMerge(h: History, base: string, topic: string): Answer {
  reset(h, base);
  const out = run(h.root, ['merge', '-q', '--no-ff', '--no-edit', '-m', 'reference merge', topic]);
  if (out.status === 0) return { kind: 'clean', tree: gitSync(h.root, 'rev-parse', 'HEAD^{tree}'), commit: gitSync(h.root, 'rev-parse', 'HEAD') };
  const files = unmerged(h.root);
  run(h.root, ['merge', '--abort']);
  if (files.length === 0) throw new Error(`git merge ${topic} into ${base} failed without conflicts: ${out.stderr.trim()}`);
  return { kind: 'conflict', files };
}

/** `git rebase base` of `topic` (uncached). */
function gitRebase(h: History, base: string, topic: string): Answer {
  const merges = mergesInRange(h, base, topic);
  // Merge commits to replay: git would flatten them; the queue refuses. Unless the topic is already
  // on top of the base: then there is nothing to replay, and git's answer that keeps the merges is
  // `git rebase --rebase-merges` (plain `git rebase` flattens even then).
  const onTop = isAncestor(h, base, topic);
  if (merges > 0 && !onTop) return { kind: 'refused', merges };
  reset(h, topic);
  const out = run(h.root, ['rebase', '-q', ...(merges > 0 ? ['--rebase-merges'] : []), base]);
  if (out.status === 0) return { kind: 'clean', tree: gitSync(h.root, 'rev-parse', 'HEAD^{tree}'), commit: gitSync(h.root, 'rev-parse', 'HEAD') };
  const files = unmerged(h.root);
  run(h.root, ['rebase', '--abort']);
  if (files.length === 0) throw new Error(`git rebase of ${topic} onto ${base} failed without conflicts: ${out.stderr.trim()}`);
  return { kind: 'conflict', files };
}

/** git's answer for one strategy (squash: the merge's), asked once per (base, topic). */
export function gitAnswer(h: History, strategy: MergeStrategy, base: string, topic: string): Answer {
  const key = `${strategy === 'rebase' ? 'rebase' : 'merge'} ${base} ${topic}`;
  let answer = h.answers.get(key);
  if (!answer) {
    answer = strategy === 'rebase' ? gitRebase(h, base, topic) : gitMerge(h, base, topic);
    h.answers.set(key, answer);
  }
  return answer;
}

/**
 * git's answer for a line of topics merged one after the other into `base` with one strategy: each
 * merged on the result of the ones before it that merged; one that conflicts leaves the base as it
 * was. The commit each clean step ends on is what the next is merged onto.
 */
export function gitLine(h: History, strategy: MergeStrategy, base: string, topics: readonly string[]): Answer[] {
  const answers: Answer[] = [];
  let current = base;
  for (const topic of topics) {
    const answer = gitAnswer(h, strategy, current, topic);
    answers.push(answer);
    if (answer.kind === 'clean') current = strategy === 'squash' ? squashed(h, current, answer.tree) : answer.commit;
  }
  return answers;
}

/** The commit `git merge --squash` + `git commit` would make: the merged tree on the base alone. */
function squashed(h: History, base: string, tree: string): string {
  return gitSync(h.root, 'commit-tree', tree, '-p', base, '-m', 'reference squash');
}
