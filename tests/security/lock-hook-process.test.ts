/**
 * The lock hook fails closed as a process, whatever goes wrong — checked on `council hook pre-tool`
 * itself and on the exact command line the presets give each CLI (hook-fail-closed.test.ts then
 * runs the real CLIs through the same faults):
 *
 * - the CLIs' own time limit for the hook (set by each preset) leaves it room to deny first, and
 *   COUNCIL_HOOK_DEADLINE_MS cannot push its deadline past that limit;
 * - an uncaught exception, an unhandled rejection, an early exit(0): exit 2, never 0 or 1;
 * - a command line that cannot start the hook (no bundle, no Node, a broken NODE_OPTIONS, a kill):
 *   the shell exits 2, where the CLIs would read 127, 1 or 137 as "allow";
 * - the preflight's self-test payload is refused and changes nothing.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Session } from '../../shared/models';
import type { Council } from '../../electron/core/council';
import type { CouncilCommand, Launch, LaunchContext } from '../../electron/core/agents/types';
import { HOOK_START_ALLOWANCE_MS, hookCommandLine, PRE_TOOL_DEADLINE_MS, PRE_TOOL_TIMEOUT_SECONDS } from '../../electron/core/agents/hooks/command';
import { PROBE_FIELD, probeReason } from '../../electron/core/agents/hooks/probe';
import { claudePreset } from '../../electron/core/agents/presets/claude';
import { codexPreset } from '../../electron/core/agents/presets/codex';
import { copilotPreset } from '../../electron/core/agents/presets/copilot';
import { geminiPreset } from '../../electron/core/agents/presets/gemini';
import { qwenPreset } from '../../electron/core/agents/presets/qwen';
import { COUNCIL_BIN, REPO_ROOT } from '../helpers/cli';
import { tempDir, type TestRepo } from '../helpers/repo';
import { heldFile, TARGET } from '../agents/harness';
import { claudeWrite, holdSessionMutex, injectFault, orphanLocksOf, runPreToolHook, runShell } from './lock-faults';
import { holderLine } from '../helpers/holder-line';

const COUNCIL: CouncilCommand = { argv: [process.execPath, path.join(REPO_ROOT, 'out', 'cli', 'council.cjs')], env: {} };
const FREE = 'src/free.ts';

let repo: TestRepo;
let council: Council;
let holder: Session;
let writer: Session;
beforeEach(async () => {
  ({ repo, council, holder, writer } = await heldFile());
});

const env = () => ({ COUNCIL_SESSION_ID: writer.id });
const deny = (reason: string | RegExp) => ({ decision: 'block', reason: typeof reason === 'string' ? reason : expect.stringMatching(reason) });
const lastJson = (stdout: string): unknown => JSON.parse(stdout.trim().split('\n').at(-1) ?? '');

function launchContext(session: Session, council: CouncilCommand): LaunchContext {
  return {
    session,
    repoRoot: repo.root,
    task: 'a task',
    mode: 'headless',
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: tempDir('council-user-') },
    override: { path: process.execPath },
    customTemplate: null,
    council,
    privateDir: tempDir('council-private-'),
    userHome: tempDir('council-user-'),
    resume: null,
  };
}

/** The lock hook each preset installs: its command line and the CLI's time limit for it, in ms. */
function installedLockHook(cli: 'claude' | 'codex' | 'gemini' | 'qwen' | 'copilot', launch: Launch): { command: string; timeoutMs: number } {
  if (cli === 'qwen') {
    const settings = JSON.parse(readFileSync(path.join(launch.env.QWEN_HOME ?? '', 'settings.json'), 'utf8')) as { hooks: { PreToolUse: { hooks: { command: string; timeout: number }[] }[] } };
    const [hook] = settings.hooks.PreToolUse.flatMap((group) => group.hooks);
    return { command: hook?.command ?? '', timeoutMs: hook?.timeout ?? 0 }; // milliseconds
  }
  if (cli === 'copilot') {
    const plugin = launch.args[launch.args.indexOf('--plugin-dir') + 1] ?? '';
    const config = JSON.parse(readFileSync(path.join(plugin, 'hooks', 'hooks.json'), 'utf8')) as { hooks: { preToolUse: { bash: string; timeoutSec: number }[] } };
    const [hook] = config.hooks.preToolUse;
    return { command: hook?.bash ?? '', timeoutMs: (hook?.timeoutSec ?? 0) * 1000 }; // seconds
  }
  if (cli === 'claude') {
    const settings = JSON.parse(launch.args[launch.args.indexOf('--settings') + 1] ?? '') as { hooks: { PreToolUse: { hooks: { command: string; timeout: number }[] }[] } };
    const [hook] = settings.hooks.PreToolUse.flatMap((group) => group.hooks);
    return { command: hook?.command ?? '', timeoutMs: (hook?.timeout ?? 0) * 1000 }; // seconds
  }
  if (cli === 'codex') {
    const override = launch.args.find((arg) => arg.startsWith('hooks.PreToolUse='));
    const command = JSON.parse(/command=("(?:[^"\\]|\\.)*")/.exec(override ?? '')?.[1] ?? '""') as string;
    return { command, timeoutMs: Number(/timeout=(\d+)/.exec(override ?? '')?.[1]) * 1000 }; // seconds
  }
  const settings = JSON.parse(readFileSync(path.join(launch.env.GEMINI_CLI_HOME ?? '', '.gemini', 'settings.json'), 'utf8')) as { hooks: { BeforeTool: { hooks: { command: string; timeout: number }[] }[] } };
  const [hook] = settings.hooks.BeforeTool.flatMap((group) => group.hooks);
  return { command: hook?.command ?? '', timeoutMs: hook?.timeout ?? 0 }; // milliseconds
}

