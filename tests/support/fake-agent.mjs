#!/usr/bin/env node
// A small deterministic fake agent for fast runner and executor tests: plain Node, no dependencies.
//
// It follows a script, a JSON array of steps, taken from (first found):
//   --script '<json>'   --script-file <path>   the environment variable FAKE_AGENT_SCRIPT (JSON)
// Every other argument is ignored, so it can stand in for a real CLI started with that CLI's flags
// (point a preset's program path at this file and put the script in its environment).
// After the last step it exits 0, once stdout and stderr are written.
//
// Steps (one key each, plus that step's options):
//   {"print": "text"}                 text to stdout as is (add "\n" yourself)
//   {"stderr": "text"}                text to stderr as is
//   {"json": {…}}                     the value as one JSON line on stdout
//   {"claude": "init", "sessionId"?, "model"?}            Claude Code stream-json `system/init`
//   {"claude": "text", "text"}                            an `assistant` text block
//   {"claude": "write", "path", "content", "deny"?}       an `assistant` tool_use Write with an absolute
//       file_path, then writes the file (relative to cwd) and a `user` tool_result; with "deny": "<reason>"
//       the file is left alone and the tool_result is an error with that reason (as after a hook's exit 2)
//       With "hooks": true it runs the PreToolUse (and, once allowed, PostToolUse) hooks of its
//       `--settings '<json>'` argument first, as Claude Code does: each matching hook's command through
//       `sh -c` with the hook's JSON on stdin; an exit 2 refuses the write, its reason (the JSON
//       `reason` on stdout, else stderr) in the tool_result
//   {"claude": "result", "text"?, "error"?, "subtype"?, "costUsd"?}   the final `result` line
//   {"claude": "bash", "command", "hooks"?, "to"?}   an `assistant` tool_use Bash; with "hooks" its PreToolUse
//       hooks first (a refusal skips it), the command through sh -c, then its PostToolUse hooks, whose
//       {"decision":"block","reason"} is added to the tool_result (flagged as an error); with "to" the
//       tool_result ({result, isError}) is also appended to that file
//   {"claude": "hook", "event", "to", "payload"?}   runs every hook of `--settings` for that event
//       (SessionStart, UserPromptSubmit, PostToolUse, …) as Claude Code does (sh -c, the JSON on stdin:
//       session_id, cwd, hook_event_name, plus "payload"), and appends {event, status, stdout, stderr} for
//       each to the file "to" (relative to cwd)
//   {"claude": "mcp", "tool", "arguments"?, "to"}   starts the `council` server of `--mcp-config` (its
//       command, args and env over ours), initializes it, calls the tool, and appends
//       {tool, result} or {tool, error} (one JSON line) to the file "to"; ends the server
//   {"write": {"path", "content"}}    writes a file relative to cwd (folders created)
//   {"rename": {"from", "to"}}        renames a file (relative to cwd): an editor's atomic write
//   {"sleep": ms}
//   {"exit": code}                    exits now with that status
//   {"spawnChild": true | {"pidFile"?, "ownSession"?, "ignoreSigterm"?, "keepOutput"?}}
//       starts a grandchild that sleeps forever (ignoring SIGHUP, like a daemon), waits until it has
//       written its pid to pidFile (default "grandchild.pid", relative to cwd; written once its signal
//       handlers are in place), then prints "grandchild <pid>\n".
//       ownSession (default true) puts it in a session of its own, out of reach of a group signal;
//       keepOutput gives it our stdout and stderr (like a server left running in the background).
//   {"burst": bytes}                  writes `bytes` bytes to stdout as fast as the reader takes them:
//       the decimal numbers 0, 1, 2, … each followed by ".", cut at `bytes` (no newlines, so a
//       terminal passes them unchanged; any byte lost, repeated or reordered shows). The text is
//       built in memory first, so keep bursts to tens of MB.
//   {"echoStdin": true}               prints "echo: <line>\n" for every line of stdin, until a line
//       "end" or the end of input
//   {"waitForInput": "prompt"}        prints the prompt, then waits for one line of stdin
//   {"ignoreSigterm": true}           from now on SIGTERM only prints "SIGTERM ignored\n"
//   {"onSigterm": [{…}, …]}           on SIGTERM prints each value as one JSON line, then dies of the
//       SIGTERM (a CLI that reports a clean end while it is being stopped)
//   {"run": ["program", "arg", …]}    runs a program on the same stdio and waits (e.g. ["stty", "size"])
//   {"printArgv": true}               the arguments it was started with, as one JSON line
//   {"argvTo": "file"}                appends the arguments it was started with, as one JSON line, to
//       the file (relative to cwd): what each of several runs was started with
//   {"stampStdin": "file"}            like echoStdin, and appends {"line", "at"} for each line read to
//       the file, "at" the wall-clock time in ms (fractional) when the line was read
//   {"printEnv": "NAME"}              "NAME=<value>\n" (empty when unset)
//   {"waitFor": "file"}               waits until the file (relative to cwd) exists (a test's cue)
// A malformed script or an unknown step: a message on stderr and exit 2.
import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

