import { createHash } from 'node:crypto';
import { existsSync, lstatSync, readFileSync, readlinkSync, realpathSync } from 'node:fs';
import path from 'node:path';
import type { ChangedFile, Session } from '../../../shared/models';
import { viewError, type DiffFile, type DiffView, type ImageKind, type SessionCommit } from '../../../shared/commands/diff';
import { invalidInput } from '../errors';
import { untrackedFiles } from '../git/files';
import { worktreeTree } from '../git/review-snapshot';
import { blobBytes, blobSize, emptyTree, fullPatch, renameSource } from '../git/review';
import { commitsBetween, isAncestor, mergeBase } from '../git/history';
import { branchRef, firstParent, readBranchCommit, resolveCommit } from '../git/refs';
import { readWorktreeHead } from '../radar/snapshot';
import type { Workspace } from '../workspace';
import { baseRef, MAX_PATCH_BYTES } from './changes';

/**
 * The session diff a reviewer reads, for one of four views (shared/commands/diff.ts): every file's
 * git patch from one `git diff` process, untracked files' patches written here (one process per
 * untracked file would be 300 processes for 300 new files), and the sides' contents on request.
 */

/** Patches above this size are held back from `diff.get` (sent on request by `diff.file`). */
export const INLINE_PATCH_BYTES = MAX_PATCH_BYTES;
/** All inline patches of one answer together; files past it are held back like large ones. */
export const INLINE_TOTAL_BYTES = 16 * 1024 * 1024;
/** A patch sent on request (`diff.file`). */
export const MAX_REQUESTED_PATCH_BYTES = 16 * 1024 * 1024;
/** A side's text for more context (`diff.lines`). */
export const MAX_SIDE_BYTES = 8 * 1024 * 1024;
/** An image's bytes for a preview (`diff.blob`). */
export const MAX_IMAGE_BYTES = 5 * 1024 * 1024;
/** A worktree file larger than this is not read (its size is told instead). */
const MAX_READ_BYTES = 64 * 1024 * 1024;
/** Commits listed (`diff.commits`). */
export const MAX_COMMITS = 500;

/** Where a view's two sides are read from. */
interface Sides {
  /** Where git runs: the worktree, or the main checkout when the worktree folder is gone. */
  cwd: string;
  /** The revisions handed to `git diff`. */
  revs: string[];
  /** The old side's commit (null: empty, nothing before); for the base view found while git diffs. */
  from: string | null | Promise<string>;
  /** The new side's commit; null: the worktree (untracked files count). */
  to: string | null;
  worktree: string;
}

const hasWorktree = (s: Session) => existsSync(path.join(s.worktreePath, '.git'));

/** The tip of the session's branch: the worktree's HEAD, or the branch when the folder is gone. */
async function tipOf(ws: Workspace, s: Session): Promise<{ cwd: string; tip: string }> {
  const inWorktree = hasWorktree(s);
  const cwd = inWorktree ? s.worktreePath : ws.repo.mainRoot;
  const tip = await resolveCommit(cwd, inWorktree ? 'HEAD' : branchRef(s.branch));
  if (tip === null) throw invalidInput(`session ${s.id} has no commit to diff (its branch ${s.branch} is gone)`);
  return { cwd, tip };
}

/** Where the session's branch left its base (the merge base with the base branch, or its start). */
async function forkPoint(ws: Workspace, s: Session, cwd: string, tip: string): Promise<string> {
  return (await mergeBase(cwd, baseRef(ws, s), tip, { unknownIsNull: true })) ?? s.baseCommit;
}

/** Merge bases already found, by repository and the two commits (a merge base of two commits never changes). */
const forkPoints = new Map<string, string>();
const MAX_FORK_POINTS = 1000;

/**
 * The worktree's fork point without a `git merge-base` process when its two commits are known from
 * git's files and were seen before: every `diff.get` of the base view asked for it, one process of
 * three, and a spawn blocks the host's event loop for a time that grows with its memory (fork).
 */
