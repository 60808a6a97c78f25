import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Session } from '../../shared/models';
import { Inbox } from '../../electron/core/agents/inbox';
import { codexPreset } from '../../electron/core/agents/presets/codex';
import { Council } from '../../electron/core/council';
import { MessageLog } from '../../electron/core/coordination/messages';
import { REPO_ROOT } from '../helpers/cli';
import { makeRepo } from '../helpers/repo';
import { startModelServer, type ModelServer, type RecordedRequest, type ToolResult } from '../support/model-server/index';
import { launchContext, requireCli, runLaunch, testUser } from '../agents/harness';

/**
 * Issue 15 with the real Codex CLI (0.169), launched as the app launches it (the preset's
 * `-c mcp_servers.council.…` overrides over the user's own ~/.codex/config.toml), against the
 * scripted model server (OpenAI Responses API).
 *
 * Codex does not list MCP tools in the request's `tools` for a model that supports tool search
 * (gpt-5.5): they are deferred behind its client-side `tool_search` tool. So the model does what the
 * real one does: a `tool_search_call`, to which Codex answers with a `tool_search_output` holding
 * the `mcp__council` namespace and its functions; then a `function_call` with `namespace:
 * "mcp__council"` and the tool's name, whose result comes back as a `function_call_output` in the
 * next request. What each council tool returned is read there. Another session holds src/api.ts.
 */

const API = 'src/api.ts';
const COUNCIL_TOOLS = ['claim_files', 'my_conflicts', 'my_merge', 'peers', 'read_inbox', 'release_file', 'send_message', 'set_status', 'who_owns'];
const tool = (name: string, input: Record<string, unknown> = {}) => ({ tool: { name: `mcp__council__${name}`, input } });

const servers: ModelServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

// The Responses API items Codex sends back, loosely typed (they are the CLI's JSON).
interface Item {
  type?: string;
  call_id?: string;
  arguments?: unknown;
  name?: string;
  namespace?: string;
  tools?: { type?: string; name?: string; tools?: { type?: string; name?: string; defer_loading?: boolean }[] }[];
}
const inputOf = (request: RecordedRequest | undefined): Item[] => ((request?.body as { input?: Item[] })?.input ?? []);
const offeredOf = (request: RecordedRequest | undefined): string[] => ((request?.body as { tools?: { name?: string; type?: string }[] })?.tools ?? []).map((t) => t.name ?? t.type ?? '');

describe("Codex with council's MCP tools", () => {
  beforeAll(() => {
    requireCli('codex');
    // The bundle this checkout built (hooks and `council mcp` alike).
    process.env.COUNCIL_CLI = path.join(REPO_ROOT, 'out', 'cli', 'council.cjs');
  });

  it("finds council's tools with tool_search, asks who owns a file, is refused its claim in the hook's words, sees its peers and messages the holder", async () => {
    const repo = makeRepo();
    const council = Council.open(repo.root);
    const [holder] = (await council.createSessions({ task: 'hold the API', agent: 'claude' })) as [Session];
    const [writer] = (await council.createSessions({ task: 'write the client', agent: 'codex' })) as [Session];
    await council.locks.acquire(API, holder.id, { cwd: repo.root });
    const server = await startModelServer([
      tool('who_owns', { path: API }),
      tool('claim_files', { paths: [API] }),
      tool('peers'),
      tool('send_message', { to: holder.id, text: 'may I have src/api.ts?' }),
      { write: { path: API, content: 'x\n' } },
      { text: 'Asked for src/api.ts.' },
    ]);
    servers.push(server);
    const user = testUser('codex', server.url);
    const launch = await codexPreset.launch(launchContext({ cli: 'codex', repo, session: writer, user, task: 'write the client' }));
    const run = await runLaunch(launch, 150_000);
    expect(run.timedOut).toBe(false);
    expect(run.code, run.stderr).toBe(0);
    expect(server.errors).toEqual([]);

    const turns = server.requests.filter((r) => r.kind === 'turn');
    // No council tool is offered up front: Codex offers tool_search, and defers MCP tools behind it.
    const first = offeredOf(turns[0]);
    expect(first).toContain('tool_search');
    expect(first.filter((name) => name.includes('council') || COUNCIL_TOOLS.includes(name))).toEqual([]);
    // The model searched once (the first council tool); Codex answered with council's namespace, every tool deferred.
    const history = inputOf(turns.at(-1));
    const searches = history.filter((item) => item.type === 'tool_search_call');
    expect(searches).toEqual([expect.objectContaining({ execution: 'client', arguments: { query: 'mcp council who owns', limit: 20 } })]);
    const outputs = history.filter((item) => item.type === 'tool_search_output');
    expect(outputs).toEqual([expect.objectContaining({ call_id: searches[0]?.call_id, execution: 'client' })]);
    const namespace = outputs[0]?.tools?.find((t) => t.type === 'namespace' && t.name === 'mcp__council');
    expect(namespace?.tools?.map((t) => t.name).sort()).toEqual(COUNCIL_TOOLS);
    expect(namespace?.tools?.every((t) => t.type === 'function' && t.defer_loading === true)).toBe(true);
    // Then each tool was called in its namespace.
    expect(history.filter((item) => item.type === 'function_call').map((item) => `${item.namespace}/${item.name}`)).toEqual(['who_owns', 'claim_files', 'peers', 'send_message'].map((name) => `mcp__council/${name}`));

    const results = server.toolResults();
    const of = (name: string): ToolResult => {
      const found = results.filter((r) => r.name === name);
      expect(found, `one result of ${name}`).toHaveLength(1);
      return found[0] as ToolResult;
    };
    const holderLock = council.locks.list().find((l) => l.path === API);
    expect(of('mcp__council__who_owns').text).toContain(`${API} is locked by session ${holder.id} since ${holderLock?.acquiredAt}.`);
    const refusal = `${API} is being edited by session ${holder.id} (claude: hold the API); work on another file or wait`;
    expect(of('mcp__council__claim_files').text).toContain(refusal);
    expect(of('mcp__council__peers').text).toContain(`You are session ${writer.id}. 1 other session(s)`);
    expect(of('mcp__council__send_message').text).toContain(`Sent to ${holder.id}: ${holder.id} queued.`);
    // The write itself: denied by the pre-edit hook, in the same words.
    expect(of('apply_patch').text).toContain(`Command blocked by PreToolUse hook: ${refusal}`);
    expect(existsSync(path.join(writer.worktreePath, API))).toBe(false);
    // The message is in the holder's inbox and the repository's log.
    expect(new Inbox(council.ws.paths).pending(holder.id)).toEqual([expect.objectContaining({ from: `session:${writer.id}`, text: expect.stringContaining('may I have src/api.ts?') })]);
    expect(new MessageLog(council.ws.paths).all()).toEqual([expect.objectContaining({ from: writer.id, to: holder.id, text: 'may I have src/api.ts?' })]);
  }, 200_000);
});
