import * as z from 'zod/mini';
import { FileLockSchema } from '../models';
import { repo } from './fields';

/** File locks between sessions. */

export const lockCommands = {
  'locks.list': {
    input: z.strictObject({ repo: repo() }),
    output: z.array(FileLockSchema),
  },
} as const;
