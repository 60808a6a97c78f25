import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { ChangedFile, FileDiff, Session } from '../../../shared/models';
import { invalidInput } from '../errors';
import { diffPatch, diffSummary, newFilePatch } from '../git/diff';
import type { StatusEntry } from '../git/parse';
import { branchRef, readBranchCommit } from '../git/refs';
import type { Workspace } from '../workspace';
import { worktreeStatus } from '../git/status';

/** Patches above this size are not sent to the UI (the file list still shows the counts). */
export const MAX_PATCH_BYTES = 512 * 1024;
/** Untracked files above this size are not read to count their lines. */
const MAX_COUNT_BYTES = 4 * 1024 * 1024;

/**
 * What a session's changes are measured against: its base branch (git takes the merge base with
 * `--merge-base`, so the base moving on does not show up as the session's changes), or the commit
 * it started from when the base branch is gone.
 */
export function baseRef(ws: Workspace, s: Session): string {
  const known = readBranchCommit(ws.repo.commonDir, s.baseBranch);
  if (known === null) return s.baseCommit;
  return branchRef(s.baseBranch);
}

/** `git diff --merge-base <base>` in the worktree (working tree against the fork point), or
 * between the fork point and the branch tip when there is no worktree folder. */
function diffArgs(ws: Workspace, s: Session, inWorktree: boolean): string[] {
  return inWorktree ? ['--merge-base', baseRef(ws, s)] : ['--merge-base', baseRef(ws, s), branchRef(s.branch)];
}

const KIND: Record<string, ChangedFile['kind']> = { A: 'added', M: 'modified', D: 'deleted', R: 'renamed', C: 'added', T: 'modified' };

function isBinaryFile(file: string): boolean {
  try {
    const fd = readFileSync(file);
    return fd.subarray(0, 8000).includes(0);
  } catch {
    return false;
  }
}

function lineCount(file: string): number | null {
  try {
    if (statSync(file).size > MAX_COUNT_BYTES) return null;
    const bytes = readFileSync(file);
    if (bytes.subarray(0, 8000).includes(0)) return null;
    let lines = 0;
    for (const byte of bytes) if (byte === 10) lines++;
    return bytes.length > 0 && bytes[bytes.length - 1] !== 10 ? lines + 1 : lines;
  } catch {
    return null;
  }
}

/**
 * Every file a session changed since its branch left the base, as the worktree has it now:
 * committed and uncommitted changes together, untracked files too, ignored files not. Without a
 * worktree folder, the branch's committed changes.
 */
export async function sessionChanges(ws: Workspace, s: Session): Promise<ChangedFile[]> {
  return (await collectChanges(ws, s)).files;
}

/** The changed files, and the worktree's uncommitted entries they were partly made from. */
export async function collectChanges(ws: Workspace, s: Session, options: { committedOnly?: boolean } = {}): Promise<{ files: ChangedFile[]; uncommitted: StatusEntry[] }> {
  // committedOnly: the branch's commits, as when there is no worktree folder.
  const inWorktree = options.committedOnly !== true && existsSync(path.join(s.worktreePath, '.git'));
  const cwd = inWorktree ? s.worktreePath : ws.repo.mainRoot;
  const [diff, status] = await Promise.all([
    diffSummary(cwd, diffArgs(ws, s, inWorktree)),
    inWorktree ? worktreeStatus(s.worktreePath) : Promise.resolve([]),
  ]);
  const files: ChangedFile[] = diff.map((entry) => ({
    path: entry.path,
    origPath: entry.origPath,
    kind: KIND[entry.status] ?? 'modified',
    insertions: entry.insertions,
    deletions: entry.deletions,
    binary: entry.insertions === null,
  }));
  for (const entry of status) {
    if (entry.kind !== 'untracked') continue;
    const file = path.join(s.worktreePath, entry.path);
    const lines = lineCount(file);
    files.push({ path: entry.path, origPath: null, kind: 'untracked', insertions: lines, deletions: lines === null ? null : 0, binary: lines === null && isBinaryFile(file) });
  }
  return { files: files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)), uncommitted: status };
}

/** One file's unified patch against the fork point (git's own diff), for the diff viewer. */
export async function sessionFileDiff(ws: Workspace, s: Session, relPath: string): Promise<FileDiff> {
  const files = await sessionChanges(ws, s);
  const file = files.find((f) => f.path === relPath);
  if (!file) throw invalidInput(`${relPath} has no changes in session ${s.id}`);
  const inWorktree = existsSync(path.join(s.worktreePath, '.git'));
  let patch: string;
  if (file.kind === 'untracked') {
    patch = await newFilePatch(s.worktreePath, relPath);
  } else {
    const paths = file.origPath ? [file.origPath, file.path] : [file.path];
    patch = await diffPatch(inWorktree ? s.worktreePath : ws.repo.mainRoot, diffArgs(ws, s, inWorktree), paths);
  }
  const size = Buffer.byteLength(patch);
  const binary = file.binary || /^Binary files .* differ$/m.test(patch);
  const tooLarge = size > MAX_PATCH_BYTES;
  return { path: relPath, patch: tooLarge ? '' : patch, binary, tooLarge, size };
}
