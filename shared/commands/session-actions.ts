import * as z from 'zod/mini';
import { ChangedFileSchema } from '../models';
import { path, repo, id } from './fields';

/**
 * What a reviewer does to a session (issue 14, item 5): discard an uncommitted change (a file's, or
 * one hunk of it; kept under the session's archive ref first), update the session from its base
 * (merge or rebase, and undo), open its worktree in an editor, terminal or file manager, and see
 * what a merge would land. Committing is `sessions.commit` (sessions.ts).
 */

export const OPEN_TARGETS = ['editor', 'terminal', 'files'] as const;

/** One hunk as the diff showed it: its `@@ … @@` line, and its text (with or without that line). */
export const HunkTextSchema = z.strictObject({
  header: z.string().check(z.minLength(1), z.maxLength(4000)),
  text: z.string().check(z.minLength(1), z.maxLength(2_000_000)),
});

export const DiscardResultSchema = z.object({
  id: z.string(),
  path: z.string(),
  /** The hunk discarded (its header), or null for the whole file. */
  hunk: z.nullable(z.string()),
  outcome: z.enum(['restored', 'deleted', 'hunk-reversed']),
  /** Where the discarded change is kept: a commit on top of HEAD with the file as it was. */
  archivedAs: z.string(),
  archivedCommit: z.string(),
  /** The git command that puts the file back as it was before the discard. */
  restoreCommand: z.string(),
});
export type DiscardResult = z.infer<typeof DiscardResultSchema>;

export const UpdateResultSchema = z.object({
  id: z.string(),
  baseBranch: z.string(),
  strategy: z.enum(['merge', 'rebase']),
  state: z.enum(['updated', 'up-to-date', 'conflict', 'aborted']),
  commitsIn: z.int(),
  /** The conflicted files, left in the worktree (state conflict). */
  files: z.array(z.string()),
  head: z.string(),
  /** A follow-up for the session's agent to resolve the conflict with (state conflict). */
  resolvePrompt: z.nullable(z.string()),
});
export type UpdateResult = z.infer<typeof UpdateResultSchema>;

export const LandingCommitSchema = z.object({ commit: z.string(), subject: z.string(), author: z.string(), time: z.string() });
export type LandingCommit = z.infer<typeof LandingCommitSchema>;

export const sessionActionCommands = {
  /**
   * Discards the uncommitted change of one file in the session's worktree (tracked: back to HEAD;
   * new: deleted), or of one hunk of it (`git apply -R` of that hunk, refused when it no longer
   * applies). The file as it was is first kept under refs/council/archive/<id>/discard-<n>. A hunk
   * is named by its text as a diff showed it (`hunkText`), or by its number as `git diff HEAD --
   * <path>` prints them (`hunk`, 1 first); not both.
   */
  'sessions.discard': {
    input: z.strictObject({ repo: repo(), id: id(), path: path(), hunk: z.optional(z.int().check(z.gte(1), z.lte(100_000))), hunkText: z.optional(HunkTextSchema) }),
    output: DiscardResultSchema,
  },
  /**
   * Brings the base branch into the session's branch in its worktree: `merge` (default) or
   * `rebase`; `abort` undoes an update stopped on conflicts. Refused with uncommitted changes or a
   * running agent. A conflict is left in the worktree (files named, the session marked blocked).
   */
  'sessions.updateFromBase': {
    input: z.strictObject({ repo: repo(), id: id(), strategy: z.optional(z.enum(['merge', 'rebase'])), abort: z.optional(z.boolean()) }),
    output: UpdateResultSchema,
  },
  /** Opens the session's worktree on the host: in the editor, a terminal, or the file manager (settings openEditor, openTerminal, openFileManager). */
  'sessions.open': {
    input: z.strictObject({ repo: repo(), id: id(), target: z.enum(OPEN_TARGETS) }),
    output: z.object({ target: z.enum(OPEN_TARGETS), argv: z.array(z.string()), cwd: z.string(), setting: z.nullable(z.string()), pid: z.nullable(z.int()) }),
  },
  /** What merging the session would land on its base: its commits (newest first), its files (uncommitted work included), and the queue's own messages. */
  'sessions.landing': {
    input: z.strictObject({ repo: repo(), id: id() }),
    output: z.object({
      baseBranch: z.string(),
      commits: z.array(LandingCommitSchema),
      /** More commits than listed. */
      moreCommits: z.int(),
      files: z.array(ChangedFileSchema),
      /** Files with uncommitted changes (the queue commits them first, with the task as the message). */
      uncommitted: z.int(),
      defaultMessages: z.object({ merge: z.string(), squash: z.string() }),
    }),
  },
} as const;
