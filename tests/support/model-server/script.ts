import { existsSync } from 'node:fs';
import path from 'node:path';

/**
 * What the scripted "model" does, one entry per step of the conversation. The server turns each
 * step into the right reply for the protocol the CLI speaks (a tool call, a text, or a failure),
 * waits for the tool result in the CLI's next request, then moves on to the next step.
 *
 * Paths are relative to the agent's working directory (the server finds it in the request).
 */
export type ScriptStep =
  /** Create or overwrite a file (Claude: Write, Codex: apply_patch, Gemini: write_file). */
  | { write: { path: string; content: string } }
  /** Read a file (Claude: Read, Gemini: read_file; Codex has no read tool: skipped). */
  | { read: { path: string } }
  /** Run a shell command (Claude: Bash, Codex: exec_command, Gemini: run_shell_command, opencode: bash). */
  | { shell: string }
  /** A final answer: ends the agent's turn, so it belongs last. */
  | { text: string }
  /** Call any tool the CLI offers by its exact name (an MCP server's, e.g. Claude's `mcp__council__peers`). */
  | { tool: { name: string; input: Record<string, unknown> } }
  /** Fail this request, and every retry of it: an HTTP error status, or a dropped connection. */
  | { fail: { status: number; message?: string } | 'close' };

export type Script = ScriptStep[];

/** One script for every conversation, or one per agent working directory (several agents on one server). */
export type ScriptSource = Script | ((cwd: string) => Script);

/** One model reply, after a protocol has expanded the script (e.g. Claude reads before it overwrites). */
export type Action =
  | { kind: 'write'; path: string; content: string }
  | { kind: 'read'; path: string }
  | { kind: 'shell'; command: string }
  | { kind: 'text'; text: string }
  | { kind: 'tool'; name: string; input: Record<string, unknown> }
  | { kind: 'fail'; status: number; message: string }
  | { kind: 'close' };

/** The reply when the script has run out: a harmless final answer rather than a loop. */
export const SCRIPT_END: Action = { kind: 'text', text: 'Done (end of script).' };

/**
 * Expands the script for one protocol, once per conversation. `readBeforeOverwrite`: Claude Code
 * refuses to overwrite a file it has not read in the same run, so a write to an existing file
 * becomes Read then Write. `canRead`: Codex has no read tool (it would use a shell), so reads are
 * dropped there.
 */
export function planActions(script: Script, cwd: string, options: { readBeforeOverwrite: boolean; canRead: boolean }): Action[] {
  const actions: Action[] = [];
  for (const step of script) {
    if ('write' in step) {
      const exists = existsSync(path.resolve(cwd, step.write.path));
      const alreadyRead = actions.some((a) => a.kind === 'read' && a.path === step.write.path);
      if (options.readBeforeOverwrite && exists && !alreadyRead) actions.push({ kind: 'read', path: step.write.path });
      actions.push({ kind: 'write', path: step.write.path, content: step.write.content });
    } else if ('read' in step) {
      if (options.canRead) actions.push({ kind: 'read', path: step.read.path });
    } else if ('shell' in step) {
      actions.push({ kind: 'shell', command: step.shell });
    } else if ('text' in step) {
      actions.push({ kind: 'text', text: step.text });
    } else if ('tool' in step) {
      actions.push({ kind: 'tool', name: step.tool.name, input: step.tool.input });
    } else if (step.fail === 'close') {
      actions.push({ kind: 'close' });
    } else {
      actions.push({ kind: 'fail', status: step.fail.status, message: step.fail.message ?? 'Scripted failure.' });
    }
  }
  return actions;
}

/** A tool result the CLI sent back to the model, in one shape for every protocol. */
export interface ToolResult {
  callId: string;
  /** The tool's name when the protocol carries it with the result (Gemini), else undefined. */
  name?: string;
  /** Whether the CLI flagged the result as an error; undefined when the protocol has no such flag (Codex). */
  isError?: boolean;
  text: string;
}

export type Protocol = 'anthropic' | 'openai-responses' | 'openai-chat' | 'gemini';

/** Every request the server saw, for assertions. */
export interface RecordedRequest {
  protocol: Protocol | 'unknown';
  /** `turn`: a main-agent request (has the tools); `side`: a tool-less side query; `routing`: Gemini's model router. */
  kind: 'turn' | 'side' | 'routing' | 'probe' | 'other';
  method: string;
  url: string;
  body: unknown;
  /** The tool results that arrived with this request (those after the model's last turn). */
  toolResults: ToolResult[];
  /** The action the server answered with (turn requests only). */
  answered?: Action;
}

/** The first capture group of `pattern` in `text`, trimmed, or undefined. */
export function extract(text: string, pattern: RegExp): string | undefined {
  return pattern.exec(text)?.[1]?.trim();
}

/** Picks the first of `candidates` that the CLI offers as a tool, or throws a message naming both lists. */
export function pickTool(offered: string[], candidates: string[]): string {
  const found = candidates.find((name) => offered.includes(name));
  if (!found) throw new Error(`The CLI offers none of the tools [${candidates.join(', ')}]; it offers [${offered.join(', ')}].`);
  return found;
}