function loadScript(argv) {
  const at = (flag) => {
    const i = argv.indexOf(flag);
    return i === -1 ? undefined : argv[i + 1];
  };
  const text = at('--script') ?? (at('--script-file') !== undefined ? readFileSync(at('--script-file'), 'utf8') : process.env.FAKE_AGENT_SCRIPT);
  if (text === undefined) fail('no script: pass --script <json>, --script-file <path> or FAKE_AGENT_SCRIPT');
  let steps;
  try {
    steps = JSON.parse(text);
  } catch (err) {
    fail(`the script is not JSON: ${err.message}`);
  }
  if (!Array.isArray(steps)) fail('the script must be a JSON array of steps');
  return steps;
}

function fail(message) {
  process.stderr.write(`fake-agent: ${message}\n`);
  process.exit(2);
}

/** Writes and waits until the stream has taken it (a pipe's reader may be slower than we are). */
function write(stream, text) {
  return new Promise((resolve, reject) => stream.write(text, (err) => (err ? reject(err) : resolve())));
}

/** Exits once everything written so far is out (process.exit alone may cut a pipe's last writes). */
function exit(code) {
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
  return new Promise(() => {});
}

// stdin as lines, read only once a step asks for input.
let input = null;
function nextLine() {
  if (!input) {
    input = { lines: [], waiting: [], ended: false, partial: '' };
    const push = (line) => {
      const waiter = input.waiting.shift();
      if (waiter) waiter(line);
      else input.lines.push(line);
    };
    process.stdin.setEncoding('utf8');
    process.stdin.on('data', (text) => {
      input.partial += text;
      let newline;
      while ((newline = input.partial.indexOf('\n')) !== -1) {
        push(input.partial.slice(0, newline).replace(/\r$/, ''));
        input.partial = input.partial.slice(newline + 1);
      }
    });
    process.stdin.on('end', () => {
      if (input.partial) push(input.partial);
      input.ended = true;
      for (const waiter of input.waiting.splice(0)) waiter(null);
    });
  }
  if (input.lines.length > 0) return Promise.resolve(input.lines.shift());
  if (input.ended) return Promise.resolve(null);
  return new Promise((resolve) => input.waiting.push(resolve));
}

/** The burst text, built before the first byte goes out so the writing runs at the reader's pace. */
function burstText(bytes) {
  const parts = [];
  let length = 0;
  for (let n = 0; length < bytes; n++) {
    const s = `${n}.`;
    parts.push(s);
    length += s.length;
  }
  return parts.join('').slice(0, bytes);
}

async function burst(bytes) {
  const CHUNK = 64 * 1024;
  const text = burstText(bytes);
  for (let at = 0; at < text.length; at += CHUNK) {
    if (!process.stdout.write(text.slice(at, at + CHUNK))) await new Promise((resolve) => process.stdout.once('drain', resolve));
  }
  await write(process.stdout, '');
}

/**
 * The grandchild writes its own pid file once its signal handlers are in place (written aside and
 * renamed, so nobody reads half of it), and we wait for that: a test that stops the tree right
 * after "grandchild <pid>" then meets a grandchild that really ignores what it should.
 */
async function spawnChild(options) {
  const { pidFile = 'grandchild.pid', ownSession = true, ignoreSigterm = false, keepOutput = false } = options === true ? {} : options;
  const target = path.resolve(pidFile);
  const code = [
    "const fs = require('node:fs');",
    ignoreSigterm ? "process.on('SIGTERM', () => {});" : '',
    "process.on('SIGHUP', () => {});",
    'fs.writeFileSync(process.argv[1] + ".tmp", String(process.pid));',
    'fs.renameSync(process.argv[1] + ".tmp", process.argv[1]);',
    'setInterval(() => {}, 1 << 30);',
  ].join(' ');
  rmSync(target, { force: true });
  const child = spawn(process.execPath, ['-e', code, target], { detached: ownSession, stdio: ['ignore', keepOutput ? 'inherit' : 'ignore', keepOutput ? 'inherit' : 'ignore'] });
  child.unref();
  while (!existsSync(target)) await new Promise((resolve) => setTimeout(resolve, 5));
  return child.pid;
}

