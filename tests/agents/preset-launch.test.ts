import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Session } from '../../shared/models';
import { hookCommandLine } from '../../electron/core/agents/hooks/command';
import { claudePreset } from '../../electron/core/agents/presets/claude';
import { codexPreset } from '../../electron/core/agents/presets/codex';
import { copilotPreset } from '../../electron/core/agents/presets/copilot';
import { geminiPreset } from '../../electron/core/agents/presets/gemini';
import { qwenPreset } from '../../electron/core/agents/presets/qwen';
import type { AgentPreset, LaunchContext } from '../../electron/core/agents/types';
import { REPO_ROOT } from '../helpers/cli';
import { tempDir } from '../helpers/repo';

// What each preset's launch() builds, without running the agent: the command line per mode and
// resume, the user's environment passed on whole, and the hook command lines, quoted for sh.

const bin = (name: string) => path.join(REPO_ROOT, 'node_modules', '.bin', name);
const session: Session = {
  id: 'a1b2c3',
  task: 'add y',
  agent: 'claude',
  branch: 'council/add-y',
  worktreePath: '/work/trees/add-y',
  baseBranch: 'main',
  baseCommit: '0'.repeat(40),
  createdAt: '2026-11-24T00:00:00.000Z',
  state: 'ready',
};
const council = { argv: ['/Applications/CLI Council.app/Contents/MacOS/CLI Council', "/opt/it's/council.cjs"], env: { ELECTRON_RUN_AS_NODE: '1' } };
const userEnv = { HOME: '/home/ann', PATH: '/usr/bin:/bin', ANTHROPIC_BASE_URL: 'https://gateway.corp.example/anthropic', OPENAI_API_KEY: 'sk-ann', COUNCIL_SESSION_ID: 'a1b2c3' };

function ctx(id: 'claude' | 'codex' | 'gemini' | 'qwen' | 'copilot', over: Partial<LaunchContext> = {}): LaunchContext {
  return {
    session: { ...session, agent: id },
    repoRoot: '/work/repo',
    task: '-- fix the "login" bug',
    mode: 'headless',
    env: userEnv,
    override: { path: bin(id), args: ['--model', 'big'], env: { EXTRA: '1' } },
    customTemplate: null,
    council,
    privateDir: tempDir('council-private-'),
    userHome: tempDir('council-user-'),
    resume: null,
    ...over,
  };
}

/** `council mcp` for the session, as every preset installs it (hooks/mcp.ts). */
const mcpServer = {
  command: council.argv[0],
  args: [council.argv[1], '--repo', '/work/repo', 'mcp', '--session', 'a1b2c3'],
  env: { ELECTRON_RUN_AS_NODE: '1', COUNCIL_SESSION_ID: 'a1b2c3' },
};

// The lock hook's line ends in `|| exit 2`: a hook that cannot run still denies (hooks/command.ts).
const hookLine = (kind: string, agent: string) =>
  `ELECTRON_RUN_AS_NODE='1' '/Applications/CLI Council.app/Contents/MacOS/CLI Council' '/opt/it'\\''s/council.cjs' 'hook' '${kind}' '--agent' '${agent}'${kind === 'pre-tool' ? ' || exit 2' : kind === 'digest' || kind === 'notice' ? ' || true' : ''}`;

describe('the hook command line', () => {
  it('is read back by sh as exactly the argv and environment it was built from', () => {
    const weird = "it's a \"path\" with $HOME, `ticks`, \\ and spaces";
    const script = 'console.log(JSON.stringify({ argv: process.argv.slice(1), weird: process.env.WEIRD, electron: process.env.ELECTRON_RUN_AS_NODE }))';
    const line = hookCommandLine({ argv: [process.execPath, '-e', script, weird], env: { ELECTRON_RUN_AS_NODE: '1', WEIRD: "a'b $c" } }, 'pre-tool', 'claude');
    const printed = JSON.parse(execFileSync('sh', ['-c', line], { encoding: 'utf8' })) as unknown;
    expect(printed).toEqual({ argv: [weird, 'hook', 'pre-tool', '--agent', 'claude'], weird: "a'b $c", electron: '1' });
  });

  it('refuses an environment name sh would not take as an assignment', () => {
    expect(() => hookCommandLine({ argv: ['council'], env: { 'BAD NAME': '1' } }, 'stop', 'codex')).toThrow(/cannot assign/);
    expect(() => hookCommandLine({ argv: [], env: {} }, 'stop', 'codex')).toThrow(/empty/);
  });
});