async function worktreeForkPoint(ws: Workspace, s: Session, worktree: string): Promise<string> {
  const tip = readWorktreeHead(worktree, ws.repo.commonDir);
  const base = readBranchCommit(ws.repo.commonDir, s.baseBranch);
  if (tip === null || typeof base !== 'string') return forkPoint(ws, s, worktree, 'HEAD');
  const key = `${ws.repo.commonDir}\0${base}\0${tip}`;
  const known = forkPoints.get(key);
  if (known !== undefined) return known;
  const found = await mergeBase(worktree, base, tip, { unknownIsNull: true });
  if (found === null) return s.baseCommit;
  if (forkPoints.size >= MAX_FORK_POINTS) forkPoints.clear();
  forkPoints.set(key, found);
  return found;
}

/** The session's commits since it left the base, newest first (full ids). */
export async function sessionCommits(ws: Workspace, s: Session): Promise<SessionCommit[]> {
  const { cwd, tip } = await tipOf(ws, s);
  const fork = await forkPoint(ws, s, cwd, tip);
  return (await commitsBetween(cwd, fork, tip, MAX_COMMITS)).map(({ commit, ...rest }) => ({ sha: commit, ...rest }));
}

async function resolveSides(ws: Workspace, s: Session, view: DiffView): Promise<Sides> {
  const wrong = viewError(view);
  if (wrong !== null) throw invalidInput(wrong);
  const worktree = s.worktreePath;
  if (view.kind === 'base' && hasWorktree(s)) {
    return { cwd: worktree, revs: ['--merge-base', baseRef(ws, s)], from: worktreeForkPoint(ws, s, worktree), to: null, worktree };
  }
  const { cwd, tip } = await tipOf(ws, s);
  const inWorktree = cwd === s.worktreePath;
  switch (view.kind) {
    case 'base': {
      const fork = await forkPoint(ws, s, cwd, tip);
      return { cwd, revs: [fork, tip], from: fork, to: tip, worktree };
    }
    case 'uncommitted':
      if (!inWorktree) throw invalidInput(`session ${s.id} has no worktree folder: nothing is uncommitted (choose the base view or a commit)`);
      return { cwd, revs: [tip], from: tip, to: null, worktree };
    case 'commit': {
      const sha = await resolveCommit(cwd, view.sha ?? '');
      const fork = await forkPoint(ws, s, cwd, tip);
      if (sha === null || sha === fork || !(await isAncestor(cwd, sha, tip)) || (await isAncestor(cwd, sha, fork))) {
        throw invalidInput(`${view.sha ?? ''} is not one of session ${s.id}'s commits: pick one from diff.commits`);
      }
      const parent = (await firstParent(cwd, sha)) ?? (await emptyTree(cwd));
      return { cwd, revs: [parent, sha], from: parent, to: sha, worktree };
    }
    case 'since': {
      const from = await resolveCommit(cwd, view.from ?? '');
      const fork = await forkPoint(ws, s, cwd, tip);
      if (from === null || !(await isAncestor(cwd, fork, from))) {
        throw invalidInput(`${view.from ?? ''} is not in session ${s.id}'s history (it must be the session's fork point or a commit after it)`);
      }
      if (!inWorktree) return { cwd, revs: [from, tip], from, to: tip, worktree };
      // The review's snapshot holds the untracked files of its time: against the worktree's whole
      // tree now (untracked included), a file untracked then and now is one change, not a deletion
      // plus a new file.
      const now = await worktreeTree(worktree);
      return { cwd, revs: [from, now], from, to: now, worktree };
    }
  }
}

const KIND: Record<string, ChangedFile['kind']> = { A: 'added', M: 'modified', D: 'deleted', R: 'renamed', C: 'added', T: 'modified' };

const IMAGE_EXT: Record<string, ImageKind> = { '.png': 'png', '.jpg': 'jpeg', '.jpeg': 'jpeg', '.gif': 'gif', '.webp': 'webp', '.svg': 'svg' };
const MIME: Record<ImageKind, string> = { png: 'image/png', jpeg: 'image/jpeg', gif: 'image/gif', webp: 'image/webp', svg: 'image/svg+xml' };

