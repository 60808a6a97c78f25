import path from 'node:path';
import type { Session } from '../../shared/models';
import type { Council } from '../../electron/core/council';
import { gitSync, makeRepo, writeIn, type TestRepo } from './repo';

/**
 * Repositories and sessions for the merge queue's tests and benchmark: every session changes only
 * its own files (so any order merges cleanly), with 1–3 commits and some uncommitted work, and the
 * fixture knows what the base must hold once all of them are merged.
 */

export const BASE_FILES = 12;

/** A repository whose base has `src/f<i>.ts` for every session index, a README, and nothing else. */
export function mergeRepo(count = BASE_FILES): TestRepo {
  const files: Record<string, string> = { 'README.md': '# merge queue fixture\n' };
  for (let i = 0; i < count; i++) files[`src/f${i}.ts`] = `export const f${i} = ${i};\n`;
  return makeRepo(files);
}

export interface WorkedSession {
  session: Session;
  /** Commits made in the session (not counting the one the queue makes of the pending work). */
  commits: number;
  /** Files (repo-relative) and the content each must have in the base after the merge. */
  files: Record<string, string>;
}

/** Writes a session's work: `commits` commits, then uncommitted changes (a modified and a new file). */
export function workIn(session: Session, index: number, commits: number): WorkedSession {
  const wt = session.worktreePath;
  const files: Record<string, string> = {};
  for (let c = 0; c < commits; c++) {
    const own = `work/s${index}.txt`;
    const ownText = `session ${index}\n${Array.from({ length: c + 1 }, (_, k) => `commit ${k}`).join('\n')}\n`;
    files[own] = ownText;
    writeIn(wt, own, ownText);
    const source = `export const f${index} = ${index * 100 + c};\n`;
    files[`src/f${index}.ts`] = source;
    writeIn(wt, `src/f${index}.ts`, source);
    gitSync(wt, 'add', '-A');
    gitSync(wt, 'commit', '-q', '-m', `session ${index}: commit ${c}`);
  }
  const pendingSource = `export const f${index} = ${index * 100 + 99}; // pending\n`;
  files[`src/f${index}.ts`] = pendingSource;
  writeIn(wt, `src/f${index}.ts`, pendingSource);
  const pendingNew = `pending work of session ${index}\n`;
  files[`work/s${index}-pending.txt`] = pendingNew;
  writeIn(wt, `work/s${index}-pending.txt`, pendingNew);
  return { session, commits, files };
}

export async function workedSessions(council: Council, count: number, commitsOf = (i: number): number => 1 + (i % 3)): Promise<WorkedSession[]> {
  const out: WorkedSession[] = [];
  for (let i = 0; i < count; i++) {
    const [session] = await council.createSessions({ task: `task ${i}: change f${i}` });
    if (!session) throw new Error('no session was created');
    out.push(workIn(session, i, commitsOf(i)));
  }
  return out;
}

/** What the base must hold after all `worked` are merged: its own files, changed by theirs. */
export function expectedTree(repoRoot: string, branch: string, worked: readonly WorkedSession[]): Record<string, string> {
  const expected: Record<string, string> = {};
  for (const file of gitSync(repoRoot, 'ls-tree', '-r', '--name-only', branch).split('\n').filter(Boolean)) {
    expected[file] = gitSync(repoRoot, 'show', `${branch}:${file}`) + '\n';
  }
  for (const w of worked) Object.assign(expected, w.files);
  return expected;
}

/** Every file of a commit with its content. */
export function treeContents(repoRoot: string, rev: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const file of gitSync(repoRoot, 'ls-tree', '-r', '--name-only', rev).split('\n').filter(Boolean)) {
    out[file] = gitSync(repoRoot, 'show', `${rev}:${file}`) + '\n';
  }
  return out;
}

/** `git rev-list --parents` of a range: each commit with its parent count. */
export function parentCounts(repoRoot: string, range: string, firstParent = false): number[] {
  const args = ['rev-list', '--parents', ...(firstParent ? ['--first-parent'] : []), range];
  return gitSync(repoRoot, ...args)
    .split('\n')
    .filter(Boolean)
    .map((line) => line.split(' ').length - 1);
}

export const inRepo = (root: string, ...parts: string[]): string => path.join(root, ...parts);

/**
 * `count` sessions (task `task`), each with one commit writing `export const f<i> = "session <i>";`
 * to `file(i)` (default `src/f<i>.ts`, its own file of mergeRepo's), nothing uncommitted.
 */
export async function committedSessions(council: Council, count: number, options: { task?: string; file?: (i: number) => string } = {}): Promise<Session[]> {
  const sessions = await council.createSessions({ task: options.task ?? 'committed work', count });
  for (const [i, s] of sessions.entries()) {
    writeIn(s.worktreePath, options.file?.(i) ?? `src/f${i}.ts`, `export const f${i} = "session ${i}";\n`);
    gitSync(s.worktreePath, 'add', '-A');
    gitSync(s.worktreePath, 'commit', '-q', '-m', `session ${i}`);
  }
  return sessions;
}
