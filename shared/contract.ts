import * as z from 'zod/mini';
import { SessionSchema } from './models';

/**
 * The one contract between the renderer (or the browser host, or the CLI) and the core.
 * Every command takes one object and resolves to a `Result`; every event carries one object.
 * TypeScript types are derived from these schemas; nothing is hand-written in parallel.
 */
export const commands = {
  'app.info': {
    input: z.strictObject({}),
    output: z.object({ version: z.string(), platform: z.string() }),
  },
  'sessions.list': {
    input: z.strictObject({ repo: z.string().check(z.minLength(1)) }),
    output: z.array(SessionSchema),
  },
} as const;

export const events = {
  /** Something under the repo's shared state changed (sessions, locks or context). */
  'state.changed': z.object({ repo: z.string(), kind: z.enum(['sessions', 'locks', 'context', 'settings']) }),
} as const;

export type CommandName = keyof typeof commands;
export type EventName = keyof typeof events;
export type CommandInput<C extends CommandName> = z.input<(typeof commands)[C]['input']>;
export type CommandOutput<C extends CommandName> = z.infer<(typeof commands)[C]['output']>;
export type EventPayload<E extends EventName> = z.infer<(typeof events)[E]>;

export const COMMAND_NAMES = Object.keys(commands) as CommandName[];
export const EVENT_NAMES = Object.keys(events) as EventName[];

/** IPC channel names: one for all commands (the command name travels in the message), one per event. */
export const INVOKE_CHANNEL = 'council:invoke';
export const eventChannel = (name: EventName): string => `council:event:${name}`;
