import type { CouncilErrorData, ErrorCode } from '../../shared/errors';

/** The one error type the core throws on purpose. Its code is from the contract's closed set. */
export class CouncilError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = 'CouncilError';
    this.code = code;
    this.details = details;
  }
}

export const invalidInput = (message: string, details?: Record<string, unknown>): CouncilError =>
  new CouncilError('invalid-input', message, details);
export const notFound = (message: string, details?: Record<string, unknown>): CouncilError =>
  new CouncilError('not-found', message, details);
export const conflict = (message: string, details?: Record<string, unknown>): CouncilError =>
  new CouncilError('conflict', message, details);

/** Turns anything thrown into the contract's error value; unknown errors become `internal`. */
export function toErrorData(err: unknown): CouncilErrorData {
  if (err instanceof CouncilError) {
    return err.details ? { code: err.code, message: err.message, details: err.details } : { code: err.code, message: err.message };
  }
  const message = err instanceof Error ? err.message : String(err);
  return { code: 'internal', message };
}
