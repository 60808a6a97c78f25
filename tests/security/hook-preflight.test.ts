/**
 * The preflight: before an agent whose locks rest on its pre-tool hook starts, the manager runs that
 * hook once, through the exact command line its CLI will run, with a self-test payload; an agent
 * whose hook does not answer is not started, with an error that says why. (Every CLI reads a hook
 * that cannot run as "allow".) The agents here are the fake agent standing in for Claude Code; the
 * `council` the hooks run is pointed elsewhere with COUNCIL_CLI, as a user or a broken install would.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AgentManager } from '../../electron/core/agents/manager';
import { hookCommandLine } from '../../electron/core/agents/hooks/command';
import { checkLockHook, forgetLockHookChecks } from '../../electron/core/agents/hooks/preflight';
import { REPO_ROOT } from '../helpers/cli';
import { tempDir } from '../helpers/repo';
import { fakeScene, isAlive, sessions, type FakeScene } from '../agents/fake-agents';

const BUNDLE = path.join(REPO_ROOT, 'out', 'cli', 'council.cjs');
const RAN = 'agent-ran.txt';
/** What the fake agent does when it runs: leaves a file behind. */
const SCRIPT = [{ write: { path: RAN, content: 'ran\n' } }];

const savedCli = process.env.COUNCIL_CLI;
const scenes: FakeScene[] = [];
beforeEach(() => forgetLockHookChecks());
afterEach(async () => {
  if (savedCli === undefined) delete process.env.COUNCIL_CLI;
  else process.env.COUNCIL_CLI = savedCli;
  await Promise.all(scenes.splice(0).map((scene) => scene.manager.stopAll()));
});

async function scene(options: { env?: Record<string, string | undefined> } = {}): Promise<FakeScene> {
  const made = await fakeScene('claude', SCRIPT);
  const manager = options.env ? new AgentManager(made.council, { env: options.env, stopGraceMs: 1000 }) : made.manager;
  const result = { ...made, manager };
  scenes.push(result);
  return result;
}

/** A stand-in for out/cli/council.cjs: `body` runs first (then, if it returns, the real bundle). */
function councilCli(body: string): string {
  const file = path.join(tempDir('council-cli-'), 'council.cjs');
  writeFileSync(file, `${body}\nrequire(${JSON.stringify(BUNDLE)});\n`);
  return file;
}

describe('before an agent starts', () => {
  it('runs its lock hook once per command line and environment, and starts the agents', async () => {
    const probes = path.join(tempDir('council-probes-'), 'count');
    process.env.COUNCIL_CLI = councilCli(`require('node:fs').appendFileSync(${JSON.stringify(probes)}, 'probe\\n');`);
    const { council, manager } = await scene();
    const [a, b, c] = await sessions(council, 3);
    for (const s of [a, b]) {
      await manager.start(s!.id, { mode: 'headless' });
      expect(await manager.waitForEnd(s!.id)).toMatchObject({ state: 'done' });
      expect(existsSync(path.join(s!.worktreePath, RAN))).toBe(true);
    }
    // Two starts, one probe (the fake agent itself never runs a hook). The probe took no lock.
    expect(readFileSync(probes, 'utf8')).toBe('probe\n');
    expect(council.locks.list()).toEqual([]);
    // A changed program is probed again.
    writeFileSync(process.env.COUNCIL_CLI, `${readFileSync(process.env.COUNCIL_CLI, 'utf8')}// rebuilt\n`);
    await manager.start(c!.id, { mode: 'headless' });
    expect(await manager.waitForEnd(c!.id)).toMatchObject({ state: 'done' });
    expect(readFileSync(probes, 'utf8')).toBe('probe\nprobe\n');
  });

  it.each([
    ['a council that answers nothing (exit 0)', () => councilCli('process.exit(0);'), /exited 0 with nothing on stdout instead of refusing a self-test edit/],
    ['a council that crashes', () => councilCli("throw new Error('broken build');"), /exited 2 with nothing on stdout instead of refusing a self-test edit; it said: .*Error: broken build/],
    ['a council that allows everything', () => councilCli("process.stdout.write('{\"decision\":\"approve\"}\\n'); process.exit(0);"), /exited 0 with "\{\\"decision\\":\\"approve\\"\}" instead of refusing/],
  ])('refuses to start the agent with %s, and says why', async (_what, cli, detail) => {
    process.env.COUNCIL_CLI = cli();
    const { council, manager } = await scene();
    const [s] = await sessions(council, 1);
    const started = manager.start(s!.id, { mode: 'headless' });
    await expect(started).rejects.toThrow(/^Claude Code \(preset claude\) was not started: its lock hook does not work, so its edits would not be checked against other sessions' locks\. /);
    await expect(started).rejects.toThrow(detail);
    // Nothing ran, nothing was recorded.
    expect(existsSync(path.join(s!.worktreePath, RAN))).toBe(false);
    expect(manager.runs(s!.id)).toEqual([]);
  });

  it("refuses when the agent's environment keeps Node from running the hook (a NODE_OPTIONS of the user's)", async () => {
    const { council, manager } = await scene({ env: { ...process.env, NODE_OPTIONS: '--require=/nonexistent/preload.cjs' } });
    const [s] = await sessions(council, 1);
    await expect(manager.start(s!.id, { mode: 'headless' })).rejects.toThrow(/was not started: its lock hook does not work.*Cannot find module '\/nonexistent\/preload\.cjs'/s);
    expect(existsSync(path.join(s!.worktreePath, RAN))).toBe(false);
  });

  it('gives up on a hook that hangs, and stops it', async () => {
    const pidFile = path.join(tempDir('council-hang-'), 'pid');
    const check = checkLockHook({ command: `echo $$ > '${pidFile}'; sleep 30`, env: { PATH: process.env.PATH ?? '/usr/bin:/bin' }, cwd: tempDir(), files: [], label: 'Test agent', timeoutMs: 1000 });
    await expect(check).rejects.toThrow(/^Test agent was not started: .* gave no answer within 1 s instead of refusing a self-test edit/);
    const pid = Number(readFileSync(pidFile, 'utf8'));
    expect(pid).toBeGreaterThan(0);
    expect(isAlive(pid)).toBe(false);
  });

  it('accepts the real hook through its real command line, in a folder outside any repository', async () => {
    const command = hookCommandLine({ argv: [process.execPath, BUNDLE], env: {} }, 'pre-tool', 'codex');
    await expect(checkLockHook({ command, env: { PATH: process.env.PATH ?? '/usr/bin:/bin' }, cwd: tempDir(), files: [process.execPath, BUNDLE], label: 'Codex (preset codex)' })).resolves.toBeUndefined();
  });
});
