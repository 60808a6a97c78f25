import * as z from 'zod/mini';
import { RecentRepoSchema, RepoInfoSchema } from '../models';
import { path } from './fields';

/** The app itself and which repository it works on. */

export const appCommands = {
  'app.info': {
    input: z.strictObject({}),
    output: z.object({
      version: z.string(),
      platform: z.string(),
      /** Which front end serves this renderer: the desktop app, or the browser host. */
      host: z.enum(['electron', 'browser']),
    }),
  },
  /** Opens a repository (any folder inside it); remembers it among the recent ones. */
  'repo.open': {
    input: z.strictObject({ path: path() }),
    output: RepoInfoSchema,
  },
  'repo.recent': {
    input: z.strictObject({}),
    output: z.array(RecentRepoSchema),
  },
  /** The native folder picker (desktop app only). null when the user cancelled. */
  'repo.pickFolder': {
    input: z.strictObject({}),
    output: z.object({ path: z.nullable(z.string()) }),
  },
} as const;
