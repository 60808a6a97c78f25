import * as z from 'zod/mini';
import { SessionIdSchema } from './ids';
import { ContextStatusSchema } from './models';
import { ConflictKindSchema } from './merge';

/*
 * What one session is told about the others (issue 15): its peers, the conflicts the radar
 * predicts with it, and the messages between sessions and the person supervising. The faces are
 * the agents' MCP tools (`council mcp`), the digests their hooks add, the CLI and the app.
 */

/** How a side changed a file since it left the base (git's letters A, M, D, T in words). */
export const FILE_CHANGES = ['added', 'modified', 'deleted', 'type-changed'] as const;
export const FileChangeSchema = z.enum(FILE_CHANGES);
export type FileChange = z.infer<typeof FileChangeSchema>;

/** One session as its peers see it. */
export const PeerSchema = z.object({
  sessionId: SessionIdSchema,
  /** Its agent preset (null: none recorded). */
  agent: z.nullable(z.string()),
  task: z.string(),
  status: ContextStatusSchema,
  currentFile: z.nullable(z.string()),
  progress: z.nullable(z.string()),
  message: z.nullable(z.string()),
  /** What it changed since it left the base, uncommitted work included, as the radar last saw it
   * (null: the radar has not seen this session yet). */
  filesChanged: z.nullable(z.array(z.string())),
  filesLocked: z.array(z.string()),
  /** No news from it for longer than the stale setting (while it is not done or failed). */
  stale: z.boolean(),
  updatedAt: z.string(),
});
export type Peer = z.infer<typeof PeerSchema>;

/** One file of a predicted conflict or overlap with one other side. */
export const PeerConflictFileSchema = z.object({
  path: z.string(),
  /** How git would conflict there; `overlap`: both change the file but git merges it cleanly. */
  kind: z.union([ConflictKindSchema, z.literal('overlap')]),
  /** git's line for a conflict (null for an overlap). */
  message: z.nullable(z.string()),
  /** What the other side did to the file (null: not known, e.g. the base side). */
  theirChange: z.nullable(FileChangeSchema),
  /** The session holding a lock on the file (null: nobody). */
  lockedBy: z.nullable(SessionIdSchema),
});
export type PeerConflictFile = z.infer<typeof PeerConflictFileSchema>;

/** The radar's prediction for the asking session and one other side. */
export const PeerConflictSchema = z.object({
  /** Another session's id, or "base" (the base branch as it is now). */
  with: z.string(),
  /** The other session's agent and task (null for the base). */
  agent: z.nullable(z.string()),
  task: z.nullable(z.string()),
  files: z.array(PeerConflictFileSchema),
});
export type PeerConflict = z.infer<typeof PeerConflictSchema>;

/** Which radar the answer comes from: when it was computed, against which base (null: none yet). */
export const RadarStampSchema = z.nullable(
  z.object({
    computedAt: z.string(),
    ageMs: z.int(),
    base: z.object({ branch: z.string(), commit: z.string() }),
  }),
);

/** The peers view (`council.peers`): the asking session, every other one, and its predicted conflicts. */
export const PeersViewSchema = z.object({
  self: PeerSchema,
  peers: z.array(PeerSchema),
  /** Pairs with the asking session that conflict or overlap; those with conflicts first. */
  conflicts: z.array(PeerConflictSchema),
  radar: RadarStampSchema,
});
export type PeersView = z.infer<typeof PeersViewSchema>;

/** Who a message is for: a session (id or unique prefix), every other session, or the supervisor. */
export const SUPERVISOR = 'supervisor' as const;
export const ALL_SESSIONS = 'all' as const;

/**
 * What became of a message for one session: typed into its agent's terminal, resumed (or started)
 * with, waiting in its inbox (`queued`), read by its agent from the inbox (`read`), failed; or, for
 * the supervisor, kept in the log (`logged`). The log keeps the state at sending; `council.messages`
 * answers with the state now (the session's inbox says what happened to it since).
 */
export const MESSAGE_DELIVERY_STATES = ['terminal', 'resumed', 'queued', 'started', 'read', 'logged', 'failed'] as const;
export const MessageDeliverySchema = z.object({
  sessionId: z.string(),
  delivered: z.enum(MESSAGE_DELIVERY_STATES),
  note: z.string(),
  /** The session's inbox message that carries it (absent: typed straight into a terminal). */
  inboxId: z.optional(z.string()),
});
export type MessageDelivery = z.infer<typeof MessageDeliverySchema>;

export const CouncilMessageSchema = z.object({
  id: z.string(),
  at: z.string(),
  /** A session id, or who else sent it: `supervisor` (the app), `cli`. */
  from: z.string(),
  /** A session id, `all`, or `supervisor`. */
  to: z.string(),
  text: z.string(),
  /** Its delivery to each session it was for (absent while it is being delivered). */
  deliveries: z.optional(z.array(MessageDeliverySchema)),
  /** For a message to the supervisor: when the person saw it (absent: unread). */
  readAt: z.optional(z.string()),
});
export type CouncilMessage = z.infer<typeof CouncilMessageSchema>;

export const MessageLogSchema = z.object({ version: z.literal(1), messages: z.array(CouncilMessageSchema) });
export type MessageLog = z.infer<typeof MessageLogSchema>;
