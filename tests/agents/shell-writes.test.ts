import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseHookPayload } from '../../electron/core/agents/hook-payload';
import { shellWriteTargets } from '../../electron/core/agents/shell-writes';
import { tempDir } from '../helpers/repo';

// The conservative reading of a shell command line the lock hook refuses on (issue 12, item 11).

describe('the files a shell command line writes', () => {
  const cwd = '/w';
  const t = (command: string, dir = cwd) => shellWriteTargets(command, dir);

  it('redirections, tee, sed -i, dd of=, and the operands of rm, touch, truncate', () => {
    expect(t('echo x > held.txt')).toEqual(['/w/held.txt']);
    expect(t('echo x >> a 2>&1; echo y &> b; echo z >| c; echo q 2>/dev/null')).toEqual(['/w/a', '/w/b', '/w/c']);
    expect(t('cat a | tee -a b "c d"')).toEqual(['/w/b', '/w/c d']);
    expect(t("sed -i 's/a/b/' src/f.ts")).toEqual(['/w/src/f.ts']);
    expect(t("sed -i.bak -e 's/a/b/' one two")).toEqual(['/w/one', '/w/two']);
    expect(t("perl -pi -e 's/a/b/' f")).toEqual(['/w/f']);
    expect(t('sed s/a/b/ f')).toEqual([]);
    expect(t('printf x | dd of=out.bin bs=1')).toEqual(['/w/out.bin']);
    expect(t('rm -f a b && touch c && truncate -s 0 d')).toEqual(['/w/a', '/w/b', '/w/c', '/w/0', '/w/d']);
  });

  it('cp, mv (and its sources), install and ln targets, into a folder too', () => {
    const dir = tempDir();
    mkdirSync(path.join(dir, 'lib'));
    expect(t('cp a b', dir)).toEqual([path.join(dir, 'b')]);
    expect(t('mv a b', dir)).toEqual([path.join(dir, 'b'), path.join(dir, 'a')]);
    expect(t('cp x/a.ts y/b.ts lib', dir)).toEqual([path.join(dir, 'lib/a.ts'), path.join(dir, 'lib/b.ts')]);
    expect(t('cp -t lib a', dir)).toEqual([path.join(dir, 'lib/a')]);
    expect(t('ln -sf a b', dir)).toEqual([path.join(dir, 'b')]);
  });

  it('follows cd, wrappers, env assignments, and sh -c scripts; reads nothing it cannot', () => {
    expect(t('cd src && echo > x.ts')).toEqual(['/w/src/x.ts']);
    expect(t('FOO=1 sudo env bash -lc "echo hi > y"')).toEqual(['/w/y']);
    expect(t('git checkout -- a.ts b.ts; git restore c.ts')).toEqual(['/w/a.ts', '/w/b.ts', '/w/c.ts']);
    expect(t('cat < in.txt; ls -la; grep -r x .')).toEqual([]);
    expect(t("python3 -c \"open('f','w')\"")).toEqual([]);
  });

  it('each CLI\'s shell tool payload: Claude Bash, Codex Bash/exec_command, Gemini run_shell_command (with dir_path)', () => {
    const base = { cwd, hook_event_name: 'PreToolUse' };
    expect(parseHookPayload('claude', { ...base, tool_name: 'Bash', tool_input: { command: 'echo x > a' } })).toEqual({ cwd, tool: 'Bash', files: ['/w/a'], shell: true });
    expect(parseHookPayload('codex', { ...base, tool_name: 'Bash', tool_input: { command: 'echo x > a' } }).files).toEqual(['/w/a']);
    expect(parseHookPayload('codex', { ...base, tool_name: 'exec_command', tool_input: { cmd: 'echo x > a' } }).files).toEqual(['/w/a']);
    expect(parseHookPayload('codex', { ...base, tool_name: 'shell', tool_input: { command: ['bash', '-lc', 'echo x > a'] } }).files).toEqual(['/w/a']);
    expect(parseHookPayload('gemini', { ...base, tool_name: 'run_shell_command', tool_input: { command: 'echo x > a', dir_path: 'src' } }).files).toEqual(['/w/src/a']);
    // A shell command that writes nothing readable is still a shell call (the post-tool guard checks it).
    expect(parseHookPayload('claude', { ...base, tool_name: 'Bash', tool_input: { command: 'ls' } })).toEqual({ cwd, tool: 'Bash', files: [], shell: true });
  });
});
