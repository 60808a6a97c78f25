import { ClaudeParser, type ClaudeDialect } from './claude';

/**
 * Qwen Code headless output (`qwen -p … --output-format stream-json`): Claude Code's stream-json
 * (`system/init` with session_id and model, `assistant` events with `text` and `tool_use` blocks,
 * `user` events with `tool_result` blocks, a final `result` with `permission_denials`), with Qwen's
 * tool names. A PreToolUse hook's refusal comes back as a `tool_result` with `is_error: true`
 * whose content is the hook's reason, and is listed in `permission_denials`.
 *
 * Beware: a model request that failed (a dead server, an HTTP error) is NOT an error there: Qwen
 * prints its notice as the assistant's text, `[API Error: Connection error. (cause: fetch
 * failed)]`, and ends with `subtype: "success"`, `is_error: false` and exit 0. That text fails the
 * run, naming the model server. See tests/support/model-server/fixtures/qwen-*.jsonl.
 */

const API_ERROR = /^\[API Error: ([\s\S]*)\]$/;

export function qwenDialect(modelServer: string | null): ClaudeDialect {
  return {
    label: 'Qwen Code',
    editTools: new Set(['write_file', 'edit']),
    shellTools: new Set(['run_shell_command']),
    apiError(resultText) {
      const detail = API_ERROR.exec(resultText.trim())?.[1]?.trim();
      if (detail === undefined) return null;
      const where = modelServer ? ` at ${modelServer}` : '';
      return `Qwen Code's request to its model server${where} failed: ${detail || 'no detail given'}; check that the server runs and can be reached (OPENAI_BASE_URL)`;
    },
  };
}

export class QwenParser extends ClaudeParser {
  constructor(worktree: string, modelServer: string | null = null) {
    super(worktree, qwenDialect(modelServer));
  }
}
