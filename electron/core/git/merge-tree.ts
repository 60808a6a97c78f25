import type { ConflictKind, PredictedConflict } from '../../../shared/merge';
import { git } from './git';

/**
 * `git merge-tree --write-tree` (git ≥ 2.38): what merging two commits gives, written to the object
 * database only (no ref, no index, no files). The one reader of its output, for the merge queue and
 * the conflict radar alike.
 */

export interface MergeTreeResult {
  /** The merged tree (with conflict markers in it where git could not merge). */
  tree: string;
  clean: boolean;
  /** git's own list of conflicted paths (its "conflicted file info"), each once, in git's order. */
  files: string[];
  /** One per path of `files`: its kind and git's CONFLICT line about it. */
  conflicts: PredictedConflict[];
}

/**
 * git's short description of a message (the `-z` "conflict type") → our kind, or null for a
 * message that is not a conflict ("Auto-merging", "Path updated due to directory rename" …).
 * `CONFLICT (contents)` covers both "content" and "add/add": the message's own words tell them
 * apart. Everything with a rename in it (rename/delete, rename/rename, directory renames, "file
 * location" suggestions …) is a rename conflict.
 */
export function conflictKind(type: string, message: string): ConflictKind | null {
  if (!/^CONFLICT/.test(type)) return null;
  if (type === 'CONFLICT (contents)') return /^CONFLICT \(add\/add\)/.test(message) ? 'add/add' : 'content';
  if (type === 'CONFLICT (binary)') return 'content';
  if (type === 'CONFLICT (modify/delete)') return 'modify/delete';
  if (/rename/i.test(type) || /^CONFLICT \(file location\)/.test(message)) return 'rename';
  return 'other';
}

interface Message {
  paths: string[];
  type: string;
  text: string;
}

/**
 * The message that says why `path` conflicts: among the CONFLICT messages naming it, one whose
 * text is a CONFLICT line (a binary file's first message is "warning: Cannot merge binary files",
 * its CONFLICT line comes after), preferring one about the path itself (named first) over one that
 * only mentions it (a rename's source naming its targets).
 */
function reasonFor(path: string, messages: readonly Message[]): PredictedConflict {
  const naming = messages.filter((m) => conflictKind(m.type, m.text) !== null && m.paths.includes(path));
  const rank = (m: Message): number => (m.text.startsWith('CONFLICT') ? 0 : 2) + (m.paths[0] === path ? 0 : 1);
  const best = [...naming].sort((x, y) => rank(x) - rank(y))[0];
  if (!best) return { path, kind: 'other', message: `CONFLICT: ${path}` };
  return { path, kind: conflictKind(best.type, best.text) as ConflictKind, message: best.text };
}

/**
 * `git merge-tree --write-tree -z --name-only --messages` output: `<tree>\0`, then when there are
 * conflicts the conflicted paths (`<path>\0` each), an empty field, and the messages, each
 * `<count>\0<path>\0…<type>\0<message>\0`. A clean merge prints the tree alone.
 *
 * The conflicts are git's list of conflicted paths, every one of them (a rename/rename names its
 * source and both targets, a file/directory conflict the place the file was moved aside to), each
 * with the CONFLICT line that names it.
 */
export function parseMergeTree(stdout: string, exitCode: number): MergeTreeResult {
  const fields = stdout.split('\0');
  const tree = fields[0]?.trim() ?? '';
  const files: string[] = [];
  let i = 1;
  for (; i < fields.length && fields[i] !== ''; i++) {
    const file = fields[i] as string;
    if (!files.includes(file)) files.push(file);
  }
  i++; // the empty field between the two sections
  const messages: Message[] = [];
  while (i < fields.length) {
    const countField = fields[i];
    if (countField === undefined || !/^\d+$/.test(countField)) break;
    const count = Number(countField);
    messages.push({ paths: fields.slice(i + 1, i + 1 + count), type: fields[i + 1 + count] ?? '', text: (fields[i + 2 + count] ?? '').trim() });
    i += count + 3;
  }
  return { tree, clean: exitCode === 0, files, conflicts: files.map((f) => reasonFor(f, messages)) };
}

/** Merges `theirs` into `ours` (exit 0 clean, 1 conflicts; anything else is a failure and throws).
 * Messages name the two sides as they were given (here, usually commit ids). */
export async function mergeTree(cwd: string, ours: string, theirs: string): Promise<MergeTreeResult> {
  const out = await git(['merge-tree', '--write-tree', '-z', '--name-only', '--messages', ours, theirs], { cwd, okExitCodes: [1] });
  return parseMergeTree(out.stdout, out.exitCode);
}

/** A file of a merge's result, as `mergedFile` reads it. */
export type MergedFile = { text: string; binary: boolean } | { tooLarge: number } | null;

/**
 * The file at `path` in the result of merging `theirs` into `ours`, where git could not merge with
 * diff3-style conflict markers (`|||||||` and the lines both sides started from): null when the
 * result has no file there (deleted, renamed away, a folder), `tooLarge` (its size in bytes) past
 * `maxBytes`. Three git processes: the merge (objects only), the type and size, the blob.
 */
export async function mergedFile(cwd: string, ours: string, theirs: string, path: string, maxBytes: number): Promise<MergedFile> {
  const merged = await git(['-c', 'merge.conflictStyle=diff3', 'merge-tree', '--write-tree', '-z', '--name-only', '--no-messages', ours, theirs], { cwd, okExitCodes: [1] });
  const tree = parseMergeTree(merged.stdout, merged.exitCode).tree;
  const spec = `${tree}:${path}`;
  // "<oid> <type> <size>", or "<spec> missing" (a path can hold a newline: it goes as the --batch
  // protocol's one line only when it has none).
  if (/[\n\r]/.test(path)) return null;
  const check = (await git(['cat-file', '--batch-check'], { cwd, input: `${spec}\n` })).stdout.trim().split(' ');
  if (check[1] !== 'blob') return null;
  const size = Number(check[2]);
  if (size > maxBytes) return { tooLarge: size };
  const text = (await git(['cat-file', 'blob', spec], { cwd })).stdout;
  // git's own test for a binary file: a NUL in its first 8000 bytes.
  return { text, binary: text.slice(0, 8000).includes('\0') };
}
