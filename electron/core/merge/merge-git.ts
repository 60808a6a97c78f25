import { changedFilesMany, type DiffRequest } from '../radar/predict';
import { CouncilError } from '../errors';
import { git } from '../git/git';
import { COUNCIL_IDENTITY } from '../sessions/inspect';

/*
 * The git verbs the merge queue needs (merge-tree is git/merge-tree.ts, shared with the radar), each a thin call through git/git.ts (argument arrays,
 * declared exit codes), and the pure parsers of their output.
 */

/** GIT_TRACE lines ("12:00:00.000000 git.c:460 trace: built-in: …") out of a command's stderr. */
export const withoutTrace = (stderr: string): string =>
  stderr
    .split('\n')
    .filter((line) => !/^\d\d:\d\d:\d\d\.\d+ \S+\s+trace: /.test(line))
    .join('\n');

export async function treeOf(cwd: string, commit: string): Promise<string> {
  return (await git(['rev-parse', '--verify', `${commit}^{tree}`], { cwd })).stdout.trim();
}

/** Whether `ancestor` is `descendant` or one of its ancestors. */
export async function isAncestor(cwd: string, ancestor: string, descendant: string): Promise<boolean> {
  if (ancestor === descendant) return true;
  const out = await git(['merge-base', '--is-ancestor', ancestor, descendant], { cwd, okExitCodes: [1] });
  return out.exitCode === 0;
}

const NO_IDENTITY = /Please tell me who you are|empty ident name|unable to auto-detect email|Author identity unknown|Committer identity unknown/i;

/** True for git's complaint that no user name or email is configured. */
export const isIdentityError = (err: unknown): boolean =>
  err instanceof CouncilError && NO_IDENTITY.test(`${err.message}\n${String(err.details?.stderr ?? '')}`);

/**
 * A commit of `tree` with these parents and message. The user's identity when git has one (a
 * merge the user asked for is theirs); the tool's own when none is configured, rather than failing.
 */
export async function commitTree(cwd: string, tree: string, parents: readonly string[], message: string): Promise<string> {
  const args = ['commit-tree', tree, ...parents.flatMap((p) => ['-p', p]), '-F', '-'];
  try {
    return (await git(args, { cwd, input: message })).stdout.trim();
  } catch (err) {
    if (!isIdentityError(err)) throw err;
    return (await git(args, { cwd, input: message, env: COUNCIL_IDENTITY })).stdout.trim();
  }
}

/**
 * Moves a branch from `expected` to `next` only if it is still at `expected` (git's own
 * compare-and-swap: the ref is locked, checked and written as one step). False when the branch
 * has moved; anything else that goes wrong throws.
 *
 * Written as an explicit `update-ref --stdin` transaction (start, update, prepare, commit): the
 * same single ref update, and git answers each step on stdout. (That answer also matters for
 * speed: simple-git waits an extra 50 ms after a git command that printed nothing.)
 */
export async function updateRefCas(cwd: string, branchRefName: string, next: string, expected: string, reason: string): Promise<boolean> {
  if (/[\n\0]/.test(reason)) throw new CouncilError('internal', 'a reflog message must be one line');
  const input = `start\nupdate ${branchRefName} ${next} ${expected}\nprepare\ncommit\n`;
  const out = await git(['update-ref', '-m', reason, '--stdin'], { cwd, input, okExitCodes: [128, 1] });
  if (out.exitCode === 0) return true;
  if (/is at .* but expected|cannot lock ref|reference already exists|unable to resolve reference/i.test(out.stderr)) return false;
  throw new CouncilError('git-failed', `git update-ref failed: ${out.stderr.trim() || `exit status ${out.exitCode}`}`, { exitCode: out.exitCode, stderr: out.stderr });
}

export interface TreeChange {
  path: string;
  /** Mode and blob on each side; null where the path does not exist on that side. */
  before: { mode: string; oid: string } | null;
  after: { mode: string; oid: string } | null;
}

const ZERO_OID = /^0+$/;

/** `git diff-tree -r -z --no-renames <a> <b>`: `:<mode a> <mode b> <oid a> <oid b> <status>\0<path>\0`. */
export function parseDiffTree(stdout: string): TreeChange[] {
  const fields = stdout.split('\0');
  const changes: TreeChange[] = [];
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const meta = fields[i] as string;
    const file = fields[i + 1] as string;
    if (!meta.startsWith(':')) break;
    const [modeA, modeB, oidA, oidB] = meta.slice(1).split(' ');
    if (!modeA || !modeB || !oidA || !oidB) continue;
    changes.push({
      path: file,
      before: ZERO_OID.test(oidA) || /^0+$/.test(modeA) ? null : { mode: modeA, oid: oidA },
      after: ZERO_OID.test(oidB) || /^0+$/.test(modeB) ? null : { mode: modeB, oid: oidB },
    });
  }
  return changes;
}

/** Every path that differs between two commits, with both sides' blobs. */
export async function treeChanges(cwd: string, from: string, to: string): Promise<TreeChange[]> {
  const out = await git(['diff-tree', '-r', '-z', '--no-renames', '--no-commit-id', from, to], { cwd });
  return parseDiffTree(out.stdout);
}

/** The first line of a task, for a commit subject. */
export function subjectOf(task: string, max = 100): string {
  const line = (task.split(/\r?\n/).find((l) => l.trim()) ?? task).trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/**
 * Whether going from `from` to `to` changes a `.gitattributes` file (at any depth). Merges read
 * attributes (merge=union, custom drivers) from the checkout's working tree, not from the commits
 * being merged, so a train must not merge anything on top of an entry that changes them before the
 * checkout holds them (found by the replay of flask's history: CHANGES.rst merge=union).
 */
const ATTRIBUTE_FILES = ['.gitattributes', ':(glob)**/.gitattributes'];

export async function changesGitAttributes(cwd: string, from: string, to: string): Promise<boolean> {
  // GIT_TRACE: diff-tree prints nothing when nothing matches, and simple-git waits 50 ms after a
  // command that printed nothing (see checkout.ts).
  const out = await git(['diff-tree', '-r', '--name-only', '-z', '--no-renames', from, to, '--', ...ATTRIBUTE_FILES], { cwd, env: { GIT_TRACE: '1' } });
  return out.stdout.length > 0;
}

/** The first of these steps (from → to) that changes merge attributes, or -1; one git process for
 * them all (`diff-tree --stdin`), where changesGitAttributes is one per step. */
export async function firstGitAttributesChange(cwd: string, steps: readonly DiffRequest[]): Promise<number> {
  const answers = await changedFilesMany(cwd, steps, ATTRIBUTE_FILES);
  return answers.findIndex((files) => files.length > 0);
}
