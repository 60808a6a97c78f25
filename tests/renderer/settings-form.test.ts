import { describe, expect, it } from 'vitest';
import { formFor, NONE, parseEntryText, scopeChange, effectiveLine, inheritedValue } from '../../renderer/src/features/settings/scope-form';
import { DEFAULT_SETTINGS } from '../../shared/models';
import { resolveSettings, settingEntries, type SettingsLayer, type SettingsView } from '../../shared/settings';

// The Settings screen's form, pure: one scope's values as text, and the changed fields back as one
// settings.change — checked with the CLI's rules and words.

function view(user: SettingsLayer, repository: SettingsLayer): SettingsView {
  return { files: { user: '/u.json', repository: '/r.json' }, user, repository, effective: resolveSettings(user, repository), entries: settingEntries(user, repository) };
}

describe('settings form (two scopes)', () => {
  it("shows each scope's own values; empty where a key is not set there", () => {
    const v = view({ concurrency: 8, 'agents': { claude: { path: '/opt/claude', env: { A: '1', B: 'x=y' } } } }, { worktreeInclude: ['.env', 'config/*.json'], defaultAgent: null, removeAfterMerge: true });
    const user = formFor(v, 'user');
    expect(user).toMatchObject({ concurrency: '8', 'agents.claude.path': '/opt/claude', 'agents.claude.env': 'A=1\nB=x=y', worktreeInclude: '', defaultAgent: '' });
    const repo = formFor(v, 'repository');
    expect(repo).toMatchObject({ concurrency: '', worktreeInclude: '.env\nconfig/*.json', defaultAgent: NONE, removeAfterMerge: 'true', 'agents.claude.path': '' });
  });

  it('sends only what changed: a value is set, an emptied field is unset, an untouched one is left alone', () => {
    const v = view({ concurrency: 8 }, { gateCommand: 'npm test', staleAfterMinutes: 45 });
    const initial = formFor(v, 'repository');
    const edited = { ...initial, 'agents.codex.path': '/usr/local/bin/codex', 'agents.codex.args': '--full-auto\n\n -c x=1 ', 'agents.codex.env': 'OPENAI_BASE_URL=http://127.0.0.1:9\n', gateCommand: '  ', concurrency: '2', mergeStrategy: 'squash', defaultAgent: NONE };
    expect(scopeChange(v, initial, edited)).toEqual({
      ok: true,
      set: { concurrency: 2, defaultAgent: null, mergeStrategy: 'squash', 'agents.codex.path': '/usr/local/bin/codex', 'agents.codex.args': ['--full-auto', '-c x=1'], 'agents.codex.env': { OPENAI_BASE_URL: 'http://127.0.0.1:9' } },
      unset: ['gateCommand'],
    });
    expect(scopeChange(v, initial, initial)).toEqual({ ok: true, set: {}, unset: [] });
  });

  it('points at the wrong field with the words the CLI uses', () => {
    const v = view({}, {});
    const initial = formFor(v, 'user');
    expect(scopeChange(v, initial, { ...initial, concurrency: '65' })).toEqual({ ok: false, key: 'concurrency', message: 'concurrency: 65 is not allowed; it takes a whole number from 1 to 64' });
    expect(scopeChange(v, initial, { ...initial, maxRetries: 'two' })).toMatchObject({ ok: false, key: 'maxRetries', message: expect.stringContaining('a whole number from 0 to 10') });
    expect(scopeChange(v, initial, { ...initial, 'agents.claude.path': 'bin/claude' })).toMatchObject({ ok: false, key: 'agents.claude.path', message: expect.stringContaining('an absolute path to the program') });
    expect(scopeChange(v, initial, { ...initial, 'agents.claude.env': 'NOVALUE' })).toMatchObject({ ok: false, key: 'agents.claude.env', message: expect.stringContaining('"NOVALUE" is not NAME=value') });
    expect(parseEntryText(v.entries.find((e) => e.key === 'worktreeInclude')!, Array.from({ length: 201 }, (_, i) => `f${i}`).join('\n'))).toMatchObject({ ok: false });
  });

  it('says what is in effect and where it comes from, and what an empty field inherits', () => {
    const v = view({ concurrency: 8, gateTimeoutSeconds: 60 }, { concurrency: 2 });
    const at = (key: string) => v.entries.find((e) => e.key === key)!;
    expect(effectiveLine(at('concurrency'), 'repository')).toBe('In effect: 2 — from this repository.');
    expect(effectiveLine(at('concurrency'), 'user')).toBe('In effect: 2 — from this repository (it overrides your user setting here)');
    expect(effectiveLine(at('gateTimeoutSeconds'), 'repository')).toBe('In effect: 60 — from your user settings.');
    expect(effectiveLine(at('maxRetries'), 'repository')).toBe(`In effect: ${DEFAULT_SETTINGS.maxRetries} — from the default.`);
    // The model server timeout has a default (its help says 60): shown as 60, not "none".
    expect(effectiveLine(at('agents.claude.modelTimeoutSeconds'), 'repository')).toBe('In effect: 60 — from the default.');
    expect(inheritedValue(at('agents.claude.modelTimeoutSeconds'), 'user')).toEqual({ value: 60, from: 'default' });
    expect(inheritedValue(at('concurrency'), 'repository')).toEqual({ value: 8, from: 'user' });
    expect(inheritedValue(at('concurrency'), 'user')).toEqual({ value: 4, from: 'default' });
    expect(inheritedValue(at('agents.claude.path'), 'user')).toBeNull();
  });
});