/** Claude Code's `--output-format stream-json` lines (as checked against the real CLI's fixtures). */
const claude = { sessionId: 'fake-session-0001', model: 'fake-model', turns: 0, messages: 0, tools: 0, denials: [] };
const assistant = (block) => ({
  type: 'assistant',
  message: { id: `msg_fake_${++claude.messages}`, type: 'message', role: 'assistant', model: claude.model, content: [block], stop_reason: null, usage: { input_tokens: 10, output_tokens: 5 } },
  parent_tool_use_id: null,
  session_id: claude.sessionId,
});
const toolResult = (toolUseId, content, isError) => ({
  type: 'user',
  message: { role: 'user', content: [{ tool_use_id: toolUseId, type: 'tool_result', content, ...(isError ? { is_error: true } : {}) }] },
  parent_tool_use_id: null,
  session_id: claude.sessionId,
});

function claudeLines(step) {
  switch (step.claude) {
    case 'init':
      claude.sessionId = step.sessionId ?? claude.sessionId;
      claude.model = step.model ?? claude.model;
      return [{ type: 'system', subtype: 'init', cwd: process.cwd(), session_id: claude.sessionId, tools: ['Bash', 'Edit', 'Read', 'Write'], mcp_servers: [], model: claude.model, permissionMode: 'acceptEdits', apiKeySource: 'none' }];
    case 'text':
      claude.turns++;
      return [assistant({ type: 'text', text: step.text })];
    case 'write': {
      claude.turns++;
      const filePath = path.resolve(step.path);
      const id = `toolu_fake_${++claude.tools}`;
      const call = assistant({ type: 'tool_use', id, name: 'Write', input: { file_path: filePath, content: step.content } });
      const denied = step.hooks ? runClaudeHooks('PreToolUse', { file_path: filePath, content: step.content }) : null;
      if (denied !== null) {
        claude.denials.push({ tool_name: 'Write', tool_use_id: id, tool_input: { file_path: filePath, content: step.content } });
        return [call, toolResult(id, `PreToolUse:Write hook error: ${denied}`, true)];
      }
      if (step.deny !== undefined) {
        claude.denials.push({ tool_name: 'Write', tool_use_id: id, tool_input: { file_path: filePath, content: step.content } });
        return [call, toolResult(id, `PreToolUse:Write hook error: ${step.deny}`, true)];
      }
      writeFile(step.path, step.content);
      if (step.hooks) runClaudeHooks('PostToolUse', { file_path: filePath, content: step.content });
      return [call, toolResult(id, `File created successfully at: ${filePath}`, false)];
    }
    case 'bash': {
      // A Bash tool call: PreToolUse (a refusal skips the command), the command through sh -c in
      // cwd, then PostToolUse, whose {"decision":"block","reason"} joins the tool's result.
      claude.turns++;
      const id = `toolu_fake_${++claude.tools}`;
      const input = { command: step.command };
      // Out before its hooks run, as Claude Code streams it.
      return write(process.stdout, `${JSON.stringify(assistant({ type: 'tool_use', id, name: 'Bash', input }))}\n`).then(() => bashCall(step, id, input));
    }
    case 'hook':

      runEventHooks(step.event, step.to, step.payload ?? {});
      return [];
    case 'mcp':
      return callMcpTool(step).then(() => []);
    case 'result': {
      const error = step.error === true;
      return [
        {
          type: 'result',
          subtype: step.subtype ?? (error ? 'error_during_execution' : 'success'),
          is_error: error,
          duration_ms: 1,
          num_turns: claude.turns,
          ...(step.text !== undefined ? { result: step.text } : {}),
          session_id: claude.sessionId,
          total_cost_usd: step.costUsd ?? 0.00035,
          usage: { input_tokens: 20, output_tokens: 10 },
          permission_denials: claude.denials,
        },
      ];
    }
    default:
      return fail(`unknown claude step: ${JSON.stringify(step.claude)}`);
  }
}

