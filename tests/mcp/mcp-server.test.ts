import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Session } from '../../shared/models';
import { Council } from '../../electron/core/council';
import { COUNCIL_BIN } from '../helpers/cli';
import { makeRepo, writeIn, type TestRepo } from '../helpers/repo';
import { holderLine } from '../helpers/holder-line';

/**
 * `council mcp` as an agent's CLI runs it: the real built CLI as its own process, spoken to over
 * stdio by the official SDK's client, on a real git repository with real sessions. Every tool
 * answers what the core says (checked against the core itself), a refused claim reads exactly as
 * the pre-edit hook's denial (the real hook, run as the agents run it), and bad input is a clear
 * error while the server keeps serving.
 */

let repo: TestRepo;
let council: Council;
let a: Session;
let b: Session;
const clients: Client[] = [];

beforeEach(async () => {
  repo = makeRepo();
  council = Council.open(repo.root);
  [a] = (await council.createSessions({ task: 'task A: the API' })) as [Session];
  [b] = (await council.createSessions({ task: 'task B: the client', agent: 'claude' })) as [Session];
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close().catch(() => undefined)));
});

/** A server for one session, started in its worktree as its agent's CLI would. */
async function connect(session: Session, args: string[] = ['--session', session.id]): Promise<Client> {
  const transport = new StdioClientTransport({ command: process.execPath, args: [COUNCIL_BIN, 'mcp', ...args], cwd: session.worktreePath, env: { ...process.env } as Record<string, string>, stderr: 'pipe' });
  const client = new Client({ name: 'test', version: '1' });
  await client.connect(transport);
  clients.push(client);
  return client;
}

type Result = { content: { type: string; text: string }[]; isError?: boolean };

async function tool(client: Client, name: string, args: Record<string, unknown> = {}): Promise<{ text: string; isError: boolean; value: unknown }> {
  const result = (await client.callTool({ name, arguments: args })) as Result;
  const text = result.content.map((c) => c.text).join('');
  const brace = text.indexOf('\n');
  let value: unknown = null;
  if (!result.isError && brace !== -1) value = JSON.parse(text.slice(brace + 1));
  return { text, isError: result.isError === true, value };
}

/** The real pre-edit hook (`council hook pre-tool --agent claude`) for session `who` writing `file`. */
function hookDenial(who: Session, file: string): string {
  const payload = { session_id: 'x', cwd: who.worktreePath, hook_event_name: 'PreToolUse', tool_name: 'Write', tool_input: { file_path: path.join(who.worktreePath, file), content: 'x\n' } };
  const run = spawnSync(process.execPath, [COUNCIL_BIN, 'hook', 'pre-tool', '--agent', 'claude'], { cwd: who.worktreePath, input: JSON.stringify(payload), encoding: 'utf8', env: { ...process.env, COUNCIL_SESSION_ID: who.id } });
  expect(run.status, run.stderr).toBe(2);
  return (JSON.parse(run.stdout) as { reason: string }).reason;
}

