import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { type AgentEventInput, AgentEventSchema } from '../../shared/agents';
import { createParser, hasParser, type ParserPreset } from '../../electron/core/agents/parsers/index';
import { repoPath } from '../../electron/core/agents/parsers/common';
import { FIXTURES } from './agent-clis';

// The headless output parsers, on the real transcripts the CLI tests saved
// (tests/support/model-server/fixtures/*.jsonl) plus hand-written lines in the shapes the CLI
// tests show for failures (dead server, HTTP 500).

const REASON = 'src/x.ts is being edited by session 3f2a';
const ANSWER = 'Done: wrote src/x.ts.';

const fixtureLines = (name: string) => readFileSync(path.join(FIXTURES, name), 'utf8').split('\n');
const json = (...events: Record<string, unknown>[]) => events.map((event) => JSON.stringify(event));

/** Every stdout line, then every stderr line, through one parser; each event checked against the schema. */
function parse(preset: ParserPreset, worktree: string, stdout: string[], stderr: string[] = []): AgentEventInput[] {
  const parser = createParser(preset, { worktree });
  expect(parser.errorLine).toBeTypeOf('function');
  const events = [...stdout.flatMap((line) => parser.line(line)), ...stderr.flatMap((line) => parser.errorLine!(line))];
  for (const event of events) expect(AgentEventSchema.safeParse({ ...event, at: '2026-11-24T00:00:00.000Z' }).success, JSON.stringify(event)).toBe(true);
  return events;
}

const kinds = (events: AgentEventInput[]) => events.map((event) => event.kind);

describe('output parsers: robustness', () => {
  const junk = ['', '   ', 'Reading additional input from stdin...', '{"broken', '[1,2,3]', 'null', '42', '"text"', '{"no":"type"}', '{"type":"assistant","message":null}', '{"type":"user","message":{"content":"x"}}', '{"type":"item.completed","item":[]}', '{"type":"item.started"}', '{"type":"tool_result","tool_id":5}', '{"type":"step_finish","part":"x"}'];

  it.each<ParserPreset>(['claude', 'codex', 'gemini', 'opencode'])('%s: lines that are not its JSON give no events and never throw', (preset) => {
    expect(parse(preset, '/w/repo', junk, junk)).toEqual([]);
  });

  it('knows which presets print a format it parses (Ollama: through its driver)', () => {
    // Aider prints text for people; its parser reads only its verdict (parsers/aider.ts).
    expect(['claude', 'codex', 'gemini', 'opencode', 'ollama', 'aider'].every((p) => hasParser(p as ParserPreset))).toBe(true);
    expect(hasParser('custom')).toBe(false);
    expect(() => createParser('custom', { worktree: '/w/repo' })).toThrow(/custom preset has no structured output/);
    // Ollama runs Codex by default, opencode when told to: each gets its driver's parser.
    const codexLine = JSON.stringify({ type: 'thread.started', thread_id: 't-1' });
    const opencodeLine = JSON.stringify({ type: 'step_start', sessionID: 'ses_1', part: {} });
    expect(createParser('ollama', { worktree: '/w/repo' }).line(codexLine)).toEqual([{ kind: 'started', agentSessionId: 't-1', model: null }]);
    expect(createParser('ollama', { worktree: '/w/repo', driver: 'opencode' }).line(opencodeLine)).toEqual([{ kind: 'started', agentSessionId: 'ses_1', model: null }]);
    expect(createParser('ollama', { worktree: '/w/repo', driver: 'opencode' }).line(codexLine)).toEqual([]);
  });

  it('paths are repo-relative inside the worktree, absolute outside it', () => {
    expect(repoPath('/w/repo/src/a.ts', '/w/repo')).toBe('src/a.ts');
    expect(repoPath('/w/repo/src/a.ts', '/w/repo/')).toBe('src/a.ts');
    expect(repoPath('src/a.ts', '/w/repo')).toBe('src/a.ts');
    expect(repoPath('/w/repo/..hidden/a.ts', '/w/repo')).toBe('..hidden/a.ts');
    expect(repoPath('/w/repo-other/a.ts', '/w/repo')).toBe('/w/repo-other/a.ts');
    expect(repoPath('/etc/hosts', '/w/repo')).toBe('/etc/hosts');
    expect(repoPath('/w/repo', '/w/repo')).toBe('.');
  });
});

