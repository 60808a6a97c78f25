import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { ChangedFile, FileDiff, Session } from '../../../shared/models';
import { invalidInput } from '../errors';
import { git } from '../git/git';
import { parseNumstat } from '../git/parse';
import { branchRef, resolveCommit } from '../git/refs';
import type { Workspace } from '../workspace';
import { worktreeStatus } from '../git/status';

/** Patches above this size are not sent to the UI (the file list still shows the counts). */
export const MAX_PATCH_BYTES = 512 * 1024;
/** Untracked files above this size are not read to count their lines. */
const MAX_COUNT_BYTES = 4 * 1024 * 1024;

/** The commit a session's changes are measured from: where its branch left its base. */
export async function forkPoint(ws: Workspace, s: Session): Promise<string> {
  const base = (await resolveCommit(ws.repo.mainRoot, branchRef(s.baseBranch))) ?? s.baseCommit;
  const out = await git(['merge-base', base, branchRef(s.branch)], { cwd: ws.repo.mainRoot, okExitCodes: [1] });
  return out.stdout.trim() || s.baseCommit;
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

/** `git diff --name-status -z`: `X\0path\0` or, for renames/copies, `Rnnn\0from\0to\0`. */
function parseNameStatus(output: string): Map<string, { kind: ChangedFile['kind']; origPath: string | null }> {
  const fields = output.split('\0');
  const map = new Map<string, { kind: ChangedFile['kind']; origPath: string | null }>();
  for (let i = 0; i < fields.length; i++) {
    const status = fields[i];
    if (!status) continue;
    const letter = status[0] ?? 'M';
    if (letter === 'R' || letter === 'C') {
      map.set(fields[i + 2] ?? '', { kind: KIND[letter] ?? 'modified', origPath: fields[i + 1] ?? null });
      i += 2;
    } else {
      map.set(fields[i + 1] ?? '', { kind: KIND[letter] ?? 'modified', origPath: null });
      i += 1;
    }
  }
  return map;
}

/**
 * Every file a session changed since its branch left the base, as the worktree has it now:
 * committed and uncommitted changes together, untracked files too, ignored files not. Without a
 * worktree folder, the branch's committed changes.
 */
export async function sessionChanges(ws: Workspace, s: Session): Promise<ChangedFile[]> {
  const base = await forkPoint(ws, s);
  const inWorktree = existsSync(path.join(s.worktreePath, '.git'));
  const cwd = inWorktree ? s.worktreePath : ws.repo.mainRoot;
  const range = inWorktree ? [base] : [base, branchRef(s.branch)];
  const [numstat, names, status] = await Promise.all([
    git(['diff', '--numstat', '-z', '-M', ...range, '--'], { cwd }),
    git(['diff', '--name-status', '-z', '-M', ...range, '--'], { cwd }),
    inWorktree ? worktreeStatus(s.worktreePath) : Promise.resolve([]),
  ]);
  const kinds = parseNameStatus(names.stdout);
  const files: ChangedFile[] = parseNumstat(numstat.stdout).map((entry) => {
    const named = kinds.get(entry.path);
    return {
      path: entry.path,
      origPath: entry.origPath ?? named?.origPath ?? null,
      kind: named?.kind ?? (entry.origPath ? 'renamed' : 'modified'),
      insertions: entry.insertions,
      deletions: entry.deletions,
      binary: entry.insertions === null,
    };
  });
  for (const entry of status) {
    if (entry.kind !== 'untracked') continue;
    const file = path.join(s.worktreePath, entry.path);
    const lines = lineCount(file);
    files.push({ path: entry.path, origPath: null, kind: 'untracked', insertions: lines, deletions: lines === null ? null : 0, binary: lines === null && isBinaryFile(file) });
  }
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** One file's unified patch against the fork point (git's own diff), for the diff viewer. */
export async function sessionFileDiff(ws: Workspace, s: Session, relPath: string): Promise<FileDiff> {
  const files = await sessionChanges(ws, s);
  const file = files.find((f) => f.path === relPath);
  if (!file) throw invalidInput(`${relPath} has no changes in session ${s.id}`);
  const inWorktree = existsSync(path.join(s.worktreePath, '.git'));
  let patch: string;
  if (file.kind === 'untracked') {
    const out = await git(['diff', '--no-index', '--', '/dev/null', relPath], { cwd: s.worktreePath, okExitCodes: [1] });
    patch = out.stdout;
  } else {
    const base = await forkPoint(ws, s);
    const range = inWorktree ? [base] : [base, branchRef(s.branch)];
    const paths = file.origPath ? [file.origPath, file.path] : [file.path];
    const out = await git(['diff', '-M', ...range, '--', ...paths], { cwd: inWorktree ? s.worktreePath : ws.repo.mainRoot });
    patch = out.stdout;
  }
  const size = Buffer.byteLength(patch);
  const binary = file.binary || /^Binary files .* differ$/m.test(patch);
  const tooLarge = size > MAX_PATCH_BYTES;
  return { path: relPath, patch: tooLarge ? '' : patch, binary, tooLarge, size };
}
