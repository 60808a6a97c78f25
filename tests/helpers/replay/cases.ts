import { blob, changedPaths, isAncestor, mergeBase, realMerges, type History, type RealMerge } from './history';

/*
 * Replay cases made of the history's real merges.
 *
 * - "merge": one real merge M (parents base, topic). A session starts where the two sides meet
 *   (their merge base), gets the topic side's commits (its branch is set to the topic), and
 *   meanwhile the base branch moves on to M's first parent, as the base did in reality. The queue
 *   then merges the session into the base: git's answer is `git merge topic` on the first parent.
 * - "pair": two topic branches that really were merged one after the other into the same branch
 *   (consecutive merges of its first-parent line). Two sessions start where the topics meet and
 *   get one topic each; the radar's pair must be git's merge of the two, and the queue merges both
 *   in turn (the second onto the first's result).
 * - racy: the first session's last change is an uncommitted edit that git can only see by content
 *   (racily clean, tests/helpers/racy.ts); it must be committed and land like the rest.
 */

export interface ReplayCase {
  name: string;
  kind: 'merge' | 'pair';
  /** The real merge(s) the case comes from. */
  merges: string[];
  /** Where the sessions start: the base branch's commit when they are created. */
  start: string;
  /** Where the base branch is when the radar and the queue look. */
  base: string;
  /** Each session's branch tip, in queue order. */
  tips: string[];
  /** A file of the first session's to leave as a racily clean edit (null: none). */
  racyFile: string | null;
}

const short = (sha: string): string => sha.slice(0, 10);

export function mergeCase(h: History, m: RealMerge, racy = false): ReplayCase {
  const start = mergeBase(h, m.base, m.topic);
  return { name: `merge ${short(m.commit)}`, kind: 'merge', merges: [m.commit], start, base: m.base, tips: [m.topic], racyFile: racy ? racyFileFor(h, start, m.base, m.topic) : null };
}

export function pairCase(h: History, first: RealMerge, second: RealMerge): ReplayCase | null {
  const [a, b] = [first.topic, second.topic];
  if (a === b || isAncestor(h, a, b) || isAncestor(h, b, a)) return null;
  const start = mergeBase(h, a, b);
  return { name: `pair ${short(first.commit)}+${short(second.commit)}`, kind: 'pair', merges: [first.commit, second.commit], start, base: start, tips: [a, b], racyFile: null };
}

/** Real merges by their (abbreviated) commit ids, in the order given. */
export function mergesNamed(h: History, ids: readonly string[]): RealMerge[] {
  const all = realMerges(h);
  return ids.map((id) => {
    const found = all.filter((m) => m.commit.startsWith(id));
    if (found.length !== 1) throw new Error(`${found.length} merges of the history start with ${id}`);
    return found[0] as RealMerge;
  });
}

/** Consecutive merges of the first-parent line (newest first), as pairs. */
export function consecutivePairs(h: History, merges: readonly RealMerge[]): [RealMerge, RealMerge][] {
  const byCommit = new Map(merges.map((m) => [m.commit, m]));
  const out: [RealMerge, RealMerge][] = [];
  for (const m of merges) {
    const previous = byCommit.get(m.base);
    if (previous) out.push([previous, m]);
  }
  return out;
}

const SIMPLE_PATH = /^[\w][\w./-]*$/;

/**
 * A file for the racy edit: a text file the topic changed and the base side did not (so a rebase
 * of the edit onto the base replays cleanly whatever else conflicts), ending in one newline.
 * Null when the topic has none.
 */
export function racyFileFor(h: History, start: string, base: string, topic: string): string | null {
  const baseChanged = new Set(changedPaths(h, start, base));
  for (const file of changedPaths(h, start, topic).sort()) {
    if (baseChanged.has(file) || !SIMPLE_PATH.test(file)) continue;
    let content: Buffer;
    try {
      content = blob(h, topic, file);
    } catch {
      continue; // deleted by the topic, or not a file
    }
    const text = content.toString('utf8');
    if (content.length < 2 || content.length > 200_000 || content.includes(0) || !Buffer.from(text, 'utf8').equals(content)) continue;
    if (!text.endsWith('\n') || text.endsWith('\n\n') || /^\s/.test(text)) continue;
    return file;
  }
  return null;
}
