import { invalidInput } from '../../errors';
import { KILO_LOCKED_PERMISSIONS, prepareKiloPlugin } from '../hooks/kilo';
import { hookCommandLine } from '../hooks/command';
import { councilMcpServer, opencodeMcp } from '../hooks/mcp';
import { createParser } from '../parsers/index';
import { agentEnv, modelArgs, modelTimeoutMs, overrideArgs, programPreset, resolveProgram, resumeId, taskText } from './launch';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { opencodeModelServer, withCouncilMcp } from './opencode';
import type { AgentPreset, Launch, LaunchContext } from '../types';
import type { ProgramSpec } from './detect';

/**
 * Kilo Code (`kilo`, npm `@kilocode/cli`; an opencode fork). Headless: `kilo run --format json
 * --auto "<task>"` (opencode's JSON events, parsed by parsers/kilo.ts; `--auto` approves what its
 * permissions would otherwise ask about, which `run` would refuse with nobody to ask). Interactive:
 * its TUI on the worktree with the task as `--prompt`. Resume: `--session <id>` (the `sessionID` of
 * its events).
 *
 * Its configuration comes in KILO_CONFIG_CONTENT (Kilo merges it over the user's config files:
 * their provider, model, plugins and MCP servers stay), the user's own inline config kept and
 * extended with:
 * - `plugin`: council's plugin for this session, a file:// URL (../hooks/kilo.ts). Locks are
 *   enforced: its `tool.execute.before` runs `council hook pre-tool --agent kilo` before every
 *   write, edit, patch and shell command and refuses the call unless the hook allows it (fails
 *   closed); after a shell command it puts back a file another session holds.
 * - `mcp`: council's MCP server (`council mcp`, ../hooks/mcp.ts), as for opencode; off with
 *   COUNCIL_MCP=off in agents.kilo.env.
 *
 * Its model: whatever the user configured (a provider in their config, or in their own
 * KILO_CONFIG_CONTENT). A dead model server: Kilo retries on its own (about a minute and a half
 * measured), so the run has its start-up allowance (KILO_STARTUP_ALLOWANCE_MS, 60 s) plus
 * agents.kilo.modelTimeoutSeconds (default 60 s) to show the model's first answer, or it is
 * stopped and fails naming the server (the manager's answer watchdog).
 *
 * Not done: the digest of the session's peers (Kilo has no hook that adds context to a prompt
 * the way Claude's UserPromptSubmit does; a plugin could, through its chat hooks, not tried).
 */

/**
 * Kilo's start-up before its first model request, added to agents.kilo.modelTimeoutSeconds for the
 * answer watchdog (which counts from the spawn): ~20 s idle, over 60 s measured on a busy 2-core
 * machine (it indexes and snapshots the worktree first) — with the 60 s default alone a healthy
 * run failed there as if its model server were dead.
 */
export const KILO_STARTUP_ALLOWANCE_MS = 60_000;

// `kilo --version` starts the 170 MB native binary through a Node wrapper: 5–9 s measured on a busy 2-core machine.
const SPEC: ProgramSpec = { id: 'kilo', label: 'Kilo Code', binary: 'kilo', install: 'npm i -g @kilocode/cli', versionTimeoutMs: 15_000 };

