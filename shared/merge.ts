import * as z from 'zod/mini';
import { SessionIdSchema } from './ids';

/*
 * The conflict radar (what would collide if these sessions were merged) and the merge queue
 * (finished sessions brought into the base one at a time).
 */

/** How a predicted conflict looks to git: both changed the same lines; both added a file at one
 * path; one changed what the other deleted; a rename on one side clashing with the other. */
export const CONFLICT_KINDS = ['content', 'add/add', 'modify/delete', 'rename', 'other'] as const;
export const ConflictKindSchema = z.enum(CONFLICT_KINDS);
export type ConflictKind = z.infer<typeof ConflictKindSchema>;

export const PredictedConflictSchema = z.object({
  path: z.string(),
  kind: ConflictKindSchema,
  /** git's own line, e.g. "CONFLICT (content): Merge conflict in src/a.ts". */
  message: z.string(),
});
export type PredictedConflict = z.infer<typeof PredictedConflictSchema>;

/** The side a session is compared with: another session, or the current base. */
export const BASE_SIDE = 'base' as const;

export const RadarPairSchema = z.object({
  a: SessionIdSchema,
  /** Another session's id, or "base". */
  b: z.string(),
  /** Files both sides changed (relative to where they meet). */
  overlap: z.array(z.string()),
  conflicts: z.array(PredictedConflictSchema),
});
export type RadarPair = z.infer<typeof RadarPairSchema>;

export const RadarSessionSchema = z.object({
  sessionId: SessionIdSchema,
  /** The commit the prediction used: the branch tip, or a snapshot of it with the uncommitted work. */
  snapshot: z.string(),
  files: z.array(z.string()),
  /** Everything it has is in the base already (merged, and nothing new since): it is in no pair. */
  merged: z.boolean(),
});
export type RadarSession = z.infer<typeof RadarSessionSchema>;

export const RadarSchema = z.object({
  computedAt: z.string(),
  base: z.object({ branch: z.string(), commit: z.string() }),
  sessions: z.array(RadarSessionSchema),
  /** Only pairs with an overlap or a conflict; `b: "base"` pairs say how each session would merge now. */
  pairs: z.array(RadarPairSchema),
  /** Lock owners of the overlapping files. */
  lockOwners: z.record(z.string(), SessionIdSchema),
  /** How long this computation took, and how many pairs it had to run git for (the rest were cached). */
  durationMs: z.number(),
  computedPairs: z.int(),
});
export type Radar = z.infer<typeof RadarSchema>;

/** One place in a file where two sides changed the same lines: each side's lines (and the lines they
 * both started from), with a few unchanged lines around it. Long sections are cut (`clipped`). */
export const ConflictHunkSchema = z.object({
  /** About where it is: the line it starts at in the file as merged with side a's version taken. */
  line: z.int(),
  before: z.array(z.string()),
  a: z.array(z.string()),
  /** What both sides started from (null: git could not say, e.g. both added the file). */
  base: z.nullable(z.array(z.string())),
  b: z.array(z.string()),
  after: z.array(z.string()),
  clipped: z.boolean(),
});
export type ConflictHunk = z.infer<typeof ConflictHunkSchema>;

/** What a side did to the file since the two sides met. */
export const SIDE_CHANGES = ['added', 'modified', 'deleted', 'unchanged'] as const;
export const SideChangeSchema = z.enum(SIDE_CHANGES);
export type SideChange = z.infer<typeof SideChangeSchema>;

/** One file of one radar pair, looked at closely (`radar.fileDetail`): the conflicting hunks. */
export const RadarFileDetailSchema = z.object({
  path: z.string(),
  a: SessionIdSchema,
  /** Another session's id, or "base". */
  b: z.string(),
  /** null: both sides change the file but git merges it cleanly. */
  kind: z.nullable(ConflictKindSchema),
  message: z.nullable(z.string()),
  /** What each side did to the file: [a, b]. */
  changes: z.tuple([SideChangeSchema, SideChangeSchema]),
  hunks: z.array(ConflictHunkSchema),
  /** Conflicting hunks not sent (past the cap). */
  moreHunks: z.int(),
  /** Why there are no hunks to show, in plain words (a binary file, a deletion …); null when there are. */
  note: z.nullable(z.string()),
});
export type RadarFileDetail = z.infer<typeof RadarFileDetailSchema>;

export const MERGE_STRATEGIES = ['merge', 'squash', 'rebase'] as const;
export const MergeStrategySchema = z.enum(MERGE_STRATEGIES);
export type MergeStrategy = z.infer<typeof MergeStrategySchema>;

export const QUEUE_STATES = ['queued', 'checking', 'merging', 'merged', 'parked'] as const;
export const QueueStateSchema = z.enum(QUEUE_STATES);
export type QueueState = z.infer<typeof QueueStateSchema>;

export const QueueEntryIdSchema = z.string().check(z.regex(/^[0-9a-f]{8,16}$/, 'a queue entry id is 8 to 16 hex digits'));

export const QueueEntrySchema = z.object({
  id: QueueEntryIdSchema,
  sessionId: SessionIdSchema,
  /** The session's task when it was queued: the entry still names its work after the session is
   * removed (absent in entries written before it was kept). */
  task: z.optional(z.string()),
  strategy: MergeStrategySchema,
  /** Command run on the merged result before the base moves (null: none). */
  gate: z.nullable(z.string()),
  /** The message of the merge (or squash) commit, as the person wrote it (absent/null: the queue's own). */
  message: z.optional(z.nullable(z.string())),
  state: QueueStateSchema,
  enqueuedAt: z.string(),
  updatedAt: z.string(),
  attempts: z.int(),
  /** Why it is parked, in words (conflict, failed gate, dirty base checkout …). */
  reason: z.nullable(z.string()),
  /** Conflicting files, when it parked on a conflict. */
  files: z.array(z.string()),
  /** The gate's output log (a file beside the queue), and its exit code. */
  gateLog: z.nullable(z.string()),
  gateExitCode: z.nullable(z.int()),
  /** The base before and after: set while merging (for recovery) and once merged. */
  baseBefore: z.nullable(z.string()),
  resultCommit: z.nullable(z.string()),
});
export type QueueEntry = z.infer<typeof QueueEntrySchema>;

export const QueueFileSchema = z.object({ version: z.literal(1), entries: z.array(QueueEntrySchema) });
export type QueueFile = z.infer<typeof QueueFileSchema>;
