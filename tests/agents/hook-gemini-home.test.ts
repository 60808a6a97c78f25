import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { prepareGeminiHome, stripJsonComments } from '../../electron/core/agents/hooks/gemini';
import { tempDir } from '../helpers/repo';

// The session's own GEMINI_CLI_HOME: links to the user's ~/.gemini entries, their settings with
// our hooks merged in, rebuilt on every launch, and the user's files never touched.

const council = { argv: ['/opt/council app/node', '/opt/council app/council.cjs'], env: { ELECTRON_RUN_AS_NODE: '1' } };
// The lock hook's line ends in `|| exit 2`: a hook that cannot run still denies (hooks/command.ts).
const command = (kind: string) => `ELECTRON_RUN_AS_NODE='1' '/opt/council app/node' '/opt/council app/council.cjs' 'hook' '${kind}' '--agent' 'gemini'${kind === 'pre-tool' ? ' || exit 2' : kind === 'digest' || kind === 'notice' ? ' || true' : ''}`;

const USER_SETTINGS = `{
  // mine
  "general": { "vimMode": true, "url": "http://example.test/a//b" },
  /* my own hook */
  "hooks": { "BeforeTool": [{ "matcher": "run_shell_command", "hooks": [{ "type": "command", "command": "audit.sh", "timeout": 5000 }] }] }
}
`;

function userHome(): string {
  const home = tempDir('council-gemini-user-');
  mkdirSync(path.join(home, '.gemini', 'tmp'), { recursive: true });
  writeFileSync(path.join(home, '.gemini', 'settings.json'), USER_SETTINGS);
  writeFileSync(path.join(home, '.gemini', 'oauth_creds.json'), '{"token":"t"}');
  writeFileSync(path.join(home, '.env'), 'GEMINI_API_KEY=k\n');
  mkdirSync(path.join(home, '.agents'));
  return home;
}

interface MergedSettings {
  general?: unknown;
  hooksConfig?: unknown;
  hooks: Record<string, { matcher?: string; hooks: { command: string }[] }[]>;
}
const settingsOf = (geminiHome: string) => JSON.parse(readFileSync(path.join(geminiHome, '.gemini', 'settings.json'), 'utf8')) as MergedSettings;
const commandOf = (settings: MergedSettings, event: string) => settings.hooks[event]?.[0]?.hooks[0]?.command;
const linkAt = (file: string) => (lstatSync(file).isSymbolicLink() ? readlinkSync(file) : null);

