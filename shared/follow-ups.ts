import * as z from 'zod/mini';

/*
 * Follow-ups (issue 14, item 2): a prompt sent to a session's agent after it started. How one was
 * delivered, and the inbox each session has in the repository's shared state, through which a
 * process that does not host the agent (`council send`, a second app) reaches the one that does.
 */

/**
 * - `terminal`: typed and submitted in the terminal of the running interactive agent;
 * - `resumed`: the ended agent was started again on its own conversation with the follow-up as its prompt;
 * - `queued`: kept in the session's inbox for the process that hosts its agent (a headless agent
 *   gets it when it ends, resumed with it; an interactive one in another process as soon as it looks);
 * - `started`: the session had no agent; one was started with the follow-up as its prompt.
 */
export const FOLLOW_UP_DELIVERIES = ['terminal', 'resumed', 'queued', 'started'] as const;
export const FollowUpDeliverySchema = z.enum(FOLLOW_UP_DELIVERIES);
export type FollowUpDelivery = z.infer<typeof FollowUpDeliverySchema>;

/**
 * `read`: the agent read it from its inbox itself (the council MCP tool), so nothing else delivers
 * it. `held`: kept for the agent to read there, never typed in or resumed with (a peer's message
 * that must not resume it, issue 15).
 */
export const INBOX_STATES = ['pending', 'terminal', 'resumed', 'started', 'failed', 'read', 'held'] as const;

/** One follow-up in a session's inbox. */
export const InboxMessageSchema = z.object({
  id: z.string(),
  text: z.string(),
  at: z.string(),
  /** Who sent it: `app` (a window, the browser host) or `cli`. */
  from: z.string(),
  state: z.enum(INBOX_STATES),
  deliveredAt: z.nullable(z.string()),
  /** The run that got it (the one resumed or started with it, or the one whose terminal it went to). */
  runId: z.nullable(z.string()),
  /** Why it could not be delivered (state `failed`). */
  error: z.nullable(z.string()),
});
export type InboxMessage = z.infer<typeof InboxMessageSchema>;

export const InboxFileSchema = z.object({ version: z.literal(1), messages: z.array(InboxMessageSchema) });
export type InboxFile = z.infer<typeof InboxFileSchema>;