describe('Claude Code preset launch', () => {
  it('headless: -p with stream-json, acceptEdits, our hooks in --settings, the extra args, then the task after --', async () => {
    const launch = await claudePreset.launch(ctx('claude'));
    expect(launch.command).toBe(bin('claude'));
    expect(launch.cwd).toBe(session.worktreePath);
    expect(launch.parser).toBeNull();
    expect(launch.args).toEqual(['-p', '--output-format', 'stream-json', '--verbose', '--permission-mode', 'acceptEdits', '--settings', expect.any(String), '--mcp-config', expect.any(String), '--model', 'big', '--', '-- fix the "login" bug']);
    // council's MCP server for this session, beside the user's own (no --strict-mcp-config).
    expect(JSON.parse(launch.args[9] as string)).toEqual({ mcpServers: { council: { type: 'stdio', ...mcpServer } } });
    expect(launch.args).not.toContain('--strict-mcp-config');
    const settings = JSON.parse(launch.args[7] as string) as unknown;
    const edit = 'Write|Edit|MultiEdit|NotebookEdit|Bash';
    expect(settings).toEqual({
      hooks: {
        PreToolUse: [{ matcher: edit, hooks: [{ type: 'command', command: hookLine('pre-tool', 'claude'), timeout: 15 }] }],
        PostToolUse: [
          { matcher: edit, hooks: [{ type: 'command', command: hookLine('post-tool', 'claude'), timeout: 10 }] },
          // After every tool call: a newly predicted conflict, told within the turn.
          { hooks: [{ type: 'command', command: hookLine('notice', 'claude'), timeout: 10 }] },
        ],
        Notification: [{ hooks: [{ type: 'command', command: hookLine('notify', 'claude'), timeout: 10 }] }],
        Stop: [{ hooks: [{ type: 'command', command: hookLine('stop', 'claude'), timeout: 10 }] }],
        UserPromptSubmit: [
          {
            hooks: [
              { type: 'command', command: hookLine('prompt', 'claude'), timeout: 10 },
              { type: 'command', command: hookLine('digest', 'claude'), timeout: 10 },
            ],
          },
        ],
        SessionStart: [{ hooks: [{ type: 'command', command: hookLine('digest', 'claude'), timeout: 10 }] }],
      },
      // Its tools need no permission prompt (a headless agent cannot be asked).
      permissions: { allow: ['mcp__council'] },
    });
    // The user's environment whole (their gateway, their HOME), the settings' extra variables on top;
    // Claude Code's retries bounded (agents.claude.modelTimeoutSeconds, default 60 s).
    expect(launch.env).toEqual({ ...userEnv, EXTRA: '1', PWD: session.worktreePath, CLAUDE_CODE_MAX_RETRIES: '2', API_TIMEOUT_MS: '18333' });
  });

  it('agents.claude.digest false: no digest hook (SessionStart, nor beside the prompt hook)', async () => {
    const launch = await claudePreset.launch(ctx('claude', { override: { path: bin('claude'), digest: false } }));
    const settings = JSON.parse(launch.args[launch.args.indexOf('--settings') + 1] as string) as { hooks: Record<string, { hooks: { command: string }[] }[]> };
    expect(Object.keys(settings.hooks).sort()).toEqual(['Notification', 'PostToolUse', 'PreToolUse', 'Stop', 'UserPromptSubmit']);
    expect(settings.hooks.UserPromptSubmit?.[0]?.hooks.map((h) => h.command)).toEqual([hookLine('prompt', 'claude')]);
    expect(settings.hooks.PostToolUse?.flatMap((g) => g.hooks.map((h) => h.command))).toEqual([hookLine('post-tool', 'claude')]); // no conflict notice either
    const codex = await codexPreset.launch(ctx('codex', { override: { path: bin('codex'), digest: false } }));
    expect(codex.args.join(' ')).not.toContain("'digest'");
    expect(codex.args.join(' ')).not.toContain("'notice'");
  });

  it('interactive: the TUI with the task as its first prompt; resume: --resume=<id>', async () => {
    const interactive = await claudePreset.launch(ctx('claude', { mode: 'interactive', resume: { agentSessionId: '5e0c9a7e-1111-2222-3333-444455556666' } }));
    expect(interactive.args).toEqual(['--resume=5e0c9a7e-1111-2222-3333-444455556666', '--settings', expect.any(String), '--mcp-config', expect.any(String), '--model', 'big', '--', '-- fix the "login" bug']);
    const noTask = await claudePreset.launch(ctx('claude', { mode: 'interactive', task: '  ', resume: { agentSessionId: null } }));
    expect(noTask.args).toEqual(['--settings', expect.any(String), '--mcp-config', expect.any(String), '--model', 'big']);
  });

  it('COUNCIL_MCP=off in the preset\'s environment leaves the MCP server (and its permission) out', async () => {
    const launch = await claudePreset.launch(ctx('claude', { override: { path: bin('claude'), env: { COUNCIL_MCP: 'off' } } }));
    expect(launch.args).not.toContain('--mcp-config');
    expect(JSON.parse(launch.args[7] as string)).not.toHaveProperty('permissions');
  });
});

