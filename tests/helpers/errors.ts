import { CouncilError } from '../../electron/core/errors';

/** Awaits a call that must fail with a CouncilError, and returns that error for assertions. */
export async function rejection(p: Promise<unknown>): Promise<CouncilError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof CouncilError) return err;
    throw err;
  }
  throw new Error('expected the call to fail');
}
