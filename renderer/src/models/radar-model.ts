import { BASE_SIDE, type ConflictKind, type Radar, type RadarPair } from '../../../shared/merge';
import { byText } from '../../../shared/order';
import { plural } from '../lib/format';

/**
 * The conflict radar as the screens show it, pure: each pair's files (predicted conflicts first,
 * then plain overlaps, each with its lock owner), the pairs grouped (conflicts, overlaps that
 * should merge cleanly, sessions with nothing to fear), and what each session's badge says.
 */

/** One file of a pair: a predicted conflict (`kind` set) or only changed on both sides (`kind` null). */
export interface PairFile {
  path: string;
  kind: ConflictKind | null;
  /** git's own line for a conflict. */
  message: string | null;
  lockOwner: string | null;
}

export interface PairView {
  key: string;
  a: string;
  /** Another session's id, or "base". */
  b: string;
  withBase: boolean;
  /** How many distinct files would conflict. */
  conflicts: number;
  files: PairFile[];
}

/** What the radar says about one session: who it would conflict with, who it only overlaps. */
export interface SessionRadar {
  sessionId: string;
  /** The other sides it would conflict with: "base" first, then session ids in order. */
  conflictsWith: string[];
  /** Sides it shares files with but should merge cleanly with. */
  overlapsWith: string[];
  /** Distinct files in its predicted conflicts. */
  conflictFiles: string[];
}

export interface RadarGroups {
  conflicting: PairView[];
  /** Pairs that change the same files but are predicted to merge cleanly. */
  overlapping: PairView[];
  /** Sessions in no conflicting pair (with a focus: the focused session, when it is clear). */
  quiet: string[];
}

export const CONFLICT_KIND_HELP: Record<ConflictKind, string> = {
  content: 'Both sides changed the same lines.',
  'add/add': 'Both sides added a file at this path.',
  'modify/delete': 'One side changed the file, the other deleted it.',
  rename: "A rename on one side clashes with the other side's change.",
  other: 'Git reports another kind of conflict here.',
};

export const isBase = (side: string): boolean => side === BASE_SIDE;

export const pairKey = (pair: Pick<RadarPair, 'a' | 'b'>): string => `${pair.a}×${pair.b}`;

/** The other side of a pair, seen from `sessionId`; null when the pair does not involve it. */
export function otherSide(pair: Pick<RadarPair, 'a' | 'b'>, sessionId: string): string | null {
  if (pair.a === sessionId) return pair.b;
  if (pair.b === sessionId) return pair.a;
  return null;
}

const sides = (list: Iterable<string>): string[] => [...new Set(list)].sort((x, y) => (isBase(x) ? -1 : isBase(y) ? 1 : byText(x, y)));

/** Conflicts first (by path), then files only changed on both sides (by path); each with its lock owner. */
export function pairFiles(pair: RadarPair, lockOwners: Readonly<Record<string, string>>): PairFile[] {
  const conflicted = new Map<string, PairFile>();
  for (const conflict of pair.conflicts) {
    if (conflicted.has(conflict.path)) continue;
    conflicted.set(conflict.path, { path: conflict.path, kind: conflict.kind, message: conflict.message, lockOwner: lockOwners[conflict.path] ?? null });
  }
  const overlapOnly = [...new Set(pair.overlap)]
    .filter((path) => !conflicted.has(path))
    .sort(byText)
    .map((path): PairFile => ({ path, kind: null, message: null, lockOwner: lockOwners[path] ?? null }));
  return [...[...conflicted.values()].sort((x, y) => byText(x.path, y.path)), ...overlapOnly];
}

export function pairView(pair: RadarPair, lockOwners: Readonly<Record<string, string>>): PairView {
  const files = pairFiles(pair, lockOwners);
  return { key: pairKey(pair), a: pair.a, b: pair.b, withBase: isBase(pair.b), conflicts: files.filter((f) => f.kind !== null).length, files };
}

/** Most conflicts first; at equal counts a pair with the base (it says how the merge would go now), then by ids. */
function comparePairs(x: PairView, y: PairView): number {
  if (x.conflicts !== y.conflicts) return y.conflicts - x.conflicts;
  if (x.withBase !== y.withBase) return x.withBase ? -1 : 1;
  return byText(x.key, y.key);
}

/** Every session the radar knows: those it computed, and any only named in a pair. */
export function radarSessionIds(radar: Radar): string[] {
  const ids = new Set(radar.sessions.map((s) => s.sessionId));
  for (const pair of radar.pairs) {
    ids.add(pair.a);
    if (!isBase(pair.b)) ids.add(pair.b);
  }
  return [...ids].sort(byText);
}

/**
 * The pairs for the radar screen. With a focus, only the pairs that involve that session (and the
 * quiet list is the session itself when nothing conflicts with it).
 */
export function groupRadar(radar: Radar, focus: string | null = null): RadarGroups {
  const views = radar.pairs
    .filter((pair) => focus === null || otherSide(pair, focus) !== null)
    .map((pair) => pairView(pair, radar.lockOwners))
    .sort(comparePairs);
  const conflicting = views.filter((v) => v.conflicts > 0);
  const overlapping = views.filter((v) => v.conflicts === 0 && v.files.length > 0);
  const inConflict = new Set<string>();
  for (const view of conflicting) {
    inConflict.add(view.a);
    inConflict.add(view.b);
  }
  const candidates = focus === null ? radarSessionIds(radar) : [focus];
  return { conflicting, overlapping, quiet: candidates.filter((id) => !inConflict.has(id)) };
}