describe('Codex preset launch', () => {
  const hookArgs = [
    '-c',
    `hooks.PreToolUse=[{matcher="^(apply_patch|Bash|exec_command|shell|shell_command|local_shell)$",hooks=[{type="command",command=${JSON.stringify(hookLine('pre-tool', 'codex'))},timeout=15}]}]`,
    '-c',
    // After each tool call the status and the conflict notice (a conflict newly predicted, told within the turn).
    `hooks.PostToolUse=[{matcher="^(apply_patch|Bash|exec_command|shell|shell_command|local_shell)$",hooks=[{type="command",command=${JSON.stringify(hookLine('post-tool', 'codex'))},timeout=10},{type="command",command=${JSON.stringify(hookLine('notice', 'codex'))},timeout=10}]}]`,
    '-c',
    `hooks.PermissionRequest=[{hooks=[{type="command",command=${JSON.stringify(hookLine('notify', 'codex'))},timeout=10}]}]`,
    '-c',
    `hooks.UserPromptSubmit=[{hooks=[{type="command",command=${JSON.stringify(hookLine('prompt', 'codex'))},timeout=10},{type="command",command=${JSON.stringify(hookLine('digest', 'codex'))},timeout=10}]}]`,
    '-c',
    `hooks.Stop=[{hooks=[{type="command",command=${JSON.stringify(hookLine('stop', 'codex'))},timeout=10}]}]`,
    '-c',
    `hooks.SessionStart=[{hooks=[{type="command",command=${JSON.stringify(hookLine('digest', 'codex'))},timeout=10}]}]`,
    '--dangerously-bypass-hook-trust',
    // council's MCP server, as -c overrides beside the user's own mcp_servers.
    '-c',
    `mcp_servers.council.command=${JSON.stringify(mcpServer.command)}`,
    '-c',
    `mcp_servers.council.args=[${mcpServer.args.map((a) => JSON.stringify(a)).join(',')}]`,
    '-c',
    'mcp_servers.council.env={"ELECTRON_RUN_AS_NODE"="1","COUNCIL_SESSION_ID"="a1b2c3"}',
    // Waited for before the first model request (tests/mcp/codex-mcp.test.ts).
    '-c',
    'mcp_servers.council.required=true',
    '-c',
    'mcp_servers.council.startup_timeout_sec=30',
  ];

  it('headless: exec --json without approvals or sandbox, our hooks as -c overrides trusted for this run, the task after --', async () => {
    const launch = await codexPreset.launch(ctx('codex'));
    expect(launch.command).toBe(bin('codex'));
    expect(launch.args).toEqual(['exec', '--json', '--dangerously-bypass-approvals-and-sandbox', ...hookArgs, '--model', 'big', '--', '-- fix the "login" bug']);
    expect(launch.env).toEqual({ ...userEnv, EXTRA: '1', PWD: session.worktreePath });
    expect(launch.cwd).toBe(session.worktreePath);
  });

  it('resume: exec resume <id> headless, resume <id> in the TUI; interactive: the task as the first prompt', async () => {
    const resume = { agentSessionId: '01a20b43-79fd-79a1-aadb-53c2866bd821' };
    expect((await codexPreset.launch(ctx('codex', { resume }))).args).toEqual(['exec', 'resume', '--json', '--dangerously-bypass-approvals-and-sandbox', ...hookArgs, '--model', 'big', '--', resume.agentSessionId, '-- fix the "login" bug']);
    expect((await codexPreset.launch(ctx('codex', { mode: 'interactive', resume }))).args).toEqual(['resume', ...hookArgs, '--model', 'big', '--', resume.agentSessionId, '-- fix the "login" bug']);
    expect((await codexPreset.launch(ctx('codex', { mode: 'interactive' }))).args).toEqual([...hookArgs, '--model', 'big', '--', '-- fix the "login" bug']);
  });
});