export const imageKindOf = (file: string): ImageKind | null => IMAGE_EXT[path.extname(file).toLowerCase()] ?? null;

const sha1 = (text: string | Buffer) => createHash('sha1').update(text).digest('hex');

/** git's quoting of a path in a patch header (with core.quotePath off: only control characters,
 * the double quote and the backslash make git quote it). */
const needsQuotes = (p: string) => [...p].some((c) => c < ' ' || c === '"' || c === '\\' || c === '\x7f');

export function quotePath(p: string): string {
  if (!needsQuotes(p)) return p;
  const esc: Record<string, string> = { '\t': '\\t', '\n': '\\n', '"': '\\"', '\\': '\\\\', '\x07': '\\a', '\b': '\\b', '\f': '\\f', '\r': '\\r', '\v': '\\v' };
  return `"${[...p].map((c) => esc[c] ?? (c < ' ' || c === '\x7f' ? `\\${c.charCodeAt(0).toString(8).padStart(3, '0')}` : c)).join('')}"`;
}

const headerOf = (oldPath: string, newPath: string) => `diff --git ${quotePath(`a/${oldPath}`)} ${quotePath(`b/${newPath}`)}`;

/** Splits `git diff`'s output into its files' patches, keyed by their `diff --git` line. */
export function splitPatch(text: string): Map<string, string> {
  const byHeader = new Map<string, string>();
  if (text === '') return byHeader;
  const starts: number[] = [];
  if (text.startsWith('diff --git ')) starts.push(0);
  for (let at = text.indexOf('\ndiff --git '); at !== -1; at = text.indexOf('\ndiff --git ', at + 1)) starts.push(at + 1);
  starts.forEach((start, i) => {
    const chunk = text.slice(start, starts[i + 1] ?? text.length);
    const eol = chunk.indexOf('\n');
    byHeader.set(eol === -1 ? chunk : chunk.slice(0, eol), chunk);
  });
  return byHeader;
}

/** The patch git would print for a new file (`git diff --no-index /dev/null <file>`), written here. */
export function newFilePatchOf(rel: string, bytes: Buffer, executable: boolean): { patch: string; binary: boolean; lines: number } {
  const mode = executable ? '100755' : '100644';
  const blob = sha1(Buffer.concat([Buffer.from(`blob ${bytes.length}\0`), bytes]));
  const head = `${headerOf(rel, rel)}\nnew file mode ${mode}\nindex 0000000..${blob.slice(0, 7)}\n`;
  if (bytes.length === 0) return { patch: head, binary: false, lines: 0 };
  if (bytes.subarray(0, 8000).includes(0)) return { patch: `${head}Binary files /dev/null and ${quotePath(`b/${rel}`)} differ\n`, binary: true, lines: 0 };
  const text = bytes.toString('utf8');
  const endsInNewline = text.endsWith('\n');
  const lines = (endsInNewline ? text.slice(0, -1) : text).split('\n');
  const body = lines.map((line) => `+${line}\n`).join('') + (endsInNewline ? '' : '\\ No newline at end of file\n');
  const range = lines.length === 1 ? '+1' : `+1,${lines.length}`;
  return { patch: `${head}--- /dev/null\n+++ ${quotePath(`b/${rel}`)}\n@@ -0,0 ${range} @@\n${body}`, binary: false, lines: lines.length };
}

/** A worktree file's bytes, never through a symbolic link out of the worktree (a link is read as
 * git stores it: the text of its target). */
