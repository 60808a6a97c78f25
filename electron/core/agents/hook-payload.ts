import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import path from 'node:path';
import { shellWriteTargets } from './shell-writes';

/**
 * What an agent CLI's hooks receive on stdin, reduced to what we need: for the lock hook, the
 * folder the agent works in and the files the tool call is about to change; for the status hooks,
 * the file just edited, the notification's text, the last message. No repository, and no file
 * system but where shell-writes.ts asks whether a `cp`/`mv` target is a folder (see tests/support/model-server/fixtures/<cli>-*-payload.json for the
 * real payloads of each CLI).
 */

export const HOOK_AGENTS = ['claude', 'codex', 'gemini', 'qwen', 'copilot', 'kilo'] as const;
export type HookAgent = (typeof HOOK_AGENTS)[number];

export function isHookAgent(value: string): value is HookAgent {
  return (HOOK_AGENTS as readonly string[]).includes(value);
}

export interface HookTarget {
  /** The agent's working folder, as the CLI reported it. */
  cwd: string;
  /** The tool that is about to run. */
  tool: string;
  /** Every file the call will create, change, delete or move to, as absolute paths. */
  files: string[];
  /**
   * The call runs a shell command: `files` is what a conservative reading of it found
   * (shell-writes.ts), and it may write more; the post-tool guard checks afterwards.
   */
  shell: boolean;
}

export class HookPayloadError extends Error {}

const CLAUDE_EDIT_TOOLS = new Set(['Write', 'Edit', 'MultiEdit', 'NotebookEdit']);
const GEMINI_EDIT_TOOLS = new Set(['write_file', 'replace']);
const CODEX_EDIT_TOOLS = new Set(['apply_patch']);
/** Qwen Code (a Gemini CLI fork with Claude-style hooks): `write_file` and `edit`, both with `file_path`. */
const QWEN_EDIT_TOOLS = new Set(['write_file', 'edit']);
/** Copilot CLI: `create` and `edit`, both with an absolute `path`. */
const COPILOT_EDIT_TOOLS = new Set(['create', 'edit']);
/**
 * Kilo Code (an opencode fork; its council plugin sends Claude-shaped payloads, hooks/kilo.ts):
 * `write`, `edit`, `multiedit` with an absolute `filePath`; `apply_patch` / `patch` with
 * `patchText` (Codex's patch format).
 */
export const KILO_EDIT_TOOLS: ReadonlySet<string> = new Set(['write', 'edit', 'multiedit', 'apply_patch', 'patch']);

/**
 * The shell tools, by the name each CLI's hooks report: Claude Code's Bash; Codex's exec_command
 * (its hooks say `Bash`, in --oss mode too, where it is the only way Codex edits); Gemini's
 * run_shell_command.
 */
export const SHELL_TOOLS: Record<HookAgent, ReadonlySet<string>> = {
  claude: new Set(['Bash']),
  codex: new Set(['Bash', 'exec_command', 'shell', 'shell_command', 'local_shell']),
  gemini: new Set(['run_shell_command']),
  qwen: new Set(['run_shell_command']),
  copilot: new Set(['bash']),
  // Kilo's background_process runs a command too (its `start` and `restart` actions; hooks/kilo.ts
  // asks only for those).
  kilo: new Set(['bash', 'background_process']),
};

/**
 * Copilot CLI's hooks (configured with their camelCase event names) send camelCase payloads:
 * `toolName`, `toolArgs` (an object, or its JSON text), `sessionId`. Read as the snake_case fields
 * the other CLIs send, so one reading serves all.
 */
export function normalizedPayload(agent: HookAgent, payload: unknown): unknown {
  if (agent !== 'copilot' || typeof payload !== 'object' || payload === null || Array.isArray(payload)) return payload;
  const p = payload as Record<string, unknown>;
  let args = p.tool_input ?? p.toolArgs;
  if (typeof args === 'string') {
    try {
      args = JSON.parse(args) as unknown;
    } catch {
      // left as text: tool_input then fails to read as an object, and the lock hook refuses
    }
  }
  return { ...p, tool_name: p.tool_name ?? p.toolName, ...(args === undefined ? {} : { tool_input: args }), session_id: p.session_id ?? p.sessionId };
}