describe('Gemini CLI preset launch', () => {
  it("headless: --prompt=<task> with stream-json, yolo, skip-trust; its own GEMINI_CLI_HOME, the user's HOME unchanged", async () => {
    const context = ctx('gemini');
    const launch = await geminiPreset.launch(context);
    expect(launch.command).toBe(bin('gemini'));
    expect(launch.args).toEqual(['--prompt=-- fix the "login" bug', '--output-format', 'stream-json', '--yolo', '--skip-trust', '--model', 'big']);
    expect(launch.env).toEqual({ ...userEnv, EXTRA: '1', GEMINI_CLI_HOME: path.join(context.privateDir, 'gemini-home'), PWD: session.worktreePath });
  });

  it("interactive: --prompt-interactive=<task>; resume: --resume=<id>; the user's own GEMINI_CLI_HOME is where their settings come from", async () => {
    const theirs = tempDir('council-their-gemini-home-');
    const context = ctx('gemini', { mode: 'interactive', resume: { agentSessionId: 'ed921121-468b-4b7d-9189-ffbaf999f04e' }, env: { ...userEnv, GEMINI_CLI_HOME: theirs } });
    mkdirSync(path.join(theirs, '.gemini'));
    writeFileSync(path.join(theirs, '.gemini', 'settings.json'), '{"model":{"name":"gemini-9"}}');
    const launch = await geminiPreset.launch(context);
    expect(launch.args).toEqual(['--prompt-interactive=-- fix the "login" bug', '--resume=ed921121-468b-4b7d-9189-ffbaf999f04e', '--model', 'big']);
    expect(launch.env.GEMINI_CLI_HOME).toBe(path.join(context.privateDir, 'gemini-home'));
    writeFileSync(path.join(theirs, '.gemini', 'settings.json'), '{"model":{"name":"gemini-9"},"mcpServers":{"theirs":{"command":"their-server"}}}');
    await geminiPreset.launch(context);
    const merged = JSON.parse(readFileSync(path.join(context.privateDir, 'gemini-home', '.gemini', 'settings.json'), 'utf8')) as { model: unknown; mcpServers: unknown };
    expect(merged.model).toEqual({ name: 'gemini-9' });
    // council's MCP server beside the user's own.
    expect(merged.mcpServers).toEqual({ theirs: { command: 'their-server' }, council: { ...mcpServer, trust: true } });
  });
});

