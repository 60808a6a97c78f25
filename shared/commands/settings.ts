import * as z from 'zod/mini';
import { SettingsSchema } from '../models';
import { AgentPresetIdSchema } from '../agents';
import { MergeStrategySchema } from '../merge';
import { SettingEntrySchema, SettingsScopeSchema, SettingsViewSchema } from '../settings';
import { path, repo } from './fields';

/** Settings: the repository's and the user's. */

export const settingsCommands = {
  'settings.get': {
    input: z.strictObject({ repo: repo() }),
    output: SettingsSchema,
  },
  'settings.update': {
    input: z.strictObject({
      repo: repo(),
      worktreeRoot: z.optional(z.nullable(path())),
      staleAfterMinutes: z.optional(z.int().check(z.gte(1), z.lte(60 * 24 * 30))),
      worktreeInclude: z.optional(z.array(z.string().check(z.minLength(1), z.maxLength(1000))).check(z.maxLength(200))),
      setupCommand: z.optional(z.nullable(z.string().check(z.minLength(1), z.maxLength(4000)))),
      setupTimeoutSeconds: z.optional(z.int().check(z.gte(1), z.lte(24 * 3600))),
      checkCommand: z.optional(z.nullable(z.string().check(z.minLength(1), z.maxLength(4000)))),
      customCommand: z.optional(z.nullable(z.string().check(z.minLength(1), z.maxLength(4000)))),
      defaultAgent: z.optional(z.nullable(AgentPresetIdSchema)),
      concurrency: z.optional(z.int().check(z.gte(1), z.lte(64))),
      maxRetries: z.optional(z.int().check(z.gte(0), z.lte(10))),
      mergeStrategy: z.optional(MergeStrategySchema),
      gateCommand: z.optional(z.nullable(z.string().check(z.minLength(1), z.maxLength(4000)))),
      gateTimeoutSeconds: z.optional(z.int().check(z.gte(1), z.lte(24 * 3600))),
      removeAfterMerge: z.optional(z.boolean()),
    }),
    output: SettingsSchema,
  },
  /**
   * Both scopes of settings (the user's, for every repository, and the repository's overrides),
   * every key's effective value and where it comes from. Without `repo`: the user's scope alone.
   */
  'settings.list': {
    input: z.strictObject({ repo: z.optional(repo()) }),
    output: SettingsViewSchema,
  },
  /** One key (`agents.claude.path`, `agents.claude.env.NAME` …): effective value, source, each scope's. */
  'settings.key': {
    input: z.strictObject({ repo: z.optional(repo()), key: z.string().check(z.minLength(1), z.maxLength(300)) }),
    output: SettingEntrySchema,
  },
  /**
   * Sets and unsets keys in one scope, in one atomic write, validated as a whole: an unknown key or
   * a wrong value is refused naming the key and what it accepts. `unset` hands a key back to the
   * scope below (the user's settings, or the default).
   */
  'settings.change': {
    input: z.strictObject({
      repo: z.optional(repo()),
      scope: SettingsScopeSchema,
      set: z.optional(z.record(z.string().check(z.minLength(1), z.maxLength(300)), z.unknown())),
      unset: z.optional(z.array(z.string().check(z.minLength(1), z.maxLength(300))).check(z.maxLength(500))),
    }),
    output: SettingsViewSchema,
  },
} as const;