/** A shell tool's command line: a string, or an argv array (Codex's older `shell` tool). */
function shellCommandOf(input: Record<string, unknown>): string {
  const value = input.command ?? input.cmd;
  if (Array.isArray(value) && value.every((part) => typeof part === 'string')) {
    const argv = value as string[];
    // ["bash", "-lc", "<script>"]: the script is what runs.
    return argv.length === 3 && /^-[a-z]*c$/.test(argv[1] as string) ? (argv[2] as string) : argv.map((part) => `'${part.replace(/'/g, `'\\''`)}'`).join(' ');
  }
  return text(value, 'tool_input.command');
}

function record(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new HookPayloadError(`${what} is not a JSON object`);
  return value as Record<string, unknown>;
}

function text(value: unknown, what: string): string {
  if (typeof value !== 'string' || value.trim() === '') throw new HookPayloadError(`${what} is missing or not a string`);
  return value;
}

/**
 * The files an apply_patch text (Codex's edit format) touches: every `*** Add File:`,
 * `*** Update File:`, `*** Delete File:` and `*** Move to:` line, in order, without duplicates,
 * as written (relative to the agent's cwd, or absolute).
 */
export function patchFiles(patch: string): string[] {
  const files: string[] = [];
  for (const raw of patch.split(/\r?\n/)) {
    const match = /^\*\*\* (?:Add File|Update File|Delete File|Move to): (.*)$/.exec(raw.trimStart());
    const file = match?.[1]?.trim();
    if (file && !files.includes(file)) files.push(file);
  }
  return files;
}

function payloadCwd(p: Record<string, unknown>): string {
  const cwd = text(p.cwd, 'cwd');
  if (!path.isAbsolute(cwd)) throw new HookPayloadError(`cwd is not an absolute path: ${cwd}`);
  return cwd;
}

/**
 * The edit a payload describes. Throws HookPayloadError when the payload is not what that CLI
 * sends (the caller fails closed on it). A tool that edits nothing we know of gives `files: []`.
 */
export function parseHookPayload(agent: HookAgent, payload: unknown): HookTarget {
  const p = record(normalizedPayload(agent, payload), 'the hook payload');
  const cwd = payloadCwd(p);
  const tool = text(p.tool_name, 'tool_name');
  const input = record(p.tool_input ?? {}, 'tool_input');
  const resolve = (file: string) => path.resolve(cwd, file);

  let files: string[] = [];
  if (SHELL_TOOLS[agent].has(tool)) {
    // Gemini may run the command in a folder of the workspace (dir_path); Codex in `workdir`.
    const where = typeof input.dir_path === 'string' ? input.dir_path : typeof input.workdir === 'string' ? input.workdir : null;
    const dir = where ? resolve(where) : cwd;
    return { cwd, tool, files: shellWriteTargets(shellCommandOf(input), dir), shell: true };
  }
  if (agent === 'claude' && CLAUDE_EDIT_TOOLS.has(tool)) {
    files = [text(tool === 'NotebookEdit' ? input.notebook_path : input.file_path, tool === 'NotebookEdit' ? 'tool_input.notebook_path' : 'tool_input.file_path')];
  } else if (agent === 'gemini' && GEMINI_EDIT_TOOLS.has(tool)) {
    files = [text(input.file_path, 'tool_input.file_path')];
  } else if (agent === 'codex' && CODEX_EDIT_TOOLS.has(tool)) {
    const patch = text(input.command, 'tool_input.command');
    files = patchFiles(patch);
    // A patch that names no file is one we cannot read: refuse rather than let it through unlocked.
    if (files.length === 0) throw new HookPayloadError('the apply_patch text names no file');
  } else if (agent === 'qwen' && QWEN_EDIT_TOOLS.has(tool)) {
    files = [text(input.file_path, 'tool_input.file_path')];
  } else if (agent === 'copilot' && COPILOT_EDIT_TOOLS.has(tool)) {
    files = [text(input.path, 'tool_input.path')];
  } else if (agent === 'kilo' && KILO_EDIT_TOOLS.has(tool)) {
    if (tool === 'apply_patch' || tool === 'patch') {
      files = patchFiles(text(input.patchText, 'tool_input.patchText'));
      if (files.length === 0) throw new HookPayloadError('the patch text names no file');
    } else {
      files = [text(input.filePath, 'tool_input.filePath')];
    }
  }
  return { cwd, tool, files: [...new Set(files.map(resolve))], shell: false };
}

/*
 * Status hooks: what happened, for the shared context. Events per CLI (payloads in the fixtures):
 *
 *   kind        Claude Code        Codex               Gemini CLI                     Qwen Code          Copilot CLI
 *   post-tool   PostToolUse        PostToolUse         AfterTool                      PostToolUse        postToolUse
 *   notify      Notification       PermissionRequest   Notification (ToolPermission)  Notification       notification (permission_prompt, elicitation_dialog)
 *   stop        Stop               Stop                AfterAgent                     Stop               agentStop (no last message)
 *   prompt      UserPromptSubmit   UserPromptSubmit    BeforeAgent                    UserPromptSubmit   userPromptSubmitted
 */

export type StatusReport =
  /** An edit went through: `files` are absolute (empty when the tool is not one we know). */
  | { kind: 'post-tool'; cwd: string; tool: string; files: string[] }
  /** The agent waits for the user (a permission prompt, a question). */
  | { kind: 'notify'; cwd: string; text: string | null }
  /** The agent's turn ended; `text` is its last message when the CLI gives it. */
  | { kind: 'stop'; cwd: string; text: string | null }
  /** A prompt starts a turn. */
  | { kind: 'prompt'; cwd: string; text: string | null };

export type StatusReportKind = StatusReport['kind'];

const optionalText = (value: unknown): string | null => (typeof value === 'string' && value.trim() !== '' ? value : null);

/** Claude's notifications that do not mean "it waits for you to decide something". */
const CLAUDE_QUIET_NOTIFICATIONS = new Set(['idle_prompt', 'auth_success']);
/**
 * Copilot CLI's agentStop payload has no last message, only `transcriptPath` (its session's
 * events.jsonl): the last main-agent `assistant.message` with text there, read from the file's
 * last 256 KB; null when there is none or it cannot be read.
 */
function lastCopilotMessage(transcript: unknown): string | null {
  if (typeof transcript !== 'string' || !path.isAbsolute(transcript)) return null;
  // Copilot appends the turn's last message to its transcript without waiting for it to be written
  // before it runs the stop hook: on a busy machine the hook can read the file first (seen in CI's
  // suite). When the message is not there yet, look again a few times, 100 ms apart (≤ 1 s; a stop
  // hook holds nothing up but Copilot's exit).
  for (let attempt = 0; ; attempt++) {
    const said = readLastCopilotMessage(transcript);
    if (said !== null || attempt === COPILOT_TRANSCRIPT_RETRIES) return said;
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
  }
}

const COPILOT_TRANSCRIPT_RETRIES = 10;

function readLastCopilotMessage(transcript: string): string | null {
  let tail: string;
  try {
    const fd = openSync(transcript, 'r');
    try {
      const size = fstatSync(fd).size;
      const length = Math.min(size, 256 * 1024);
      const buffer = Buffer.alloc(length);
      readSync(fd, buffer, 0, length, size - length);
      tail = buffer.toString('utf8');
    } finally {
      closeSync(fd);
    }
  } catch {
    return null;
  }
  for (const line of tail.split('\n').reverse()) {
    if (!line.includes('"assistant.message"')) continue;
    try {
      const event = JSON.parse(line) as { type?: unknown; data?: { content?: unknown; parentToolCallId?: unknown } };
      const said = event.type === 'assistant.message' && event.data?.parentToolCallId === undefined ? optionalText(event.data?.content) : null;
      if (said !== null) return said.trim();
    } catch {
      // a partial first line of the tail
    }
  }
  return null;
}

/** Copilot CLI's notifications that mean it waits for the user. */
const COPILOT_WAITING_NOTIFICATIONS = new Set(['permission_prompt', 'elicitation_dialog']);

/**
 * What a status hook's payload reports, or null when it is nothing worth a status change (Claude's
 * "still waiting for your input" reminder after a finished turn, say). Throws HookPayloadError on
 * a payload that is not a JSON object with an absolute cwd (the status hooks ignore it then).
 */
export function parseStatusPayload(agent: HookAgent, kind: StatusReportKind, payload: unknown): StatusReport | null {
  const p = record(normalizedPayload(agent, payload), 'the hook payload');
  const cwd = payloadCwd(p);
  switch (kind) {
    case 'post-tool': {
      const tool = optionalText(p.tool_name) ?? '';
      let files: string[] = [];
      try {
        files = parseHookPayload(agent, payload).files;
      } catch {
        // an edit we cannot read the files of is still activity
      }
      return { kind, cwd, tool, files };
    }
    case 'notify': {
      if ((agent === 'claude' || agent === 'qwen') && CLAUDE_QUIET_NOTIFICATIONS.has(String(p.notification_type))) return null;
      // Copilot also notifies of finished background shells and agents: only these wait for the user.
      if (agent === 'copilot' && !COPILOT_WAITING_NOTIFICATIONS.has(String(p.notification_type))) return null;
      if (agent === 'codex') {
        // PermissionRequest: the tool that asks, and what for (a shell command's justification).
        const input = typeof p.tool_input === 'object' && p.tool_input !== null ? (p.tool_input as Record<string, unknown>) : {};
        const what = optionalText(input.description) ?? optionalText(input.command);
        const tool = optionalText(p.tool_name) ?? 'a tool';
        return { kind, cwd, text: `Codex asks for approval: ${tool}${what ? `: ${what}` : ''}` };
      }
      return { kind, cwd, text: optionalText(p.message) };
    }
    case 'stop':
      if (agent === 'copilot') return { kind, cwd, text: lastCopilotMessage(p.transcriptPath) };
      return { kind, cwd, text: optionalText(agent === 'gemini' ? p.prompt_response : p.last_assistant_message) };
    case 'prompt':
      // Qwen Code also fires UserPromptSubmit, with an empty prompt, when it sends tool results back
      // to the model: no new turn (it would clear a lock refusal the model has not even read yet).
      if (agent === 'qwen' && optionalText(p.prompt) === null) return null;
      return { kind, cwd, text: optionalText(p.prompt) };
  }
}