describe('Claude Code stream-json', () => {
  const worktreeOf = (lines: string[]) => (JSON.parse(lines[0] ?? '{}') as { cwd: string }).cwd;

  it('a write: started, the Write, its file change, the answer, usage, done', () => {
    const lines = fixtureLines('claude-write.jsonl');
    expect(worktreeOf(lines)).toBe('/tmp/council-repo-PGOP0g/demo');
    expect(parse('claude', worktreeOf(lines), lines)).toEqual([
      { kind: 'started', agentSessionId: 'e6dfa561-d217-4787-95ee-40d9ea8d4a0e', model: 'claude-opus-4-8[1m]' },
      { kind: 'tool', tool: 'Write', path: 'src/x.ts' },
      { kind: 'file-changed', path: 'src/x.ts' },
      { kind: 'message', text: ANSWER },
      { kind: 'usage', costUsd: 0.00035, inputTokens: 20, outputTokens: 10 },
      { kind: 'done', text: ANSWER },
    ]);
  });

  it("a hook's refusal: denied with the hook's reason (once, though permission_denials lists it too), no file change", () => {
    const lines = fixtureLines('claude-denied.jsonl');
    expect(parse('claude', worktreeOf(lines), lines)).toEqual([
      { kind: 'started', agentSessionId: '597e55a1-68c6-4d13-b37c-d554a81cfa06', model: 'claude-opus-4-8[1m]' },
      { kind: 'tool', tool: 'Write', path: 'src/x.ts' },
      { kind: 'denied', tool: 'Write', path: 'src/x.ts', reason: REASON },
      { kind: 'message', text: ANSWER },
      { kind: 'usage', costUsd: 0.00035, inputTokens: 20, outputTokens: 10 },
      { kind: 'done', text: ANSWER },
    ]);
  });

  it('a hook that printed {"decision":"block"} (the result holds only the reason): denied from permission_denials', () => {
    const lines = fixtureLines('claude-denied.jsonl');
    const user = JSON.parse(lines[2] ?? '{}') as { message: { content: { content: string }[] } };
    user.message.content[0]!.content = REASON;
    lines[2] = JSON.stringify(user);
    const events = parse('claude', worktreeOf(lines), lines);
    expect(kinds(events)).toEqual(['started', 'tool', 'message', 'denied', 'usage', 'done']);
    expect(events[3]).toEqual({ kind: 'denied', tool: 'Write', path: 'src/x.ts', reason: REASON });
  });

  const result = (fields: Record<string, unknown>) => ({ type: 'result', subtype: 'success', is_error: false, session_id: 's-1', num_turns: 1, total_cost_usd: 0, usage: { input_tokens: 0, output_tokens: 0 }, permission_denials: [], ...fields });

  it('a dead server: is_error with subtype "success" still fails, with the API error as the reason', () => {
    const lines = json(result({ is_error: true, result: 'API Error: Unable to connect to API (ConnectionRefused)' }));
    expect(parse('claude', '/w/repo', lines)).toEqual([
      { kind: 'usage', costUsd: 0, inputTokens: 0, outputTokens: 0 },
      { kind: 'failed', reason: 'API Error: Unable to connect to API (ConnectionRefused)' },
    ]);
  });

  it("an HTTP 500: fails with the server's message", () => {
    const events = parse('claude', '/w/repo', json(result({ is_error: true, result: 'API Error: 500 Scripted outage' })));
    expect(events.at(-1)).toEqual({ kind: 'failed', reason: 'API Error: 500 Scripted outage' });
    expect(kinds(events)).not.toContain('done');
  });

  it('a subtype other than success fails, with its errors or else its subtype as the reason', () => {
    expect(parse('claude', '/w/repo', json(result({ subtype: 'error_max_turns', is_error: true }))).at(-1)).toEqual({ kind: 'failed', reason: 'Claude Code ended with "error_max_turns".' });
    expect(parse('claude', '/w/repo', json(result({ subtype: 'error_during_execution', errors: ['boom', 'bang'] }))).at(-1)).toEqual({ kind: 'failed', reason: 'boom; bang' });
  });

  it("reads, failed edits, files outside the worktree, a subagent's calls (not its words) and cache tokens", () => {
    const assistant = (id: string, name: string, input: Record<string, unknown>) => ({ type: 'assistant', message: { content: [{ type: 'tool_use', id, name, input }] } });
    const toolResult = (id: string, content: unknown, isError = false) => ({ type: 'user', message: { content: [{ type: 'tool_result', tool_use_id: id, content, is_error: isError }] } });
    const lines = json(
      assistant('t1', 'Read', { file_path: '/w/repo/src/a.ts' }),
      toolResult('t1', '1: export const a = 1;'),
      assistant('t2', 'Edit', { file_path: '/w/repo/src/a.ts', old_string: 'nope', new_string: 'x' }),
      toolResult('t2', '<tool_use_error>String to replace not found in file.</tool_use_error>', true),
      assistant('t3', 'Write', { file_path: '/elsewhere/notes.md', content: 'x' }),
      toolResult('t3', [{ type: 'text', text: 'File created successfully' }]),
      { ...assistant('t4', 'Bash', { command: 'ls' }), parent_tool_use_id: 'task-1' },
      toolResult('t4', 'a.ts'),
      { type: 'assistant', parent_tool_use_id: 'task-1', message: { content: [{ type: 'text', text: 'a subagent thinking aloud' }] } },
      result({ result: 'ok', total_cost_usd: 0.5, usage: { input_tokens: 3, cache_creation_input_tokens: 100, cache_read_input_tokens: 1000, output_tokens: 7 } }),
    );
    expect(parse('claude', '/w/repo', lines)).toEqual([
      { kind: 'tool', tool: 'Read', path: 'src/a.ts' },
      { kind: 'tool', tool: 'Edit', path: 'src/a.ts' },
      { kind: 'tool', tool: 'Write', path: '/elsewhere/notes.md' },
      { kind: 'file-changed', path: '/elsewhere/notes.md' },
      { kind: 'tool', tool: 'Bash', path: null },
      { kind: 'usage', costUsd: 0.5, inputTokens: 1103, outputTokens: 7 },
      { kind: 'done', text: 'ok' },
    ]);
  });

  it("a refusal by Claude Code's own permissions (no hook text) is denied with the tool result's words", () => {
    const lines = json(
      { type: 'assistant', message: { content: [{ type: 'tool_use', id: 't1', name: 'Edit', input: { file_path: '/w/repo/a.ts' } }] } },
      { type: 'user', message: { content: [{ type: 'tool_result', tool_use_id: 't1', content: 'Claude requested permissions to write to /w/repo/a.ts, but you have not granted it yet.', is_error: true }] } },
      result({ result: 'stopped', permission_denials: [{ tool_name: 'Edit', tool_use_id: 't1', tool_input: { file_path: '/w/repo/a.ts' } }, { tool_name: 'Bash', tool_use_id: 't2', tool_input: { command: 'rm -rf x' } }] }),
    );
    expect(parse('claude', '/w/repo', lines).filter((event) => event.kind === 'denied')).toEqual([
      { kind: 'denied', tool: 'Edit', path: 'a.ts', reason: 'Claude requested permissions to write to /w/repo/a.ts, but you have not granted it yet.' },
      { kind: 'denied', tool: 'Bash', path: null, reason: "Claude Code's permissions refused Bash." },
    ]);
  });
});

