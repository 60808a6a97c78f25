import { lstatSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { Session } from '../../../shared/models';
import { conflict, invalidInput } from '../errors';
import { createRef, forEachRef } from '../git/refs';
import { forgetPath, headHasPath, restorePathFromHead, reverseApply, reverseApplyRefusal, snapshotPath, splitPatch, uncommittedPatch } from '../git/patch';
import { worktreeStatus } from '../git/status';
import type { Workspace } from '../workspace';

/**
 * Discarding a session's uncommitted change (issue 14, item 5): one file's, or one hunk of it.
 * Nothing is lost: the file as it was is first kept in a commit on top of HEAD (made through a
 * temporary index, touching nothing) under `refs/council/archive/<session>/discard-<n>`, and only
 * then is the worktree changed — the one file, never another.
 */

/** A hunk as a person names it: its number in `git diff HEAD -- <path>` (1 first), or its text as a diff showed it. */
export type HunkRef = number | { header: string; text: string };

export interface DiscardResult {
  id: string;
  path: string;
  /** The hunk discarded (its header line), or null for the whole file. */
  hunk: string | null;
  /** What became of the file: back to HEAD's, deleted (it was new), or one hunk reversed. */
  outcome: 'restored' | 'deleted' | 'hunk-reversed';
  archivedAs: string;
  archivedCommit: string;
  /** The command that puts the file back as it was before the discard. */
  restoreCommand: string;
}

/** A path as the session's diff names it: relative to the worktree, inside it. */
export function checkRelativePath(given: string): string {
  const rel = given.replace(/\\/g, '/');
  if (rel.includes('\0')) throw invalidInput('the path holds a NUL character');
  if (path.posix.isAbsolute(rel) || /^[A-Za-z]:/.test(rel)) throw invalidInput(`"${given}" is absolute: name the file relative to the session's worktree, as its diff shows it`);
  const normal = path.posix.normalize(rel);
  if (normal === '.' || normal.startsWith('../') || normal === '..') throw invalidInput(`"${given}" is not a file inside the session's worktree`);
  return normal.replace(/\/$/, '');
}

/** Quotes one word for a POSIX shell, only when it needs it. */
export function shellWord(word: string): string {
  return /^[A-Za-z0-9_./:@%+=,-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

export const discardRefPrefix = (id: string): string => `refs/council/archive/${id}/discard-`;

/** Keeps `commit` under the session's next free discard ref (discard-1, discard-2, …). */
async function keepUnderNextRef(ws: Workspace, session: Session, commit: string, what: string): Promise<string> {
  const prefix = discardRefPrefix(session.id);
  for (let attempt = 0; attempt < 5; attempt++) {
    const taken = await forEachRef(ws.repo.mainRoot, '%(refname)', prefix.replace(/\/discard-$/, ''));
    const highest = taken.map((ref) => Number(ref.slice(prefix.length))).filter(Number.isInteger).reduce((a, b) => Math.max(a, b), 0);
    const ref = `${prefix}${highest + 1}`;
    try {
      await createRef(ws.repo.mainRoot, ref, commit, `council: ${what}`);
      return ref;
    } catch {
      // another discard took that number meanwhile: the next one
    }
  }
  throw conflict(`the discarded change could not be kept under ${prefix}…: nothing was discarded (kept as commit ${commit})`);
}

function hunkText(ref: HunkRef, hunks: readonly string[], rel: string, id: string): string {
  if (typeof ref === 'number') {
    const hunk = hunks[ref - 1];
    if (hunk === undefined) throw invalidInput(`${rel} has ${hunks.length} hunk(s) of uncommitted change in session ${id}, not a hunk ${ref} (they are numbered 1… as \`git diff HEAD -- ${rel}\` prints them)`);
    return hunk;
  }
  const header = ref.header.trim();
  if (!header.startsWith('@@')) throw invalidInput(`the hunk header must be the hunk's "@@ … @@" line, not "${header.slice(0, 60)}"`);
  const body = ref.text.replace(/\r\n/g, '\n');
  const text = body.startsWith('@@') ? body : `${header}\n${body}`;
  // One hunk of this file only: after its "@@" line, nothing but hunk lines (no second hunk, no
  // header of another file, which `git apply -R` would reverse too, unarchived).
  const stray = text.replace(/\n$/, '').split('\n').slice(1).find((line) => !/^[ +\\-]/.test(line) || line.startsWith('@@'));
  if (stray !== undefined) throw invalidInput(`the hunk's text must be one hunk of ${rel} as the diff showed it (lines starting with " ", "+" or "-"), not "${stray.slice(0, 60)}": look at the diff again and discard from there`);
  return text.endsWith('\n') ? text : `${text}\n`;
}

function kindOnDisk(file: string): 'file' | 'folder' | null {
  try {
    return lstatSync(file).isDirectory() ? 'folder' : 'file';
  } catch {
    return null;
  }
}

export async function discardChange(ws: Workspace, session: Session, given: string, hunk?: HunkRef): Promise<DiscardResult> {
  const rel = checkRelativePath(given);
  const cwd = session.worktreePath;
  const status = await worktreeStatus(cwd);
  const entry = status.find((e) => e.path === rel);
  if (!entry) throw invalidInput(`${rel} has no uncommitted change in session ${session.id}; nothing to discard`);
  if (entry.kind === 'unmerged') throw conflict(`${rel} is in the middle of a conflicted merge in session ${session.id}: resolve it, or undo the update (council session update ${session.id} --abort)`);
  const inHead = await headHasPath(cwd, rel);
  const onDisk = kindOnDisk(path.join(cwd, rel));
  if (onDisk === 'folder') throw invalidInput(`${rel} is a folder (a nested repository?) in session ${session.id}: discard it by hand`);

  let patch: string | null = null;
  let header: string | null = null;
  if (hunk !== undefined) {
    if (!inHead) throw invalidInput(`${rel} is a new file in session ${session.id}: its one hunk is the whole file; discard the file instead`);
    if (onDisk === null) throw invalidInput(`${rel} is deleted in session ${session.id}: discard the file (it comes back as HEAD has it)`);
    const split = splitPatch(await uncommittedPatch(cwd, rel));
    if (split.hunks.length === 0) throw invalidInput(`${rel} has no hunk of uncommitted change in session ${session.id} (a mode change only?): discard the file instead`);
    const text = hunkText(hunk, split.hunks, rel, session.id);
    header = text.slice(0, text.indexOf('\n'));
    patch = `${split.header}${text}`;
    const refused = await reverseApplyRefusal(cwd, patch);
    if (refused !== null) {
      throw conflict(`that hunk of ${rel} no longer applies in session ${session.id} (the file changed since the diff was shown): nothing was discarded. Look at the diff again. git said: ${refused.split('\n').slice(0, 2).join(' ')}`);
    }
  }

  const what = `discarded ${header ? `a hunk (${header}) of` : 'the change of'} ${rel} in session ${session.id}`;
  const archivedCommit = await snapshotPath(cwd, rel, `council: ${what}, as it was before\n\nSession ${session.id} (${session.task}), branch ${session.branch}.\n`);
  const archivedAs = await keepUnderNextRef(ws, session, archivedCommit, what);

  let outcome: DiscardResult['outcome'];
  if (patch !== null) {
    await reverseApply(cwd, patch);
    outcome = 'hunk-reversed';
  } else if (inHead) {
    await restorePathFromHead(cwd, rel);
    outcome = 'restored';
  } else {
    await forgetPath(cwd, rel);
    rmSync(path.join(cwd, rel), { force: true });
    outcome = 'deleted';
  }
  return {
    id: session.id,
    path: rel,
    hunk: header,
    outcome,
    archivedAs,
    archivedCommit,
    restoreCommand: `git -C ${shellWord(cwd)} checkout ${archivedAs} -- ${shellWord(rel)}`,
  };
}
