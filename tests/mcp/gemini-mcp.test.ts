import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Session } from '../../shared/models';
import { geminiPreset } from '../../electron/core/agents/presets/gemini';
import { Council } from '../../electron/core/council';
import { MessageLog } from '../../electron/core/coordination/messages';
import { makeRepo } from '../helpers/repo';
import { startModelServer, type ModelServer, type ToolResult } from '../support/model-server/index';
import { launchContext, requireCli, runLaunch, testUser } from '../agents/harness';
import { proves } from '../helpers/proves';

/**
 * Issue 15 with the real Gemini CLI, launched as the app launches it (the preset merges council's
 * MCP server into the session's own settings.json): the model's script calls council's tools by the
 * names Gemini gives them (mcp_council_<tool>), and what each returned is read from the model
 * server's log. Another session holds src/api.ts.
 */

const API = 'src/api.ts';
const servers: ModelServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

describe('Gemini CLI with council\'s MCP tools', () => {
  beforeAll(() => requireCli('gemini'));

  it('asks who owns a file, is refused its claim in the hook\'s words, sees its peers and messages the holder', async () => {
    const repo = makeRepo();
    const council = Council.open(repo.root);
    const [holder] = (await council.createSessions({ task: 'hold the API', agent: 'claude' })) as [Session];
    const [writer] = (await council.createSessions({ task: 'write the client', agent: 'gemini' })) as [Session];
    await council.locks.acquire(API, holder.id, { cwd: repo.root });
    const server = await startModelServer([
      { tool: { name: 'mcp_council_who_owns', input: { path: API } } },
      { tool: { name: 'mcp_council_claim_files', input: { paths: [API] } } },
      { tool: { name: 'mcp_council_peers', input: {} } },
      { tool: { name: 'mcp_council_send_message', input: { to: holder.id, text: 'may I have src/api.ts?' } } },
      { write: { path: API, content: 'x\n' } },
      { text: 'Asked for src/api.ts.' },
    ]);
    servers.push(server);
    const user = testUser('gemini', server.url);
    const launch = await geminiPreset.launch(launchContext({ cli: 'gemini', repo, session: writer, user, task: 'write the client' }));
    const run = await runLaunch(launch);
    expect(run.timedOut).toBe(false);
    expect(server.errors).toEqual([]);

    const offered = (server.requests.find((r) => r.kind === 'turn')?.body as { tools: { functionDeclarations?: { name: string }[] }[] }).tools.flatMap((t) => t.functionDeclarations ?? []).map((f) => f.name);
    expect(offered.filter((n) => n.startsWith('mcp_council_')).sort()).toEqual(['claim_files', 'my_conflicts', 'my_merge', 'peers', 'read_inbox', 'release_file', 'send_message', 'set_status', 'who_owns'].map((t) => `mcp_council_${t}`));
    const results = server.toolResults();
    const of = (name: string): ToolResult => results.find((r) => r.name === name) as ToolResult;
    const holderLock = council.locks.list().find((l) => l.path === API);
    expect(of('mcp_council_who_owns')).toMatchObject({ isError: false, text: expect.stringContaining(`${API} is locked by session ${holder.id} since ${holderLock?.acquiredAt}.`) });
    const refusal = `${API} is being edited by session ${holder.id} (claude: hold the API); work on another file or wait`;
    // Gemini wraps an MCP tool's error in its own words, the council's text inside.
    expect(of('mcp_council_claim_files')).toMatchObject({ isError: true, text: expect.stringContaining(JSON.stringify(refusal).slice(0, -1)) });
    expect(of('mcp_council_peers').text).toContain(`You are session ${writer.id}. 1 other session(s)`);
    expect(of('mcp_council_send_message')).toMatchObject({ isError: false, text: expect.stringContaining(`Sent to ${holder.id}: ${holder.id} queued.`) });
    // The write itself: denied by the pre-edit hook, with the same words.
    expect(of('write_file')).toMatchObject({ isError: true, text: expect.stringContaining(refusal) });
    expect(existsSync(path.join(writer.worktreePath, API))).toBe(false);
    // The message is in the holder's inbox and the repository's log.
    const { Inbox } = await import('../../electron/core/agents/inbox');
    expect(new Inbox(council.ws.paths).pending(holder.id)).toEqual([expect.objectContaining({ from: `session:${writer.id}`, text: expect.stringContaining('may I have src/api.ts?') })]);
    expect(new MessageLog(council.ws.paths).all()).toEqual([expect.objectContaining({ from: writer.id, to: holder.id, text: 'may I have src/api.ts?' })]);
    proves('gemini', 'mcp');
  }, 180_000);
});
