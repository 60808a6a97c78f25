import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { HookPayloadError, parseHookPayload, patchFiles } from '../../electron/core/agents/hook-payload';
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
