import type { PredictedConflict, RadarFileDetail, SideChange } from '../../../shared/merge';
import { changedFilesMany } from '../git/diff';
import { mergedFile } from '../git/merge-tree';
import { conflictHunks } from './hunks';

/**
 * One file of one radar pair, closely (radar.fileDetail): what each side did to it since they met,
 * and where git could not merge, each side's lines. Computed on demand (a person opened the file):
 * git merges the pair's two commits again with diff3 markers, and the file is read from the result.
 */

/** The two commits a radar pair merged (a session's snapshot, or its own changes replayed on a
 * common base: own-changes.ts), and where they meet. */
export interface ComparedCommits {
  from: string;
  a: string;
  b: string;
}

/** Files larger than this are not read for hunks (the detail says so). */
export const MAX_DETAIL_BYTES = 2 * 1024 * 1024;

const CHANGE: Record<string, SideChange> = { A: 'added', D: 'deleted', M: 'modified', T: 'modified' };

type Detail = Omit<RadarFileDetail, 'path' | 'a' | 'b'>;

export async function describeFile(cwd: string, file: string, from: string, a: string, b: string, conflict: PredictedConflict | null): Promise<Detail> {
  // What each side did, and (where there can be lines to show) the merge, side by side.
  const needsLines = conflict !== null && conflict.kind !== 'modify/delete';
  const [[changedA, changedB], merged] = await Promise.all([
    changedFilesMany(cwd, [{ from, to: a }, { from, to: b }], [`:(literal)${file}`]),
    needsLines ? mergedFile(cwd, a, b, file, MAX_DETAIL_BYTES) : Promise.resolve(null),
  ]);
  const changeOf = (files: readonly { path: string; status: string }[] | undefined): SideChange => CHANGE[files?.find((f) => f.path === file)?.status ?? ''] ?? 'unchanged';
  const changes: [SideChange, SideChange] = [changeOf(changedA), changeOf(changedB)];
  const base = { kind: conflict?.kind ?? null, message: conflict?.message ?? null, changes, hunks: [], moreHunks: 0 };
  if (conflict === null) return { ...base, note: 'Both sides change this file, in different places: git merges them cleanly.' };
  if (!needsLines) return { ...base, note: 'One side deleted this file and the other changed it: there are no lines to compare; decide whether the file stays.' };
  if (merged === null) return { ...base, note: 'The merge leaves no file at this path (it was renamed, deleted or replaced by a folder): see the message.' };
  if ('tooLarge' in merged) return { ...base, note: `The file is too large to show here (${Math.round(merged.tooLarge / 1024)} KB): open the diffs.` };
  if (merged.binary) return { ...base, note: 'A binary file: git cannot merge it line by line, one side’s version has to win.' };
  const { hunks, more } = conflictHunks(merged.text);
  if (hunks.length === 0) return { ...base, note: 'git reports a conflict here but no lines that clash (a mode or type change, or a rename): see the message.' };
  return { ...base, hunks, moreHunks: more, note: null };
}
