import type { ConflictKind, PredictedConflict } from '../../../shared/merge';

/**
 * Pure parsers for the radar's git output. No I/O; tested on their own (tests/core/radar-parse.test.ts).
 */

export interface MergeTreeResult {
  /** The merged tree git wrote (with conflict markers where it could not merge). */
  tree: string;
  /** Paths git lists as conflicted (with `--name-only`), in git's order. */
  conflictedPaths: string[];
  conflicts: PredictedConflict[];
}

/**
 * git's short description of a message (the `-z` "conflict type") → our kind. `CONFLICT (contents)`
 * covers both "content" and "add/add": the message's own words tell them apart. Everything with a
 * rename in it (rename/delete, rename/rename, directory renames, "file location" suggestions …) is
 * a rename conflict. Non-CONFLICT types ("Auto-merging", "Path updated due to directory rename" …)
 * are informational and dropped.
 */
export function conflictKind(type: string, message: string): ConflictKind | null {
  if (!/^CONFLICT/.test(type)) return null;
  if (type === 'CONFLICT (contents)') return /^CONFLICT \(add\/add\)/.test(message) ? 'add/add' : 'content';
  // "warning: Cannot merge binary files: …" — followed by its own CONFLICT (contents) for the path.
  if (type === 'CONFLICT (binary)') return 'content';
  if (type === 'CONFLICT (modify/delete)') return 'modify/delete';
  if (/rename/i.test(type) || /^CONFLICT \(file location\)/.test(message)) return 'rename';
  return 'other';
}

/** The path a conflict is about, among those git names for it (primary first). For file/directory
 * conflicts git names the place the file was moved aside to (`x~A`) first and the path both sides
 * used last; the latter is what a person recognises. */
function primaryPath(type: string, paths: string[]): string {
  if (type === 'CONFLICT (file/directory)') return paths[paths.length - 1] ?? '';
  return paths[0] ?? '';
}

/**
 * `git merge-tree --write-tree -z --name-only` (git ≥ 2.38): `<tree>\0`, then when there are
 * conflicts the conflicted paths (`<path>\0` each), an empty field, and the informational messages,
 * each `<count>\0<path>\0…<type>\0<message>\0`. A clean merge prints the tree alone.
 *
 * One conflict per (path, kind): a binary file reports "Cannot merge binary files" and then a
 * content conflict; the line that starts with CONFLICT is kept as the message.
 */
export function parseMergeTree(output: string): MergeTreeResult {
  const fields = output.split('\0');
  const tree = fields[0]?.trim() ?? '';
  const conflictedPaths: string[] = [];
  let i = 1;
  for (; i < fields.length && fields[i] !== ''; i++) conflictedPaths.push(fields[i] as string);
  i++; // the empty field between the two sections
  const byKey = new Map<string, PredictedConflict>();
  while (i < fields.length) {
    const countField = fields[i];
    if (countField === undefined || !/^\d+$/.test(countField)) break;
    const count = Number(countField);
    const paths = fields.slice(i + 1, i + 1 + count);
    const type = fields[i + 1 + count] ?? '';
    const message = (fields[i + 2 + count] ?? '').trim();
    i += count + 3;
    const kind = conflictKind(type, message);
    if (kind === null) continue;
    const path = primaryPath(type, paths);
    const key = `${kind}\0${path}`;
    const seen = byKey.get(key);
    if (!seen) byKey.set(key, { path, kind, message });
    else if (!seen.message.startsWith('CONFLICT') && message.startsWith('CONFLICT')) seen.message = message;
  }
  return { tree, conflictedPaths, conflicts: [...byKey.values()] };
}

export interface StatusSnapshotInput {
  /** `# branch.oid`: the commit HEAD is on, or null when unborn. */
  head: string | null;
  /** Paths to bring from the worktree into a snapshot: every path git status reports (tracked
   * changes staged or not, deletions, untracked files; a rename's both sides). */
  paths: string[];
  /** Those of `paths` that are untracked files. */
  untracked: string[];
}

/**
 * `git status --porcelain=v2 -z --branch --untracked-files=all` → HEAD and the paths that differ
 * from it anywhere (index or worktree). Ignored entries (`!`) are skipped.
 */
export function parseStatusForSnapshot(output: string): StatusSnapshotInput {
  const fields = output.split('\0');
  let head: string | null = null;
  const paths: string[] = [];
  const untracked: string[] = [];
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i];
    if (!field) continue;
    const type = field[0];
    if (type === '#') {
      const match = /^# branch\.oid (\S+)$/.exec(field);
      if (match?.[1]) head = /^[0-9a-f]{40,64}$/.test(match[1]) ? match[1] : null;
    } else if (type === '1') {
      paths.push(nthRest(field, 8));
    } else if (type === '2') {
      paths.push(nthRest(field, 9));
      const orig = fields[i + 1];
      if (orig) paths.push(orig);
      i++;
    } else if (type === 'u') {
      paths.push(nthRest(field, 10));
    } else if (type === '?') {
      paths.push(field.slice(2));
      untracked.push(field.slice(2));
    }
  }
  return { head, paths, untracked };
}

/** The text after the first n spaces (the path: it may itself contain spaces). */
function nthRest(text: string, n: number): string {
  let at = 0;
  for (let k = 0; k < n; k++) {
    const space = text.indexOf(' ', at);
    if (space === -1) return '';
    at = space + 1;
  }
  return text.slice(at);
}

export interface NameStatus {
  /** git's letter: A, M, D, T (renames are off: a rename is a D and an A). */
  status: string;
  path: string;
}

/**
 * `git diff-tree --stdin --always -r -z --name-status --no-renames --format=>%H` fed one
 * `<to> <from>` line per request: every request prints a header (`>sha`, thanks to --always even
 * when nothing changed), then `<status>\0<path>\0` pairs; the first status after a header carries a
 * leading newline. Returns one list per request, in order.
 */
export function parseDiffTreeStdin(output: string, requests: number): NameStatus[][] {
  const fields = output.split('\0');
  const result: NameStatus[][] = [];
  let current: NameStatus[] | null = null;
  for (let i = 0; i < fields.length; i++) {
    const field = (fields[i] as string).replace(/^\n/, '');
    if (field === '') continue;
    if (field.startsWith('>')) {
      current = [];
      result.push(current);
      continue;
    }
    if (!current) continue;
    const path = fields[i + 1];
    i++;
    if (path === undefined) break;
    current.push({ status: field[0] ?? 'M', path });
  }
  if (result.length !== requests) {
    throw new Error(`git diff-tree answered ${result.length} of ${requests} requests`);
  }
  return result;
}