describe('qwen preset: command lines, its own QWEN_HOME, refusals', () => {
  it('headless: the task as --prompt=, stream-json, yolo; the session\'s QWEN_HOME with our hooks merged into the user\'s settings', async () => {
    const context = ctx('qwen');
    mkdirSync(path.join(context.userHome, '.qwen'));
    writeFileSync(path.join(context.userHome, '.qwen', 'settings.json'), '// theirs\n{"model":{"name":"qwen-9"},"mcpServers":{"theirs":{"command":"their-server"}},"hooks":{"Stop":[{"hooks":[{"type":"command","command":"true"}]}]}}');
    writeFileSync(path.join(context.userHome, '.qwen', 'oauth_creds.json'), '{}');
    const launch = await qwenPreset.launch(context);
    expect(launch.args).toEqual(['--prompt=-- fix the "login" bug', '--output-format', 'stream-json', '--yolo', '--model', 'big']);
    const home = path.join(context.privateDir, 'qwen-home');
    expect(launch.env).toMatchObject({ QWEN_HOME: home, PWD: session.worktreePath, EXTRA: '1' });
    expect(launch.lockHook).toBe(hookLine('pre-tool', 'qwen'));
    const merged = JSON.parse(readFileSync(path.join(home, 'settings.json'), 'utf8')) as { model: unknown; mcpServers: unknown; hooks: Record<string, { matcher?: string; hooks: { command: string; timeout: number }[] }[]> };
    expect(merged.model).toEqual({ name: 'qwen-9' });
    // council's MCP server beside the user's own.
    expect(merged.mcpServers).toEqual({ theirs: { command: 'their-server' }, council: { ...mcpServer, trust: true } });
    // Their own Stop hook first, then ours; the lock on every edit and shell tool, 15 s (in ms).
    expect(merged.hooks.Stop?.map((g) => g.hooks[0]?.command)).toEqual(['true', hookLine('stop', 'qwen')]);
    expect(merged.hooks.PreToolUse).toEqual([{ matcher: 'write_file|edit|run_shell_command', hooks: [{ type: 'command', name: 'council-pre-tool', command: hookLine('pre-tool', 'qwen'), timeout: 15_000 }] }]);
    // The digest of the session's peers: with each prompt and at a conversation's start.
    expect(merged.hooks.UserPromptSubmit?.[0]?.hooks.map((h) => h.command)).toEqual([hookLine('prompt', 'qwen'), hookLine('digest', 'qwen')]);
    expect(merged.hooks.SessionStart?.[0]?.hooks.map((h) => h.command)).toEqual([hookLine('digest', 'qwen')]);
    expect(readFileSync(path.join(home, 'oauth_creds.json'), 'utf8')).toBe('{}');
    // The user's own file is untouched.
    expect(readFileSync(path.join(context.userHome, '.qwen', 'settings.json'), 'utf8')).toContain('// theirs');
  });

  it('interactive with a resume: --prompt-interactive= and --resume=; their QWEN_HOME is where their settings come from', async () => {
    const theirs = tempDir('council-their-qwen-home-');
    writeFileSync(path.join(theirs, 'settings.json'), '{"disableAllHooks":true,"hooks":{"Stop":[]}}');
    const context = ctx('qwen', { mode: 'interactive', resume: { agentSessionId: '3efc5ed3-cc90-4b4d-9299-2c67d1468d39' }, env: { ...userEnv, QWEN_HOME: theirs } });
    const launch = await qwenPreset.launch(context);
    expect(launch.args).toEqual(['--prompt-interactive=-- fix the "login" bug', '--resume=3efc5ed3-cc90-4b4d-9299-2c67d1468d39', '--model', 'big']);
    expect(launch.parser).toBeNull();
    // Their "all hooks off" keeps their own hooks off, never ours.
    const merged = JSON.parse(readFileSync(path.join(context.privateDir, 'qwen-home', 'settings.json'), 'utf8')) as Record<string, unknown>;
    expect(merged.disableAllHooks).toBeUndefined();
    expect(Object.keys(merged.hooks as object)).toEqual(['PreToolUse', 'PostToolUse', 'Notification', 'UserPromptSubmit', 'Stop', 'SessionStart']);
  });

  it('refuses a start that would switch its hooks off: --bare, or the repository\'s disableAllHooks', async () => {
    await expect(qwenPreset.launch(ctx('qwen', { override: { path: bin('qwen'), args: ['--bare'] } }))).rejects.toMatchObject({ code: 'invalid-input', message: expect.stringContaining('--bare') });
    const worktree = tempDir('council-qwen-worktree-');
    mkdirSync(path.join(worktree, '.qwen'));
    writeFileSync(path.join(worktree, '.qwen', 'settings.json'), '{"disableAllHooks": true}');
    await expect(qwenPreset.launch(ctx('qwen', { session: { ...session, agent: 'qwen', worktreePath: worktree } }))).rejects.toMatchObject({ code: 'invalid-input', message: expect.stringContaining('disableAllHooks') });
  });

  it('agents.qwen.digest false leaves the digest hooks out', async () => {
    const context = ctx('qwen', { override: { path: bin('qwen'), digest: false } });
    await qwenPreset.launch(context);
    const merged = JSON.parse(readFileSync(path.join(context.privateDir, 'qwen-home', 'settings.json'), 'utf8')) as { hooks: Record<string, { hooks: { command: string }[] }[]> };
    expect(merged.hooks.UserPromptSubmit?.[0]?.hooks.map((h) => h.command)).toEqual([hookLine('prompt', 'qwen')]);
    expect(merged.hooks.SessionStart).toBeUndefined();
  });

  it('COUNCIL_MCP=off in the preset\'s environment leaves the MCP server out, the user\'s own kept', async () => {
    const context = ctx('qwen', { override: { path: bin('qwen'), env: { COUNCIL_MCP: 'off' } } });
    mkdirSync(path.join(context.userHome, '.qwen'));
    writeFileSync(path.join(context.userHome, '.qwen', 'settings.json'), '{"mcpServers":{"theirs":{"command":"their-server"}}}');
    await qwenPreset.launch(context);
    const merged = JSON.parse(readFileSync(path.join(context.privateDir, 'qwen-home', 'settings.json'), 'utf8')) as Record<string, unknown>;
    expect(merged.mcpServers).toEqual({ theirs: { command: 'their-server' } });
    const none = ctx('qwen', { override: { path: bin('qwen'), env: { COUNCIL_MCP: 'off' } } });
    await qwenPreset.launch(none);
    expect(JSON.parse(readFileSync(path.join(none.privateDir, 'qwen-home', 'settings.json'), 'utf8'))).not.toHaveProperty('mcpServers');
  });
});

