import { afterEach, describe, expect, it } from 'vitest';
import type { Session } from '../../shared/models';
import type { AgentPreset } from '../../electron/core/agents/types';
import { copilotPreset } from '../../electron/core/agents/presets/copilot';
import { qwenPreset } from '../../electron/core/agents/presets/qwen';
import { Council } from '../../electron/core/council';
import { MessageLog } from '../../electron/core/coordination/messages';
import { Inbox } from '../../electron/core/agents/inbox';
import { makeRepo } from '../helpers/repo';
import { startModelServer, type ModelServer, type ScriptStep } from '../support/model-server/index';
import { launchContext, requireCli, runLaunch, testUser } from '../agents/harness';
import { proves } from '../helpers/proves';

/**
 * Issue 15 with the real Qwen Code and Copilot CLI, launched as the app launches them (Qwen: council's
 * MCP server merged into the session's own QWEN_HOME settings.json; Copilot: --additional-mcp-config):
 * the model's script calls council's tools by the names each CLI gives them, and what each returned
 * is read from the next model request in the scripted server's log (OpenAI Chat Completions).
 * Another session holds src/api.ts.
 */

const API = 'src/api.ts';
const COUNCIL_TOOLS = ['claim_files', 'my_conflicts', 'my_merge', 'peers', 'read_inbox', 'release_file', 'send_message', 'set_status', 'who_owns'];
const servers: ModelServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

const qwenTool = (name: string): string => `mcp__council__${name}`;
/**
 * Qwen Code 0.15 defers every MCP tool: the system prompt names them ("Deferred Tools"), and the
 * model loads a tool's declaration with its `tool_search` before calling it. Copilot offers them at once.
 */
const copilotTool = (name: string): string => `council-${name}`;
interface Case {
  cli: 'qwen' | 'copilot';
  preset: AgentPreset;
  tool: (name: string) => string;
  /** The model's steps before it can call council's tools. */
  prelude: ScriptStep[];
  /** Council's tools in the declarations of the first requests, in order. */
  offered: string[][];
  /** Council's tools the system prompt names (deferred ones). */
  named: string[];
}
const cases: Case[] = [
  {
    cli: 'qwen',
    preset: qwenPreset,
    tool: qwenTool,
    prelude: [{ tool: { name: 'tool_search', input: { query: `select:${qwenTool('who_owns')},${qwenTool('send_message')}` } } }],
    offered: [[], [qwenTool('send_message'), qwenTool('who_owns')]],
    named: COUNCIL_TOOLS.map(qwenTool),
  },
  { cli: 'copilot', preset: copilotPreset, tool: copilotTool, prelude: [], offered: [COUNCIL_TOOLS.map(copilotTool)], named: [] },
];

describe.sequential.each(cases)('$cli with council\'s MCP tools', ({ cli, preset, tool, prelude, offered: offeredPerTurn, named }) => {
  it('asks who owns a file another session holds and messages the holder', async () => {
    requireCli(cli);
    const repo = makeRepo();
    const council = Council.open(repo.root);
    const [holder] = (await council.createSessions({ task: 'hold the API', agent: 'claude' })) as [Session];
    const [writer] = (await council.createSessions({ task: 'write the client', agent: cli })) as [Session];
    await council.locks.acquire(API, holder.id, { cwd: repo.root });
    const server = await startModelServer([
      ...prelude,
      { tool: { name: tool('who_owns'), input: { path: API } } },
      { tool: { name: tool('send_message'), input: { to: holder.id, text: 'may I have src/api.ts?' } } },
      { text: 'Asked for src/api.ts.' },
    ]);
    servers.push(server);
    const user = testUser(cli, server.url);
    const launch = await preset.launch(launchContext({ cli, repo, session: writer, user, task: 'write the client' }));
    const run = await runLaunch(launch);
    expect(run.timedOut).toBe(false);
    expect(run.code, run.stderr).toBe(0);
    expect(server.errors).toEqual([]);

    const turns = server.requests.filter((r) => r.kind === 'turn');
    const body = (i: number) => turns[i]?.body as { tools?: { function?: { name?: string } }[]; messages?: { role: string; content: unknown }[] };
    const offered = (i: number) => (body(i).tools ?? []).map((t) => t.function?.name ?? '').filter((n) => COUNCIL_TOOLS.some((t) => n === tool(t))).sort();
    const first = prelude.length;
    // Qwen: every council tool named in the first request's system prompt, the two loaded by tool_search offered next; Copilot: all offered at once.
    const system = JSON.stringify(body(0).messages?.filter((m) => m.role === 'system'));
    expect(named.filter((name) => !system.includes(name))).toEqual([]);
    expect(offeredPerTurn.map((_, i) => offered(i))).toEqual(offeredPerTurn);
    // Each tool's answer is in the request after the model's call.
    const holderLock = council.locks.list().find((l) => l.path === API);
    expect(turns[first + 1]?.toolResults.map((r) => r.text)).toEqual([expect.stringContaining(`${API} is locked by session ${holder.id} since ${holderLock?.acquiredAt}.`)]);
    expect(turns[first + 2]?.toolResults.map((r) => r.text)).toEqual([expect.stringContaining(`Sent to ${holder.id}: ${holder.id} queued.`)]);
    // The message is in the holder's inbox and the repository's log.
    expect(new Inbox(council.ws.paths).pending(holder.id)).toEqual([expect.objectContaining({ from: `session:${writer.id}`, text: expect.stringContaining('may I have src/api.ts?') })]);
    expect(new MessageLog(council.ws.paths).all()).toEqual([expect.objectContaining({ from: writer.id, to: holder.id, text: 'may I have src/api.ts?' })]);
    proves(preset.id, 'mcp');
  }, 240_000);
});
