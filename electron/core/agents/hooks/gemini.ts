import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { invalidInput } from '../../errors';
import type { CouncilCommand } from '../types';
import type { HookChoices } from './claude';
import { hookCommandLine, PRE_TOOL_TIMEOUT_SECONDS, STATUS_TIMEOUT_SECONDS, type HookKind } from './command';

/**
 * Gemini CLI's hooks for one session. Gemini reads hooks only from settings files (no flag), and
 * we must neither edit the user's ~/.gemini/settings.json nor replace HOME. So each session gets
 * its own GEMINI_CLI_HOME (Gemini's idea of home, for ~/.gemini, ~/.env and ~/.agents only):
 *
 *   <privateDir>/gemini-home/.gemini/<entry>      → a symlink to each entry of the user's ~/.gemini
 *                                                   (oauth_creds.json, google_accounts.json, tmp/, …)
 *   <privateDir>/gemini-home/.gemini/settings.json  the user's settings.json with our hooks merged in
 *   <privateDir>/gemini-home/.env, .agents         → symlinks to the user's, when they exist
 *
 * so their login, gateway, model choice and history apply, and only the settings differ.
 *
 * Events (Gemini CLI 0.61): BeforeTool on write_file|replace|run_shell_command (the lock, fails
 * closed), AfterTool (same matcher; after a shell command it puts back a held file it changed), Notification (a tool waits for the user's approval: "ToolPermission"),
 * BeforeAgent (a prompt starts a turn) and AfterAgent (the turn ended). Timeouts are in
 * milliseconds here.
 */

export const GEMINI_EDIT_MATCHER = 'write_file|replace|run_shell_command';

interface GeminiHookGroup {
  matcher?: string;
  hooks: { type: 'command'; name: string; command: string; timeout: number }[];
}

type GeminiEvent = 'BeforeTool' | 'AfterTool' | 'Notification' | 'BeforeAgent' | 'AfterAgent' | 'SessionStart';

export function geminiHooks(council: CouncilCommand, choices: HookChoices = { digest: true }): Partial<Record<GeminiEvent, GeminiHookGroup[]>> {
  const group = (kinds: HookKind[], matcher?: string): GeminiHookGroup[] => [
    {
      ...(matcher ? { matcher } : {}),
      hooks: kinds.map((kind) => ({
        type: 'command' as const,
        name: `council-${kind}`,
        command: hookCommandLine(council, kind, 'gemini'),
        timeout: (kind === 'pre-tool' ? PRE_TOOL_TIMEOUT_SECONDS : STATUS_TIMEOUT_SECONDS) * 1000,
      })),
    },
  ];
  return {
    BeforeTool: group(['pre-tool'], GEMINI_EDIT_MATCHER),
    // After every tool call: a newly predicted conflict, appended to the tool's result for the model (`council hook notice`).
    AfterTool: [...group(['post-tool'], GEMINI_EDIT_MATCHER), ...(choices.digest ? group(['notice']) : [])],
    Notification: group(['notify']),
    // The digest (council/digest.ts): Gemini appends BeforeAgent's hookSpecificOutput.additionalContext
    // to the prompt (kept in the history), and SessionStart's to the first prompt.
    BeforeAgent: group(choices.digest ? ['prompt', 'digest'] : ['prompt']),
    AfterAgent: group(['stop']),
    ...(choices.digest ? { SessionStart: group(['digest']) } : {}),
  };
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Objects merge key by key, arrays concatenate (the user's entries first), anything else: `extra` wins. */
export function deepMerge(base: unknown, extra: unknown): unknown {
  if (isObject(base) && isObject(extra)) {
    const out: Record<string, unknown> = { ...base };
    for (const [key, value] of Object.entries(extra)) out[key] = key in base ? deepMerge(base[key], value) : value;
    return out;
  }
  if (Array.isArray(base) && Array.isArray(extra)) return [...(base as unknown[]), ...(extra as unknown[])];
  return extra;
}

/**
 * The user's settings with our hooks added to theirs. The hooks system is switched on for the
 * session (the locks depend on it); a user who had switched it off keeps their own hooks off.
 */
export function mergeGeminiSettings(user: Record<string, unknown>, council: CouncilCommand, mcpServers: Record<string, unknown> = {}, choices?: HookChoices): Record<string, unknown> {
  const base: Record<string, unknown> = { ...user };
  const hooksConfig = isObject(user.hooksConfig) ? user.hooksConfig : {};
  if (hooksConfig.enabled === false) delete base.hooks;
  // council's MCP server (hooks/mcp.ts) is added beside the user's own servers.
  const mcp = Object.keys(mcpServers).length > 0 ? { mcpServers } : {};
  return deepMerge(base, { hooksConfig: { enabled: true }, hooks: geminiHooks(council, choices), ...mcp }) as Record<string, unknown>;
}

/**
 * Removes // and /* *\/ comments outside strings (Gemini reads its settings with strip-json-comments).
 */
export function stripJsonComments(text: string): string {
  let out = '';
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    const next = text[i + 1];
    if (inString) {
      out += ch;
      if (ch === '\\') out += text[++i] ?? '';
      else if (ch === '"') inString = false;
    } else if (ch === '"') {
      inString = true;
      out += ch;
    } else if (ch === '/' && next === '/') {
      while (i < text.length && text[i] !== '\n') i++;
      out += '\n';
    } else if (ch === '/' && next === '*') {
      i += 2;
      while (i < text.length && !(text[i] === '*' && text[i + 1] === '/')) i++;
      i++;
      out += ' ';
    } else {
      out += ch;
    }
  }
  return out;
}

/** The user's ~/.gemini/settings.json, or {} when there is none. A broken one is an error naming it. */
export function readUserGeminiSettings(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw invalidInput(`Gemini CLI: cannot read your settings file ${file}: ${(err as Error).message}`);
  }
  if (!text.trim()) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(stripJsonComments(text));
  } catch (err) {
    throw invalidInput(`Gemini CLI: your settings file ${file} is not valid JSON (${(err as Error).message}); fix it, then start the session again.`);
  }
  if (!isObject(parsed)) throw invalidInput(`Gemini CLI: your settings file ${file} is not a JSON object; fix it, then start the session again.`);
  return parsed;
}

