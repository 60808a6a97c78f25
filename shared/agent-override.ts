import * as z from 'zod/mini';

/*
 * The settings' per-preset overrides, on their own so that shared/models.ts (the settings model
 * among them) does not load every agent schema: the lock hook, which validates models before every
 * agent edit, needs none of those (shared/agents.ts re-exports this).
 */

/** Per-preset overrides in the settings: a program path, extra arguments, extra environment. */
export const AgentOverrideSchema = z.object({
  path: z.optional(z.string()),
  args: z.optional(z.array(z.string())),
  env: z.optional(z.record(z.string(), z.string())),
  /** Ollama preset: which coding agent drives the local model, and which model. */
  driver: z.optional(z.enum(['codex', 'opencode'])),
  model: z.optional(z.string()),
  /** Ollama preset: the server (default http://127.0.0.1:11434, or OLLAMA_HOST). */
  host: z.optional(z.string()),
  /**
   * How long a model server that does not answer may hold a run up before it fails with a reason
   * naming the server (default 60 s): Claude Code's retries and request timeout are set from it
   * (unless set in the environment), opencode (and Ollama through opencode) is stopped by a watchdog.
   */
  modelTimeoutSeconds: z.optional(z.int().check(z.gte(5), z.lte(3600))),
  /** Claude Code, Codex, Gemini CLI: tell the agent its digest of the other sessions (default true). */
  digest: z.optional(z.boolean()),
});
export type AgentOverride = z.infer<typeof AgentOverrideSchema>;