describe('Codex exec --json', () => {
  // What the real Codex printed on stderr in codex-denied (tests/agents/codex.test.ts asserts the
  // "Command blocked by PreToolUse hook: <reason>" part of it).
  const DENIED_STDERR = [
    'Reading additional input from stdin...',
    `2026-11-24T01:55:07.296915Z ERROR codex_core::tools::router: error=Command blocked by PreToolUse hook: ${REASON}. Command: *** Begin Patch`,
    '*** Add File: src/x.ts',
    '+export const x = 42;',
    '*** End Patch',
  ];
  const blocked = (reason: string, command: string) => `2026-11-24T01:55:07.296915Z ERROR codex_core::tools::router: error=Command blocked by PreToolUse hook: ${reason}. Command: ${command}`;

  it('a write: started, apply_patch on the file, its change, the answer, usage, done', () => {
    const lines = fixtureLines('codex-write.jsonl');
    expect(parse('codex', '/tmp/council-repo-qnrsmE/demo', lines)).toEqual([
      { kind: 'started', agentSessionId: '01a20b12-6ab5-78e1-a0dd-e1575acb22b9', model: null },
      { kind: 'tool', tool: 'apply_patch', path: 'src/x.ts' },
      { kind: 'file-changed', path: 'src/x.ts' },
      { kind: 'message', text: ANSWER },
      { kind: 'usage', costUsd: null, inputTokens: 20, outputTokens: 10 },
      { kind: 'done', text: ANSWER },
    ]);
  });

  it("a hook's refusal: only stderr tells, with the reason and the patch's file; the trust notices are not failures", () => {
    const stdout = fixtureLines('codex-denied.jsonl');
    expect(parse('codex', '/tmp/council-repo-EaZMkz/demo', stdout, DENIED_STDERR)).toEqual([
      { kind: 'started', agentSessionId: '01a20b12-6e09-71d0-bcfa-6427570d2821', model: null },
      { kind: 'message', text: ANSWER },
      { kind: 'usage', costUsd: null, inputTokens: 20, outputTokens: 10 },
      { kind: 'done', text: ANSWER },
      { kind: 'denied', tool: 'apply_patch', path: 'src/x.ts', reason: REASON },
    ]);
  });

  it('stderr refusals: an Update patch, a reason ending in a full stop, a patch that names no file before the next log line', () => {
    const stderr = [
      blocked('locked by 3f2a.', '*** Begin Patch'),
      '*** Update File: /w/repo/lib/b.ts',
      '@@',
      '-a',
      '+b',
      '*** End Patch',
      blocked('no file', '*** Begin Patch'),
      '2026-11-24T01:55:08.000000Z  WARN codex_core::something: unrelated',
      blocked('not a patch', 'rm -rf /'),
      'Command blocked by PreToolUse hook: bare',
    ];
    expect(parse('codex', '/w/repo', [], stderr)).toEqual([
      { kind: 'denied', tool: 'apply_patch', path: 'lib/b.ts', reason: 'locked by 3f2a.' },
      { kind: 'denied', tool: 'apply_patch', path: null, reason: 'no file' },
      { kind: 'denied', tool: 'shell', path: null, reason: 'not a patch' },
      { kind: 'denied', tool: 'apply_patch', path: null, reason: 'bare' },
    ]);
  });

  it('a dead server: the turn fails with its error, once (the error event before it does not count twice)', () => {
    const lines = json(
      { type: 'thread.started', thread_id: 't-1' },
      { type: 'turn.started' },
      { type: 'error', message: 'Connection failed: error sending request' },
      { type: 'turn.failed', error: { message: 'Connection failed: error sending request' } },
    );
    expect(parse('codex', '/w/repo', lines)).toEqual([
      { kind: 'started', agentSessionId: 't-1', model: null },
      { kind: 'failed', reason: 'Connection failed: error sending request' },
    ]);
  });

  it("an HTTP 500: fails with Codex's own wording", () => {
    const message = "We're currently experiencing high demand, which may cause temporary errors.";
    const events = parse('codex', '/w/repo', json({ type: 'turn.started' }, { type: 'turn.failed', error: { message } }));
    expect(events).toEqual([{ kind: 'failed', reason: message }]);
  });

  it('a retry notice inside a turn is not a failure; an error outside a turn is', () => {
    const retried = json(
      { type: 'turn.started' },
      { type: 'error', message: 'Reconnecting... 1/5 (stream disconnected before completion)' },
      { type: 'item.completed', item: { id: 'item_0', type: 'agent_message', text: 'ok' } },
      { type: 'turn.completed', usage: { input_tokens: 5, cached_input_tokens: 2, output_tokens: 1 } },
    );
    expect(kinds(parse('codex', '/w/repo', retried))).toEqual(['message', 'usage', 'done']);
    expect(parse('codex', '/w/repo', json({ type: 'error', message: 'Invalid configuration' }))).toEqual([{ kind: 'failed', reason: 'Invalid configuration' }]);
  });

  it('items: changes seen only at completion, a failed patch, shell commands; usage adds up over turns', () => {
    const lines = json(
      { type: 'turn.started' },
      { type: 'item.completed', item: { id: 'item_0', type: 'file_change', status: 'completed', changes: [{ path: '/w/repo/a.ts', kind: 'update' }, { path: '/w/repo/old.ts', kind: 'delete' }] } },
      { type: 'item.completed', item: { id: 'item_1', type: 'file_change', status: 'failed', changes: [{ path: '/w/repo/b.ts', kind: 'update' }] } },
      { type: 'item.started', item: { id: 'item_2', type: 'command_execution', command: 'ls', status: 'in_progress' } },
      { type: 'item.completed', item: { id: 'item_2', type: 'command_execution', command: 'ls', status: 'completed' } },
      { type: 'item.completed', item: { id: 'item_3', type: 'error', message: 'a warning' } },
      { type: 'turn.completed', usage: { input_tokens: 10, output_tokens: 1 } },
      { type: 'turn.started' },
      { type: 'turn.completed', usage: { input_tokens: 20, output_tokens: 2 } },
    );
    expect(parse('codex', '/w/repo', lines)).toEqual([
      { kind: 'tool', tool: 'apply_patch', path: 'a.ts' },
      { kind: 'tool', tool: 'apply_patch', path: 'old.ts' },
      { kind: 'file-changed', path: 'a.ts' },
      { kind: 'file-changed', path: 'old.ts' },
      { kind: 'tool', tool: 'apply_patch', path: 'b.ts' },
      { kind: 'tool', tool: 'shell', path: null },
      { kind: 'usage', costUsd: null, inputTokens: 10, outputTokens: 1 },
      { kind: 'done', text: null },
      { kind: 'usage', costUsd: null, inputTokens: 30, outputTokens: 3 },
    ]);
  });
});