describe('time limits', () => {
  it("each preset gives its CLI a limit for the lock hook well above the hook's own deadline, and the preflight probes that very command", async () => {
    expect(HOOK_START_ALLOWANCE_MS).toBeGreaterThanOrEqual(5000);
    for (const [cli, preset] of [['claude', claudePreset], ['codex', codexPreset], ['gemini', geminiPreset], ['qwen', qwenPreset], ['copilot', copilotPreset]] as const) {
      const launch = await preset.launch(launchContext(writer, COUNCIL));
      const installed = installedLockHook(cli, launch);
      expect(installed.timeoutMs, cli).toBe(PRE_TOOL_TIMEOUT_SECONDS * 1000);
      expect(installed.timeoutMs - PRE_TOOL_DEADLINE_MS, cli).toBeGreaterThanOrEqual(HOOK_START_ALLOWANCE_MS);
      expect(installed.command, cli).toBe(hookCommandLine(COUNCIL, 'pre-tool', cli));
      expect(launch.lockHook, cli).toBe(installed.command);
    }
  });

  it('a hook stuck on a live mutex denies at its own deadline, which COUNCIL_HOOK_DEADLINE_MS can shorten but not push past the CLI limit', async () => {
    await orphanLocksOf(council, holder);
    await holdSessionMutex(council, holder.id);
    const payload = claudeWrite(writer.worktreePath, TARGET);

    const shortened = await runPreToolHook('claude', payload, { cwd: writer.worktreePath, env: { ...env(), COUNCIL_HOOK_DEADLINE_MS: '1500' } });
    expect(shortened.code).toBe(2);
    expect(lastJson(shortened.stdout)).toEqual(deny('the council lock hook did not answer in time; try the edit again in a moment'));
    expect(shortened.ms).toBeGreaterThanOrEqual(1500);
    expect(shortened.ms).toBeLessThan(PRE_TOOL_DEADLINE_MS);

    const lengthened = await runPreToolHook('claude', payload, { cwd: writer.worktreePath, env: { ...env(), COUNCIL_HOOK_DEADLINE_MS: '600000' } });
    expect(lengthened.code).toBe(2);
    expect(lastJson(lengthened.stdout)).toEqual(deny('the council lock hook did not answer in time; try the edit again in a moment'));
    expect(lengthened.ms).toBeGreaterThanOrEqual(PRE_TOOL_DEADLINE_MS);
    expect(lengthened.ms).toBeLessThan(PRE_TOOL_TIMEOUT_SECONDS * 1000);
    expect(existsSync(path.join(writer.worktreePath, TARGET))).toBe(false);
  }, 60_000);

  it('the control: once the mutex is free, the same edit is allowed (the gone session\'s lock is taken over)', async () => {
    await orphanLocksOf(council, holder);
    const release = await holdSessionMutex(council, holder.id);
    await release();
    const run = await runPreToolHook('claude', claudeWrite(writer.worktreePath, TARGET), { cwd: writer.worktreePath, env: env() });
    expect(run).toMatchObject({ code: 0, stdout: '', stderr: '' });
    expect(await council.locks.who(TARGET, { cwd: repo.root })).toMatchObject({ sessionId: writer.id });
  });
});

