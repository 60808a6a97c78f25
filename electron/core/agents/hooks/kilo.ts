import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CouncilCommand } from '../types';
import { KILO_EDIT_TOOLS, SHELL_TOOLS } from '../hook-payload';
import { hookCommandLine, PRE_TOOL_TIMEOUT_SECONDS, STATUS_TIMEOUT_SECONDS } from './command';
import { writeFileAtomic } from './gemini';

/**
 * Kilo Code's hooks for one session: a plugin of its own (Kilo is an opencode fork; its plugins
 * are JS modules whose `tool.execute.before` runs before every tool call and refuses it by
 * throwing), written to <privateDir>/kilo-plugin/council.js and named in the `plugin` list of the
 * config Kilo gets in KILO_CONFIG_CONTENT as a file:// URL (merged by Kilo over the user's own
 * config files, whose plugins still load). Nothing is written to the user's ~/.config/kilo or to
 * the worktree, and nothing is installed.
 *
 * Checked with @kilocode/cli 7.7.7 against the scripted model server, offline: a file:// plugin in
 * KILO_CONFIG_CONTENT loads without Kilo installing anything (start-up does not hang); a throw in
 * `tool.execute.before` refuses the call — the tool part ends `status: "error"` with the thrown
 * message as `state.error`, which is also the tool result the model reads — and the run goes on.
 *
 * The plugin runs `council hook pre-tool --agent kilo` (through sh, the same command line every
 * other CLI runs, ending `|| exit 2`) with a Claude-shaped payload on stdin ({session_id, cwd,
 * hook_event_name, tool_name, tool_input}; tool_input is Kilo's own args: `filePath`, `patchText`,
 * `command`, `workdir`; hook-payload.ts reads them) for the tools that change files: write, edit,
 * multiedit, apply_patch, patch, bash, and background_process when it starts a command. It FAILS
 * CLOSED: anything but exit 0 within PRE_TOOL_TIMEOUT_SECONDS — a denial, a crash, no answer, a
 * program that cannot start, an exception of the plugin's own — throws, and the call is refused.
 * The refusal's message starts with KILO_DENIAL_PREFIX so the parser (parsers/kilo.ts) tells a
 * lock refusal from a tool's own error.
 *
 * A plugin Kilo cannot load (a file gone, a newer Kilo whose plugin API changed) is only logged
 * by Kilo, which then runs without it (checked). So the config council gives Kilo also DENIES the
 * `edit` and `bash` permissions (KILO_LOCKED_PERMISSIONS: Kilo then offers the model no write, edit,
 * patch or bash tool at all, and refuses background_process's commands), and the plugin's `config`
 * hook — run by Kilo once it has loaded the plugin, on the config it will use — puts back what the
 * user's own KILO_CONFIG_CONTENT said for them (or drops the keys: Kilo's defaults). No plugin, no
 * edits. The price: permission rules for `edit` and `bash` in the user's Kilo config FILES are not
 * applied in a council session (the headless run's `--auto` approves what they would ask anyway).
 *
 * Status, failing open (each a `council hook <kind> --agent kilo` with its own payload):
 * `tool.execute.after` → post-tool (after a shell command it also puts back a file another session
 * holds that the command changed, and appends what it did to the tool's output, which is what the
 * model reads); `chat.message` → prompt; the `permission.asked` event → notify (the TUI asks the
 * user); the `session.idle` event → stop.
 */

/** Prefix of the message a refused tool call ends with (`state.error` in `--format json`). */
export const KILO_DENIAL_PREFIX = 'Blocked by CLI Council:';

/** Kilo's permissions the config denies until council's plugin has loaded (see above). */
export const KILO_LOCKED_PERMISSIONS = ['edit', 'bash'] as const;

/** The tools the plugin asks the lock hook about. */
export const KILO_GUARDED_TOOLS: readonly string[] = [...KILO_EDIT_TOOLS, ...SHELL_TOOLS.kilo];

export interface KiloPluginChoices {
  /** Report status through the plugin (default true). */
  status?: boolean;
  /** What the user's own KILO_CONFIG_CONTENT set for KILO_LOCKED_PERMISSIONS, put back once the plugin is loaded. */
  userPermissions?: Record<string, unknown>;
}