describe('Gemini CLI stream-json', () => {
  it('a write: started, write_file, its change, the answer, usage, done', () => {
    const lines = fixtureLines('gemini-write.jsonl');
    expect(parse('gemini', '/tmp/council-repo-dr7r6P/demo', lines)).toEqual([
      { kind: 'started', agentSessionId: '9e0e38e0-5e49-493d-a61a-f7836d12a9c8', model: 'auto' },
      { kind: 'tool', tool: 'write_file', path: 'src/x.ts' },
      { kind: 'file-changed', path: 'src/x.ts' },
      { kind: 'message', text: ANSWER },
      { kind: 'usage', costUsd: null, inputTokens: 30, outputTokens: 15 },
      { kind: 'done', text: ANSWER },
    ]);
  });

  it("a hook's refusal (policy_violation): denied with the hook's reason, no file change", () => {
    const lines = fixtureLines('gemini-denied.jsonl');
    expect(parse('gemini', '/tmp/council-repo-xqvFTP/demo', lines)).toEqual([
      { kind: 'started', agentSessionId: '3f3415f3-e63f-4a4d-9454-533280b9f24a', model: 'auto' },
      { kind: 'tool', tool: 'write_file', path: 'src/x.ts' },
      { kind: 'denied', tool: 'write_file', path: 'src/x.ts', reason: REASON },
      { kind: 'message', text: ANSWER },
      { kind: 'usage', costUsd: null, inputTokens: 30, outputTokens: 15 },
      { kind: 'done', text: ANSWER },
    ]);
  });

  it("streamed text chunks become one message; the answer is the text after the last tool; a failed replace changes nothing", () => {
    const say = (content: string) => ({ type: 'message', role: 'assistant', content, delta: true });
    const lines = json(
      say('Let me '),
      say('look.'),
      { type: 'tool_use', tool_name: 'replace', tool_id: 'r1', parameters: { file_path: '/w/repo/a.ts', old_string: 'x', new_string: 'y' } },
      { type: 'tool_result', tool_id: 'r1', status: 'error', error: { type: 'edit_no_occurrence_found', message: 'not found' } },
      say('All '),
      say('done.'),
      { type: 'error', severity: 'warning', message: 'Loop detected, stopping execution' },
      { type: 'result', status: 'success', stats: { input_tokens: 1, output_tokens: 2 } },
    );
    expect(parse('gemini', '/w/repo', lines)).toEqual([
      { kind: 'message', text: 'Let me look.' },
      { kind: 'tool', tool: 'replace', path: 'a.ts' },
      { kind: 'message', text: 'All done.' },
      { kind: 'usage', costUsd: null, inputTokens: 1, outputTokens: 2 },
      { kind: 'done', text: 'All done.' },
    ]);
  });

  const failedResult = (message: string) => ({ type: 'result', timestamp: '2026-11-24T01:00:56.741Z', status: 'error', error: { type: 'Error', message }, stats: { total_tokens: 0, input_tokens: 0, output_tokens: 0, cached: 0, input: 0, duration_ms: 0, tool_calls: 0, models: {} } });

  it('a dead server: the result fails with the API error', () => {
    const init = { type: 'init', session_id: 's-1', model: 'auto' };
    expect(parse('gemini', '/w/repo', json(init, failedResult('[API Error: exception TypeError: fetch failed sending request]')))).toEqual([
      { kind: 'started', agentSessionId: 's-1', model: 'auto' },
      { kind: 'usage', costUsd: null, inputTokens: 0, outputTokens: 0 },
      { kind: 'failed', reason: '[API Error: exception TypeError: fetch failed sending request]' },
    ]);
  });

  it("an HTTP 500: fails with the server's message; an error result without one takes the last error event's", () => {
    expect(parse('gemini', '/w/repo', json(failedResult('[API Error: Scripted outage]'))).at(-1)).toEqual({ kind: 'failed', reason: '[API Error: Scripted outage]' });
    const invalid = json({ type: 'error', severity: 'error', message: 'Model stream ended with an empty response.' }, { type: 'result', status: 'error', stats: {} });
    expect(parse('gemini', '/w/repo', invalid)).toEqual([{ kind: 'failed', reason: 'Model stream ended with an empty response.' }]);
  });
});