describe('faults inside the hook process', () => {
  it('the control: with no fault, the same payload is allowed', async () => {
    const run = await runPreToolHook('claude', claudeWrite(writer.worktreePath, FREE), { cwd: writer.worktreePath, env: env() });
    expect(run).toMatchObject({ code: 0, stdout: '', stderr: '' });
  });

  it.each([
    ['throw', /^the council lock hook failed \(an uncaught exception: injected fault: a callback threw\), so this edit is refused$/],
    ['reject', /^the council lock hook failed \(an unhandled rejection: injected fault: nobody awaited this\), so this edit is refused$/],
    ['exit-0', /^the council lock hook ended without a decision, so this edit is refused$/],
  ] as const)('an injected %s while it works denies: exit 2 with the reason', async (kind, reason) => {
    const run = await runPreToolHook('claude', claudeWrite(writer.worktreePath, FREE), { cwd: writer.worktreePath, env: { ...env(), NODE_OPTIONS: injectFault(kind) }, inputDelayMs: 1000 });
    expect(run.code, run.stderr).toBe(2);
    expect(lastJson(run.stdout)).toEqual(deny(reason));
    expect(await council.locks.who(FREE, { cwd: repo.root })).toBeNull();
  });
});

describe('the command line the CLIs run (`… || exit 2`)', () => {
  const line = (command: CouncilCommand = COUNCIL) => hookCommandLine(command, 'pre-tool', 'claude');

  it('the control: the healthy line allows a free file (0) and refuses a held one (2), like the hook itself', async () => {
    const free = await runShell(line(), claudeWrite(writer.worktreePath, FREE), { cwd: writer.worktreePath, env: env() });
    expect(free).toMatchObject({ code: 0, stdout: '' });
    const held = await runShell(line(), claudeWrite(writer.worktreePath, TARGET), { cwd: writer.worktreePath, env: env() });
    expect(held.code).toBe(2);
    expect(lastJson(held.stdout)).toEqual(deny(`${TARGET} is being edited by session ${holder.id} (codex: add auth); work on another file or wait${holderLine(holder.id)}`));
  });

  const cannotRun: [string, CouncilCommand, Record<string, string>, (number | string)[]][] = [
    ['the bundle is gone', { argv: [process.execPath, '/nonexistent/out/cli/council.cjs'], env: {} }, {}, [1]],
    ['Node is gone', { argv: ['/nonexistent/bin/node', COUNCIL_BIN], env: {} }, {}, [127]],
    ['NODE_OPTIONS breaks Node', COUNCIL, { NODE_OPTIONS: '--require=/nonexistent/preload.cjs' }, [1]],
    // sh may exec a lone command itself: then the CLI sees the signal rather than 137.
    ['the hook is killed', COUNCIL, { NODE_OPTIONS: injectFault('sigkill') }, [137, 'SIGKILL']],
  ];
  it.each(cannotRun)('%s: the shell exits 2 (deny), where the bare line ends in a status every CLI reads as allow', async (_what, command, extraEnv, bare) => {
    const payload = claudeWrite(writer.worktreePath, FREE);
    const options = { cwd: writer.worktreePath, env: { ...env(), ...extraEnv }, inputDelayMs: 1000 };
    // What the line would give without its guard (every CLI: "allow"), and what it gives with it.
    const without = await runShell(line(command).replace(/ \|\| exit 2$/, ''), payload, options);
    expect(bare).toContain(without.code ?? without.signal);
    const guarded = await runShell(line(command), payload, options);
    expect(guarded.code).toBe(2);
    expect(await council.locks.who(FREE, { cwd: repo.root })).toBeNull();
  });
});

describe("the preflight's self-test payload", () => {
  it('is refused with the nonce in the reason, through the exact line, and changes nothing (no lock, no context, no hook log)', async () => {
    const log = path.join(tempDir('council-hook-log-'), 'calls.jsonl');
    const locksBefore = existsSync(council.locks.dir) ? readdirSync(council.locks.dir).sort() : [];
    const contextBefore = council.context.get(writer.id);
    const nonce = 'n0nce-Probe_123';
    const run = await runShell(line(), JSON.stringify({ [PROBE_FIELD]: nonce }), { cwd: writer.worktreePath, env: { ...env(), COUNCIL_HOOK_LOG: log } });
    expect(run.code).toBe(2);
    expect(lastJson(run.stdout)).toEqual(deny(probeReason(nonce)));
    expect(run.stderr).toBe(`${probeReason(nonce)}\n`);
    expect(existsSync(log)).toBe(false);
    expect(existsSync(council.locks.dir) ? readdirSync(council.locks.dir).sort() : []).toEqual(locksBefore);
    expect(council.context.get(writer.id)).toEqual(contextBefore);
    // Outside any repository too: it reads nothing.
    const outside = await runShell(line(), JSON.stringify({ [PROBE_FIELD]: nonce }), { cwd: tempDir('council-nowhere-'), env: {} });
    expect(lastJson(outside.stdout)).toEqual(deny(probeReason(nonce)));
  });

  function line(): string {
    return hookCommandLine(COUNCIL, 'pre-tool', 'gemini');
  }
});
