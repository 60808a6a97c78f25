import { unlinkSync } from 'node:fs';
import path from 'node:path';
import * as z from 'zod/mini';
import { MergeStrategySchema } from '../../../shared/merge';
import { readJsonOrNull, writeJson } from '../state/json-store';
import type { Workspace } from '../workspace';

/**
 * The merge engine's write-ahead record of the one merge in progress (there is at most one per
 * repository: the merge lock), beside the queue: `<git common dir>/council/merge-journal.json`.
 *
 * Written with fsync before anything irreversible (the base branch or a checkout of it changing),
 * deleted once the entry is settled. After a crash, recovery reads it to learn which branch was
 * moving, from which commit to which, and whether a checkout of it was being brought along, and
 * with which of our own lock and temporary files, so that it can finish the move or undo it, and
 * never leave the base (or its checkout) half-way.
 */

const CheckoutIntentSchema = z.object({
  /** The working tree that has the base branch checked out, and its git dir (`.git` of the main
   * checkout, `.git/worktrees/<name>` of a linked one). */
  worktree: z.string(),
  gitDir: z.string(),
  /** Our hold on the checkout's `index.lock`: the inode of the file we link there and the token
   * written in it (so recovery removes that lock only if it is still ours), and the name it was
   * created under. */
  lockFile: z.string(),
  lockTemp: z.string(),
  lockIno: z.string(),
  lockToken: z.string(),
  /** The temporary index the checkout is updated through before it replaces the real one. */
  tempIndex: z.string(),
});
export type CheckoutIntent = z.infer<typeof CheckoutIntentSchema>;

/** One entry of a train (several entries landed by one move of the base, see train.ts). */
const LandingRecordSchema = z.object({
  entryId: z.string(),
  sessionId: z.string(),
  strategy: MergeStrategySchema,
  /** The commit this entry was merged onto (the base, or the entry before it in the train). */
  baseBefore: z.string(),
  candidate: z.string(),
});
export type LandingRecord = z.infer<typeof LandingRecordSchema>;

/**
 * The move: `baseBranch` from `baseBefore` to `candidate`. For one entry, `entryId`/`sessionId`/
 * `strategy` are that entry. For a train, `train` lists every entry in order, each with its own
 * commit, and the top-level fields name the last one (whose candidate the base moves to).
 */
const JournalSchema = z.object({
  version: z.literal(1),
  entryId: z.string(),
  sessionId: z.string(),
  strategy: MergeStrategySchema,
  baseBranch: z.string(),
  baseBefore: z.string(),
  candidate: z.string(),
  startedAt: z.string(),
  checkout: z.nullable(CheckoutIntentSchema),
  train: z.optional(z.array(LandingRecordSchema)),
});
export type MergeJournal = z.infer<typeof JournalSchema>;

export const journalFile = (ws: Workspace): string => path.join(ws.paths.dir, 'merge-journal.json');

/** Every entry the journal's move lands, in order. */
export function journalLandings(journal: MergeJournal): LandingRecord[] {
  if (journal.train && journal.train.length > 0) return journal.train;
  const { entryId, sessionId, strategy, baseBefore, candidate } = journal;
  return [{ entryId, sessionId, strategy, baseBefore, candidate }];
}

export function readJournal(ws: Workspace): MergeJournal | null {
  return readJsonOrNull(journalFile(ws), JournalSchema);
}

/** Durable before it returns: the next step may be the irreversible one. */
export function writeJournal(ws: Workspace, journal: MergeJournal): void {
  writeJson(journalFile(ws), JournalSchema.parse(journal), 'fsync');
}

export function deleteJournal(ws: Workspace): void {
  try {
    unlinkSync(journalFile(ws));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}
