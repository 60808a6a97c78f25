import { git } from './git';
import { parseCount, parseLeftRight, parseRevListParents } from './parse';

/** Questions about the commit graph: counts, ancestry, merge bases, commit lists and dates. */

/** How many commits `tip` has that `notIn` does not. */
export async function countCommits(cwd: string, tip: string, notIn: string): Promise<number> {
  const out = await git(['rev-list', '--count', tip, '--not', notIn], { cwd });
  return parseCount(out.stdout, 'rev-list --count');
}

/** `git rev-list --left-right --count <left>...<right>` → [only in left, only in right]. */
export async function leftRightCounts(cwd: string, left: string, right: string): Promise<[number, number]> {
  const out = await git(['rev-list', '--left-right', '--count', `${left}...${right}`], { cwd });
  return parseLeftRight(out.stdout);
}

/** Whether `ancestor` is `descendant` or one of its ancestors. */
export async function isAncestor(cwd: string, ancestor: string, descendant: string): Promise<boolean> {
  if (ancestor === descendant) return true;
  const out = await git(['merge-base', '--is-ancestor', ancestor, descendant], { cwd, okExitCodes: [1] });
  return out.exitCode === 0;
}

/**
 * The best common ancestor of two commits, or null when they share no history. `unknownIsNull`:
 * also null (not an error) when git does not know one of them.
 */
export async function mergeBase(cwd: string, a: string, b: string, options: { unknownIsNull?: boolean } = {}): Promise<string | null> {
  if (a === b) return a;
  const out = await git(['merge-base', a, b], { cwd, okExitCodes: options.unknownIsNull ? [1, 128] : [1] });
  return out.exitCode === 0 ? out.stdout.trim() : null;
}

/** `git merge-base --octopus --all`: the ancestors common to all `commits` (none: empty). */
export async function octopusMergeBases(cwd: string, commits: readonly string[]): Promise<string[]> {
  const out = await git(['merge-base', '--octopus', '--all', ...commits], { cwd, okExitCodes: [1] });
  if (out.exitCode !== 0) return [];
  return out.stdout.split('\n').map((l) => l.trim()).filter(Boolean);
}

/** The commits reachable from `tips` but not from `bottom`, each with its parents. */
export async function graphAbove(cwd: string, tips: readonly string[], bottom: string): Promise<Map<string, string[]>> {
  return parseRevListParents((await git(['rev-list', '--parents', ...tips, '--not', bottom], { cwd })).stdout);
}

/** The subjects of the commits `tip` has that `base` does not, oldest first. */
export async function subjectsBetween(cwd: string, base: string, tip: string): Promise<string[]> {
  return (await git(['log', '--format=%s', '--reverse', tip, '--not', base], { cwd })).stdout.trim().split('\n').filter(Boolean);
}

/**
 * The commits of `tip` to replay onto `base`, oldest first, each as `[commit, ...parents]`,
 * leaving out those whose change the base already has (`--cherry-pick`, as git rebase does).
 */
export async function commitsToReplay(cwd: string, base: string, tip: string): Promise<string[][]> {
  const out = await git(['rev-list', '--reverse', '--topo-order', '--parents', '--cherry-pick', '--right-only', `${base}...${tip}`], { cwd });
  return [...parseRevListParents(out.stdout)].map(([commit, parents]) => [commit, ...parents]);
}

/** A commit's committer date as `<unix seconds> +0000`, a form GIT_*_DATE accept. */
export async function commitDate(cwd: string, commit: string): Promise<string> {
  return (await git(['show', '-s', '--format=%ct +0000', commit], { cwd })).stdout.trim();
}

export interface CommitSummary {
  commit: string;
  subject: string;
  author: string;
  /** Author date, ISO 8601. */
  time: string;
}

/** The commits `tip` has that `base` does not, newest first, at most `max`: id, subject, author, time. */
export async function commitsBetween(cwd: string, base: string, tip: string, max = 200): Promise<CommitSummary[]> {
  const out = await git(['log', `--max-count=${max}`, '--format=%H%x00%s%x00%an%x00%aI%x00', tip, '--not', base], { cwd });
  const fields = out.stdout.split('\0');
  const commits: CommitSummary[] = [];
  for (let i = 0; i + 3 < fields.length; i += 4) {
    commits.push({ commit: fields[i]!.trim(), subject: fields[i + 1]!, author: fields[i + 2]!, time: fields[i + 3]! });
  }
  return commits;
}