describe('council mcp over stdio, with the SDK client', () => {
  it('lists its tools, each with a description for the model', async () => {
    const client = await connect(a);
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(['claim_files', 'my_conflicts', 'my_merge', 'peers', 'read_inbox', 'release_file', 'send_message', 'set_status', 'who_owns']);
    for (const t of tools) expect(t.description?.length, t.name).toBeGreaterThan(60);
    expect(client.getInstructions()).toContain(`You are session ${a.id}`);
  }, 60_000);

  it('claims, answers who owns a file, refuses with the pre-edit hook\'s own words, releases', async () => {
    const clientA = await connect(a);
    const clientB = await connect(b);
    const claimed = await tool(clientA, 'claim_files', { paths: ['src/api.ts', 'src/a.ts'] });
    expect(claimed.isError, claimed.text).toBe(false);
    expect(council.locks.list().map((l) => [l.path, l.sessionId])).toEqual([
      ['src/a.ts', a.id],
      ['src/api.ts', a.id],
    ]);

    const who = await tool(clientB, 'who_owns', { path: 'src/api.ts' });
    expect(who.text.split('\n')[0]).toBe(`src/api.ts is locked by session ${a.id} since ${council.locks.list().find((l) => l.path === 'src/api.ts')!.acquiredAt}.`);
    expect(who.value).toMatchObject({ path: 'src/api.ts', sessionId: a.id });

    // B claims a free file and one A holds: refused as a whole, in the hook's words.
    const refused = await tool(clientB, 'claim_files', { paths: ['src/free.ts', 'src/api.ts'] });
    expect(refused.isError).toBe(true);
    expect(refused.text).toBe(hookDenial(b, 'src/api.ts'));
    expect(refused.text).toBe(`src/api.ts is being edited by session ${a.id} (task A: the API); work on another file or wait${holderLine(a.id)}`);
    expect(await council.locks.who('src/free.ts', { cwd: repo.root })).toBeNull();

    expect((await tool(clientA, 'release_file', { path: 'src/api.ts' })).text).toBe('Released src/api.ts.');
    expect((await tool(clientB, 'who_owns', { path: 'src/api.ts' })).text).toBe('Nobody holds src/api.ts: it is free.');
    expect((await tool(clientB, 'claim_files', { paths: ['src/api.ts'] })).text.split('\n')[0]).toBe('Locked for you: src/api.ts.');
  }, 60_000);

  it('shows peers and the predicted conflicts, with the other side\'s lines', async () => {
    const clientA = await connect(a);
    writeIn(a.worktreePath, 'README.md', '# from A\n');
    writeIn(b.worktreePath, 'README.md', '# from B\n');
    writeIn(b.worktreePath, 'src/new.ts', 'export const n = 1;\n');
    await council.locks.acquire('src/new.ts', b.id, { cwd: repo.root });
    await council.context.update(b.id, { status: 'working', currentFile: 'src/new.ts', progress: '1/3' }, { cwd: repo.root });

    const conflicts = await tool(clientA, 'my_conflicts');
    expect(conflicts.text.split('\n')[0]).toBe('1 side(s) would conflict with you.');
    expect(conflicts.value).toMatchObject({
      conflicts: [{ with: b.id, task: 'task B: the client', agent: 'claude', files: [{ path: 'README.md', kind: 'content', theirChange: 'modified', lockedBy: null }] }],
      details: [{ path: 'README.md', a: a.id, b: b.id, hunks: [expect.objectContaining({ a: ['# from A'], b: ['# from B'] })] }],
    });

    // The peers view reads what that compute stored: no git of its own.
    const peers = await tool(clientA, 'peers');
    expect(peers.text.split('\n')[0]).toMatch(new RegExp(`^You are session ${a.id}\\. 1 other session\\(s\\); 1 predicted conflict\\(s\\) with you \\(radar of `));
    expect(peers.value).toMatchObject({
      self: { sessionId: a.id, filesChanged: ['README.md'] },
      peers: [{ sessionId: b.id, agent: 'claude', task: 'task B: the client', status: 'working', currentFile: 'src/new.ts', progress: '1/3', filesChanged: ['README.md', 'src/new.ts'], filesLocked: ['src/new.ts'] }],
      conflicts: [{ with: b.id, files: [{ path: 'README.md', kind: 'content' }] }],
    });
  }, 60_000);

  it('sends messages to a session, to the supervisor and to all; the inbox reads them once', async () => {
    const clientA = await connect(a);
    const clientB = await connect(b);
    const sent = await tool(clientB, 'send_message', { to: a.id, text: 'I need src/api.ts for the client: tell me when it is free' });
    expect(sent.isError, sent.text).toBe(false);
    expect(sent.value).toMatchObject({ message: { from: b.id, to: a.id }, deliveries: [{ sessionId: a.id, delivered: 'queued' }] });
    expect((await tool(clientB, 'send_message', { to: 'supervisor', text: 'which API version?' })).value).toMatchObject({ deliveries: [{ sessionId: 'supervisor', delivered: 'logged' }] });
    expect((await tool(clientA, 'send_message', { to: 'all', text: 'API frozen until 5pm' })).value).toMatchObject({ deliveries: [{ sessionId: b.id, delivered: 'queued' }] });

    const inbox = await tool(clientA, 'read_inbox');
    expect(inbox.text.split('\n')[0]).toBe('1 new message(s).');
    expect(inbox.value).toEqual([expect.objectContaining({ from: `session:${b.id}`, state: 'read', text: `Message from session ${b.id} (claude: task B: the client), through council: I need src/api.ts for the client: tell me when it is free\n(To answer, send a council message to session ${b.id}.)` })]);
    expect((await tool(clientA, 'read_inbox')).text.split('\n')[0]).toBe('No new messages.');
    expect((await tool(clientB, 'read_inbox')).value).toEqual([expect.objectContaining({ text: expect.stringContaining('API frozen until 5pm') })]);
    // Kept in the repository's log (what the app's feed shows), from a fresh process's view.
    const log = Council.open(repo.root);
    const { MessageLog } = await import('../../electron/core/coordination/messages');
    expect(new MessageLog(log.ws.paths).all().map((m) => [m.from, m.to])).toEqual([
      [b.id, a.id],
      [b.id, 'supervisor'],
      [a.id, 'all'],
    ]);
  }, 60_000);

  it('sets the status and shows the merge', async () => {
    const clientA = await connect(a);
    const status = await tool(clientA, 'set_status', { status: 'blocked', progress: '2/5 tests pass', message: 'waiting for src/api.ts', currentFile: 'src/a.ts' });
    expect(status.text.split('\n')[0]).toBe('Status: blocked, 2/5 tests pass — waiting for src/api.ts.');
    expect(council.context.get(a.id)).toMatchObject({ status: 'blocked', progress: '2/5 tests pass', message: 'waiting for src/api.ts', currentFile: 'src/a.ts' });

    expect((await tool(clientA, 'my_merge')).text.split('\n')[0]).toBe('Your session is not in the merge queue.');
    writeIn(a.worktreePath, 'src/a.ts', 'export const a = 2;\n');
    await council.commit(a.id, 'a two');
    const entry = await council.queue.enqueue(a.id, { gate: null });
    const merge = await tool(clientA, 'my_merge');
    expect(merge.text.split('\n')[0]).toBe('Your merge is queued, 0 ahead of you.');
    expect(merge.value).toMatchObject({ entry: { id: entry.id, state: 'queued' }, place: 0, waiting: 1 });
  }, 60_000);

  it('bad input is a clear error, and the server keeps serving', async () => {
    const clientA = await connect(a);
    const empty = await tool(clientA, 'claim_files', { paths: [] });
    expect(empty).toMatchObject({ isError: true, text: expect.stringContaining('paths') });
    const status = await tool(clientA, 'set_status', { status: 'sleeping' });
    expect(status).toMatchObject({ isError: true, text: expect.stringContaining('status') });
    const nobody = await tool(clientA, 'send_message', { to: 'ffffff', text: 'hello?' });
    expect(nobody).toMatchObject({ isError: true, text: expect.stringContaining('ffffff') });
    const self = await tool(clientA, 'send_message', { to: a.id, text: 'me' });
    expect(self).toMatchObject({ isError: true, text: `session ${a.id} cannot send a message to itself: name another session, "all", or "supervisor"` });
    const outside = await tool(clientA, 'claim_files', { paths: ['/etc/passwd'] });
    expect(outside.isError).toBe(true);
    expect(outside.text).toContain('/etc/passwd');
    // Still serving.
    expect((await tool(clientA, 'who_owns', { path: 'README.md' })).text).toBe('Nobody holds README.md: it is free.');
  }, 60_000);

  it('refuses to start without a session, or for one that does not exist', () => {
    const env = { ...process.env };
    delete env.COUNCIL_SESSION_ID;
    const none = spawnSync(process.execPath, [COUNCIL_BIN, 'mcp'], { cwd: repo.root, encoding: 'utf8', env, input: '' });
    expect(none.status).toBe(2);
    expect(none.stdout).toBe('');
    expect(none.stderr).toBe('council: council mcp serves one session: pass --session ID or set COUNCIL_SESSION_ID (the app sets it for every agent it starts)\n');
    const unknown = spawnSync(process.execPath, [COUNCIL_BIN, 'mcp'], { cwd: repo.root, encoding: 'utf8', env: { ...env, COUNCIL_SESSION_ID: 'abcdef' }, input: '' });
    expect(unknown.status).not.toBe(0);
    expect(unknown.stdout).toBe('');
    expect(unknown.stderr).toContain('abcdef');
  }, 60_000);
});
