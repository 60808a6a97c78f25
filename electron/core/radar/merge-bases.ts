import { graphAbove, mergeBase, octopusMergeBases } from '../git/history';
import { mapLimit } from './limit';

/**
 * Where many pairs of commits meet, in two git processes instead of one `git merge-base` per pair
 * (210 of them for 20 sessions that have each committed: over a second on two cores).
 *
 *   1. `git merge-base --octopus --all <every commit>`: X, an ancestor common to all of them.
 *   2. `git rev-list --parents <every commit> --not X`: the small graph above X (the sessions' own
 *      commits and the base's since the oldest fork point).
 *
 * Then per pair, in memory: the common ancestors inside that graph, and of those the best ones (no
 * child also common). None inside ⇒ X itself (every other common ancestor is below X). Exactly one
 * ⇒ that is what `git merge-base` answers. Several (criss-cross history) ⇒ that pair is asked of
 * `git merge-base` after all, so the answer is git's own. X not unique, or no common ancestor at
 * all: every pair is asked of git.
 */

/**
 * The best common ancestor of each pair within `graph` (commits above `bottom`, parents listed),
 * `bottom` when they share nothing above it, or 'ambiguous' when there are several.
 */
export function mergeBasesInGraph(graph: ReadonlyMap<string, readonly string[]>, bottom: string, pairs: readonly (readonly [string, string])[]): (string | 'ambiguous')[] {
  const ancestors = new Map<string, Set<string>>();
  const ancestorsOf = (tip: string): Set<string> => {
    let set = ancestors.get(tip);
    if (set) return set;
    set = new Set();
    const stack = graph.has(tip) ? [tip] : [];
    while (stack.length) {
      const c = stack.pop() as string;
      if (set.has(c)) continue;
      set.add(c);
      for (const p of graph.get(c) ?? []) if (graph.has(p) && !set.has(p)) stack.push(p);
    }
    ancestors.set(tip, set);
    return set;
  };
  const children = new Map<string, string[]>();
  for (const [c, parents] of graph) {
    for (const p of parents) {
      if (!graph.has(p)) continue;
      const list = children.get(p);
      if (list) list.push(c);
      else children.set(p, [c]);
    }
  }
  return pairs.map(([a, b]) => {
    if (a === b) return a;
    const [small, large] = [ancestorsOf(a), ancestorsOf(b)].sort((x, y) => x.size - y.size) as [Set<string>, Set<string>];
    const common = new Set<string>();
    for (const c of small) if (large.has(c)) common.add(c);
    if (common.size === 0) return bottom;
    const best = [...common].filter((c) => !(children.get(c) ?? []).some((child) => common.has(child)));
    return best.length === 1 ? (best[0] as string) : 'ambiguous';
  });
}

/** The merge base of each pair (null: no common history), in the order given. */
export async function mergeBasesMany(cwd: string, pairs: readonly (readonly [string, string])[], concurrency: number): Promise<(string | null)[]> {
  const result: (string | null | undefined)[] = pairs.map(([a, b]) => (a === b ? a : undefined));
  const open = pairs.map((p, i) => [p, i] as const).filter(([, i]) => result[i] === undefined);
  if (open.length === 0) return result as (string | null)[];
  const askGit = async (which: readonly (readonly [readonly [string, string], number])[]): Promise<void> => {
    await mapLimit(which, concurrency, async ([[a, b], i]) => {
      result[i] = await mergeBase(cwd, a, b);
    });
  };
  if (open.length === 1) {
    await askGit(open);
    return result as (string | null)[];
  }
  const commits = [...new Set(open.flatMap(([[a, b]]) => [a, b]))];
  const bottoms = await octopusMergeBases(cwd, commits);
  if (bottoms.length !== 1) {
    await askGit(open);
    return result as (string | null)[];
  }
  const bottom = bottoms[0] as string;
  const above = commits.filter((c) => c !== bottom);
  const graph = above.length ? await graphAbove(cwd, above, bottom) : new Map<string, string[]>();
  const answers = mergeBasesInGraph(graph, bottom, open.map(([p]) => p));
  const ambiguous: (readonly [readonly [string, string], number])[] = [];
  open.forEach((entry, k) => {
    const answer = answers[k] as string;
    if (answer === 'ambiguous') ambiguous.push(entry);
    else result[entry[1]] = answer;
  });
  await askGit(ambiguous);
  return result as (string | null)[];
}
