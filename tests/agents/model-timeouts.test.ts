import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AgentOverride, AgentRun } from '../../shared/agents';
import type { Session } from '../../shared/models';
import { AgentManager } from '../../electron/core/agents/manager';
import { Council } from '../../electron/core/council';
import { REPO_ROOT } from '../helpers/cli';
import { makeRepo } from '../helpers/repo';
import { deadServerUrl, requireCli, testUser, type PresetCli } from './harness';

// Issue 12, item 13: a dead or silent model server ends the run failed within a bounded time
// (agents.<id>.modelTimeoutSeconds, default 60 s), with the real Claude Code, opencode, Qwen Code
// and Copilot CLI. The test
// users here do NOT set Claude Code's retries: the defaults are what is measured.

const managers: AgentManager[] = [];
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(managers.splice(0).map((m) => m.stopAll()));
  await Promise.all(closers.splice(0).map((close) => close()));
});

/** A server that accepts every connection and never answers. */
async function silentServer(): Promise<string> {
  const server = http.createServer(() => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(() => {
    server.closeAllConnections();
    return new Promise((resolve) => server.close(() => resolve()));
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function run(cli: PresetCli, url: string, override: AgentOverride = {}): Promise<{ run: AgentRun; ms: number }> {
  requireCli(cli);
  const repo = makeRepo();
  const council = Council.open(repo.root);
  await council.ws.updateSettings({ agents: { [cli]: { path: path.join(REPO_ROOT, 'node_modules', '.bin', cli), ...override } } });
  const user = testUser(cli, url);
  delete user.env.CLAUDE_CODE_MAX_RETRIES; // Claude Code's own default (10 retries)
  const manager = new AgentManager(council, { env: user.env, userHome: user.home, stopGraceMs: 1000 });
  managers.push(manager);
  const [session] = (await council.createSessions({ task: 'say hi', agent: cli })) as [Session];
  const started = Date.now();
  await manager.start(session.id, { mode: 'headless' });
  const ended = (await manager.waitForEnd(session.id)) as AgentRun;
  return { run: ended, ms: Date.now() - started };
}

describe.sequential('a model server that is dead or silent fails the run in bounded time', () => {
  it('Claude Code, dead server, default settings: failed within 60 s (its own default retries took ~9 minutes)', async () => {
    const { run: ended, ms } = await run('claude', await deadServerUrl());
    expect(ended.state).toBe('failed');
    expect(ended.reason).toMatch(/Unable to connect|Connection error|ECONNREFUSED/i);
    expect(ms).toBeLessThan(60_000);
  }, 120_000);

  it('Claude Code, a server that never answers, modelTimeoutSeconds 15: failed within 30 s', async () => {
    const { run: ended, ms } = await run('claude', await silentServer(), { modelTimeoutSeconds: 15 });
    expect(ended.state).toBe('failed');
    expect(ms).toBeLessThan(30_000);
  }, 120_000);

  it('opencode, dead server, modelTimeoutSeconds 10: failed within 20 s, the reason naming the server', async () => {
    const dead = await deadServerUrl();
    const { run: ended, ms } = await run('opencode', dead, { modelTimeoutSeconds: 10 });
    expect(ended.state).toBe('failed');
    expect(ended.reason).toBe(`opencode got no answer from its model server at ${dead}/v1 within 10 s; check that the server runs and can be reached (agents.opencode.modelTimeoutSeconds sets this limit)`);
    expect(ms).toBeLessThan(20_000);
  }, 120_000);

  // Qwen Code reports a failed model request as its answer and exits 0; the parser fails the run.
  it('Qwen Code, dead server, default settings: failed within 60 s, the reason naming the server', async () => {
    const dead = await deadServerUrl();
    const { run: ended, ms } = await run('qwen', dead);
    expect(ended.state).toBe('failed');
    expect(ended.reason).toMatch(new RegExp(`^Qwen Code's request to its model server at ${dead}/v1 failed: Connection error`));
    expect(ms).toBeLessThan(60_000);
  }, 120_000);

  it('Qwen Code, a server that never answers, modelTimeoutSeconds 10: failed within 25 s, the reason naming the server', async () => {
    const silent = await silentServer();
    const { run: ended, ms } = await run('qwen', silent, { modelTimeoutSeconds: 10 });
    expect(ended.state).toBe('failed');
    expect(ended.reason).toBe(`Qwen Code got no answer from its model server at ${silent}/v1 within 10 s; check that the server runs and can be reached (agents.qwen.modelTimeoutSeconds sets this limit)`);
    expect(ms).toBeLessThan(25_000);
  }, 120_000);

  it('Copilot CLI, dead server, default settings: failed within 60 s, the reason naming the server', async () => {
    const dead = await deadServerUrl();
    const { run: ended, ms } = await run('copilot', dead);
    expect(ended.state).toBe('failed');
    expect(ended.reason).toContain(`Could not connect to local model provider at ${dead}/v1`);
    expect(ms).toBeLessThan(60_000);
  }, 120_000);

  it('Copilot CLI, a server that never answers, modelTimeoutSeconds 10: failed within 25 s, the reason naming the server', async () => {
    const silent = await silentServer();
    const { run: ended, ms } = await run('copilot', silent, { modelTimeoutSeconds: 10 });
    expect(ended.state).toBe('failed');
    expect(ended.reason).toBe(`GitHub Copilot CLI got no answer from its model server at ${silent}/v1 within 10 s; check that the server runs and can be reached (agents.copilot.modelTimeoutSeconds sets this limit)`);
    expect(ms).toBeLessThan(25_000);
  }, 120_000);
});
