/**
 * What an undone or resolved update from base leaves in the session's context ("the update from
 * main was undone"): how the last action ended, true until the next one (sessions/update-base.ts
 * writes it; ContextStore.update drops it when a later change sets no message of its own). Its own
 * module without imports: the context store is in the CLI's hot bundle, which must not load git.
 */
export const NOTE_PREFIX = 'the update from ';

export const isUpdateNote = (message: string | null): boolean => message !== null && message.startsWith(NOTE_PREFIX) && / was (undone|resolved and committed)$/.test(message);