describe('copilot preset: command lines and its hook plugin', () => {
  it('headless: --prompt=, JSON events, all tools allowed, our plugin; interactive: --interactive= and --resume=', async () => {
    const context = ctx('copilot', { env: { ...userEnv, COPILOT_PROVIDER_BASE_URL: 'http://127.0.0.1:9/v1' } });
    const launch = await copilotPreset.launch(context);
    const plugin = path.join(context.privateDir, 'copilot-plugin');
    expect(launch.args).toEqual(['--prompt=-- fix the "login" bug', '--output-format', 'json', '--allow-all-tools', '--plugin-dir', plugin, '--additional-mcp-config', expect.any(String), '--model', 'big']);
    // council's MCP server for this run, added to the user's own ~/.copilot/mcp-config.json servers (a flag: no file written).
    expect(JSON.parse(launch.args[7] as string)).toEqual({ mcpServers: { council: { type: 'local', ...mcpServer, tools: ['*'] } } });
    expect(launch).toMatchObject({ modelServer: 'http://127.0.0.1:9/v1', answerDeadlineMs: 60_000, lockHook: hookLine('pre-tool', 'copilot') });
    expect(JSON.parse(readFileSync(path.join(plugin, 'hooks', 'hooks.json'), 'utf8'))).toEqual({
      version: 1,
      hooks: {
        preToolUse: [{ type: 'command', bash: hookLine('pre-tool', 'copilot'), timeoutSec: 15, matcher: 'create|edit|bash' }],
        postToolUse: [
          { type: 'command', bash: hookLine('post-tool', 'copilot'), timeoutSec: 10, matcher: 'create|edit|bash' },
          // After every tool call: a newly predicted conflict, told within the turn.
          { type: 'command', bash: hookLine('notice', 'copilot'), timeoutSec: 10 },
        ],
        notification: [{ type: 'command', bash: hookLine('notify', 'copilot'), timeoutSec: 10 }],
        // …and the digest of the session's peers, with each prompt (hooks/copilot.ts: not on sessionStart).
        userPromptSubmitted: [
          { type: 'command', bash: hookLine('prompt', 'copilot'), timeoutSec: 10 },
          { type: 'command', bash: hookLine('digest', 'copilot'), timeoutSec: 10 },
        ],
        agentStop: [{ type: 'command', bash: hookLine('stop', 'copilot'), timeoutSec: 10 }],
      },
    });
    const interactive = await copilotPreset.launch(ctx('copilot', { mode: 'interactive', resume: { agentSessionId: '8eb63e10-bbb0-4077-af8f-6b3e3ae0be23' }, privateDir: context.privateDir }));
    expect(interactive.args).toEqual(['--interactive=-- fix the "login" bug', '--resume=8eb63e10-bbb0-4077-af8f-6b3e3ae0be23', '--plugin-dir', plugin, '--additional-mcp-config', expect.any(String), '--model', 'big']);
    expect(interactive.parser).toBeNull();
  });

  it('agents.copilot.digest false: no digest hook beside the prompt hook', async () => {
    const context = ctx('copilot', { override: { path: bin('copilot'), args: [], digest: false } });
    await copilotPreset.launch(context);
    const hooks = JSON.parse(readFileSync(path.join(context.privateDir, 'copilot-plugin', 'hooks', 'hooks.json'), 'utf8')) as { hooks: Record<string, unknown> };
    expect(hooks.hooks.userPromptSubmitted).toEqual([{ type: 'command', bash: hookLine('prompt', 'copilot'), timeoutSec: 10 }]);
    expect(JSON.stringify(hooks)).not.toContain("'digest'");
    expect(JSON.stringify(hooks)).not.toContain("'notice'");
  });

  it('COUNCIL_MCP=off in the preset\'s environment (or council\'s) leaves the MCP server out', async () => {
    const off = await copilotPreset.launch(ctx('copilot', { override: { path: bin('copilot'), args: [], env: { COUNCIL_MCP: 'off' } } }));
    expect(off.args).toEqual(['--prompt=-- fix the "login" bug', '--output-format', 'json', '--allow-all-tools', '--plugin-dir', expect.any(String)]);
    const offForAll = await copilotPreset.launch(ctx('copilot', { env: { ...userEnv, COUNCIL_MCP: '0' } }));
    expect(offForAll.args).not.toContain('--additional-mcp-config');
  });
});

