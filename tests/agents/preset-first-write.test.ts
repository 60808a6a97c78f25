import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AgentPresetId, AgentRun } from '../../shared/agents';
import type { Session } from '../../shared/models';
import { AgentManager } from '../../electron/core/agents/manager';
import { Council } from '../../electron/core/council';
import { REPO_ROOT } from '../helpers/cli';
import { gitSync, makeRepo, tempDir, type TestRepo } from '../helpers/repo';
import { startModelServer, type ModelServer } from '../support/model-server/index';
import { requireCli, testUser, type PresetCli } from './harness';
import { proves } from '../helpers/proves';

// Issue 12, item 10: where each preset's first write lands. council is started from the user's
// main checkout, so the environment it passes on has PWD = the main checkout; every agent must
// still write into its session's worktree. opencode takes its folder from PWD (not from its
// process's cwd): before the fix it wrote into the main checkout. Each preset runs its real CLI
// through the agent manager (the app's and the CLI's engine); the custom command runs a script
// that, like opencode, trusts PWD.

const FILE = 'first.txt';
const CONTENT = 'the first write\n';

const servers: ModelServer[] = [];
const managers: AgentManager[] = [];
afterEach(async () => {
  await Promise.all(managers.splice(0).map((m) => m.stopAll()));
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

interface Scene {
  repo: TestRepo;
  council: Council;
  session: Session;
  manager: AgentManager;
}

async function scene(preset: AgentPresetId, env: Record<string, string>, settings: { path?: string; customCommand?: string }): Promise<Scene> {
  const repo = makeRepo();
  const council = Council.open(repo.root);
  await council.ws.updateSettings({ agents: settings.path ? { [preset]: { path: settings.path } } : {}, customCommand: settings.customCommand ?? null });
  const [session] = (await council.createSessions({ task: `create ${FILE}`, agent: preset })) as [Session];
  // Started from the main checkout: that is the PWD every process council starts inherits.
  const manager = new AgentManager(council, { env: { ...env, PWD: repo.root }, userHome: env.HOME, stopGraceMs: 1000 });
  managers.push(manager);
  return { repo, council, session, manager };
}

async function runToEnd(s: Scene): Promise<AgentRun> {
  await s.manager.start(s.session.id, { mode: 'headless' });
  return (await s.manager.waitForEnd(s.session.id)) as AgentRun;
}

function expectInWorktree(s: Scene, run: AgentRun): void {
  expect(existsSync(path.join(s.repo.root, FILE)), `${FILE} was written into the main checkout`).toBe(false);
  expect(gitSync(s.repo.root, 'status', '--porcelain')).toBe('');
  expect(readFileSync(path.join(s.session.worktreePath, FILE), 'utf8')).toBe(CONTENT);
  expect(run).toMatchObject({ state: 'done', exitCode: 0, didWork: true });
  expect(run.filesTouched).toContain(FILE);
}

describe.sequential("each preset's first write lands in its session's worktree (council started from the main checkout)", () => {
  for (const cli of ['opencode', 'claude', 'codex', 'gemini', 'qwen', 'copilot'] as PresetCli[]) {
    it(`${cli}: the real CLI writes ${FILE} into the worktree, not the main checkout`, async () => {
      requireCli(cli);
      const server = await startModelServer([{ write: { path: FILE, content: CONTENT } }, { text: `Done: wrote ${FILE}.` }]);
      servers.push(server);
      const user = testUser(cli, server.url);
      const s = await scene(cli, user.env, { path: path.join(REPO_ROOT, 'node_modules', '.bin', cli) });
      const run = await runToEnd(s);
      expect(server.errors).toEqual([]);
      expectInWorktree(s, run);
      // opencode's only headless run with the real CLI here is this one (and advisory-locks'), by the agent manager.
      proves(cli, cli === 'opencode' ? ['firstWrite', 'headless'] : 'firstWrite');
    }, 120_000);
  }

  it(`custom command: a program that trusts PWD writes ${FILE} into the worktree`, async () => {
    const dir = tempDir('council-custom-agent-');
    const script = path.join(dir, 'pwd-writer.mjs');
    writeFileSync(script, `import { writeFileSync } from 'node:fs';\nimport path from 'node:path';\nwriteFileSync(path.join(process.env.PWD ?? '.', ${JSON.stringify(FILE)}), ${JSON.stringify(CONTENT)});\n`);
    const home = tempDir('council-custom-home-');
    const s = await scene('custom', { HOME: home, PATH: process.env.PATH ?? '/usr/bin:/bin' }, { customCommand: `${process.execPath} ${script} {task}` });
    const run = await runToEnd(s);
    expectInWorktree(s, run);
    proves('custom', ['headless', 'firstWrite', 'status']);
  }, 60_000);
});
