import { councilCommit } from '../git/commit';
import { commitDate } from '../git/history';
import { mergeTree } from '../git/merge-tree';

/**
 * A pair of sessions is judged on what the two sessions changed themselves: a session's own change
 * is from its fork point — where it meets the base branch now, `merge-base(session, base)` — to its
 * snapshot. What it inherited from the base (it was made after the base moved, or merged the base
 * in) is the base's business, answered by the session × base pair.
 *
 * Two sessions with the same fork point: a plain `git merge-tree A B`. git merges from where the two
 * meet, which is that fork point or later (commits they share beyond the base), so only their own
 * changes are compared.
 *
 * Different fork points FA and FB: merging A and B directly would take the base commits between FA
 * and FB as B's changes, and blame A for conflicting with them. So both own changes are first put
 * on one common base commit L, the way a rebase would, and merged from there:
 *
 *   L = the newer fork point when one is an ancestor of the other (the fewest base commits), else
 *       the base's tip (which has both, being where both forks came from);
 *   A' = A's own change replayed on L: `git merge-tree L A` merges from merge-base(L, A) = FA,
 *        i.e. exactly FA..A applied to L. Its tree is committed with L as its only parent. (A side
 *        whose fork point is L is left as it is.) If A's change collides with the base commits it
 *        is carried over (FA..L), the tree keeps git's conflict markers there: that collision is
 *        A × base's to report, and it counts here only where B changed those very lines too;
 *   the pair = `git merge-tree A' B'`: merge-base(A', B') = L, so git compares L..A' (A's own
 *        change) with L..B' (B's own change), and nothing else.
 *
 * (git ≥ 2.40 could take L as `--merge-base`; the commit on L does the same on git 2.38.) No pair
 * is missed: two own changes that touch the same lines still do on L. A session with no change of
 * its own (its snapshot has its fork point's tree) is in no pair at all.
 */

/** The base commit a pair with fork points `fa` ≠ `fb` is compared on, given merge-base(fa, fb). */
export function commonBase(fa: string, fb: string, forksMeet: string | null, baseTip: string): { onto: string; related: boolean } {
  if (forksMeet === fa) return { onto: fb, related: true };
  if (forksMeet === fb) return { onto: fa, related: true };
  return { onto: baseTip, related: false };
}

const MESSAGE = "council radar: a session's own change on a newer base";

/**
 * Own changes replayed on other base commits (see above), cached by (base commit, snapshot): the
 * commits are deterministic (fixed identity and message, dated like the base commit), so the same
 * request gives the same id.
 */
export class Transplants {
  private readonly commits = new Map<string, Promise<string>>();
  private readonly dates = new Map<string, Promise<string>>();
  /** How many transplants were made (not from the cache), for the stats. */
  made = 0;

  constructor(private readonly cwd: string) {}

  /** `commit`'s own change (from its fork point) replayed on `onto`: `commit` itself when its fork
   * point is `onto`. */
  onto(onto: string, fork: string, commit: string): Promise<string> {
    if (fork === onto) return Promise.resolve(commit);
    const key = `${onto} ${commit}`;
    let made = this.commits.get(key);
    if (!made) {
      this.made++;
      made = this.make(onto, commit);
      made.catch(() => this.commits.delete(key));
      this.commits.set(key, made);
    }
    return made;
  }

  /** Drops what was made for base commits or snapshots no longer in use. */
  retain(bases: ReadonlySet<string>, commits: ReadonlySet<string>): void {
    for (const key of this.commits.keys()) {
      const [onto = '', commit = ''] = key.split(' ');
      if (!bases.has(onto) || !commits.has(commit)) this.commits.delete(key);
    }
    for (const key of this.dates.keys()) if (!bases.has(key)) this.dates.delete(key);
  }

  private async make(onto: string, commit: string): Promise<string> {
    const [{ tree }, date] = await Promise.all([mergeTree(this.cwd, onto, commit), this.dateOf(onto)]);
    return councilCommit(this.cwd, tree, onto, MESSAGE, date);
  }

  /** Dated like its parent (see snapshot.ts on why not 1970). */
  private dateOf(commit: string): Promise<string> {
    let date = this.dates.get(commit);
    if (!date) {
      date = commitDate(this.cwd, commit);
      date.catch(() => this.dates.delete(commit));
      this.dates.set(commit, date);
    }
    return date;
  }
}
