import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Session } from '../../shared/models';
import { Inbox } from '../../electron/core/agents/inbox';
import { opencodePreset } from '../../electron/core/agents/presets/opencode';
import { Council } from '../../electron/core/council';
import { MessageLog } from '../../electron/core/coordination/messages';
import { REPO_ROOT } from '../helpers/cli';
import { makeRepo } from '../helpers/repo';
import { startModelServer, type ModelServer, type ToolResult } from '../support/model-server/index';
import { launchContext, requireCli, runLaunch, testUser } from '../agents/harness';
import { proves } from '../helpers/proves';

/**
 * Issue 15 with the real opencode (1.18), launched as the app launches it (council's MCP server in
 * the `mcp` key of the OPENCODE_CONFIG_CONTENT it is given, merged over the user's own inline config,
 * whose model provider stays), against the scripted model server (opencode's custom provider on the
 * bundled @ai-sdk/anthropic, so the Anthropic Messages API). opencode names an MCP server's tools
 * `<server>_<tool>` and offers them all at once: the model's script calls `council_who_owns`, …, and
 * what each returned is read from the tool_result of the next request. Another session holds src/api.ts.
 */

const API = 'src/api.ts';
const COUNCIL_TOOLS = ['claim_files', 'my_conflicts', 'my_merge', 'peers', 'read_inbox', 'release_file', 'send_message', 'set_status', 'who_owns'];
const tool = (name: string, input: Record<string, unknown> = {}) => ({ tool: { name: `council_${name}`, input } });

const servers: ModelServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

describe("opencode with council's MCP tools", () => {
  beforeAll(() => {
    requireCli('opencode');
    // The bundle this checkout built (`council mcp`).
    process.env.COUNCIL_CLI = path.join(REPO_ROOT, 'out', 'cli', 'council.cjs');
  });

  it("asks who owns a file, is refused its claim in the hook's words, sees its peers and messages the holder", async () => {
    const repo = makeRepo();
    const council = Council.open(repo.root);
    const [holder] = (await council.createSessions({ task: 'hold the API', agent: 'claude' })) as [Session];
    const [writer] = (await council.createSessions({ task: 'write the client', agent: 'opencode' })) as [Session];
    await council.locks.acquire(API, holder.id, { cwd: repo.root });
    const server = await startModelServer([
      tool('who_owns', { path: API }),
      tool('claim_files', { paths: [API] }),
      tool('peers'),
      tool('send_message', { to: holder.id, text: 'may I have src/api.ts?' }),
      { text: 'Asked for src/api.ts.' },
    ]);
    servers.push(server);
    const user = testUser('opencode', server.url);
    const launch = await opencodePreset.launch(launchContext({ cli: 'opencode', repo, session: writer, user, task: 'write the client' }));
    const run = await runLaunch(launch, 180_000);
    expect(run.timedOut).toBe(false);
    expect(run.code, run.stderr).toBe(0);
    expect(server.errors).toEqual([]);

    // Every council tool offered at once, under opencode's `<server>_<tool>` names.
    const turns = server.requests.filter((r) => r.kind === 'turn');
    const offered = ((turns[0]?.body as { tools?: { name: string }[] })?.tools ?? []).map((t) => t.name);
    expect(offered.filter((name) => name.startsWith('council_')).sort()).toEqual(COUNCIL_TOOLS.map((t) => `council_${t}`));
    // Each call's result is in the request after it.
    const resultOf = (name: string): ToolResult => {
      const at = turns.findIndex((r) => r.answered?.kind === 'tool' && r.answered.name === name);
      expect(at, `the model called ${name}`).toBeGreaterThanOrEqual(0);
      const results = turns[at + 1]?.toolResults ?? [];
      expect(results, `one tool_result after ${name}`).toHaveLength(1);
      return results[0] as ToolResult;
    };
    const holderLock = council.locks.list().find((l) => l.path === API);
    expect(resultOf('council_who_owns')).toMatchObject({ isError: false, text: expect.stringContaining(`${API} is locked by session ${holder.id} since ${holderLock?.acquiredAt}.`) });
    const refusal = `${API} is being edited by session ${holder.id} (claude: hold the API); work on another file or wait`;
    const claim = resultOf('council_claim_files');
    expect(claim).toMatchObject({ isError: true, text: expect.stringContaining(refusal) });
    expect(resultOf('council_peers').text).toContain(`You are session ${writer.id}. 1 other session(s)`);
    expect(resultOf('council_send_message')).toMatchObject({ isError: false, text: expect.stringContaining(`Sent to ${holder.id}: ${holder.id} queued.`) });
    // Nothing was locked for the writer; the message is in the holder's inbox and the repository's log.
    expect(council.locks.list().map((l) => `${l.path}:${l.sessionId}`)).toEqual([`${API}:${holder.id}`]);
    expect(new Inbox(council.ws.paths).pending(holder.id)).toEqual([expect.objectContaining({ from: `session:${writer.id}`, text: expect.stringContaining('may I have src/api.ts?') })]);
    expect(new MessageLog(council.ws.paths).all()).toEqual([expect.objectContaining({ from: writer.id, to: holder.id, text: 'may I have src/api.ts?' })]);
    proves('opencode', 'mcp');
  }, 240_000);
});
