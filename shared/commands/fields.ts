import * as z from 'zod/mini';

/** Fields most commands share. */
export const path = () => z.string().check(z.minLength(1), z.maxLength(4096));
/** Every repository-scoped command names its repository by an absolute path of its main checkout. */
export const repo = path;
export const id = () => z.string().check(z.minLength(1), z.maxLength(12));
