import * as z from 'zod/mini';
import { ERROR_CODES } from './error-codes';

export { ERROR_CODES, EXIT_CODE_BY_ERROR, type ErrorCode } from './error-codes';

/** The closed set of error codes every command can fail with (error-codes.ts says what each means). */
export const ErrorCodeSchema = z.enum(ERROR_CODES);

export const CouncilErrorDataSchema = z.object({
  code: ErrorCodeSchema,
  message: z.string(),
  details: z.optional(z.record(z.string(), z.unknown())),
});
export type CouncilErrorData = z.infer<typeof CouncilErrorDataSchema>;

export type Result<T> = { ok: true; value: T } | { ok: false; error: CouncilErrorData };