describe('opencode run --format json', () => {
  it('a write: started, the write and its change, usage per step (as running totals), the answer, done', () => {
    const lines = fixtureLines('opencode-write.jsonl');
    expect(parse('opencode', '/tmp/oc-cap-qbVG1a/demo', lines)).toEqual([
      { kind: 'started', agentSessionId: 'ses_df4bf46feffeW05u33hB5YeOSM', model: null },
      { kind: 'tool', tool: 'write', path: 'src/x.ts' },
      { kind: 'file-changed', path: 'src/x.ts' },
      { kind: 'usage', costUsd: 0, inputTokens: 10, outputTokens: 5 },
      { kind: 'message', text: ANSWER },
      { kind: 'usage', costUsd: 0, inputTokens: 20, outputTokens: 10 },
      { kind: 'done', text: ANSWER },
    ]);
  });

  it('an edit after a read: only the edit changes the file', () => {
    const lines = fixtureLines('opencode-edit.jsonl');
    expect(parse('opencode', '/tmp/oc-cap-VocQxQ/demo', lines)).toEqual([
      { kind: 'started', agentSessionId: 'ses_df4bf2544ffelObEKHwCByqkKd', model: null },
      { kind: 'tool', tool: 'read', path: 'src/a.ts' },
      { kind: 'usage', costUsd: 0, inputTokens: 10, outputTokens: 5 },
      { kind: 'tool', tool: 'edit', path: 'src/a.ts' },
      { kind: 'file-changed', path: 'src/a.ts' },
      { kind: 'usage', costUsd: 0, inputTokens: 20, outputTokens: 10 },
      { kind: 'message', text: 'Updated src/a.ts.' },
      { kind: 'usage', costUsd: 0, inputTokens: 30, outputTokens: 15 },
      { kind: 'done', text: 'Updated src/a.ts.' },
    ]);
  });

  it('an edit that fails is a tool call without a change (and not a denial)', () => {
    const events = parse('opencode', '/tmp/oc-cap-UWVyn5/demo', fixtureLines('opencode-edit-failed.jsonl'));
    expect(kinds(events)).toEqual(['started', 'tool', 'usage', 'message', 'usage', 'done']);
    expect(events[1]).toEqual({ kind: 'tool', tool: 'edit', path: 'src/a.ts' });
  });

  it('a call its permissions auto-rejected is denied; the run stops without an ending of its own', () => {
    expect(parse('opencode', '/tmp/oc-cap-CE5ULh/demo', fixtureLines('opencode-rejected.jsonl'))).toEqual([
      { kind: 'started', agentSessionId: 'ses_df4bb3f66ffeMxDGH9JZpTbm10', model: null },
      { kind: 'tool', tool: 'write', path: 'src/x.ts' },
      { kind: 'denied', tool: 'write', path: 'src/x.ts', reason: 'The user rejected permission to use this specific tool call.' },
      { kind: 'usage', costUsd: 0, inputTokens: 10, outputTokens: 5 },
    ]);
  });

  it("an HTTP 500 and a dead server: failed with opencode's message, and the server's address when it gives one", () => {
    expect(parse('opencode', '/w/repo', fixtureLines('opencode-http-500.jsonl'))).toEqual([
      { kind: 'started', agentSessionId: 'ses_df4bed654ffeIX250yNUS7D5Kh', model: null },
      { kind: 'failed', reason: 'Scripted outage (model server: http://127.0.0.1:39079/v1/messages)' },
    ]);
    expect(parse('opencode', '/w/repo', fixtureLines('opencode-dead-server.jsonl'))).toEqual([
      { kind: 'started', agentSessionId: 'ses_df4bdbb9affe2717EaUJqAZc1D', model: null },
      { kind: 'failed', reason: 'Cannot connect to API: Unable to connect. Is the computer able to access the url? (model server: http://127.0.0.1:44851/v1/messages)' },
    ]);
  });

  it('apply_patch (its GPT-model edit tool) names its files from the patch text; cost and cache tokens add up', () => {
    const patchText = '*** Begin Patch\n*** Add File: src/n.ts\n+x\n*** Update File: /w/repo/src/o.ts\n@@\n-a\n+b\n*** End Patch';
    const lines = json(
      { type: 'tool_use', sessionID: 'ses_1', part: { type: 'tool', tool: 'apply_patch', state: { status: 'completed', input: { patchText } } } },
      { type: 'step_finish', sessionID: 'ses_1', part: { reason: 'tool-calls', cost: 0.25, tokens: { input: 1, output: 2, cache: { read: 10, write: 100 } } } },
      { type: 'step_finish', sessionID: 'ses_1', part: { reason: 'stop', cost: 0.5, tokens: { input: 1, output: 2, cache: { read: 0, write: 0 } } } },
    );
    expect(parse('opencode', '/w/repo', lines)).toEqual([
      { kind: 'started', agentSessionId: 'ses_1', model: null },
      { kind: 'tool', tool: 'apply_patch', path: 'src/n.ts' },
      { kind: 'file-changed', path: 'src/n.ts' },
      { kind: 'tool', tool: 'apply_patch', path: 'src/o.ts' },
      { kind: 'file-changed', path: 'src/o.ts' },
      { kind: 'usage', costUsd: 0.25, inputTokens: 111, outputTokens: 2 },
      { kind: 'usage', costUsd: 0.75, inputTokens: 112, outputTokens: 4 },
      { kind: 'done', text: null },
    ]);
  });
});