export function isSymlink(file: string): boolean {
  try {
    return lstatSync(file).isSymbolicLink();
  } catch {
    return false;
  }
}

export function lexists(file: string): boolean {
  try {
    lstatSync(file);
    return true;
  } catch {
    return false;
  }
}

export function link(target: string, at: string): void {
  const isDir = (() => {
    try {
      return statSync(target).isDirectory();
    } catch {
      return false;
    }
  })();
  // Windows: a junction for folders needs no privilege; files need a real symlink (developer mode).
  symlinkSync(target, at, process.platform === 'win32' && isDir ? 'junction' : isDir ? 'dir' : 'file');
}

export function writeFileAtomic(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text, { mode: 0o600 });
  renameSync(tmp, file);
}

export interface GeminiHomeOptions {
  /** The session's private folder (LaunchContext.privateDir). */
  privateDir: string;
  /** The folder that holds the user's own .gemini (their GEMINI_CLI_HOME if they set one, else HOME). */
  userGeminiHome: string;
  council: CouncilCommand;
  /** council's MCP server for the session (hooks/mcp.ts geminiMcpServers), merged into mcpServers. */
  mcpServers?: Record<string, unknown>;
  /** The optional hooks (default: all). */
  choices?: HookChoices;
}

/** Entries of the user's home (besides .gemini) that Gemini looks up under its home folder. */
const HOME_ENTRIES = ['.env', '.agents'];

/**
 * Builds (again, on every launch: it is idempotent) the session's Gemini home and returns the
 * value for GEMINI_CLI_HOME. Every symlink in it is re-made from the user's current entries; a real
 * file or folder Gemini created there itself (say tmp/, when the user had none) is left alone.
 */
export function prepareGeminiHome(options: GeminiHomeOptions): string {
  const home = path.join(options.privateDir, 'gemini-home');
  const dot = path.join(home, '.gemini');
  const userDot = path.join(options.userGeminiHome, '.gemini');
  mkdirSync(dot, { recursive: true, mode: 0o700 });

  for (const name of HOME_ENTRIES) {
    const at = path.join(home, name);
    if (isSymlink(at)) unlinkSync(at);
    const target = path.join(options.userGeminiHome, name);
    if (existsSync(target) && !lexists(at)) link(target, at);
  }

  for (const name of readdirSync(dot)) {
    const at = path.join(dot, name);
    if (isSymlink(at)) unlinkSync(at);
  }
  let entries: string[] = [];
  try {
    entries = readdirSync(userDot);
  } catch {
    // the user has no ~/.gemini: only our settings then
  }
  for (const name of entries) {
    if (name === 'settings.json') continue;
    const at = path.join(dot, name);
    if (!lexists(at)) link(path.join(userDot, name), at);
  }

  const settings = mergeGeminiSettings(readUserGeminiSettings(path.join(userDot, 'settings.json')), options.council, options.mcpServers, options.choices);
  writeFileAtomic(path.join(dot, 'settings.json'), `${JSON.stringify(settings, null, 2)}\n`);
  return home;
}
