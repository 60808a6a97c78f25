import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { Workspace } from '../../electron/core/workspace';
import { SettingsLayerFile, userSettingsFile } from '../../electron/core/settings/layer-file';
import { DEFAULT_SETTINGS } from '../../shared/models';
import { settingKeys, TOP_LEVEL_SETTING_KEYS } from '../../shared/settings';
import { parseSettingText } from '../../shared/settings-text';
import { makeRepo, tempDir } from '../helpers/repo';

// Settings in two scopes (issue 12, item 14): the user's file (every repository) and the
// repository's (overrides), on real files, through the core the app, the host and the CLI share.

let userFile: string;
beforeEach(() => {
  userFile = path.join(tempDir('council-user-'), 'cli-council', 'settings.json');
  process.env.COUNCIL_USER_SETTINGS = userFile;
});

const open = (): Workspace => Workspace.open(makeRepo().root);

describe('two scopes', () => {
  it('a user setting applies in every repository; a repository overrides it for itself only', async () => {
    const [a, b] = [open(), open()];
    await a.settingsScopes.change('user', { set: { concurrency: 9, 'agents.claude.path': '/opt/claude' } });
    expect(b.settings()).toMatchObject({ concurrency: 9, agents: { claude: { path: '/opt/claude' } } });
    await a.updateSettings({ concurrency: 2 });
    expect(a.settings().concurrency).toBe(2);
    expect(b.settings().concurrency).toBe(9);
    expect(a.settingsScopes.entry('concurrency')).toMatchObject({ effective: 2, source: 'repository', user: 9, repository: 2, default: 4 });
    expect(b.settingsScopes.entry('concurrency')).toMatchObject({ effective: 9, source: 'user' });
    expect(b.settingsScopes.entry('maxRetries')).toMatchObject({ effective: 2, source: 'default' });
    // Unset in the repository: the user's value applies there again.
    await a.settingsScopes.change('repository', { unset: ['concurrency'] });
    expect(a.settingsScopes.entry('concurrency')).toMatchObject({ effective: 9, source: 'user' });
  });

  it("a preset's fields count one by one: the user's path with the repository's model", async () => {
    const ws = open();
    await ws.settingsScopes.change('user', { set: { 'agents.claude.path': '/opt/claude', 'agents.claude.args': ['--verbose'] } });
    await ws.settingsScopes.change('repository', { set: { 'agents.claude.model': 'opus', 'agents.claude.args': ['--max-turns', '3'] } });
    expect(ws.settings().agents.claude).toEqual({ path: '/opt/claude', model: 'opus', args: ['--max-turns', '3'] });
    const view = ws.settingsScopes.view();
    expect(view.entries.find((e) => e.key === 'agents.claude.path')).toMatchObject({ source: 'user' });
    expect(view.entries.find((e) => e.key === 'agents.claude.model')).toMatchObject({ source: 'repository' });
    expect(view.entries.find((e) => e.key === 'agents.codex.path')).toMatchObject({ effective: null, source: 'default' });
  });

  it('stores only what was set in each scope', async () => {
    const ws = open();
    await ws.updateSettings({ checkCommand: 'npm test' });
    expect(JSON.parse(readFileSync(ws.paths.settings, 'utf8'))).toEqual({ version: 2, checkCommand: 'npm test' });
    expect(ws.settings()).toEqual({ ...DEFAULT_SETTINGS, checkCommand: 'npm test' });
  });

  it('a repository file from before scopes (every key written, defaults too) lets the user settings through', async () => {
    const ws = open();
    mkdirSync(path.dirname(ws.paths.settings), { recursive: true });
    writeFileSync(ws.paths.settings, JSON.stringify({ ...DEFAULT_SETTINGS, gateCommand: 'make check', agents: { codex: { path: '/usr/local/bin/codex' } } }));
    await ws.settingsScopes.change('user', { set: { concurrency: 12, gateCommand: 'npm test' } });
    expect(ws.settings()).toMatchObject({ concurrency: 12, gateCommand: 'make check', agents: { codex: { path: '/usr/local/bin/codex' } } });
    expect(ws.settingsScopes.entry('concurrency').source).toBe('user');
  });

  it('the user file is under XDG_CONFIG_HOME, else ~/.config, unless COUNCIL_USER_SETTINGS names one', () => {
    expect(userSettingsFile({ COUNCIL_USER_SETTINGS: '/x/s.json', XDG_CONFIG_HOME: '/cfg' })).toBe('/x/s.json');
    expect(userSettingsFile({ XDG_CONFIG_HOME: '/cfg' })).toBe(path.join('/cfg', 'cli-council', 'settings.json'));
    expect(userSettingsFile({})).toBe(path.join(process.env.HOME as string, '.config', 'cli-council', 'settings.json'));
  });
});

