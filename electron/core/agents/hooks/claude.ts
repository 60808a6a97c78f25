import type { CouncilCommand } from '../types';
import { CLAUDE_MCP_PERMISSION } from './mcp';
import { hookCommandLine, PRE_TOOL_TIMEOUT_SECONDS, STATUS_TIMEOUT_SECONDS, type HookKind } from './command';

/**
 * Claude Code's hooks for one session, passed as `--settings '<json>'`: Claude merges those
 * settings over the user's own (~/.claude/settings.json and the project's), so nothing is
 * written anywhere and the user's hooks keep running beside ours.
 *
 * Events (Claude Code 2.1): PreToolUse (the lock, fails closed), PostToolUse (after a successful
 * edit only; after a Bash command it also puts back a held file the command changed), Notification (a permission prompt or question, interactive only; an idle reminder
 * is ignored by the hook), Stop (the turn ended), UserPromptSubmit (the user sent a prompt), and
 * SessionStart and UserPromptSubmit again for the digest of the session's peers (`council hook digest`).
 */

/** Every tool Claude Code edits files with, and its shell (Bash: see ../shell-writes.ts, ../shell-guard.ts). */
export const CLAUDE_EDIT_MATCHER = 'Write|Edit|MultiEdit|NotebookEdit|Bash';

interface ClaudeHookGroup {
  matcher?: string;
  hooks: { type: 'command'; command: string; timeout: number }[];
}

export interface ClaudeHookSettings {
  hooks: Partial<Record<'PreToolUse' | 'PostToolUse' | 'Notification' | 'Stop' | 'UserPromptSubmit' | 'SessionStart', ClaudeHookGroup[]>>;
  /** With council's MCP server installed: its tools may be used without asking (hooks/mcp.ts). */
  permissions?: { allow: string[] };
}

/**
 * Which optional parts a session gets: the digest hooks (coordination/digest.ts; default on, off
 * with agents.<preset>.digest false) and, for Claude, the permission for council's MCP tools.
 */
export interface HookChoices {
  digest?: boolean;
  mcp?: boolean;
}

export function claudeHookSettings(council: CouncilCommand, options: HookChoices = {}): ClaudeHookSettings {
  const choices = { digest: options.digest !== false };
  const handler = (kind: HookKind) => ({ type: 'command' as const, command: hookCommandLine(council, kind, 'claude'), timeout: kind === 'pre-tool' ? PRE_TOOL_TIMEOUT_SECONDS : STATUS_TIMEOUT_SECONDS });
  const group = (kinds: HookKind[], matcher?: string): ClaudeHookGroup[] => [{ ...(matcher ? { matcher } : {}), hooks: kinds.map(handler) }];
  return {
    hooks: {
      PreToolUse: group(['pre-tool'], CLAUDE_EDIT_MATCHER),
      // After every tool call (no matcher): a conflict the radar newly predicts with another
      // session, told within the turn (hookSpecificOutput.additionalContext; `council hook notice`).
      PostToolUse: [...group(['post-tool'], CLAUDE_EDIT_MATCHER), ...(choices.digest ? group(['notice']) : [])],
      Notification: group(['notify']),
      Stop: group(['stop']),
      // The digest of the session's peers: its stdout JSON (hookSpecificOutput.additionalContext)
      // is added to the model's context, when the conversation starts and with each prompt.
      UserPromptSubmit: group(choices.digest ? ['prompt', 'digest'] : ['prompt']),
      ...(choices.digest ? { SessionStart: group(['digest']) } : {}),
    },
    // Permission rules from --settings add to the user's own (allow lists are merged).
    ...(options.mcp ? { permissions: { allow: [CLAUDE_MCP_PERMISSION] } } : {}),
  };
}

/** The arguments that install them: `--settings <json>`. */
export function claudeHookArgs(council: CouncilCommand, options: HookChoices = {}): string[] {
  return ['--settings', JSON.stringify(claudeHookSettings(council, options))];
}
