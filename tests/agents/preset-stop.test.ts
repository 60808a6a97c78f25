import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AgentRun } from '../../shared/agents';
import type { Session } from '../../shared/models';
import { AgentManager } from '../../electron/core/agents/manager';
import { descendants, isAlive } from '../../electron/core/agents/runner/process-tree';
import { Council } from '../../electron/core/council';
import { REPO_ROOT } from '../helpers/cli';
import { makeRepo } from '../helpers/repo';
import { startModelServer, type ModelServer } from '../support/model-server/index';
import { requireCli, testUser, type PresetCli } from './harness';

// Stopping a real agent CLI in the middle of a shell command it runs (the model asked for
// `tail -f /dev/null`; Qwen refuses a bare `sleep`): the agent manager stops the CLI and everything
// it started, and no process of that tree is left behind (the CLI, its helpers, the shell, the
// command).

const servers: ModelServer[] = [];
const managers: AgentManager[] = [];
afterEach(async () => {
  await Promise.all(managers.splice(0).map((m) => m.stopAll()));
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

/** The command line of a process, or '' when it is gone. */
function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return '';
  }
}

async function until<T>(what: string, probe: () => Promise<T | null>, ms: number): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== null) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe.sequential('stop leaves no process of a real agent CLI behind', () => {
  for (const cli of ['qwen', 'copilot'] as PresetCli[]) {
    it.runIf(process.platform === 'linux')(`${cli}: stopped during its shell command, the whole tree is gone`, async () => {
      requireCli(cli);
      const server = await startModelServer([{ shell: 'tail -f /dev/null' }, { text: 'Done.' }]);
      servers.push(server);
      const repo = makeRepo();
      const council = Council.open(repo.root);
      await council.ws.updateSettings({ agents: { [cli]: { path: path.join(REPO_ROOT, 'node_modules', '.bin', cli) } } });
      const user = testUser(cli, server.url);
      const manager = new AgentManager(council, { env: user.env, userHome: user.home, stopGraceMs: 1000 });
      managers.push(manager);
      const [session] = (await council.createSessions({ task: 'wait a while', agent: cli })) as [Session];

      const run = await manager.start(session.id, { mode: 'headless' });
      const pid = run.pid as number;
      // The CLI's tree once the model's command runs in it.
      const tree = await until('the shell command to run', async () => {
        const pids = await descendants(pid);
        return pids.some((p) => commandLine(p).includes('tail -f /dev/null')) ? pids : null;
      }, 90_000);

      const stopped = (await manager.stop(session.id)) as AgentRun;
      expect(stopped).toMatchObject({ state: 'stopped', reason: 'stopped by the user' });
      const left = [pid, ...tree].filter(isAlive);
      expect(left.map((p) => `${p} ${commandLine(p)}`)).toEqual([]);
      expect(server.errors).toEqual([]);
    }, 150_000);
  }
});
