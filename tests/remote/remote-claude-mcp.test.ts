import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeControl } from '../../electron/core/hosts/control';
import { council, REPO_ROOT } from '../helpers/cli';
import type { TestRepo } from '../helpers/repo';
import { AgentManager } from '../../electron/core/agents/manager';
import { Council } from '../../electron/core/council';
import type { AgentRun } from '../../shared/agents';
import { sshdUnavailable, type SshServer } from '../helpers/sshd';
import { remoteScene, runOnHost } from '../helpers/remote-scene';
import { requireCli } from '../agents/harness';
import { startModelServer, type ModelServer, type ToolResult } from '../support/model-server/index';

/**
 * Issue 17, item 3, with the real Claude Code running on the host (the real sshd, a second local
 * user): the model's script calls council's MCP tools; Claude Code there starts `council mcp` of the
 * host's runtime, which relays to the home's server for the session; what each tool returned is read
 * from the model server's log (the tool_result of the next request) — home's sessions and locks.
 */

const unavailable = sshdUnavailable();
if (unavailable) console.warn(`\n⚠ tests/remote/remote-claude-mcp.test.ts is SKIPPED: ${unavailable}\n`);

const tool = (name: string, input: Record<string, unknown> = {}) => ({ tool: { name: `mcp__council__${name}`, input } });

describe.skipIf(unavailable !== null)("Claude Code on a host calls council's MCP tools, answered by home", () => {
  let server: SshServer;
  let env: Record<string, string>;
  let repo: TestRepo;
  let model: ModelServer | null = null;

  beforeAll(async () => {
    requireCli('claude');
    ({ server, env, repo } = await remoteScene());
  }, 120_000);

  afterAll(async () => {
    await model?.close();
    closeControl('remote');
    await server?.stop();
  });

  const onHost = (command: string): string => runOnHost(server, command);

  it('who_owns and peers from the host name the home session that holds src/a.ts', async () => {
    model = await startModelServer([tool('who_owns', { path: 'src/a.ts' }), tool('peers'), { text: 'Asked the council.' }]);
    const c = Council.open(repo.root);
    const [local] = await c.createSessions({ task: 'local holder of a' });
    const held = council(['lock', 'acquire', 'src/a.ts', '--session', local!.id], { cwd: repo.root, env });
    expect(held.code, held.stderr).toBe(0);

    // Claude Code on the host: the devDependency (readable there), talking to the scripted model
    // server; the remote user has used it before (onboarding done, this key accepted).
    const apiKey = 'sk-ant-scripted-model-key-0123456789';
    const claudeJson = JSON.stringify({ hasCompletedOnboarding: true, theme: 'light', customApiKeyResponses: { approved: [apiKey.slice(-20)], rejected: [] } });
    onHost(`printf '%s' '${claudeJson}' > ~/.claude.json`);
    const claudeEnv = {
      ANTHROPIC_BASE_URL: model.url,
      ANTHROPIC_API_KEY: apiKey,
      DISABLE_TELEMETRY: '1',
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
      DISABLE_AUTOUPDATER: '1',
      DISABLE_ERROR_REPORTING: '1',
      CLAUDE_CODE_MAX_RETRIES: '0',
    };
    await c.ws.updateSettings({ agents: { ...c.ws.settings().agents, claude: { path: path.join(REPO_ROOT, 'node_modules', '.bin', 'claude'), env: claudeEnv } } });

    const manager = new AgentManager(c, { stopGraceMs: 1000 });
    const [remote] = await c.createSessions({ task: 'remote asker', agent: 'claude', host: 'remote' });
    await manager.start(remote!.id, { mode: 'headless' });
    const ended = (await manager.waitForEnd(remote!.id)) as AgentRun;
    expect(ended.state, `${ended.reason ?? ''} ${JSON.stringify(model.errors)}`).toBe('done');

    const turns = model.requests.filter((r) => r.kind === 'turn');
    // The tools Claude Code offered the model there: council's.
    const offered = ((turns[0]?.body as { tools?: { name: string }[] }).tools ?? []).map((t) => t.name);
    expect(offered).toContain('mcp__council__who_owns');
    const resultOf = (name: string): ToolResult => {
      const at = turns.findIndex((r) => r.answered?.kind === 'tool' && r.answered.name === name);
      expect(at, `the model called ${name}`).toBeGreaterThanOrEqual(0);
      const results = turns[at + 1]?.toolResults ?? [];
      expect(results, `a tool_result after ${name}`).toHaveLength(1);
      return results[0]!;
    };
    const who = resultOf('mcp__council__who_owns');
    expect(who.isError, who.text).toBe(false);
    expect(who.text).toContain(`src/a.ts is locked by session ${local!.id}`);
    const peers = resultOf('mcp__council__peers');
    expect(peers.isError, peers.text).toBe(false);
    expect(peers.text).toContain(`You are session ${remote!.id}.`);
    expect(peers.text).toContain('local holder of a');
  }, 300_000);
});