describe('validation', () => {
  it('refuses an unknown key, a wrong value and a field the preset does not read, naming the key and what it takes, writing nothing', async () => {
    const ws = open();
    await ws.settingsScopes.change('user', { set: { concurrency: 3 } });
    const before = readFileSync(userFile, 'utf8');
    const refusals: [Record<string, unknown>, string][] = [
      [{ concurency: 3 }, 'unknown setting "concurency"; the keys are worktreeRoot, staleAfterMinutes, worktreeInclude'],
      [{ concurrency: 0 }, 'concurrency: 0 is not allowed; it takes a whole number from 1 to 64'],
      [{ concurrency: '8' }, 'concurrency: "8" is not allowed; it takes a whole number from 1 to 64'],
      [{ removeAfterMerge: 'yes' }, 'removeAfterMerge: "yes" is not allowed; it takes true or false'],
      [{ defaultAgent: 'vim' }, 'defaultAgent: "vim" is not allowed; it takes one of claude, codex, gemini, opencode, qwen, copilot, kilo, aider, ollama, auto-claude, custom, or empty for none'],
      [{ 'agents.claude.args': '--verbose' }, 'agents.claude.args: "--verbose" is not allowed; it takes a list of arguments (at most 100)'],
      [{ 'agents.claude.env': { 'BAD NAME': '1' } }, 'agents.claude.env: {"BAD NAME":"1"} is not allowed; it takes NAME=value pairs'],
      [{ 'agents.claude.host': 'http://x' }, 'the claude preset has the fields agents.claude.path, agents.claude.model, agents.claude.modelTimeoutSeconds, agents.claude.args, agents.claude.env'],
      [{ 'agents.claude.path': './claude' }, 'it takes an absolute path to the program, or a program name looked up on PATH'],
      [{ concurrency: 5, worktreeRoot: 7 }, 'worktreeRoot: 7 is not allowed'],
    ];
    for (const [set, message] of refusals) {
      await expect(ws.settingsScopes.change('user', { set }), JSON.stringify(set)).rejects.toMatchObject({ code: 'invalid-input', message: expect.stringContaining(message) });
    }
    await expect(ws.settingsScopes.change('user', { unset: ['agents.nobody.path'] })).rejects.toMatchObject({ message: expect.stringContaining('(no preset "nobody")') });
    expect(readFileSync(userFile, 'utf8')).toBe(before);
    expect(ws.settings().concurrency).toBe(3);
  });

  it('a hand-edited file with a mistake is an error naming the file and the key, never silently dropped', () => {
    const file = path.join(tempDir(), 'settings.json');
    const layer = new SettingsLayerFile(file, 'the user settings');
    writeFileSync(file, JSON.stringify({ version: 2, agents: { claude: { path: '/x', modle: 'opus' } } }));
    expect(() => layer.read()).toThrow(`the user settings (${file}) cannot be read: unknown setting "agents.claude.modle"; the claude preset has the fields`);
    writeFileSync(file, JSON.stringify({ version: 2, gateTimeoutSeconds: -1 }));
    expect(() => layer.read()).toThrow('gateTimeoutSeconds: not allowed; it takes a whole number of seconds from 1 to 86400');
    writeFileSync(file, '{ "version": 2, ');
    expect(() => layer.read()).toThrow('cannot be read: it is not JSON');
  });

  it('the text a command line gives is read as the key wants it', () => {
    expect(parseSettingText('concurrency', ['8'])).toEqual({ ok: true, value: 8 });
    expect(parseSettingText('removeAfterMerge', ['off'])).toEqual({ ok: true, value: false });
    expect(parseSettingText('gateCommand', [''])).toEqual({ ok: true, value: null });
    expect(parseSettingText('worktreeInclude', ['.env', 'config/*.json'])).toEqual({ ok: true, value: ['.env', 'config/*.json'] });
    expect(parseSettingText('agents.claude.args', ['["--a", "b c"]'])).toEqual({ ok: true, value: ['--a', 'b c'] });
    expect(parseSettingText('agents.claude.env', ['{"A":"1"}'])).toEqual({ ok: true, value: { A: '1' } });
    expect(parseSettingText('agents.claude.env', ['A=x=y'])).toEqual({ ok: true, value: { A: 'x=y' } });
    expect(parseSettingText('agents.claude.model', ['a', 'b'])).toEqual({ ok: false, message: 'agents.claude.model takes one value (quote it if it has spaces), not 2; it takes a model name (up to 200 characters)' });
    expect(parseSettingText('staleAfterMinutes', ['1.5'])).toMatchObject({ ok: false, message: 'staleAfterMinutes: "1.5" is not allowed; it takes a whole number of minutes from 1 to 43200' });
  });

  it('every setting of the effective model has a key here (a new one cannot be forgotten by the CLI and the screen)', () => {
    expect([...TOP_LEVEL_SETTING_KEYS, 'agents'].sort()).toEqual(Object.keys(DEFAULT_SETTINGS).sort());
    expect(settingKeys()).toContain('agents.ollama.host');
    expect(settingKeys()).not.toContain('agents.custom.path');
  });
});

describe('atomic writes', () => {
  it('changes made at once all land, and leave nothing beside the file (no temp file, no mutex)', async () => {
    const ws = open();
    await ws.settingsScopes.change('user', { set: { concurrency: 3 } });
    await Promise.all(Array.from({ length: 20 }, (_, i) => ws.settingsScopes.change('user', { set: { [`agents.codex.env.V${i}`]: String(i) } })));
    expect(readdirSync(path.dirname(userFile))).toEqual(['settings.json']);
    expect(Object.keys(ws.settings().agents.codex?.env ?? {})).toHaveLength(20);
    expect(ws.settings().concurrency).toBe(3);
  });
});
