import * as z from 'zod/mini';

/** Short session id: lower-case hex. A unique prefix of it is accepted wherever an id is asked for. */
export const SessionIdSchema = z.string().check(z.regex(/^[0-9a-f]{4,12}$/, 'a session id is 4 to 12 hex digits'));
export type SessionId = z.infer<typeof SessionIdSchema>;