function readWorktreeFile(worktree: string, rel: string, cap = MAX_READ_BYTES): { bytes: Buffer; executable: boolean; tooBig?: number; mtime?: number } | null {
  const full = path.resolve(worktree, rel);
  const root = realpathSync(worktree);
  let parent: string;
  try {
    parent = realpathSync(path.dirname(full));
  } catch {
    return null;
  }
  if (parent !== root && !parent.startsWith(root + path.sep)) throw invalidInput(`${rel} is outside the session's worktree`);
  const target = path.join(parent, path.basename(full));
  let stat;
  try {
    stat = lstatSync(target);
  } catch {
    return null;
  }
  if (stat.isSymbolicLink()) return { bytes: Buffer.from(readlinkSync(target)), executable: false };
  if (!stat.isFile()) return null;
  // Not read at all: its size stands for it (a new file this large is shown as binary, by size).
  if (stat.size > cap) return { bytes: Buffer.alloc(0), executable: false, tooBig: stat.size, mtime: stat.mtimeMs };
  return { bytes: readFileSync(target), executable: (stat.mode & 0o111) !== 0 };
}

/** A C-quoted path as git writes it ("a/tab\\tname") back to its text; an unquoted one as it is. */
export function unquotePath(text: string): string {
  if (!text.startsWith('"') || !text.endsWith('"')) return text;
  const esc: Record<string, string> = { t: '\t', n: '\n', '"': '"', '\\': '\\', a: '\x07', b: '\b', f: '\f', r: '\r', v: '\v' };
  const bytes: number[] = [];
  const body = text.slice(1, -1);
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c !== '\\') {
      bytes.push(...Buffer.from(c));
      continue;
    }
    const next = body[i + 1] ?? '';
    if (/[0-7]/.test(next)) {
      bytes.push(parseInt(body.slice(i + 1, i + 4), 8));
      i += 3;
    } else {
      bytes.push(...Buffer.from(esc[next] ?? next));
      i += 1;
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** The two paths of a `diff --git` line: `a/P b/P` (the same path: split in the middle), or quoted. */
function headerPaths(line: string): { a: string; b: string } | null {
  const rest = line.slice('diff --git '.length);
  if (rest.startsWith('"') || rest.endsWith('"')) {
    const m = /^("(?:[^"\\]|\\.)*"|\S+) ("(?:[^"\\]|\\.)*"|\S+)$/.exec(rest);
    if (m === null) return null;
    return { a: unquotePath(m[1]!).slice(2), b: unquotePath(m[2]!).slice(2) };
  }
  const len = (rest.length - 5) / 2;
  if (!Number.isInteger(len) || len < 1) return null;
  const a = rest.slice(2, 2 + len);
  const b = rest.slice(len + 5);
  return a === b ? { a, b } : null;
}

type Described = Pick<DiffFile, 'path' | 'origPath' | 'kind' | 'insertions' | 'deletions' | 'binary'>;

/** What one file's patch says: its path (and former path), kind, line counts, binary or not. */
export function describePatch(patch: string): Described | null {
  const lines = patch.split('\n');
  const paths = headerPaths(lines[0] ?? '');
  let status = 'M';
  let from: string | null = null;
  let to: string | null = null;
  let binary = false;
  let insertions = 0;
  let deletions = 0;
  let inHunks = false;
  for (const line of lines.slice(1)) {
    if (inHunks) {
      if (line.startsWith('+')) insertions++;
      else if (line.startsWith('-')) deletions++;
      continue;
    }
    if (line.startsWith('@@')) inHunks = true;
    else if (line.startsWith('new file mode')) status = 'A';
    else if (line.startsWith('deleted file mode')) status = 'D';
    else if (line.startsWith('rename from ') || line.startsWith('copy from ')) from = unquotePath(line.slice(line.indexOf(' from ') + 6));
    else if (line.startsWith('rename to ') || line.startsWith('copy to ')) {
      to = unquotePath(line.slice(line.indexOf(' to ') + 4));
      status = line.startsWith('rename') ? 'R' : 'C';
    } else if (line.startsWith('Binary files ') || line === 'GIT binary patch') binary = true;
  }
  const path = to ?? paths?.b ?? null;
  if (path === null) return null;
  return {
    path,
    origPath: status === 'R' || status === 'C' ? (from ?? paths?.a ?? null) : null,
    kind: KIND[status] ?? 'modified',
    insertions: binary ? null : insertions,
    deletions: binary ? null : deletions,
    binary,
  };
}

interface Listed {
  sides: Sides;
  files: (Omit<DiffFile, 'patch' | 'tooLarge'> & { fullPatch: string })[];
}

/**
 * Every changed file of the view with its whole patch (held back later, by the caller's caps); with
 * `only`, git is asked about that one path (literal pathspec), and for a file added there, about
 * where it was renamed from too: one file's answer does not pay for the whole view's 300 files.
 */
async function listView(ws: Workspace, s: Session, view: DiffView, ignoreWhitespace: boolean, only?: string): Promise<Listed> {
  const sides = await resolveSides(ws, s, view);
  const listed = await listPaths(sides, ignoreWhitespace, only === undefined ? [] : [only]);
  if (only === undefined) return listed;
  const file = listed.files.find((f) => f.path === only);
  if (file?.kind !== 'added') return listed;
  // Added under this path: perhaps renamed from another (rename detection needs both paths in view).
  const from = await renameSource(sides.cwd, sides.revs, only);
  return from === null ? listed : listPaths(sides, ignoreWhitespace, [from, only]);
}

async function listPaths(sides: Sides, ignoreWhitespace: boolean, only: readonly string[]): Promise<Listed> {
  // One git process for every tracked file: paths, kinds and counts are read from the patch itself.
  const [patchOut, untracked] = await Promise.all([fullPatch(sides.cwd, sides.revs, ignoreWhitespace, only), sides.to === null ? untrackedFiles(sides.worktree, only) : Promise.resolve([])]);
  const files: Listed['files'] = [];
  for (const fullPatch of splitPatch(patchOut).values()) {
    const entry = describePatch(fullPatch);
    if (entry === null) continue;
    files.push({ ...entry, size: Buffer.byteLength(fullPatch), hash: sha1(fullPatch), image: imageKindOf(entry.path), fullPatch });
  }
  for (const rel of untracked) {
    if (rel.endsWith('/')) continue; // a nested repository
    const read = readWorktreeFile(sides.worktree, rel);
    if (read === null) continue;
    const made =
      read.tooBig === undefined
        ? newFilePatchOf(rel, read.bytes, read.executable)
        : { patch: `${headerOf(rel, rel)}\nnew file (${read.tooBig} bytes, ${read.mtime})\nBinary files /dev/null and b/${rel} differ\n`, binary: true, lines: 0 };
    files.push({
      path: rel,
      origPath: null,
      kind: 'untracked',
      insertions: made.binary ? null : made.lines,
      deletions: made.binary ? null : 0,
      binary: made.binary,
      size: Buffer.byteLength(made.patch),
      hash: sha1(made.patch),
      image: imageKindOf(rel),
      fullPatch: made.patch,
    });
  }
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { sides, files };
}

/** `diff.get`: the view's files, each patch inline unless it is large (or the answer already is). */
export async function reviewDiff(ws: Workspace, s: Session, view: DiffView, ignoreWhitespace = false): Promise<{ from: string | null; to: string | null; files: DiffFile[] }> {
  const { sides, files } = await listView(ws, s, view, ignoreWhitespace);
  let total = 0;
  return {
    from: await sides.from,
    to: sides.to,
    files: files.map(({ fullPatch, ...file }) => {
      const inline = !file.binary && file.size <= INLINE_PATCH_BYTES && total + file.size <= INLINE_TOTAL_BYTES;
      if (inline) total += file.size;
      return { ...file, patch: file.binary ? null : inline ? fullPatch : null, tooLarge: !file.binary && !inline };
    }),
  };
}

async function changedFile(ws: Workspace, s: Session, view: DiffView, rel: string, ignoreWhitespace = false) {
  // Handed to git as a pathspec: one that leaves the repository is refused here, in words.
  const normal = path.posix.normalize(rel);
  if (path.posix.isAbsolute(rel) || normal === '..' || normal.startsWith('../')) throw invalidInput(`${rel} is outside the session's worktree: give a path relative to the repository's root`);
  const listed = await listView(ws, s, view, ignoreWhitespace, rel);
  const file = listed.files.find((f) => f.path === rel);
  if (!file) throw invalidInput(`${rel} has no changes in this view of session ${s.id}`);
  return { sides: listed.sides, file };
}

/** `diff.file`: one file with its patch, up to the on-request cap. */
export async function reviewFileDiff(ws: Workspace, s: Session, view: DiffView, rel: string, ignoreWhitespace = false): Promise<DiffFile> {
  const { file } = await changedFile(ws, s, view, rel, ignoreWhitespace);
  const { fullPatch, ...rest } = file;
  const tooLarge = !file.binary && file.size > MAX_REQUESTED_PATCH_BYTES;
  return { ...rest, patch: file.binary || tooLarge ? null : fullPatch, tooLarge };
}

/** A side of a file: its size, and its bytes when they are within the cap asked for (null: over it, never read). */
interface SideContent {
  size: number;
  bytes: Buffer | null;
}

/** A side: the old one from its commit, the new one from its commit or the worktree; its size is
 * read first, its bytes only when within `cap` (a 50 MB file is never read, nor a buffer of its size made). */
async function sideContent(sides: Sides, file: { path: string; origPath: string | null; kind: ChangedFile['kind'] }, side: 'old' | 'new', cap: number): Promise<SideContent | null> {
  if (side === 'old') {
    const from = await sides.from;
    if (from === null || file.kind === 'added' || file.kind === 'untracked') return null;
    return blobAt(sides.cwd, from, file.origPath ?? file.path, cap);
  }
  if (file.kind === 'deleted') return null;
  if (sides.to !== null) return blobAt(sides.cwd, sides.to, file.path, cap);
  const read = readWorktreeFile(sides.worktree, file.path, cap);
  if (read === null) return null;
  return read.tooBig === undefined ? { size: read.bytes.length, bytes: read.bytes } : { size: read.tooBig, bytes: null };
}

async function blobAt(cwd: string, commit: string, rel: string, cap: number): Promise<SideContent | null> {
  const size = await blobSize(cwd, commit, rel);
  if (size === null) return null;
  return { size, bytes: size > cap ? null : await blobBytes(cwd, commit, rel) };
}

/** `diff.lines`: a side's text, split in lines, for more context around the hunks. */
export async function reviewLines(ws: Workspace, s: Session, view: DiffView, rel: string, side: 'old' | 'new'): Promise<{ lines: string[]; total: number }> {
  const { sides, file } = await changedFile(ws, s, view, rel);
  if (file.binary) throw invalidInput(`${rel} is binary: it has no lines to show`);
  const content = await sideContent(sides, file, side, MAX_SIDE_BYTES);
  if (content === null) return { lines: [], total: 0 };
  if (content.bytes === null) throw invalidInput(`${rel} is too large to show more context (${content.size} bytes, the limit is ${MAX_SIDE_BYTES})`);
  const text = content.bytes.toString('utf8');
  const lines = (text.endsWith('\n') ? text.slice(0, -1) : text).split('\n');
  const all = text === '' ? [] : lines;
  return { lines: all, total: all.length };
}

/** `diff.blob`: a side's size, and an image's bytes for its preview. */
export async function reviewBlob(ws: Workspace, s: Session, view: DiffView, rel: string, side: 'old' | 'new'): Promise<{ size: number | null; mime: string | null; data: string | null }> {
  const { sides, file } = await changedFile(ws, s, view, rel);
  const kind = side === 'old' ? imageKindOf(file.origPath ?? file.path) : imageKindOf(file.path);
  const mime = kind === null ? null : MIME[kind];
  // Only an image within the cap is read; of anything else, its size.
  const content = await sideContent(sides, file, side, mime === null ? 0 : MAX_IMAGE_BYTES);
  if (content === null) return { size: null, mime: null, data: null };
  return { size: content.size, mime, data: mime !== null && content.bytes !== null ? content.bytes.toString('base64') : null };
}
