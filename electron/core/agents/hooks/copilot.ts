import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { CouncilCommand } from '../types';
import type { HookChoices } from './claude';
import { hookCommandLine, PRE_TOOL_TIMEOUT_SECONDS, STATUS_TIMEOUT_SECONDS, type HookKind } from './command';
import { writeFileAtomic } from './gemini';

/**
 * GitHub Copilot CLI's hooks for one session, as a plugin of its own passed with `--plugin-dir`
 * (a per-run option: nothing is written to the user's ~/.copilot, nothing is installed, and their
 * own hooks — ~/.copilot/hooks, settings.json, the repository's .github/hooks — still run beside
 * ours):
 *
 *   <privateDir>/copilot-plugin/plugin.json
 *   <privateDir>/copilot-plugin/hooks/hooks.json   {"version": 1, "hooks": {"preToolUse": [...], ...}}
 *
 * The events are configured by their camelCase names, so payloads are camelCase (`toolName`,
 * `toolArgs`, `sessionId`; hook-payload.ts reads them). Checked with Copilot CLI 1.0.102 in
 * prompt mode (`-p`): plugin hooks load without trusting the folder; a `preToolUse` hook that
 * exits 2 or answers `{"permissionDecision":"deny"}` refuses the tool (the model reads
 * "Denied by preToolUse hook: <reason>"); one that crashes also refuses; one that outlives its
 * `timeoutSec` is ALLOWED — the lock hook's own deadline (10 s) answers well before ours (15 s).
 *
 * Events: preToolUse on create|edit|bash (the lock), postToolUse (same matcher), notification
 * (only permission prompts and questions mean it waits), userPromptSubmitted (also the digest),
 * agentStop.
 *
 * The digest of the session's peers (`council hook digest`, coordination/digest.ts) comes in on
 * userPromptSubmitted only. Checked with Copilot CLI 1.0.102 against the scripted model server: a
 * camelCase-configured hook's stdout `{"additionalContext": "…"}` (top level) reaches the model —
 * userPromptSubmitted's as a `<system_reminder>` inside that prompt's user message, which stays in
 * the conversation's history when it is resumed; sessionStart's as a message of its own at the top
 * that every start or resume REPLACES (so a digest told there and not repeated on resume would
 * vanish). Claude's shape (`hookSpecificOutput.additionalContext`), and hooks configured with
 * PascalCase names, reach nothing. tests/agents/digest-clis.test.ts proves it with the real CLI.
 */

export const COPILOT_EDIT_MATCHER = 'create|edit|bash';

type CopilotEvent = 'preToolUse' | 'postToolUse' | 'notification' | 'userPromptSubmitted' | 'agentStop';

interface CopilotHook {
  type: 'command';
  bash: string;
  timeoutSec: number;
  matcher?: string;
}

export function copilotHooks(council: CouncilCommand, choices: HookChoices = {}): Record<CopilotEvent, CopilotHook[]> {
  const digest = choices.digest !== false;
  const hook = (kinds: HookKind | HookKind[], matcher?: string): CopilotHook[] =>
    (Array.isArray(kinds) ? kinds : [kinds]).map((kind) => ({
      type: 'command' as const,
      bash: hookCommandLine(council, kind, 'copilot'),
      timeoutSec: kind === 'pre-tool' ? PRE_TOOL_TIMEOUT_SECONDS : STATUS_TIMEOUT_SECONDS,
      ...(matcher ? { matcher } : {}),
    }));
  return {
    preToolUse: hook('pre-tool', COPILOT_EDIT_MATCHER),
    // After every tool call: a newly predicted conflict (`council hook notice`, a top-level additionalContext).
    postToolUse: [...hook('post-tool', COPILOT_EDIT_MATCHER), ...(digest ? hook('notice') : [])],
    notification: hook('notify'),
    userPromptSubmitted: hook(digest ? ['prompt', 'digest'] : ['prompt']),
    agentStop: hook('stop'),
  };
}

/** Writes (again, on every launch) the session's hook plugin and returns its folder, for `--plugin-dir`. */
export function prepareCopilotPlugin(privateDir: string, council: CouncilCommand, choices?: HookChoices): string {
  const dir = path.join(privateDir, 'copilot-plugin');
  mkdirSync(path.join(dir, 'hooks'), { recursive: true, mode: 0o700 });
  writeFileAtomic(path.join(dir, 'plugin.json'), `${JSON.stringify({ name: 'council-locks', version: '1.0.0', description: "CLI Council: this session's file locks and status" }, null, 2)}\n`);
  writeFileAtomic(path.join(dir, 'hooks', 'hooks.json'), `${JSON.stringify({ version: 1, hooks: copilotHooks(council, choices) }, null, 2)}\n`);
  return dir;
}