/** The user's own KILO_CONFIG_CONTENT as an object; null when it is set but not a JSON object (refused: council cannot add its plugin to it). */
export function userKiloConfig(env: Record<string, string>): Record<string, unknown> | null {
  if (!env.KILO_CONFIG_CONTENT?.trim()) return {};
  try {
    const parsed = JSON.parse(env.KILO_CONFIG_CONTENT) as unknown;
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** What the user's inline config says for the permissions the lock denies until the plugin is loaded. */
export function userLockedPermissions(config: Record<string, unknown>): Record<string, unknown> {
  const permission = config.permission;
  if (permission === null || typeof permission !== 'object' || Array.isArray(permission)) return {};
  return Object.fromEntries(KILO_LOCKED_PERMISSIONS.filter((key) => key in permission).map((key) => [key, (permission as Record<string, unknown>)[key]]));
}

/**
 * KILO_CONFIG_CONTENT with council's plugin added to the user's `plugin` list and the edit and
 * shell permissions denied (the plugin gives them back once Kilo has loaded it: ../hooks/kilo.ts).
 */
export function withKiloPlugin(env: Record<string, string>, config: Record<string, unknown>, pluginUrl: string): Record<string, string> {
  const own = Array.isArray(config.plugin) ? (config.plugin as unknown[]).filter((p) => p !== pluginUrl) : [];
  const permission = config.permission !== null && typeof config.permission === 'object' && !Array.isArray(config.permission) ? (config.permission as Record<string, unknown>) : typeof config.permission === 'string' ? { '*': config.permission } : {};
  const locked = Object.fromEntries(KILO_LOCKED_PERMISSIONS.map((key) => [key, 'deny']));
  return { ...env, KILO_CONFIG_CONTENT: JSON.stringify({ ...config, plugin: [...own, pluginUrl], permission: { ...permission, ...locked } }) };
}

export const kiloPreset: AgentPreset = programPreset(SPEC, {
  resumes: true,
  locks: 'enforced',
  async launch(ctx: LaunchContext): Promise<Launch> {
    const command = resolveProgram(SPEC, ctx);
    const task = taskText(ctx);
    const worktree = ctx.session.worktreePath;
    const resume = resumeId(ctx);
    const args: string[] = [];
    if (ctx.mode === 'headless') args.push('run', '--format', 'json', '--auto');
    else args.push(worktree);
    if (resume) args.push('--session', resume);
    if (ctx.mode === 'interactive' && task !== null) args.push('--prompt', task);
    args.push(...modelArgs(ctx), ...overrideArgs(ctx));
    if (ctx.mode === 'headless') args.push(task ?? '');
    const inherited = agentEnv(ctx);
    const own = userKiloConfig(inherited);
    if (own === null) throw invalidInput('KILO_CONFIG_CONTENT in the agent\'s environment is not a JSON object, so council cannot add its lock plugin to it: fix or unset it (agents.kilo.env, or your shell)');
    const plugin = prepareKiloPlugin(ctx.privateDir, ctx.council, { userPermissions: userLockedPermissions(own) });
    // The plugin, the locked permissions and the MCP server all go into KILO_CONFIG_CONTENT (opencode's config, under Kilo's name).
    const env = withCouncilMcp(withKiloPlugin(inherited, own, plugin), opencodeMcp(councilMcpServer(ctx)), 'KILO_CONFIG_CONTENT');
    const modelServer = opencodeModelServer(env, 'KILO_CONFIG_CONTENT') ?? kiloModelServer(env, ctx.userHome);
    return {
      command,
      args,
      env,
      cwd: worktree,
      parser: ctx.mode === 'headless' ? createParser('kilo', { worktree, modelServer }) : null,
      lockHook: hookCommandLine(ctx.council, 'pre-tool', 'kilo'),
      answerDeadlineMs: modelTimeoutMs(ctx) + KILO_STARTUP_ALLOWANCE_MS,
      modelServer,
    };
  },
});

/** Kilo's global config files, in the order it reads them (later ones win). */
const GLOBAL_CONFIG_FILES = ['config.json', 'kilo.json', 'kilo.jsonc', 'opencode.json', 'opencode.jsonc'];

/**
 * The base URL of the model's provider from the user's global Kilo config files
 * ($XDG_CONFIG_HOME/kilo or ~/.config/kilo, and KILO_CONFIG), with the inline config on top: for
 * the failure that names the server. Null when it is not there (a project's config, a built-in
 * provider) or a file is not plain JSON (a JSONC file with comments is skipped).
 */
export function kiloModelServer(env: Record<string, string>, userHome: string): string | null {
  const dir = path.join(env.XDG_CONFIG_HOME?.trim() || path.join(env.HOME?.trim() || userHome, '.config'), 'kilo');
  const files = [...GLOBAL_CONFIG_FILES.map((name) => path.join(dir, name)), ...(env.KILO_CONFIG?.trim() ? [env.KILO_CONFIG.trim()] : [])];
  const merged: { model?: unknown; provider: Record<string, unknown> } = { provider: {} };
  const add = (config: unknown) => {
    if (config === null || typeof config !== 'object' || Array.isArray(config)) return;
    const c = config as { model?: unknown; provider?: unknown };
    if (typeof c.model === 'string') merged.model = c.model;
    if (c.provider !== null && typeof c.provider === 'object' && !Array.isArray(c.provider)) Object.assign(merged.provider, c.provider);
  };
  for (const file of files) {
    try {
      if (existsSync(file)) add(JSON.parse(readFileSync(file, 'utf8')));
    } catch {
      // not plain JSON: Kilo reads it, we do not
    }
  }
  try {
    if (env.KILO_CONFIG_CONTENT) add(JSON.parse(env.KILO_CONFIG_CONTENT));
  } catch {
    // checked by the launch
  }
  return opencodeModelServer({ KILO_CONFIG_CONTENT: JSON.stringify(merged) }, 'KILO_CONFIG_CONTENT');
}