/** The rest of a "bash" step once its tool_use is out: hooks, the command, the tool_result. */
function bashCall(step, id, input) {
  const denied = step.hooks ? runClaudeHooks('PreToolUse', input, 'Bash', id) : null;
  if (denied !== null) {
    claude.denials.push({ tool_name: 'Bash', tool_use_id: id, tool_input: input });
    return [toolResult(id, `PreToolUse:Bash hook error: ${denied}`, true)];
  }
  const ran = spawnSync('sh', ['-c', step.command], { encoding: 'utf8' });
  const blocked = step.hooks ? runClaudeHooks('PostToolUse', input, 'Bash', id) : null;
  const result = blocked !== null ? `${ran.stdout}PostToolUse:Bash hook: ${blocked}` : ran.stdout;
  if (step.to) appendFileSync(path.resolve(step.to), `${JSON.stringify({ result, isError: blocked !== null })}\n`);
  return [toolResult(id, result, blocked !== null)];
}

/** Runs every hook of `--settings` for `event`, each result appended to `to` (the "hook" step). */
function runEventHooks(event, to, extra) {
  const at = process.argv.indexOf('--settings');
  const settings = at === -1 ? {} : JSON.parse(process.argv[at + 1]);
  const payload = JSON.stringify({ session_id: claude.sessionId, transcript_path: '', cwd: process.cwd(), hook_event_name: event, ...extra });
  for (const group of settings.hooks?.[event] ?? []) {
    for (const hook of group.hooks ?? []) {
      const ran = spawnSync('sh', ['-c', hook.command], { input: payload, encoding: 'utf8', timeout: (hook.timeout ?? 60) * 1000 });
      appendFileSync(path.resolve(to), `${JSON.stringify({ event, command: hook.command, status: ran.status, stdout: ran.stdout, stderr: ran.stderr })}\n`);
    }
  }
}

/** Calls one tool of the `council` MCP server of `--mcp-config` (the "mcp" step), over newline-delimited JSON-RPC. */
async function callMcpTool(step) {
  const at = process.argv.indexOf('--mcp-config');
  if (at === -1) {
    appendFileSync(path.resolve(step.to), `${JSON.stringify({ tool: step.tool, error: 'no --mcp-config' })}\n`);
    return;
  }
  const server = JSON.parse(process.argv[at + 1]).mcpServers.council;
  const child = spawn(server.command, server.args ?? [], { env: { ...process.env, ...(server.env ?? {}) }, stdio: ['pipe', 'pipe', 'inherit'] });
  const waiting = new Map();
  let buffer = '';
  child.stdout.setEncoding('utf8').on('data', (chunk) => {
    buffer += chunk;
    let nl;
    while ((nl = buffer.indexOf('\n')) !== -1) {
      const message = JSON.parse(buffer.slice(0, nl));
      buffer = buffer.slice(nl + 1);
      waiting.get(message.id)?.(message);
    }
  });
  const ended = new Promise((resolve) => child.on('close', () => resolve({ error: { message: 'the MCP server ended' } })));
  const request = (id, method, params) => {
    child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', id, method, params })}\n`);
    return Promise.race([new Promise((resolve) => waiting.set(id, resolve)), ended]);
  };
  let record;
  const init = await request(1, 'initialize', { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'fake-agent', version: '0.0.1' } });
  if (init.error) record = { tool: step.tool, error: init.error.message };
  else {
    child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' })}\n`);
    const called = await request(2, 'tools/call', { name: step.tool, arguments: step.arguments ?? {} });
    record = called.error ? { tool: step.tool, error: called.error.message } : { tool: step.tool, result: called.result };
  }
  appendFileSync(path.resolve(step.to), `${JSON.stringify(record)}\n`);
  child.stdin.end();
  child.kill();
}

