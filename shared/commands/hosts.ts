import * as z from 'zod/mini';

/**
 * Hosts (issue 17): other machines, reached over SSH, where sessions can run later. A host is
 * named as `ssh NAME` names it (an alias of ~/.ssh/config, a host name, user@address); council
 * never stores a password or a key, only that name and what it found there.
 */

/**
 * An SSH name. Never starting with "-" (ssh would read it as an option: `-oProxyCommand=…`), no
 * spaces, quotes or control characters: the characters of host names, user@host, ssh://…:port,
 * [IPv6] and ssh_config aliases.
 */
export const HostNameSchema = z.string().check(
  z.minLength(1),
  z.maxLength(255),
  z.regex(/^[A-Za-z0-9_[][A-Za-z0-9._@%+:/[\]~-]*$/, 'an SSH name as `ssh NAME` takes it: letters, digits and . _ - @ : % + / [ ] ~, not starting with "-"'),
);

/** A program council needs on the host, as found there. */
export const HostToolSchema = z.object({
  /** Where it is on the host's PATH (as a non-interactive `ssh NAME` sees it); null: not found. */
  path: z.nullable(z.string()),
  /** Its version (e.g. "2.39.5", "20.19.0"); null when not found or not readable. */
  version: z.nullable(z.string()),
  /** Found, and at least the version council needs. */
  ok: z.boolean(),
});

/** An agent CLI found on the host's PATH. */
export const HostAgentSchema = z.object({ preset: z.string(), binary: z.string(), path: z.string() });

/** Council's runtime on a host: a copy of the CLI bundle under ~/.council/runtime/<version>/. */
export const HostRuntimeSchema = z.object({
  version: z.string(),
  /** A digest of the bundle's files: a rebuilt bundle of the same version differs here. */
  build: z.string(),
  /** Its folder on the host (absolute). */
  dir: z.string(),
});

/** What a check of a host found (one SSH connection). */
export const HostCheckSchema = z.object({
  name: HostNameSchema,
  /** The remote user's home, as ssh sessions there see it. */
  home: z.string(),
  /** `uname -sm` there (e.g. "Linux x86_64"); null when unknown. */
  system: z.nullable(z.string()),
  /** The PATH a non-interactive ssh command gets there: where git, node and the agents are looked up. */
  path: z.string(),
  git: HostToolSchema,
  node: HostToolSchema,
  agents: z.array(HostAgentSchema),
  /**
   * tmux there: it holds an interactive agent's terminal, so a dropped connection does not end the
   * agent (home attaches again). Absent in a check made before council looked for it.
   */
  tmux: z.optional(HostToolSchema),
  /** Council runtimes found there (normally none or one). */
  runtimes: z.array(HostRuntimeSchema),
  checkedAt: z.string(),
});

/** A host as council keeps it (the user's hosts file). */
export const HostSchema = z.object({
  name: HostNameSchema,
  addedAt: z.string(),
  /** The last check, at add or `host check`. */
  check: HostCheckSchema,
  /** The runtime council installed there; null once it is gone (never, while the host is listed). */
  runtime: z.nullable(HostRuntimeSchema),
});

/** The hosts file: the user's, for every repository. */
export const HostsFileSchema = z.object({ version: z.literal(1), hosts: z.array(HostSchema) });

export type HostCheck = z.infer<typeof HostCheckSchema>;
export type HostTool = z.infer<typeof HostToolSchema>;
export type HostAgent = z.infer<typeof HostAgentSchema>;
export type HostRuntime = z.infer<typeof HostRuntimeSchema>;
export type Host = z.infer<typeof HostSchema>;
export type HostsFile = z.infer<typeof HostsFileSchema>;

export const hostCommands = {
  /**
   * Checks the host over SSH (git ≥ 2.38, Node ≥ 20.19, the agent CLIs there), installs or updates
   * council's runtime there when its version or build differs, and keeps the host. A host that
   * cannot be reached, refuses the key or lacks git or node is an error naming the host and the fix.
   */
  'host.add': {
    input: z.strictObject({ name: HostNameSchema }),
    output: z.object({
      host: HostSchema,
      /** installed: there was none; updated: another version or build was replaced; up-to-date: nothing sent. */
      runtime: z.enum(['installed', 'updated', 'up-to-date']),
      /** Other versions of council's runtime removed from the host. */
      pruned: z.array(z.string()),
    }),
  },
  /** The hosts kept (no connection is made). */
  'host.list': {
    input: z.strictObject({}),
    output: z.object({ hosts: z.array(HostSchema), file: z.string() }),
  },
  /**
   * Checks a host over one SSH connection (any SSH name, added or not); an added host's record is
   * updated. Missing or too old git or node is an error naming what to install there.
   */
  'host.check': {
    input: z.strictObject({ name: HostNameSchema }),
    output: z.object({ check: HostCheckSchema, added: z.boolean() }),
  },
  /**
   * Removes council's runtime from the host (only ours: folders of ~/.council/runtime holding our
   * manifest), the clones council made there per repository (~/.council/repos), its worktrees
   * folder and what runs left there (~/.council/sessions, guard, tty: logs and scratch, no work),
   * and forgets the host. Refused, nothing removed, while a session lives on the host or a
   * ref in a clone there holds commits that are not at home (each named, with the fix). `forget`:
   * only forget it, touching nothing there (a host that is gone for good).
   */
  'host.remove': {
    input: z.strictObject({ name: HostNameSchema, forget: z.optional(z.boolean()) }),
    /** removed: the runtime folders; clones: the clones, the worktrees folder and the run folders removed there. */
    output: z.object({ name: HostNameSchema, removed: z.array(z.string()), clones: z.array(z.string()), forgotten: z.boolean() }),
  },
} as const;
