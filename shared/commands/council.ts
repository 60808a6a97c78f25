import * as z from 'zod/mini';
import { CouncilMessageSchema, PeerConflictSchema, PeersViewSchema, RadarStampSchema } from '../council';
import { InboxMessageSchema } from '../follow-ups';
import { QueueEntrySchema, RadarFileDetailSchema } from '../merge';
import { FileLockSchema } from '../file-lock';
import { AgentPresetIdSchema, AgentRunSchema, RunModeSchema } from '../agents';
import { id, path, repo } from './fields';

/**
 * The council as one session sees it (issue 15): its peers, its predicted conflicts, messages
 * between sessions and the supervisor, its locks claimed ahead of time, its place in the merge
 * queue. The agents' MCP tools (`council mcp`) are a face over these, each seen from the session
 * the server was started for; `id` is that session (an id or a unique prefix).
 */

const messageText = () => z.string().check(z.minLength(1), z.maxLength(8000));

export const councilCommands = {
  /**
   * Every other session (agent, task, status, current file, files changed, locks) and the radar's
   * predicted conflicts with this one, from the shared state alone (no git: milliseconds at 100
   * sessions); the radar as last computed by any process, and how old it is.
   */
  'council.peers': {
    input: z.strictObject({ repo: repo(), id: id() }),
    output: PeersViewSchema,
  },
  /**
   * The radar's predicted conflicts of this session, computed now (git), each conflicting file with
   * both sides' lines where they clash (`details`, the first few files).
   */
  'council.conflicts': {
    input: z.strictObject({ repo: repo(), id: id() }),
    output: z.object({
      radar: RadarStampSchema,
      conflicts: z.array(PeerConflictSchema),
      details: z.array(RadarFileDetailSchema),
      /** Conflicting files whose lines were not included (past the cap). */
      moreFiles: z.int(),
    }),
  },
  /**
   * Locks files for the session before it edits them, all or none: the same rules and the same
   * refusal as the agents' pre-edit hook (a file another session holds is `lock-busy`, naming it).
   */
  'council.claim': {
    input: z.strictObject({ repo: repo(), id: id(), paths: z.array(path()).check(z.minLength(1), z.maxLength(100)), cwd: z.optional(path()) }),
    output: z.object({ claimed: z.array(FileLockSchema) }),
  },
  /**
   * A message to one session, to every other session (`all`) or to the person supervising
   * (`supervisor`). `from` is the sending session (absent: the supervisor). A session's agent gets
   * it as a follow-up does (typed into an interactive agent, queued for a running headless one and
   * read from its inbox or resumed with it when it ends; a finished agent is resumed with a message
   * sent to it alone). Kept in the repository's message log (bounded).
   * For one session from the supervisor: `start` starts an agent with it when the session has none
   * (or its conversation cannot be resumed), as `agent.followUp` does; `unsent: 'refuse'` refuses
   * (and keeps nothing) instead of leaving it in the inbox when no agent can take it (`council send`).
   */
  'council.send': {
    input: z.strictObject({
      repo: repo(),
      from: z.optional(id()),
      to: z.string().check(z.minLength(1), z.maxLength(16)),
      text: messageText(),
      start: z.optional(z.strictObject({ agent: z.optional(AgentPresetIdSchema), mode: RunModeSchema })),
      unsent: z.optional(z.enum(['queue', 'refuse'])),
    }),
    output: z.object({
      message: CouncilMessageSchema,
      deliveries: z.array(
        z.object({
          sessionId: z.string(),
          delivered: z.enum(['terminal', 'resumed', 'queued', 'started', 'logged', 'failed']),
          note: z.string(),
          /** The run that has it (typed into, resumed or started with, or waited for). */
          run: z.optional(z.nullable(AgentRunSchema)),
        }),
      ),
    }),
  },
  /**
   * The session's inbox: the messages and follow-ups sent to it, oldest first. Those still waiting
   * are marked read (delivered this way: its agent will not be resumed with them); `peek` leaves them.
   */
  'council.inbox': {
    input: z.strictObject({ repo: repo(), id: id(), peek: z.optional(z.boolean()) }),
    output: z.object({ messages: z.array(InboxMessageSchema), unread: z.int() }),
  },
  /**
   * The person supervising has seen the messages sent to them (by one session, or all): they stop
   * counting as unread (the app's badges). Answers how many were marked.
   */
  'council.read': {
    input: z.strictObject({ repo: repo(), id: z.optional(id()) }),
    output: z.object({ read: z.int() }),
  },
  /** The repository's message log, newest last: all of it, or what one session sent or got; each
   * delivery with its state now. */
  'council.messages': {
    input: z.strictObject({ repo: repo(), id: z.optional(id()), limit: z.optional(z.int().check(z.gte(1), z.lte(500))) }),
    output: z.array(CouncilMessageSchema),
  },
  /** The session's merge: its latest queue entry (state, reason, conflicting files) and its place in line. */
  'council.merge': {
    input: z.strictObject({ repo: repo(), id: id() }),
    output: z.object({
      entry: z.nullable(QueueEntrySchema),
      /** Its place in line while it waits (0 = next); null otherwise. */
      place: z.nullable(z.int()),
      /** Entries waiting or being merged, in all. */
      waiting: z.int(),
    }),
  },
} as const;

export type CouncilCommandName = keyof typeof councilCommands;
