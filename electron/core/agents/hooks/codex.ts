import type { CouncilCommand } from '../types';
import type { HookChoices } from './claude';
import { hookCommandLine, PRE_TOOL_TIMEOUT_SECONDS, STATUS_TIMEOUT_SECONDS, type HookKind } from './command';

/**
 * Codex's hooks for one session, as `-c hooks.<Event>=[…]` overrides on its command line (a
 * "session flags" config layer: the user's ~/.codex/config.toml and hooks.json are not touched,
 * and their own hooks still run beside ours), plus `--dangerously-bypass-hook-trust`: without it
 * Codex silently skips every hook nobody has reviewed in its TUI.
 *
 * Events (Codex 0.169): PreToolUse on `apply_patch` and the shell (the lock, fails closed; the
 * files are in the patch text, or read from the command line), PostToolUse on the same (after a
 * shell command it puts back a held file the command changed), PermissionRequest (Codex is about to ask for an
 * approval: our "needs input"; a hook that says nothing leaves the normal prompt in place),
 * UserPromptSubmit and Stop. Codex has no Notification event.
 */

/**
 * apply_patch, and the shell: Codex's exec_command reaches hooks as `Bash` (in --oss mode it is
 * the only way Codex edits); the other names are its shell tool's in other modes and versions.
 */
export const CODEX_EDIT_MATCHER = '^(apply_patch|Bash|exec_command|shell|shell_command|local_shell)$';

/** A TOML basic string. JSON's escapes are all valid TOML; DEL is the one character TOML wants escaped and JSON does not. */
export function tomlString(value: string): string {
  return JSON.stringify(value).replace(/\x7f/g, '\\u007F');
}

function hookTable(council: CouncilCommand, kinds: HookKind[], matcher: string | null): string {
  const handlers = kinds.map((kind) => {
    const timeout = kind === 'pre-tool' ? PRE_TOOL_TIMEOUT_SECONDS : STATUS_TIMEOUT_SECONDS;
    return `{type="command",command=${tomlString(hookCommandLine(council, kind, 'codex'))},timeout=${timeout}}`;
  });
  return `[{${matcher ? `matcher=${tomlString(matcher)},` : ''}hooks=[${handlers.join(',')}]}]`;
}

/** The arguments that install the hooks (valid for `codex`, `codex exec`, and both `resume`s). */
export function codexHookArgs(council: CouncilCommand, choices: HookChoices = { digest: true }): string[] {
  // The digest (council/digest.ts): Codex adds SessionStart's and UserPromptSubmit's
  // hookSpecificOutput.additionalContext to the model's context (Codex 0.169).
  const events: [string, HookKind[], string | null][] = [
    ['PreToolUse', ['pre-tool'], CODEX_EDIT_MATCHER],
    // After each tool call (all Codex has: patches, shell commands) also the conflict notice (`council hook notice`).
    ['PostToolUse', choices.digest ? ['post-tool', 'notice'] : ['post-tool'], CODEX_EDIT_MATCHER],
    ['PermissionRequest', ['notify'], null],
    ['UserPromptSubmit', choices.digest ? ['prompt', 'digest'] : ['prompt'], null],
    ['Stop', ['stop'], null],
    ...(choices.digest ? ([['SessionStart', ['digest'], null]] as [string, HookKind[], null][]) : []),
  ];
  const args: string[] = [];
  for (const [event, kinds, matcher] of events) args.push('-c', `hooks.${event}=${hookTable(council, kinds, matcher)}`);
  args.push('--dangerously-bypass-hook-trust');
  return args;
}