/** Per session: whom it conflicts with and overlaps with. Sessions in no pair are absent. */
export function sessionIndex(radar: Radar): Map<string, SessionRadar> {
  const acc = new Map<string, { conflicts: Set<string>; overlaps: Set<string>; files: Set<string> }>();
  const entry = (id: string) => {
    let found = acc.get(id);
    if (found === undefined) {
      found = { conflicts: new Set(), overlaps: new Set(), files: new Set() };
      acc.set(id, found);
    }
    return found;
  };
  for (const pair of radar.pairs) {
    const conflicting = pair.conflicts.length > 0;
    if (!conflicting && pair.overlap.length === 0) continue;
    const ends = isBase(pair.b) ? [[pair.a, pair.b]] : [[pair.a, pair.b], [pair.b, pair.a]];
    for (const [self, other] of ends as [string, string][]) {
      const e = entry(self);
      if (conflicting) {
        e.conflicts.add(other);
        for (const conflict of pair.conflicts) e.files.add(conflict.path);
      } else e.overlaps.add(other);
    }
  }
  const index = new Map<string, SessionRadar>();
  for (const [sessionId, e] of acc) {
    index.set(sessionId, {
      sessionId,
      conflictsWith: sides(e.conflicts),
      overlapsWith: sides([...e.overlaps].filter((side) => !e.conflicts.has(side))),
      conflictFiles: [...e.files].sort(byText),
    });
  }
  return index;
}

/**
 * The index for a new radar, keeping each session's previous entry object when its content is the
 * same (a card's badge then does not re-render), and the previous map when nothing changed.
 */
export function reindex(previous: ReadonlyMap<string, SessionRadar>, radar: Radar): ReadonlyMap<string, SessionRadar> {
  const next = sessionIndex(radar);
  let changed = next.size !== previous.size;
  for (const [id, entry] of next) {
    const old = previous.get(id);
    if (old !== undefined && JSON.stringify(old) === JSON.stringify(entry)) next.set(id, old);
    else changed = true;
  }
  return changed ? next : previous;
}

/** The card's badge (after a "⚠"): "conflicts with 3f2a", "conflicts with base", "conflicts with base +2"; null when none. */
export function badgeText(entry: SessionRadar | undefined): string | null {
  if (entry === undefined || entry.conflictsWith.length === 0) return null;
  const [first, ...rest] = entry.conflictsWith;
  return `conflicts with ${first}${rest.length > 0 ? ` +${rest.length}` : ''}`;
}

/** The badge's tooltip and accessible name: every side, and how many files. */
export function badgeTitle(entry: SessionRadar): string {
  const others = entry.conflictsWith.map((side) => (isBase(side) ? 'the base' : `session ${side}`));
  return `Predicted conflicts with ${joinWords(others)} in ${plural(entry.conflictFiles.length, 'file')}: open the conflict radar`;
}

export function joinWords(words: readonly string[]): string {
  if (words.length <= 1) return words[0] ?? '';
  return `${words.slice(0, -1).join(', ')} and ${words[words.length - 1]}`;
}

/** For the nav: how many pairs are predicted to conflict. */
export function conflictPairCount(radar: Radar | null): number {
  return radar === null ? 0 : radar.pairs.filter((pair) => pair.conflicts.length > 0).length;
}

/**
 * Which of two radars to keep: the one computed later (an event and a `radar.get` answer may cross).
 * Equal times: the incoming one.
 */
export function newerRadar(current: Radar | null, incoming: Radar): Radar {
  if (current === null) return incoming;
  return Date.parse(incoming.computedAt) >= Date.parse(current.computedAt) || Number.isNaN(Date.parse(current.computedAt)) ? incoming : current;
}

/**
 * What the radar found, in plain words: "2 predicted conflicts; 1 more pair touches the same files".
 * (How it was computed is computeFacts, for the curious: the screen shows it on hover.)
 */
export function radarSummary(radar: Radar): string {
  const conflicting = radar.pairs.filter((pair) => pair.conflicts.length > 0).length;
  const sharing = radar.pairs.length - conflicting;
  const found = conflicting === 0 ? 'No conflict predicted' : `${plural(conflicting, 'predicted conflict')}`;
  if (sharing === 0) return conflicting === 0 ? `${found}: no two sessions touch the same files` : found;
  return `${found}; ${sharing} ${conflicting === 0 ? '' : 'more '}${sharing === 1 ? 'pair touches' : 'pairs touch'} the same files without one`;
}

/** "computed in 420 ms · 3 of 6 pairs recomputed" */
export function computeFacts(radar: Radar): string {
  const total = radar.pairs.length;
  const ms = radar.durationMs < 1000 ? `${Math.round(radar.durationMs)} ms` : `${(radar.durationMs / 1000).toFixed(1)} s`;
  return `computed in ${ms} · ${plural(radar.computedPairs, 'pair')} recomputed${total > 0 ? `, ${total} with shared files` : ''}`;
}
