import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { HookPayloadError, parseHookPayload, parseStatusPayload, patchFiles } from '../../electron/core/agents/hook-payload';
import { tempDir } from '../helpers/repo';
import { FIXTURES } from './agent-clis';

const fixture = (name: string): Record<string, unknown> => JSON.parse(readFileSync(path.join(FIXTURES, name), 'utf8')) as Record<string, unknown>;
const payload = (tool_name: string, tool_input: Record<string, unknown>, cwd = '/work/repo') => ({ cwd, tool_name, tool_input, hook_event_name: 'PreToolUse' });

describe('hook payloads: the files an edit touches', () => {
  it("reads the saved payloads of the three real CLIs", () => {
    const claude = fixture('claude-hook-payload.json');
    expect(parseHookPayload('claude', claude)).toEqual({ cwd: claude.cwd, tool: 'Write', files: [path.join(claude.cwd as string, 'src/x.ts')], shell: false });
    const gemini = fixture('gemini-hook-payload.json');
    expect(parseHookPayload('gemini', gemini)).toEqual({ cwd: gemini.cwd, tool: 'write_file', files: [path.join(gemini.cwd as string, 'src/x.ts')], shell: false });
    const codex = fixture('codex-hook-payload.json');
    expect(parseHookPayload('codex', codex)).toEqual({ cwd: codex.cwd, tool: 'apply_patch', files: [path.join(codex.cwd as string, 'src/x.ts')], shell: false });
  });

  it('Claude: file_path for Write/Edit/MultiEdit, notebook_path for NotebookEdit, relative to cwd', () => {
    for (const tool of ['Write', 'Edit', 'MultiEdit']) {
      expect(parseHookPayload('claude', payload(tool, { file_path: '/work/repo/src/a.ts' })).files).toEqual(['/work/repo/src/a.ts']);
    }
    expect(parseHookPayload('claude', payload('NotebookEdit', { notebook_path: 'nb/a.ipynb', new_source: 'x' })).files).toEqual(['/work/repo/nb/a.ipynb']);
    expect(parseHookPayload('claude', payload('Write', { file_path: 'src/../lib/b.ts' })).files).toEqual(['/work/repo/lib/b.ts']);
    // A tool that edits nothing (the matcher should not send it, but if it does): nothing to lock.
    expect(parseHookPayload('claude', payload('Read', { file_path: '/work/repo/src/a.ts' })).files).toEqual([]);
  });

  it('Gemini: file_path for write_file and replace', () => {
    expect(parseHookPayload('gemini', payload('write_file', { file_path: '/work/repo/a b/ç.ts', content: '' })).files).toEqual(['/work/repo/a b/ç.ts']);
    expect(parseHookPayload('gemini', payload('replace', { file_path: 'src/a.ts', old_string: 'a', new_string: 'b' })).files).toEqual(['/work/repo/src/a.ts']);
  });

  it('Codex: every Add, Update, Delete and Move-to line of an apply_patch, relative to cwd', () => {
    const patch = [
      '*** Begin Patch',
      '*** Add File: src/new.ts',
      '+export const n = 1;',
      '*** Update File: src/old name.ts',
      '*** Move to: src/renamed/new name.ts',
      '@@',
      '-a',
      '+b',
      '*** Delete File: docs/gone.md',
      '*** Update File: /abs/elsewhere.ts',
      '@@',
      '+*** Add File: not/a/header.ts',
      '*** Update File: src/new.ts',
      '*** End Patch',
    ].join('\n');
    expect(patchFiles(patch)).toEqual(['src/new.ts', 'src/old name.ts', 'src/renamed/new name.ts', 'docs/gone.md', '/abs/elsewhere.ts']);
    expect(parseHookPayload('codex', payload('apply_patch', { command: patch }, '/w')).files).toEqual([
      '/w/src/new.ts',
      '/w/src/old name.ts',
      '/w/src/renamed/new name.ts',
      '/w/docs/gone.md',
      '/abs/elsewhere.ts',
    ]);
    expect(patchFiles('*** Begin Patch\r\n*** Update File: win.ts  \r\n*** End Patch\r\n')).toEqual(['win.ts']);
  });

  it('refuses payloads it cannot read (the hook then denies)', () => {
    expect(() => parseHookPayload('claude', null)).toThrow(HookPayloadError);
    expect(() => parseHookPayload('claude', [])).toThrow(HookPayloadError);
    expect(() => parseHookPayload('claude', { tool_name: 'Write', tool_input: { file_path: 'a' } })).toThrow(/cwd/);
    expect(() => parseHookPayload('claude', payload('Write', {}, 'relative/cwd'))).toThrow(/absolute/);
    expect(() => parseHookPayload('claude', payload('Write', {}))).toThrow(/file_path/);
    expect(() => parseHookPayload('claude', payload('NotebookEdit', { file_path: 'a.ipynb' }))).toThrow(/notebook_path/);
    expect(() => parseHookPayload('gemini', payload('replace', { file_path: 3 }))).toThrow(/file_path/);
    expect(() => parseHookPayload('codex', payload('apply_patch', { command: '*** Begin Patch\n*** End Patch' }))).toThrow(/names no file/);
    expect(() => parseHookPayload('codex', payload('apply_patch', { input: 'x' }))).toThrow(/command/);
  });
});

