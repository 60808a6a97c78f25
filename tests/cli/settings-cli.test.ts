import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SettingEntry, SettingsView } from '../../shared/settings';
import { council, councilAsync, councilJson, REPO_ROOT } from '../helpers/cli';
import { makeRepo, tempDir } from '../helpers/repo';

// `council settings` and `council --version` (issue 12, item 14), each a real CLI process, with the
// user settings in a file of this test's own (COUNCIL_USER_SETTINGS).

function world(): { userFile: string; env: Record<string, string>; a: string; b: string } {
  const userFile = path.join(tempDir('council-user-'), 'cli-council', 'settings.json');
  return { userFile, env: { COUNCIL_USER_SETTINGS: userFile }, a: makeRepo().root, b: makeRepo().root };
}

const packageVersion = (JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;

describe('council --version', () => {
  it("prints the package's version and exits 0", () => {
    for (const flag of ['--version', '-V']) {
      const result = council([flag], { cwd: tempDir() });
      expect(result).toMatchObject({ code: 0, stdout: `${packageVersion}\n` });
    }
  });
});

describe('council settings', () => {
  it('--user applies to every repository; a repository overrides it for itself only; unset hands it back', () => {
    const { env, a, b, userFile } = world();
    const set = council(['settings', 'set', 'agents.claude.path', '/opt/claude/bin/claude', '--user'], { cwd: a, env });
    expect(set.code, set.stderr).toBe(0);
    expect(set.stdout).toContain(`agents.claude.path = /opt/claude/bin/claude  (user settings: ${userFile})`);
    // A second repository sees it: the setting is not per repository any more.
    for (const repo of [a, b]) expect(council(['settings', 'get', 'agents.claude.path'], { cwd: repo, env })).toMatchObject({ code: 0, stdout: '/opt/claude/bin/claude\n' });

    const override = council(['settings', 'set', 'agents.claude.path', 'claude-nightly'], { cwd: a, env });
    expect(override.code, override.stderr).toBe(0);
    expect(council(['settings', 'get', 'agents.claude.path'], { cwd: a, env }).stdout).toBe('claude-nightly\n');
    expect(council(['settings', 'get', 'agents.claude.path'], { cwd: b, env }).stdout).toBe('/opt/claude/bin/claude\n');
    expect(council(['settings', 'get', '--user', 'agents.claude.path'], { cwd: a, env }).stdout).toBe('/opt/claude/bin/claude\n');
    // Setting the user's value where the repository has its own says which one wins here.
    expect(council(['settings', 'set', 'agents.claude.path', '/opt/claude2', '--user'], { cwd: a, env }).stdout).toContain(
      'note: this repository sets agents.claude.path itself (claude-nightly), which wins here',
    );

    const list = councilJson<SettingsView>(['settings', 'list'], { cwd: a, env });
    if (!list.result.ok) throw new Error(list.result.error.message);
    const entry = (key: string): SettingEntry | undefined => (list.result.ok ? list.result.value.entries.find((e) => e.key === key) : undefined);
    expect(entry('agents.claude.path')).toMatchObject({ effective: 'claude-nightly', source: 'repository', user: '/opt/claude2', repository: 'claude-nightly' });
    expect(entry('concurrency')).toMatchObject({ effective: 4, source: 'default', default: 4 });
    expect(list.result.value.files).toEqual({ user: userFile, repository: path.join(a, '.git', 'council', 'settings.json') });
    const text = council(['settings', 'list'], { cwd: a, env }).stdout;
    expect(text).toMatch(/agents\.claude\.path\s+claude-nightly\s+repository/);
    expect(text).toMatch(/concurrency\s+4\s+default/);

    const unset = council(['settings', 'unset', 'agents.claude.path'], { cwd: a, env });
    expect(unset).toMatchObject({ code: 0, stdout: 'agents.claude.path unset in the repository settings; now /opt/claude2 (from user)\n' });
    expect(JSON.parse(readFileSync(userFile, 'utf8'))).toEqual({ version: 2, agents: { claude: { path: '/opt/claude2' } } });
  });

  it('takes each kind of value: numbers, booleans, lists (after --), NAME=value pairs, one variable, empty for none', () => {
    const { env, a } = world();
    const run = (...args: string[]) => {
      const result = council(['settings', ...args], { cwd: a, env });
      expect(result.code, result.stderr).toBe(0);
      return result;
    };
    run('set', 'concurrency', '8');
    run('set', 'removeAfterMerge', 'yes');
    run('set', 'agents.claude.args', '--', '--max-turns', '30', '--verbose');
    run('set', 'agents.claude.env', 'ANTHROPIC_BASE_URL=http://127.0.0.1:4000', 'DEBUG=');
    run('set', 'agents.claude.env.EXTRA', 'a b');
    run('set', 'setupCommand', 'npm ci');
    run('set', 'setupCommand', '');
    run('set', 'agents.ollama.driver', 'opencode');
    const listed = councilJson<SettingsView>(['settings', 'list'], { cwd: a, env });
    if (!listed.result.ok) throw new Error(listed.result.error.message);
    const effective = listed.result.value.effective;
    expect(effective).toMatchObject({ concurrency: 8, removeAfterMerge: true, setupCommand: null });
    expect(effective.agents.claude).toEqual({ args: ['--max-turns', '30', '--verbose'], env: { ANTHROPIC_BASE_URL: 'http://127.0.0.1:4000', DEBUG: '', EXTRA: 'a b' } });
    expect(effective.agents.ollama).toEqual({ driver: 'opencode' });
    expect(run('get', 'agents.claude.env.EXTRA').stdout).toBe('a b\n');
  });

  it('refuses an unknown key or a wrong value, naming the key and what it accepts, and writes nothing', () => {
    const { env, a, userFile } = world();
    expect(council(['settings', 'set', 'concurrency', '3', '--user'], { cwd: a, env }).code).toBe(0);
    const before = readFileSync(userFile, 'utf8');
    const repoFile = path.join(a, '.git', 'council', 'settings.json');
    const cases: [string[], string][] = [
      [['set', 'concurency', '3'], 'unknown setting "concurency"; the keys are worktreeRoot, staleAfterMinutes,'],
      [['set', 'concurrency', 'many', '--user'], 'concurrency: "many" is not allowed; it takes a whole number from 1 to 64'],
      [['set', 'concurrency', '65'], 'concurrency: 65 is not allowed; it takes a whole number from 1 to 64'],
      [['set', 'mergeStrategy', 'octopus'], 'mergeStrategy: "octopus" is not allowed; it takes one of merge, squash, rebase'],
      [['set', 'agents.claude.colour', 'red'], 'unknown setting "agents.claude.colour": the claude preset has the fields agents.claude.path, agents.claude.model, agents.claude.modelTimeoutSeconds, agents.claude.args, agents.claude.env'],
      [['set', 'agents.vim.path', '/usr/bin/vim'], 'unknown setting "agents.vim.path" (no preset "vim")'],
      [['set', 'agents.custom.path', '/bin/x'], 'the custom preset has the fields agents.custom.args, agents.custom.env'],
      [['set', 'agents.claude.path', 'bin/claude', '--user'], 'agents.claude.path: "bin/claude" is not allowed; it takes an absolute path to the program, or a program name looked up on PATH'],
      [['set', 'agents.claude.env', 'NOEQUALS'], 'agents.claude.env: "NOEQUALS" (not NAME=value) is not allowed; it takes NAME=value pairs'],
      [['set', 'concurrency'], 'the value is missing (to remove the setting: council settings unset concurrency)'],
      [['get', 'nope'], 'unknown setting "nope"'],
      [['unset', 'nope', '--user'], 'unknown setting "nope"'],
    ];
    for (const [args, message] of cases) {
      const result = council(['settings', ...args], { cwd: a, env });
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr, args.join(' ')).toContain(message);
    }
    expect(readFileSync(userFile, 'utf8')).toBe(before);
    expect(existsSync(repoFile)).toBe(false);
    const json = councilJson(['settings', 'set', 'maxRetries', '11'], { cwd: a, env });
    expect(json.result).toEqual({ ok: false, error: { code: 'invalid-input', message: 'maxRetries: 11 is not allowed; it takes a whole number from 0 to 10' } });
  });

  it('--user works outside any repository; the repository scope there says what to do instead', () => {
    const { env, userFile } = world();
    const outside = tempDir('council-not-a-repo-');
    expect(council(['settings', 'set', 'agents.codex.model', 'gpt-5-codex', '--user'], { cwd: outside, env }).code).toBe(0);
    expect(council(['settings', 'get', 'agents.codex.model'], { cwd: outside, env }).stdout).toBe('gpt-5-codex\n');
    expect(council(['settings', 'list', '--user'], { cwd: outside, env }).stdout).toContain(`agents.codex.model  gpt-5-codex\n\nuser settings: ${userFile}`);
    const refused = council(['settings', 'set', 'concurrency', '2'], { cwd: outside, env });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('is not inside a git repository: run this inside one (or name it with --repo), or add --user');
  });

  it('concurrent writers from separate processes lose nothing, and a reader never sees half a file', async () => {
    const { env, a, userFile } = world();
    expect(council(['settings', 'set', 'agents.claude.env.V0', '0', '--user'], { cwd: a, env }).code).toBe(0);
    let done = false;
    const writers = Promise.all(Array.from({ length: 8 }, (_, i) => councilAsync(['settings', 'set', `agents.claude.env.V${i + 1}`, String(i + 1), '--user'], { cwd: a, env }))).finally(() => (done = true));
    // Read while they write: every read is a whole, valid file (writes go to a temp file, then rename).
    const seen: string[] = [];
    while (!done) {
      const text = readFileSync(userFile, 'utf8');
      seen.push(text);
      expect(() => JSON.parse(text), text).not.toThrow();
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    for (const r of await writers) expect(r.code, r.stderr).toBe(0);
    expect(seen.length).toBeGreaterThan(10);
    const stored = JSON.parse(readFileSync(userFile, 'utf8')) as { agents: { claude: { env: Record<string, string> } } };
    expect(stored.agents.claude.env).toEqual(Object.fromEntries(Array.from({ length: 9 }, (_, i) => [`V${i}`, String(i)])));
    expect(readdirSync(path.dirname(userFile))).toEqual(['settings.json']);
  });
});