describe("the session's Gemini home", () => {
  it("links every entry of the user's ~/.gemini (and ~/.env, ~/.agents) and merges our hooks into their settings", () => {
    const home = userHome();
    const privateDir = tempDir('council-private-');
    const geminiHome = prepareGeminiHome({ privateDir, userGeminiHome: home, council });

    expect(geminiHome).toBe(path.join(privateDir, 'gemini-home'));
    expect(linkAt(path.join(geminiHome, '.gemini', 'oauth_creds.json'))).toBe(path.join(home, '.gemini', 'oauth_creds.json'));
    expect(linkAt(path.join(geminiHome, '.gemini', 'tmp'))).toBe(path.join(home, '.gemini', 'tmp'));
    expect(linkAt(path.join(geminiHome, '.env'))).toBe(path.join(home, '.env'));
    expect(linkAt(path.join(geminiHome, '.agents'))).toBe(path.join(home, '.agents'));
    expect(linkAt(path.join(geminiHome, '.gemini', 'settings.json'))).toBeNull();

    const settings = settingsOf(geminiHome);
    expect(settings.general).toEqual({ vimMode: true, url: 'http://example.test/a//b' });
    expect(settings.hooksConfig).toEqual({ enabled: true });
    // Their hook first, ours after it; timeouts in milliseconds; the lock above its own 10 s deadline.
    expect(settings.hooks.BeforeTool).toEqual([
      { matcher: 'run_shell_command', hooks: [{ type: 'command', command: 'audit.sh', timeout: 5000 }] },
      { matcher: 'write_file|replace|run_shell_command', hooks: [{ type: 'command', name: 'council-pre-tool', command: command('pre-tool'), timeout: 15_000 }] },
    ]);
    expect(settings.hooks.AfterTool).toEqual([
      { matcher: 'write_file|replace|run_shell_command', hooks: [{ type: 'command', name: 'council-post-tool', command: command('post-tool'), timeout: 10_000 }] },
      // After every tool call: a newly predicted conflict, appended to the tool's result.
      { hooks: [{ type: 'command', name: 'council-notice', command: command('notice'), timeout: 10_000 }] },
    ]);
    expect(commandOf(settings, 'Notification')).toBe(command('notify'));
    expect(commandOf(settings, 'BeforeAgent')).toBe(command('prompt'));
    // The digest (council/digest.ts): at the start, and before each prompt beside the status hook.
    expect(settings.hooks.BeforeAgent?.[0]?.hooks.map((h) => h.command)).toEqual([command('prompt'), command('digest')]);
    expect(commandOf(settings, 'SessionStart')).toBe(command('digest'));
    expect(commandOf(settings, 'AfterAgent')).toBe(command('stop'));
    // The user's own files are as they were.
    expect(readFileSync(path.join(home, '.gemini', 'settings.json'), 'utf8')).toBe(USER_SETTINGS);
    expect(readdirSync(path.join(home, '.gemini')).sort()).toEqual(['oauth_creds.json', 'settings.json', 'tmp']);
  });

  it('is rebuilt on every launch: new entries linked, gone ones unlinked, what Gemini created there itself kept', () => {
    const home = userHome();
    const privateDir = tempDir('council-private-');
    const geminiHome = prepareGeminiHome({ privateDir, userGeminiHome: home, council });
    writeFileSync(path.join(geminiHome, '.gemini', 'installation_id'), 'made by gemini');
    rmSync(path.join(home, '.gemini', 'oauth_creds.json'));
    rmSync(path.join(home, '.env'));
    writeFileSync(path.join(home, '.gemini', 'google_accounts.json'), '{}');
    writeFileSync(path.join(home, '.gemini', 'settings.json'), '{"general":{"vimMode":false}}');

    expect(prepareGeminiHome({ privateDir, userGeminiHome: home, council })).toBe(geminiHome);
    expect(readdirSync(path.join(geminiHome, '.gemini')).sort()).toEqual(['google_accounts.json', 'installation_id', 'settings.json', 'tmp']);
    expect(linkAt(path.join(geminiHome, '.gemini', 'google_accounts.json'))).toBe(path.join(home, '.gemini', 'google_accounts.json'));
    expect(readFileSync(path.join(geminiHome, '.gemini', 'installation_id'), 'utf8')).toBe('made by gemini');
    expect(existsSync(path.join(geminiHome, '.env'))).toBe(false);
    expect(settingsOf(geminiHome).general).toEqual({ vimMode: false });
    expect(settingsOf(geminiHome).hooks.BeforeTool).toHaveLength(1);
  });

  it('a user who switched hooks off keeps theirs off; ours run (the locks need them)', () => {
    const home = userHome();
    writeFileSync(path.join(home, '.gemini', 'settings.json'), JSON.stringify({ hooksConfig: { enabled: false, notifications: false }, hooks: { AfterAgent: [{ hooks: [{ type: 'command', command: 'mine.sh' }] }] } }));
    const settings = settingsOf(prepareGeminiHome({ privateDir: tempDir('council-private-'), userGeminiHome: home, council }));
    expect(settings.hooksConfig).toEqual({ enabled: true, notifications: false });
    expect(JSON.stringify(settings.hooks)).not.toContain('mine.sh');
    expect(commandOf(settings, 'AfterAgent')).toBe(command('stop'));
  });

  it('works for a user without any ~/.gemini, and names a broken settings file', () => {
    const empty = tempDir('council-gemini-user-');
    const geminiHome = prepareGeminiHome({ privateDir: tempDir('council-private-'), userGeminiHome: empty, council });
    expect(readdirSync(path.join(geminiHome, '.gemini'))).toEqual(['settings.json']);
    expect(Object.keys(settingsOf(geminiHome).hooks).sort()).toEqual(['AfterAgent', 'AfterTool', 'BeforeAgent', 'BeforeTool', 'Notification', 'SessionStart']);
    // Switched off for the preset (agents.gemini.digest false): neither digest hook is installed.
    const off = settingsOf(prepareGeminiHome({ privateDir: tempDir('council-private-'), userGeminiHome: empty, council, choices: { digest: false } }));
    expect(Object.keys(off.hooks).sort()).toEqual(['AfterAgent', 'AfterTool', 'BeforeAgent', 'BeforeTool', 'Notification']);
    expect(JSON.stringify(off.hooks)).not.toContain("'digest'");
    expect(JSON.stringify(off.hooks)).not.toContain("'notice'");

    const broken = userHome();
    writeFileSync(path.join(broken, '.gemini', 'settings.json'), '{"general": ');
    expect(() => prepareGeminiHome({ privateDir: tempDir('council-private-'), userGeminiHome: broken, council })).toThrow(path.join(broken, '.gemini', 'settings.json'));
  });

  it('reads settings with comments the way Gemini does, leaving // and /* inside strings alone', () => {
    expect(JSON.parse(stripJsonComments('{ // a\n"a": "x // y /* z */", /* b */ "b": 1 }'))).toEqual({ a: 'x // y /* z */', b: 1 });
    expect(JSON.parse(stripJsonComments('{"a": "quote \\" // still a string"}'))).toEqual({ a: 'quote " // still a string' });
  });
});
