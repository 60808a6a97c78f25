import type { ConflictKind, Radar } from '../../../shared/merge';
import { byText } from '../../../shared/order';
import { groupByFile, isBase, type FilePair, type FileRow } from '../../../shared/radar-groups';
import { plural } from '../lib/format';

// The grouping by file is shared with `council conflicts` (one rule for both faces).
export { groupByFile, isBase, otherSide, radarSessionIds, type FileGroups, type FilePair, type FileRow, type SharedFileRow } from '../../../shared/radar-groups';

/**
 * The conflict radar as the screens show it, pure: grouped by file (one row per file that would
 * conflict, naming every session involved, most sessions first; files changed by several sessions
 * that should merge cleanly; sessions with nothing to fear), what it says in plain words, the
 * follow-up a person can send an agent about a file, and what each session's badge says.
 */

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

export const CONFLICT_KIND_HELP: Record<ConflictKind, string> = {
  content: 'Both sides changed the same lines.',
  'add/add': 'Both sides added a file at this path.',
  'modify/delete': 'One side changed the file, the other deleted it.',
  rename: "A rename on one side clashes with the other side's change.",
  other: 'Git reports another kind of conflict here.',
};

const sides = (list: Iterable<string>): string[] => [...new Set(list)].sort((x, y) => (isBase(x) ? -1 : isBase(y) ? 1 : byText(x, y)));

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

/** For the nav: how many files would conflict (as the radar screen lists them). */
export function conflictFileCount(radar: Radar | null): number {
  return radar === null ? 0 : new Set(radar.pairs.flatMap((pair) => pair.conflicts.map((c) => c.path))).size;
}

/**
 * Which of two radars to keep: the one computed later (an event and a `radar.get` answer may cross).
 * Equal times: the incoming one.
 */
export function newerRadar(current: Radar | null, incoming: Radar): Radar {
  if (current === null) return incoming;
  return Date.parse(incoming.computedAt) >= Date.parse(current.computedAt) || Number.isNaN(Date.parse(current.computedAt)) ? incoming : current;
}

/** "computed in 420 ms · 3 of 6 pairs recomputed" */
export function computeFacts(radar: Radar): string {
  const total = radar.pairs.length;
  const ms = radar.durationMs < 1000 ? `${Math.round(radar.durationMs)} ms` : `${(radar.durationMs / 1000).toFixed(1)} s`;
  return `computed in ${ms} · ${plural(radar.computedPairs, 'pair')} recomputed${total > 0 ? `, ${total} with shared files` : ''}`;
}

/**
 * What the radar found, in plain words: "2 files would conflict between 4 sessions; 1 session
 * would conflict with main in 1 file: main moved since it started". A conflict with the base is
 * told as one: no other session is blamed for it, nor is its file counted among the sessions'.
 * (How it was computed is computeFacts, in the tooltip of "checked".)
 */
export function radarSummary(radar: Radar, focus: string | null = null): string {
  const groups = groupByFile(radar, focus);
  const base = radar.base.branch;
  if (groups.conflicting.length === 0) {
    const shared = groups.shared.length;
    if (shared === 0) return 'No conflict predicted: no two sessions change the same files';
    return `No conflict predicted; ${plural(shared, 'file')} ${shared === 1 ? 'is' : 'are'} changed by more than one side but should merge cleanly`;
  }
  const betweenSessions = new Set(groups.conflicting.flatMap((row) => row.pairs.filter((p) => !p.withBase).flatMap((p) => [p.a, p.b])));
  const sessionFiles = groups.conflicting.filter((row) => row.pairs.some((p) => !p.withBase)).length;
  const againstBase = new Set(groups.conflicting.flatMap((row) => row.againstBase));
  const baseFiles = groups.conflicting.filter((row) => row.againstBase.length > 0).length;
  // Each clause counts its own files: a conflict with the base is never counted as one between sessions.
  const parts: string[] = [];
  if (sessionFiles > 0) parts.push(`${plural(sessionFiles, 'file')} would conflict between ${plural(betweenSessions.size, 'session')}`);
  if (baseFiles > 0) {
    const n = againstBase.size;
    parts.push(`${plural(n, 'session')} would conflict with ${base} in ${plural(baseFiles, 'file')}: ${base} moved since ${n === 1 ? 'it' : 'they'} started`);
  }
  return parts.join('; ');
}

/** A conflict's kind as a clause after "and": "changed the same lines". */
const KIND_WORDS: Record<ConflictKind, string> = {
  content: 'changed the same lines',
  'add/add': 'each added this file, with different content',
  'modify/delete': 'one of them deleted this file while the other changed it',
  rename: "a rename on one side clashes with the other side's change",
  other: 'git reports a conflict',
};

/** The kind's help, as a clause: "both sides changed the same lines". */
const helpClause = (kind: ConflictKind): string => {
  const help = CONFLICT_KIND_HELP[kind].replace(/\.$/, '');
  return help.charAt(0).toLowerCase() + help.slice(1);
};

/** A conflicting pair in a sentence: "Sessions 3f2a and 9b1c changed the same lines", "main moved since session 3f2a started, and changed the same lines: …". */
export function pairSentence(pair: FilePair, base: string): string {
  const words = KIND_WORDS[pair.kind];
  if (pair.withBase) return `${base} moved since session ${pair.a} started, and ${words}: ${pair.a} would conflict with ${base}`;
  return `Sessions ${pair.a} and ${pair.b} ${words}`;
}

/** How the row's sessions collide, in a few words (the sessions are listed after it): "3 sessions
 * collide here", "Would conflict with main, which moved since it started", or both. */
export function rowHeadline(row: FileRow, base: string): string {
  const between = new Set(row.pairs.filter((p) => !p.withBase).flatMap((p) => [p.a, p.b])).size;
  const moved = row.againstBase.length;
  if (between === 0) return `Would conflict with ${base}, which moved since ${moved === 1 ? 'it' : 'they'} started`;
  const head = `${plural(between, 'session')} collide here`;
  return moved === 0 ? head : `${head}; ${moved} would also conflict with ${base}, which moved`;
}

/**
 * The follow-up a person can send one session's agent about a file: the file, the other side and
 * what it is doing (its task), and what to do about it. For the base: that the base moved, and to
 * bring it in.
 */
export function followUpText(input: { path: string; pair: FilePair; self: string; base: string; otherTask: string | null; otherProgress?: string | null }): string {
  const { path, pair, self, base, otherTask, otherProgress = null } = input;
  const why = helpClause(pair.kind);
  if (pair.withBase) {
    return `Heads-up from the conflict radar: ${base} has moved since you started and changed ${path} too; merging your work now would conflict (${why}). Please bring ${base} into your branch and resolve ${path}, keeping both changes' intent.`;
  }
  const other = pair.a === self ? pair.b : pair.a;
  const said = otherProgress !== null && otherProgress.trim() !== '' ? `; it says it is now: "${otherProgress.trim()}"` : '';
  const task = otherTask !== null && otherTask.trim() !== '' ? ` (its task: "${otherTask.trim()}"${said})` : '';
  return `Heads-up from the conflict radar: session ${other}${task} is also changing ${path}, and your changes would conflict with its changes (${why}). Please keep your edits to ${path} to what your task needs, avoid reformatting or moving code there, and say so if you need those exact lines.`;
}