describe.each<[string, AgentPreset, string]>([
  ['claude', claudePreset, 'npm i -g @anthropic-ai/claude-code'],
  ['codex', codexPreset, 'npm i -g @openai/codex'],
  ['gemini', geminiPreset, 'npm i -g @google/gemini-cli'],
  ['qwen', qwenPreset, 'npm i -g @qwen-code/qwen-code'],
  ['copilot', copilotPreset, 'npm i -g @github/copilot'],
])('%s preset: detection and refusals', (id, preset, install) => {
  it('detects the installed CLI and its version; a missing one names the install command', async () => {
    const found = await preset.detect({ env: { PATH: '/usr/bin:/bin' }, override: { path: bin(id) }, customTemplate: null });
    expect(found).toMatchObject({ path: bin(id), version: expect.stringMatching(/^\d+\.\d+\.\d+/), problem: null });
    // COUNCIL_APP_BIN empty: not even the app's own node_modules/.bin (where these are installed).
    const missing = await preset.detect({ env: { PATH: tempDir('council-empty-path-'), COUNCIL_APP_BIN: '' }, override: {}, customTemplate: null });
    expect(missing).toMatchObject({ path: null, problem: expect.stringContaining(install) });
    expect(missing.problem).toContain(`set its path: \`council settings set agents.${id}.path /path/to/${id} --user\``);
    expect(preset).toMatchObject({ locks: 'enforced', modes: ['interactive', 'headless'], binary: id });
  });

  it('refuses a headless run without a task, and a launch whose program is missing', async () => {
    await expect(preset.launch(ctx(id as 'claude', { task: ' ' }))).rejects.toMatchObject({ code: 'invalid-input' });
    await expect(preset.launch(ctx(id as 'claude', { override: {}, env: { ...userEnv, PATH: tempDir('council-empty-path-'), COUNCIL_APP_BIN: '' } }))).rejects.toMatchObject({ code: 'not-found', message: expect.stringContaining(install) });
  });
});
