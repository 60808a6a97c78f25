import { BASE_SIDE, CONFLICT_KINDS, type ConflictKind, type Radar, type RadarPair } from './merge';
import { byText } from './order';

/**
 * The conflict radar by file, one rule for every face (the app's radar screen, `council conflicts`):
 * one row per file that would conflict, naming every session involved (most sessions first), with
 * the sessions that would conflict with the base told apart (the base moved; no other session is
 * to blame); files changed by several sides that should merge cleanly; sessions with nothing to fear.
 */

export const isBase = (side: string): boolean => side === BASE_SIDE;

/** The other side of a pair, seen from `sessionId`; null when the pair does not involve it. */
export function otherSide(pair: Pick<RadarPair, 'a' | 'b'>, sessionId: string): string | null {
  if (pair.a === sessionId) return pair.b;
  if (pair.b === sessionId) return pair.a;
  return null;
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

/** One conflicting pair on a file: two sessions, or a session and the base (`b` "base"). */
export interface FilePair {
  a: string;
  b: string;
  withBase: boolean;
  kind: ConflictKind;
  /** git's own line. */
  message: string;
}

/** A file that would conflict: every session involved, and each conflicting pair on it. */
export interface FileRow {
  path: string;
  /** Every session that would conflict on it (with another or with the base), by id. */
  sessions: string[];
  /** Of those, the sessions that would conflict with the base here: the base moved since they started and changed it. */
  againstBase: string[];
  /** The kinds of conflict on it, in CONFLICT_KINDS order. */
  kinds: ConflictKind[];
  /** Session pairs first, then pairs with the base; each by ids. */
  pairs: FilePair[];
  lockOwner: string | null;
}

/** A file changed by several sides that git should merge cleanly. */
export interface SharedFileRow {
  path: string;
  sessions: string[];
  /** The base changed it too. */
  withBase: boolean;
  lockOwner: string | null;
}

export interface FileGroups {
  conflicting: FileRow[];
  /** Files changed on several sides and in no conflict. */
  shared: SharedFileRow[];
  /** Sessions in no conflict (with a focus: the focused session, when it is clear). */
  quiet: string[];
}

/** Most sessions first; then most pairs; then by path. */
function compareRows(x: FileRow, y: FileRow): number {
  if (x.sessions.length !== y.sessions.length) return y.sessions.length - x.sessions.length;
  if (x.pairs.length !== y.pairs.length) return y.pairs.length - x.pairs.length;
  return byText(x.path, y.path);
}

const comparePairsOnFile = (x: FilePair, y: FilePair): number => (x.withBase !== y.withBase ? (x.withBase ? 1 : -1) : byText(x.a, y.a) || byText(x.b, y.b));

/**
 * The radar by file, for the radar screen. With a focus, only the pairs that involve that session
 * (and the quiet list is the session itself when nothing conflicts with it).
 */
export function groupByFile(radar: Radar, focus: string | null = null): FileGroups {
  const pairs = radar.pairs.filter((pair) => focus === null || otherSide(pair, focus) !== null);
  const rows = new Map<string, { sessions: Set<string>; againstBase: Set<string>; pairs: FilePair[] }>();
  for (const pair of pairs) {
    const seen = new Set<string>();
    for (const c of pair.conflicts) {
      if (seen.has(c.path)) continue;
      seen.add(c.path);
      let row = rows.get(c.path);
      if (row === undefined) {
        row = { sessions: new Set(), againstBase: new Set(), pairs: [] };
        rows.set(c.path, row);
      }
      row.sessions.add(pair.a);
      if (isBase(pair.b)) row.againstBase.add(pair.a);
      else row.sessions.add(pair.b);
      row.pairs.push({ a: pair.a, b: pair.b, withBase: isBase(pair.b), kind: c.kind, message: c.message });
    }
  }
  const conflicting = [...rows].map(
    ([path, row]): FileRow => ({
      path,
      sessions: [...row.sessions].sort(byText),
      againstBase: [...row.againstBase].sort(byText),
      kinds: CONFLICT_KINDS.filter((kind) => row.pairs.some((p) => p.kind === kind)),
      pairs: row.pairs.sort(comparePairsOnFile),
      lockOwner: radar.lockOwners[path] ?? null,
    }),
  );
  conflicting.sort(compareRows);

  const shared = new Map<string, { sessions: Set<string>; withBase: boolean }>();
  for (const pair of pairs) {
    for (const path of pair.overlap) {
      if (rows.has(path)) continue;
      const row = shared.get(path) ?? { sessions: new Set<string>(), withBase: false };
      row.sessions.add(pair.a);
      if (isBase(pair.b)) row.withBase = true;
      else row.sessions.add(pair.b);
      shared.set(path, row);
    }
  }
  const sharedRows = [...shared]
    .map(([path, row]): SharedFileRow => ({ path, sessions: [...row.sessions].sort(byText), withBase: row.withBase, lockOwner: radar.lockOwners[path] ?? null }))
    .sort((x, y) => y.sessions.length - x.sessions.length || byText(x.path, y.path));

  const inConflict = new Set(conflicting.flatMap((row) => row.sessions));
  const candidates = focus === null ? radarSessionIds(radar) : [focus];
  return { conflicting, shared: sharedRows, quiet: candidates.filter((id) => !inConflict.has(id)) };
}

/**
 * The radar's conflicts counted by file, as the radar speaks (`council conflicts`' last line,
 * `council status`): files that would conflict, the sessions that collide there with one another,
 * and the sessions that would conflict with the base.
 */
export function conflictCounts(groups: Pick<FileGroups, 'conflicting'>): { files: number; sessions: number; sessionsWithBase: number } {
  const between = new Set(groups.conflicting.flatMap((row) => row.pairs.filter((p) => !p.withBase).flatMap((p) => [p.a, p.b])));
  const withBase = new Set(groups.conflicting.flatMap((row) => row.againstBase));
  return { files: groups.conflicting.length, sessions: between.size, sessionsWithBase: withBase.size };
}