describe('Qwen Code stream-json', () => {
  const worktree = '/w/repo';

  it('lines that are not its JSON give no events and never throw', () => {
    const junk = ['', '{"broken', '[1]', '{"type":"assistant","message":null}', '{"type":"result"}'.slice(0, 10)];
    expect(parse('qwen', worktree, junk, junk)).toEqual([]);
  });

  it('the real transcript: its id, the refusal with the hook\'s reason, the write, the answer', () => {
    const lines = fixtureLines('qwen-denied.jsonl');
    const init = JSON.parse(lines[0] as string) as { session_id: string; cwd: string };
    const events = parse('qwen', init.cwd, lines);
    expect(events[0]).toEqual({ kind: 'started', agentSessionId: init.session_id, model: 'qwen3-coder-plus' });
    expect(events).toContainEqual({ kind: 'tool', tool: 'write_file', path: 'src/x.ts' });
    expect(events).toContainEqual(expect.objectContaining({ kind: 'denied', tool: 'write_file', path: 'src/x.ts', reason: expect.stringMatching(/^src\/x\.ts is being edited by session [0-9a-f]{6} \(codex: add auth\)/) }));
    expect(events).toContainEqual({ kind: 'file-changed', path: 'src/y.ts' });
    expect(events.filter((e) => e.kind === 'denied')).toHaveLength(1);
    expect(events.at(-1)).toEqual({ kind: 'done', text: 'Done: wrote src/y.ts.' });
  });

  it('a failed model request is its answer and a "success" to Qwen: the run fails, naming the server', () => {
    const notice = '[API Error: Connection error. (cause: fetch failed)]';
    const parser = createParser('qwen', { worktree, modelServer: 'http://127.0.0.1:9/v1' });
    const events = json(
      { type: 'system', subtype: 'init', session_id: 's1', model: 'qwen3-coder-plus' },
      { type: 'assistant', message: { content: [{ type: 'text', text: notice }] } },
      { type: 'result', subtype: 'success', is_error: false, result: notice, usage: { input_tokens: 0, output_tokens: 0 } },
    ).flatMap((line) => parser.line(line));
    expect(parser.answered?.()).toBe(false);
    expect(events.filter((e) => e.kind === 'message')).toEqual([]);
    expect(events.at(-1)).toEqual({ kind: 'failed', reason: "Qwen Code's request to its model server at http://127.0.0.1:9/v1 failed: Connection error. (cause: fetch failed); check that the server runs and can be reached (OPENAI_BASE_URL)" });
  });
});

