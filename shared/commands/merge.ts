import * as z from 'zod/mini';
import { AgentRunSchema } from '../agents';
import { MergeStrategySchema, QueueEntryIdSchema, QueueEntrySchema, RadarFileDetailSchema, RadarSchema } from '../merge';
import { branch, entryRef, repo, id, path } from './fields';

/** The conflict radar and the merge queue. */

/** The merge (or squash) commit's own message (absent or null: the queue's); refused with the rebase strategy. */
const mergeMessage = () => z.optional(z.nullable(z.string().check(z.minLength(1), z.maxLength(20_000))));

export const mergeCommands = {
  /** The conflict radar: overlaps and predicted conflicts between every pair of sessions and the base. */
  'radar.get': {
    /** `base`: compare with this branch (default: the one most sessions were made from). */
    input: z.strictObject({ repo: repo(), base: z.optional(branch()) }),
    output: RadarSchema,
  },
  /**
   * One file of one pair of the live radar, closely: each side's lines where they conflict (git's
   * merge of the two, with the lines both started from), capped. `a`: a session; `b`: another
   * session or "base". The file must be one the radar names for that pair.
   */
  'radar.fileDetail': {
    input: z.strictObject({ repo: repo(), path: path(), a: id(), b: id() }),
    output: RadarFileDetailSchema,
  },
  'queue.list': {
    input: z.strictObject({ repo: repo() }),
    output: z.array(QueueEntrySchema),
  },
  /** Puts a session in the merge queue (strategy and gate default to the settings'). */
  'queue.enqueue': {
    input: z.strictObject({ repo: repo(), id: id(), strategy: z.optional(MergeStrategySchema), gate: z.optional(z.nullable(z.string().check(z.minLength(1), z.maxLength(4000)))), message: mergeMessage() }),
    output: QueueEntrySchema,
  },
  /**
   * Puts a session in the queue and has it merged: by the face's background worker (`runner`: its
   * pid when that is another process), or with `wait` in this process, answering with the outcome
   * (a parked entry is a `conflict` naming why). Progress is told to the caller as it goes.
   */
  'queue.merge': {
    input: z.strictObject({ repo: repo(), id: id(), strategy: z.optional(MergeStrategySchema), gate: z.optional(z.nullable(z.string().check(z.minLength(1), z.maxLength(4000)))), message: mergeMessage(), wait: z.optional(z.boolean()) }),
    output: z.object({
      entry: QueueEntrySchema,
      /** The branch it merges into. */
      baseBranch: z.string(),
      /** Its place in line when queued (0 = next; null once it is no longer waiting). */
      place: z.nullable(z.int()),
      runner: z.nullable(z.int()),
    }),
  },
  'queue.remove': {
    input: z.strictObject({ repo: repo(), entry: entryRef() }),
    output: z.object({ removed: z.boolean(), entry: QueueEntrySchema }),
  },
  /** A parked entry goes back in line; `place` is where (0 = next). */
  'queue.retry': {
    input: z.strictObject({ repo: repo(), entry: entryRef() }),
    output: z.extend(QueueEntrySchema, { place: z.nullable(z.int()) }),
  },
  /** Moves a waiting entry to a place in the line (0 = next). */
  'queue.move': {
    input: z.strictObject({ repo: repo(), entry: entryRef(), index: z.int().check(z.gte(0), z.lte(10_000)) }),
    output: z.array(QueueEntrySchema),
  },
  /** Re-runs a parked entry's session agent to bring in the base and resolve the conflicting files. */
  'queue.resolve': {
    input: z.strictObject({ repo: repo(), entry: QueueEntryIdSchema }),
    output: AgentRunSchema,
  },
  /** The end of a gate's output log (an entry that has no gate has none: not-found). */
  'queue.gateLog': {
    input: z.strictObject({ repo: repo(), entry: entryRef() }),
    output: z.object({ entry: QueueEntryIdSchema, log: z.string(), truncated: z.boolean() }),
  },
} as const;