/** The plugin's source: a self-contained ES module, the command lines baked in as JSON strings. */
export function kiloPluginSource(council: CouncilCommand, choices: KiloPluginChoices = {}): string {
  const status = choices.status !== false;
  const line = (kind: 'pre-tool' | 'post-tool' | 'notify' | 'stop' | 'prompt') => JSON.stringify(hookCommandLine(council, kind, 'kilo'));
  return `// CLI Council's lock hook for Kilo Code (written by council for one session; see hooks/kilo.ts).
import { spawn } from 'node:child_process';

const PRE_TOOL = ${line('pre-tool')};
const STATUS = ${status ? `{ 'post-tool': ${line('post-tool')}, notify: ${line('notify')}, stop: ${line('stop')}, prompt: ${line('prompt')} }` : 'null'};
const GUARDED = new Set(${JSON.stringify(KILO_GUARDED_TOOLS)});
const PREFIX = ${JSON.stringify(KILO_DENIAL_PREFIX)};
const PRE_TOOL_MS = ${PRE_TOOL_TIMEOUT_SECONDS * 1000};
const LOCKED = ${JSON.stringify(KILO_LOCKED_PERMISSIONS)};
const USER_PERMISSIONS = ${JSON.stringify(choices.userPermissions ?? {})};
const STATUS_MS = ${STATUS_TIMEOUT_SECONDS * 1000};

/** Runs a hook command line through sh with the payload on stdin; never rejects. */
function run(command, payload, timeoutMs) {
  return new Promise((resolve) => {
    let child;
    try {
      child = spawn('/bin/sh', ['-c', command], { stdio: ['pipe', 'pipe', 'pipe'], detached: true });
    } catch (error) {
      resolve({ code: null, stdout: '', stderr: '', error: String(error && error.message ? error.message : error) });
      return;
    }
    let stdout = '';
    let stderr = '';
    let settled = false;
    const settle = (result) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ stdout, stderr, ...result });
    };
    const timer = setTimeout(() => {
      try { process.kill(-child.pid, 'SIGKILL'); } catch {}
      settle({ code: null, error: 'no answer within ' + timeoutMs / 1000 + ' s' });
    }, timeoutMs);
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', (error) => settle({ code: null, error: String(error && error.message ? error.message : error) }));
    child.on('close', (code) => settle({ code }));
    child.stdin.on('error', () => {});
    child.stdin.end(JSON.stringify(payload));
  });
}

function reasonOf(result) {
  try {
    const answer = JSON.parse(result.stdout.trim().split('\\n').pop() || '');
    if (answer && typeof answer.reason === 'string' && answer.reason.trim()) return answer.reason.trim();
  } catch {}
  const said = result.stderr.trim();
  if (said) return said.split('\\n').pop();
  if (result.error) return 'the council lock hook could not run (' + result.error + '), so this edit is refused';
  return 'the council lock hook refused this edit (exit ' + result.code + ')';
}

function guarded(tool, args) {
  if (!GUARDED.has(tool)) return false;
  if (tool === 'background_process') return !args || args.action === 'start' || args.action === 'restart' || typeof args.command === 'string';
  return true;
}

export const CouncilLocks = async ({ directory }) => {
  const cwd = directory || process.env.PWD || process.cwd();
  const argsByCall = new Map();
  const report = (kind, payload) => (STATUS ? run(STATUS[kind], { cwd, hook_event_name: kind, ...payload }, STATUS_MS) : Promise.resolve(null));
  return {
    // Loaded: the edit and shell permissions the config denied until now (hooks/kilo.ts) are the user's again.
    config: async (config) => {
      if (!config || typeof config.permission !== 'object' || config.permission === null) return;
      for (const key of LOCKED) {
        if (Object.prototype.hasOwnProperty.call(USER_PERMISSIONS, key)) config.permission[key] = USER_PERMISSIONS[key];
        else delete config.permission[key];
      }
    },
    'tool.execute.before': async (input, output) => {
      let result;
      try {
        const args = output && output.args;
        if (!guarded(input.tool, args)) return;
        argsByCall.set(input.callID, args);
        result = await run(PRE_TOOL, { session_id: input.sessionID, cwd, hook_event_name: 'PreToolUse', tool_name: input.tool, tool_input: args ?? {} }, PRE_TOOL_MS);
      } catch (error) {
        throw new Error(PREFIX + ' the council lock hook failed (' + String(error && error.message ? error.message : error) + '), so this edit is refused');
      }
      if (result.code === 0) return;
      throw new Error(PREFIX + ' ' + reasonOf(result));
    },
    'tool.execute.after': async (input, output) => {
      try {
        if (!STATUS || !GUARDED.has(input.tool)) return;
        const args = input.args ?? argsByCall.get(input.callID) ?? {};
        argsByCall.delete(input.callID);
        const result = await report('post-tool', { session_id: input.sessionID, tool_name: input.tool, tool_input: args });
        if (!result || !result.stdout.trim()) return;
        const told = JSON.parse(result.stdout.trim().split('\\n').pop());
        if (told && told.decision === 'block' && typeof told.reason === 'string' && output) output.output = (typeof output.output === 'string' ? output.output + '\\n\\n' : '') + PREFIX + ' ' + told.reason;
      } catch {}
    },
    'chat.message': async (input, output) => {
      try {
        const parts = (output && Array.isArray(output.parts) ? output.parts : []).filter((p) => p && p.type === 'text' && !p.synthetic);
        const prompt = parts.map((p) => p.text).join('\\n').trim();
        if (prompt) await report('prompt', { session_id: input.sessionID, prompt });
      } catch {}
    },
    event: async ({ event }) => {
      try {
        if (!event || !event.properties) return;
        if (event.type === 'session.idle') await report('stop', { session_id: event.properties.sessionID });
        else if (event.type === 'permission.asked' || event.type === 'permission.updated') await report('notify', { session_id: event.properties.sessionID, message: 'Kilo asks for permission: ' + (event.properties.permission || event.properties.title || event.properties.type || 'a tool') });
      } catch {}
    },
  };
};
`;
}

/** Writes (again, on every launch) the session's plugin and returns its file:// URL, for the config's `plugin` list. */
export function prepareKiloPlugin(privateDir: string, council: CouncilCommand, choices?: KiloPluginChoices): string {
  const dir = path.join(privateDir, 'kilo-plugin');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = path.join(dir, 'council.js');
  writeFileAtomic(file, kiloPluginSource(council, choices));
  return pathToFileURL(file).href;
}
