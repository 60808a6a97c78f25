import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AgentRun } from '../../shared/agents';
import type { Session } from '../../shared/models';
import { AgentManager } from '../../electron/core/agents/manager';
import { Council } from '../../electron/core/council';
import { REPO_ROOT } from '../helpers/cli';
import { makeRepo, tempDir } from '../helpers/repo';
import { startModelServer } from '../support/model-server/index';
import { deadServerUrl } from './harness';
import { proves } from '../helpers/proves';

// Issue 12, item 13, Aider. Aider cannot be installed here (PyPI is not reachable): the preset runs
// a stand-in (tests/support/aider-stand-in.mjs) that prints and exits the way Aider's source does —
// these tests prove how council reads that behaviour, not that the real Aider behaves so.

const STAND_IN = path.join(REPO_ROOT, 'tests', 'support', 'aider-stand-in.mjs');
const managers: AgentManager[] = [];
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(managers.splice(0).map((m) => m.stopAll()));
  await Promise.all(closers.splice(0).map((close) => close()));
});

async function runAider(modelServer: string, env: Record<string, string> = {}): Promise<{ run: AgentRun; session: Session; home: string; argvFile: string }> {
  const repo = makeRepo();
  const council = Council.open(repo.root);
  await council.ws.updateSettings({ agents: { aider: { path: STAND_IN } } });
  const home = tempDir('council-aider-home-');
  const argvFile = path.join(home, 'argv.jsonl');
  const manager = new AgentManager(council, { env: { HOME: home, PATH: process.env.PATH ?? '/usr/bin:/bin', OPENAI_API_BASE: `${modelServer}/v1`, STANDIN_ARGV_FILE: argvFile, ...env }, userHome: home, stopGraceMs: 1000 });
  managers.push(manager);
  const [session] = (await council.createSessions({ task: 'say hello', agent: 'aider' })) as [Session];
  await manager.start(session.id, { mode: 'headless' });
  return { run: (await manager.waitForEnd(session.id)) as AgentRun, session, home, argvFile };
}

describe('the Aider preset (with a stand-in that behaves as Aider\'s source does)', () => {
  it('a dead model server: Aider gives up and exits 0, and the run ends failed with its error', async () => {
    const dead = await deadServerUrl();
    const { run } = await runAider(dead);
    expect(run).toMatchObject({ state: 'failed', exitCode: 0 });
    expect(run.reason).toBe('Aider gave up on the model server (it exits 0 even then): litellm.APIConnectionError: APIConnectionError: OpenAIException - Connection error.');
  });

  it('--yes-always does not opt in to analytics (--no-analytics), and a reachable server ends done with its edit', async () => {
    const server = await startModelServer([]);
    closers.push(() => server.close());
    const { run, session, home, argvFile } = await runAider(server.url, { STANDIN_WRITE: 'hello.txt=hello\n' });
    expect(run.state, run.reason ?? '').toBe('done');
    expect(readFileSync(path.join(session.worktreePath, 'hello.txt'), 'utf8')).toBe('hello\n');
    expect(run.filesTouched).toContain('hello.txt');
    const argv = JSON.parse(readFileSync(argvFile, 'utf8').trim()) as string[];
    expect(argv).toEqual(expect.arrayContaining(['--message', 'say hello', '--yes-always', '--no-analytics']));
    expect(existsSync(path.join(home, '.aider', 'analytics.json'))).toBe(false);
    proves('aider', ['headless', 'firstWrite', 'status'], { standIn: true });
  });
});