describe('hook payloads of Qwen Code and Copilot CLI', () => {
  it('reads their saved payloads: Qwen in Claude\'s snake_case, Copilot in camelCase (toolName, toolArgs)', () => {
    const qwen = fixture('qwen-pre-tool-payload.json');
    expect(parseHookPayload('qwen', qwen)).toEqual({ cwd: qwen.cwd, tool: 'write_file', files: [path.join(qwen.cwd as string, 'src/x.ts')], shell: false });
    const copilot = fixture('copilot-pre-tool-payload.json');
    expect(copilot).toMatchObject({ toolName: 'create', toolArgs: { path: path.join(copilot.cwd as string, 'src/x.ts') } });
    expect(parseHookPayload('copilot', copilot)).toEqual({ cwd: copilot.cwd, tool: 'create', files: [path.join(copilot.cwd as string, 'src/x.ts')], shell: false });
  });

  it('their edit and shell tools: Qwen write_file/edit (file_path), run_shell_command; Copilot create/edit (path), bash; toolArgs as JSON text too', () => {
    for (const tool of ['write_file', 'edit']) expect(parseHookPayload('qwen', payload(tool, { file_path: 'src/a.ts' })).files).toEqual(['/work/repo/src/a.ts']);
    expect(parseHookPayload('qwen', payload('run_shell_command', { command: 'echo hi > src/b.ts' }))).toMatchObject({ shell: true, files: ['/work/repo/src/b.ts'] });
    const copilot = (toolName: string, toolArgs: unknown) => ({ sessionId: 's', timestamp: 1, cwd: '/work/repo', toolName, toolArgs });
    for (const tool of ['create', 'edit']) expect(parseHookPayload('copilot', copilot(tool, { path: '/work/repo/src/a.ts' })).files).toEqual(['/work/repo/src/a.ts']);
    expect(parseHookPayload('copilot', copilot('edit', JSON.stringify({ path: 'src/c.ts', old_str: 'a', new_str: 'b' }))).files).toEqual(['/work/repo/src/c.ts']);
    expect(parseHookPayload('copilot', copilot('bash', { command: 'cp a.ts src/d.ts', description: 'copy' }))).toMatchObject({ shell: true, files: ['/work/repo/src/d.ts'] });
    expect(parseHookPayload('copilot', copilot('view', { path: '/work/repo/src/a.ts' })).files).toEqual([]);
    // An edit whose file cannot be read is refused (the caller fails closed), never let through.
    expect(() => parseHookPayload('copilot', copilot('create', { file_text: 'x' }))).toThrow(HookPayloadError);
    expect(() => parseHookPayload('copilot', copilot('create', 'not json'))).toThrow(HookPayloadError);
  });

  it('status: Qwen\'s empty UserPromptSubmit (tool results going back) and auth notice are no news; Copilot\'s background notices neither', () => {
    const qwen = fixture('qwen-prompt-payload.json');
    expect(parseStatusPayload('qwen', 'prompt', qwen)).toMatchObject({ kind: 'prompt', text: expect.any(String) });
    expect(parseStatusPayload('qwen', 'prompt', { ...qwen, prompt: '' })).toBeNull();
    expect(parseStatusPayload('qwen', 'notify', { ...qwen, hook_event_name: 'Notification', notification_type: 'auth_success', message: 'Successfully authenticated with openai' })).toBeNull();
    expect(parseStatusPayload('qwen', 'stop', fixture('qwen-stop-payload.json'))).toMatchObject({ kind: 'stop', text: 'Done: wrote src/y.ts.' });
    const note = (notification_type: string) => ({ sessionId: 's', cwd: '/work/repo', hook_event_name: 'Notification', message: 'Permission needed', notification_type });
    expect(parseStatusPayload('copilot', 'notify', note('shell_completed'))).toBeNull();
    expect(parseStatusPayload('copilot', 'notify', note('permission_prompt'))).toEqual({ kind: 'notify', cwd: '/work/repo', text: 'Permission needed' });
    // agentStop carries no message: its transcript (events.jsonl) has it, the last main-agent one.
    const transcript = path.join(tempDir('council-copilot-transcript-'), 'events.jsonl');
    const event = (type: string, data: Record<string, unknown>) => JSON.stringify({ type, data, id: 'x', timestamp: 't' });
    writeFileSync(transcript, [event('assistant.message', { content: 'Done: wrote src/y.ts.' }), event('assistant.message', { content: 'a subagent', parentToolCallId: 'c1' }), event('assistant.turn_end', {}), ''].join('\n'));
    const stop = fixture('copilot-stop-payload.json');
    expect(parseStatusPayload('copilot', 'stop', { ...stop, transcriptPath: transcript })).toMatchObject({ kind: 'stop', text: 'Done: wrote src/y.ts.' });
    expect(parseStatusPayload('copilot', 'stop', { ...stop, transcriptPath: `${transcript}.gone` })).toMatchObject({ kind: 'stop', text: null });
  });
});
