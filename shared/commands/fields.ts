import * as z from 'zod/mini';

/** Fields most commands share. */
export const path = () => z.string().check(z.minLength(1), z.maxLength(4096));
/** Every repository-scoped command names its repository by an absolute path of its main checkout. */
export const repo = path;
export const id = () => z.string().check(z.minLength(1), z.maxLength(12));
/** A queue entry as a person names it: its id or a prefix of one, or its session's id (hex digits). */
export const entryRef = () => z.string().check(z.regex(/^[0-9a-f]{1,16}$/, 'an entry id, a prefix of one, or its session id (hex digits)'));
/** A branch name as given (git decides whether it exists). */
export const branch = () => z.string().check(z.minLength(1), z.maxLength(255));
