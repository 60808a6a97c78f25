import { existsSync, mkdirSync, readdirSync, readFileSync, unlinkSync } from 'node:fs';
import path from 'node:path';
import { invalidInput } from '../../errors';
import type { CouncilCommand } from '../types';
import type { HookChoices } from './claude';
import { hookCommandLine, PRE_TOOL_TIMEOUT_SECONDS, STATUS_TIMEOUT_SECONDS, type HookKind } from './command';
import { deepMerge, isSymlink, lexists, link, stripJsonComments, writeFileAtomic } from './gemini';

/**
 * Qwen Code's hooks for one session. Qwen Code (a Gemini CLI fork) takes hooks only from its
 * settings files, in Claude Code's shape (`hooks.PreToolUse[{matcher, hooks:[{type, command,
 * timeout}]}]`, the timeout in milliseconds), and keeps its whole configuration folder where
 * QWEN_HOME says (default ~/.qwen). So each session gets its own QWEN_HOME, like the Gemini
 * preset's GEMINI_CLI_HOME:
 *
 *   <privateDir>/qwen-home/<entry>         → a symlink to each entry of the user's ~/.qwen (or their QWEN_HOME)
 *   <privateDir>/qwen-home/settings.json     the user's settings.json with our hooks (and council's MCP server) merged in
 *
 * so their login, provider, model and history apply, and only the settings differ. HOME itself is
 * unchanged (Qwen still reads ~/.env).
 *
 * Events (Qwen Code 0.15): PreToolUse on write_file|edit|run_shell_command (the lock, fails closed:
 * Qwen reads a hook that crashes or times out as "allow"; exit 2 denies, its stderr goes to the
 * model), PostToolUse (same matcher), Notification (auth notices are ignored by the status hook),
 * UserPromptSubmit (also the digest), Stop, SessionStart (the digest).
 */

export const QWEN_EDIT_MATCHER = 'write_file|edit|run_shell_command';

type QwenEvent = 'PreToolUse' | 'PostToolUse' | 'Notification' | 'UserPromptSubmit' | 'Stop' | 'SessionStart';

interface QwenHookGroup {
  matcher?: string;
  hooks: { type: 'command'; name: string; command: string; timeout: number }[];
}

export function qwenHooks(council: CouncilCommand, choices: HookChoices = {}): Partial<Record<QwenEvent, QwenHookGroup[]>> {
  const digest = choices.digest !== false;
  const group = (kinds: HookKind[], matcher?: string): QwenHookGroup[] => [
    {
      ...(matcher ? { matcher } : {}),
      hooks: kinds.map((kind) => ({
        type: 'command' as const,
        name: `council-${kind}`,
        command: hookCommandLine(council, kind, 'qwen'),
        timeout: (kind === 'pre-tool' ? PRE_TOOL_TIMEOUT_SECONDS : STATUS_TIMEOUT_SECONDS) * 1000,
      })),
    },
  ];
  return {
    PreToolUse: group(['pre-tool'], QWEN_EDIT_MATCHER),
    PostToolUse: group(['post-tool'], QWEN_EDIT_MATCHER),
    Notification: group(['notify']),
    // The digest of the session's peers (coordination/digest.ts): its stdout JSON
    // (hookSpecificOutput.additionalContext) joins the model's context, Claude-style, when the
    // conversation starts and with each prompt (off with agents.qwen.digest false).
    UserPromptSubmit: group(digest ? ['prompt', 'digest'] : ['prompt']),
    Stop: group(['stop']),
    ...(digest ? { SessionStart: group(['digest']) } : {}),
  };
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The user's settings with our hooks added to theirs. Hooks are on for the session (the locks
 * depend on them): a user who had switched them all off (`disableAllHooks`) keeps their own off.
 */
export function mergeQwenSettings(user: Record<string, unknown>, council: CouncilCommand, mcpServers: Record<string, unknown> = {}, choices?: HookChoices): Record<string, unknown> {
  const base: Record<string, unknown> = { ...user };
  if (user.disableAllHooks === true) delete base.hooks;
  delete base.disableAllHooks;
  // council's MCP server (hooks/mcp.ts) is added beside the user's own servers.
  const mcp = Object.keys(mcpServers).length > 0 ? { mcpServers } : {};
  return deepMerge(base, { hooks: qwenHooks(council, choices), ...mcp }) as Record<string, unknown>;
}

/** A Qwen settings file as an object ({} when missing); a broken one is an error naming it. */
export function readQwenSettings(file: string, whose: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw invalidInput(`Qwen Code: cannot read ${whose} settings file ${file}: ${(err as Error).message}`);
  }
  if (!text.trim()) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(stripJsonComments(text));
  } catch (err) {
    throw invalidInput(`Qwen Code: ${whose} settings file ${file} is not valid JSON (${(err as Error).message}); fix it, then start the session again.`);
  }
  if (!isObject(parsed)) throw invalidInput(`Qwen Code: ${whose} settings file ${file} is not a JSON object; fix it, then start the session again.`);
  return parsed;
}

/**
 * Refuses a start whose locks Qwen would switch off: the worktree's own `.qwen/settings.json`
 * (committed to the repository) saying `disableAllHooks`, or `--bare` among the settings' extra
 * arguments (it skips every hook).
 */
export function checkQwenHooksStayOn(worktree: string, args: readonly string[]): void {
  if (args.includes('--bare')) throw invalidInput('Qwen Code: --bare (in agents.qwen.args) skips every hook, so council could not keep its edits off files other sessions hold; remove it.');
  const project = path.join(worktree, '.qwen', 'settings.json');
  if (existsSync(project) && readQwenSettings(project, "the repository's").disableAllHooks === true) {
    throw invalidInput(`Qwen Code: ${project} sets "disableAllHooks": true, which would switch off council's lock hook; remove that setting from the repository's Qwen settings.`);
  }
}

export interface QwenHomeOptions {
  privateDir: string;
  /** The user's own Qwen folder: their QWEN_HOME when set, else ~/.qwen. */
  userQwenDir: string;
  council: CouncilCommand;
  /** council's MCP server for the session (hooks/mcp.ts qwenMcpServers), merged into mcpServers. */
  mcpServers?: Record<string, unknown>;
  /** Which optional hooks (the digest) the session gets. */
  choices?: HookChoices;
}

/**
 * Builds (again, on every launch: it is idempotent) the session's Qwen folder and returns the
 * value for QWEN_HOME. Every symlink in it is re-made from the user's current entries; a real file
 * or folder Qwen created there itself (its projects/ with the chats, when the user had none) is
 * left alone, so a resumed run finds its conversation.
 */
export function prepareQwenHome(options: QwenHomeOptions): string {
  const home = path.join(options.privateDir, 'qwen-home');
  mkdirSync(home, { recursive: true, mode: 0o700 });
  for (const name of readdirSync(home)) {
    const at = path.join(home, name);
    if (isSymlink(at)) unlinkSync(at);
  }
  let entries: string[] = [];
  try {
    entries = readdirSync(options.userQwenDir);
  } catch {
    // the user has no ~/.qwen: only our settings then
  }
  for (const name of entries) {
    if (name === 'settings.json') continue;
    const at = path.join(home, name);
    if (!lexists(at)) link(path.join(options.userQwenDir, name), at);
  }
  const settings = mergeQwenSettings(readQwenSettings(path.join(options.userQwenDir, 'settings.json'), 'your'), options.council, options.mcpServers, options.choices);
  writeFileAtomic(path.join(home, 'settings.json'), `${JSON.stringify(settings, null, 2)}\n`);
  return home;
}
