import { appendFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Session } from '../../shared/models';
import { Inbox } from '../../electron/core/agents/inbox';
import { tomlString } from '../../electron/core/agents/hooks/codex';
import { mcpServerFor } from '../../electron/core/agents/hooks/mcp';
import { codexPreset } from '../../electron/core/agents/presets/codex';
import { Council } from '../../electron/core/council';
import { MessageLog } from '../../electron/core/coordination/messages';
import { COUNCIL_BIN, REPO_ROOT } from '../helpers/cli';
import { makeRepo } from '../helpers/repo';
import { startModelServer, type ModelServer, type RecordedRequest, type ToolResult } from '../support/model-server/index';
import { launchContext, requireCli, runLaunch, testCouncilCommand, testUser } from '../agents/harness';
import { proves } from '../helpers/proves';

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
 *
 * The model's very first request searches: the preset makes council's server `required`, which
 * Codex waits for (it does not wait for other servers, and its search covers only those started).
 *
 * The user has an MCP server of their own in ~/.codex/config.toml (`mine`: a council server of the
 * holder's session, the simplest stdio server at hand, required too so that its start does not
 * race the script); it keeps working beside ours in the same run.
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
      { tool: { name: 'mcp__mine__peers', input: {} } },
      { write: { path: API, content: 'x\n' } },
      { text: 'Asked for src/api.ts.' },
    ]);
    servers.push(server);
    const user = testUser('codex', server.url);
    const args = [COUNCIL_BIN, '--repo', repo.root, 'mcp', '--session', holder.id];
    appendFileSync(path.join(user.home, '.codex', 'config.toml'), `[mcp_servers.mine]\ncommand = ${JSON.stringify(process.execPath)}\nargs = ${JSON.stringify(args)}\nrequired = true\n`);
    const launch = await codexPreset.launch(launchContext({ cli: 'codex', repo, session: writer, user, task: 'write the client' }));
    const run = await runLaunch(launch, 150_000);
    expect(run.timedOut).toBe(false);
    expect(server.errors).toEqual([]);
    expect(run.code, run.stderr).toBe(0);

    const turns = server.requests.filter((r) => r.kind === 'turn');
    // No council tool is offered up front: Codex offers tool_search, and defers MCP tools behind it.
    const first = offeredOf(turns[0]);
    expect(first).toContain('tool_search');
    expect(first.filter((name) => name.includes('council') || COUNCIL_TOOLS.includes(name))).toEqual([]);
    // The model searched for council's first tool in its first request, then for the user's own
    // server's tool; Codex answered the first with council's namespace, every tool deferred.
    const history = inputOf(turns.at(-1));
    const searches = history.filter((item) => item.type === 'tool_search_call');
    expect(searches.map((item) => item.arguments)).toEqual([{ query: 'mcp council who owns', limit: 20 }, { query: 'mcp mine peers', limit: 20 }]);
    const outputs = history.filter((item) => item.type === 'tool_search_output');
    expect(outputs.map((item) => item.call_id)).toEqual(searches.map((item) => item.call_id));
    expect(turns[0]?.answered).toEqual({ kind: 'tool', name: 'mcp__council__who_owns', input: { path: API } });
    expect(inputOf(turns[1]).filter((item) => item.type === 'tool_search_output')).toHaveLength(1);
    const namespace = outputs[0]?.tools?.find((t) => t.type === 'namespace' && t.name === 'mcp__council');
    expect(namespace?.tools?.map((t) => t.name).sort()).toEqual(COUNCIL_TOOLS);
    expect(namespace?.tools?.every((t) => t.type === 'function' && t.defer_loading === true)).toBe(true);
    // Then each tool was called in its namespace.
    expect(history.filter((item) => item.type === 'function_call').map((item) => `${item.namespace}/${item.name}`)).toEqual([...['who_owns', 'claim_files', 'peers', 'send_message'].map((name) => `mcp__council/${name}`), 'mcp__mine/peers']);

    const results = server.toolResults();
    const of = (name: string): ToolResult => {
      const found = results.filter((r) => r.name === name);
      expect(found, `one result of ${name}`).toHaveLength(1);
      return found[0] as ToolResult;
    };
    // The user's own server answered as the holder's session.
    expect(of('mcp__mine__peers').text).toContain(`You are session ${holder.id}. 1 other session(s)`);
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
    proves('codex', 'mcp');
  }, 200_000);

  it('waits for council\'s server before its first model request, so a first tool_search finds it even when the server is slow to start', async () => {
    const repo = makeRepo();
    const council = Council.open(repo.root);
    const [holder] = (await council.createSessions({ task: 'hold the API', agent: 'claude' })) as [Session];
    const [writer] = (await council.createSessions({ task: 'write the client', agent: 'codex' })) as [Session];
    await council.locks.acquire(API, holder.id, { cwd: repo.root });
    const server = await startModelServer([tool('who_owns', { path: API }), { text: 'Checked.' }]);
    servers.push(server);
    const user = testUser('codex', server.url);
    const launch = await codexPreset.launch(launchContext({ cli: 'codex', repo, session: writer, user, task: 'write the client' }));
    // The preset's server, started 3 s late (a loaded machine): the same command line behind `sleep 3`.
    const spec = mcpServerFor(testCouncilCommand(), writer.id, repo.root);
    const at = (key: string): number => launch.args.findIndex((arg) => arg.startsWith(`mcp_servers.council.${key}=`));
    expect([at('command'), at('args'), at('required'), at('startup_timeout_sec')].every((i) => i > 0)).toBe(true);
    launch.args[at('command')] = `mcp_servers.council.command=${tomlString('/bin/sh')}`;
    launch.args[at('args')] = `mcp_servers.council.args=[${['-c', 'sleep 3; exec "$0" "$@"', spec.command, ...spec.args].map(tomlString).join(',')}]`;
    const run = await runLaunch(launch, 150_000);
    expect(run.timedOut).toBe(false);
    // Without `required`, Codex asks the model before the server is up and the search finds nothing (the server then reports it).
    expect(server.errors).toEqual([]);
    expect(run.code, run.stderr).toBe(0);
    const turns = server.requests.filter((r) => r.kind === 'turn');
    expect(turns[0]?.answered).toEqual({ kind: 'tool', name: 'mcp__council__who_owns', input: { path: API } });
    const holderLock = council.locks.list().find((l) => l.path === API);
    expect(server.toolResults()).toEqual([expect.objectContaining({ name: 'mcp__council__who_owns', text: expect.stringContaining(`${API} is locked by session ${holder.id} since ${holderLock?.acquiredAt}.`) })]);
  }, 200_000);

  it("does not start when council's server cannot: Codex names it, asks the model nothing and writes nothing", async () => {
    const repo = makeRepo();
    const council = Council.open(repo.root);
    const [writer] = (await council.createSessions({ task: 'write the client', agent: 'codex' })) as [Session];
    const server = await startModelServer([{ write: { path: API, content: 'x\n' } }, { text: 'Done.' }]);
    servers.push(server);
    const user = testUser('codex', server.url);
    const launch = await codexPreset.launch(launchContext({ cli: 'codex', repo, session: writer, user, task: 'write the client' }));
    // The server's bundle is gone (the hooks keep theirs).
    const at = launch.args.findIndex((arg) => arg.startsWith('mcp_servers.council.args='));
    launch.args[at] = `mcp_servers.council.args=[${tomlString(path.join(repo.root, '..', 'gone', 'council.cjs'))}]`;
    const run = await runLaunch(launch, 150_000);
    expect(run.timedOut).toBe(false);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('required MCP servers failed to initialize: council');
    expect(server.requests.filter((r) => r.kind === 'turn')).toEqual([]);
    expect(existsSync(path.join(writer.worktreePath, API))).toBe(false);
  }, 200_000);
});