/** Runs the hooks of `--settings` for one event of a Write (see "hooks" above); the reason of a refusal, or null. */
function runClaudeHooks(event, toolInput, tool = 'Write', toolUseId = undefined) {
  const at = process.argv.indexOf('--settings');
  const settings = at === -1 ? {} : JSON.parse(process.argv[at + 1]);
  const payload = JSON.stringify({ session_id: claude.sessionId, transcript_path: '', cwd: process.cwd(), permission_mode: 'acceptEdits', hook_event_name: event, tool_name: tool, tool_input: toolInput, ...(toolUseId ? { tool_use_id: toolUseId } : {}) });
  for (const group of settings.hooks?.[event] ?? []) {
    if (group.matcher && !new RegExp(`^(${group.matcher})$`).test(tool)) continue;
    for (const hook of group.hooks ?? []) {
      const ran = spawnSync('sh', ['-c', hook.command], { input: payload, encoding: 'utf8', timeout: (hook.timeout ?? 60) * 1000 });
      if (event === 'PreToolUse' && ran.status === 2) {
        let reason = ran.stderr.trim();
        try {
          reason = JSON.parse(ran.stdout).reason ?? reason;
        } catch {
          // stderr then
        }
        return reason;
      }
      if (event === 'PostToolUse') {
        try {
          const told = JSON.parse(ran.stdout);
          if (told.decision === 'block') return told.reason;
        } catch {
          // nothing said
        }
      }
    }
  }
  return null;
}

function writeFile(file, content) {
  const target = path.resolve(file);
  mkdirSync(path.dirname(target), { recursive: true });
  writeFileSync(target, content);
}

async function runStep(step) {
  if (step === null || typeof step !== 'object' || Array.isArray(step)) return fail(`a step is an object, got ${JSON.stringify(step)}`);
  if ('print' in step) return write(process.stdout, String(step.print));
  if ('stderr' in step) return write(process.stderr, String(step.stderr));
  if ('json' in step) return write(process.stdout, `${JSON.stringify(step.json)}\n`);
  if ('claude' in step) return write(process.stdout, (await claudeLines(step)).map((line) => `${JSON.stringify(line)}\n`).join(''));
  if ('write' in step) return writeFile(step.write.path, step.write.content);
  if ('rename' in step) return renameSync(path.resolve(step.rename.from), path.resolve(step.rename.to));
  if ('sleep' in step) return new Promise((resolve) => setTimeout(resolve, step.sleep));
  if ('exit' in step) return exit(step.exit);
  if ('spawnChild' in step) return write(process.stdout, `grandchild ${await spawnChild(step.spawnChild)}\n`);
  if ('burst' in step) return burst(step.burst);
  if ('echoStdin' in step) {
    for (let line = await nextLine(); line !== null && line !== 'end'; line = await nextLine()) await write(process.stdout, `echo: ${line}\n`);
    return undefined;
  }
  if ('stampStdin' in step) {
    for (let line = await nextLine(); line !== null && line !== 'end'; line = await nextLine()) {
      appendFileSync(path.resolve(step.stampStdin), `${JSON.stringify({ line, at: performance.timeOrigin + performance.now() })}\n`);
      await write(process.stdout, `echo: ${line}\n`);
    }
    return undefined;
  }
  if ('argvTo' in step) {
    appendFileSync(path.resolve(step.argvTo), `${JSON.stringify(process.argv.slice(2))}\n`);
    return undefined;
  }
  if ('waitForInput' in step) {
    await write(process.stdout, String(step.waitForInput));
    return nextLine();
  }
  if ('ignoreSigterm' in step) return process.on('SIGTERM', () => process.stdout.write('SIGTERM ignored\n'));
  if ('onSigterm' in step) {
    const lines = step.onSigterm.map((line) => `${JSON.stringify(line)}\n`).join('');
    return process.once('SIGTERM', () => process.stdout.write(lines, () => process.kill(process.pid, 'SIGTERM')));
  }
  if ('run' in step) {
    const [program, ...args] = step.run;
    const result = spawnSync(program, args, { stdio: 'inherit' });
    if (result.error) fail(`could not run ${program}: ${result.error.message}`);
    return undefined;
  }
  if ('printArgv' in step) return write(process.stdout, `${JSON.stringify(process.argv.slice(2))}\n`);
  if ('waitFor' in step) {
    while (!existsSync(path.resolve(step.waitFor))) await new Promise((resolve) => setTimeout(resolve, 50));
    return undefined;
  }
  if ('printEnv' in step) return write(process.stdout, `${step.printEnv}=${process.env[step.printEnv] ?? ''}\n`);
  // The terminal's size as the agent sees it when it starts drawing (interactive runs).
  if ('printSize' in step) return write(process.stdout, `size ${process.stdout.columns}x${process.stdout.rows}\n`);
  return fail(`unknown step: ${JSON.stringify(step)}`);
}

for (const step of loadScript(process.argv.slice(2))) await runStep(step);
await exit(0);