describe('Copilot CLI --output-format json', () => {
  const worktree = '/w/repo';

  it('lines that are not its JSON give no events and never throw', () => {
    const junk = ['', '{"broken', '[1]', '{"type":"assistant.message","data":null}', '{"type":"tool.execution_complete","data":[]}'];
    expect(parse('copilot', worktree, junk, junk)).toEqual([]);
  });

  it('the real transcript: the tool calls, the refusal with the hook\'s reason, the write, then its id and the answer', () => {
    const lines = fixtureLines('copilot-denied.jsonl');
    const create = lines.map((line) => JSON.parse(line || 'null') as { type?: string; data?: { toolName?: string; arguments?: { path?: string } } } | null).find((e) => e?.type === 'tool.execution_start');
    const tree = path.dirname(path.dirname(create?.data?.arguments?.path ?? ''));
    const result = JSON.parse(lines.filter(Boolean).at(-1) as string) as { sessionId: string };
    const events = parse('copilot', tree, lines);
    expect(events).toContainEqual({ kind: 'tool', tool: 'create', path: 'src/x.ts' });
    expect(events).toContainEqual(expect.objectContaining({ kind: 'denied', tool: 'create', path: 'src/x.ts', reason: expect.stringMatching(/^src\/x\.ts is being edited by session [0-9a-f]{6} \(codex: add auth\)/) }));
    expect(events).toContainEqual({ kind: 'file-changed', path: 'src/y.ts' });
    expect(events.slice(-2)).toEqual([
      { kind: 'started', agentSessionId: result.sessionId, model: 'gpt-4.1' },
      { kind: 'done', text: 'Done: wrote src/y.ts.' },
    ]);
  });

  it('a session error fails the run with its message (naming the server when it does not)', () => {
    const fail = (message: string) => {
      const parser = createParser('copilot', { worktree, modelServer: 'http://127.0.0.1:9/v1' });
      return json({ type: 'session.error', data: { errorType: 'query', message } }, { type: 'result', sessionId: 's1', exitCode: 1 })
        .flatMap((line) => parser.line(line))
        .at(-1);
    };
    expect(fail('Could not connect to local model provider at http://127.0.0.1:9/v1.')).toEqual({ kind: 'failed', reason: 'Could not connect to local model provider at http://127.0.0.1:9/v1.' });
    expect(fail('Failed to get response from the AI model; retried 5 times')).toEqual({ kind: 'failed', reason: 'Failed to get response from the AI model; retried 5 times (model server: http://127.0.0.1:9/v1)' });
  });
});
