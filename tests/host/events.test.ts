/**
 * GET /api/events upgraded to a WebSocket: who may open it, the hello, and events reaching the
 * sockets that subscribed (changes made by another process, the CLI, and files written in a
 * session's worktree).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { RunningHost } from '../../electron/host/server';
import { councilAsync } from '../helpers/cli';
import { makeRepo, writeIn } from '../helpers/repo';
import { connectEvents, eventsUrl, invoke, openSocket, startTestHost } from './host-helpers';

let host: RunningHost;
beforeAll(async () => {
  host = await startTestHost();
});

describe('who may open the event socket', () => {
  it('needs the token: refused with 401 before the handshake', async () => {
    expect(await openSocket(eventsUrl(host, null))).toEqual({ kind: 'refused', status: 401 });
    expect(await openSocket(eventsUrl(host, 'wrong'))).toEqual({ kind: 'refused', status: 401 });
    expect(await openSocket(eventsUrl(host, ''))).toEqual({ kind: 'refused', status: 401 });
  });

  it('refuses another origin, and a foreign Host: 403', async () => {
    expect(await openSocket(eventsUrl(host), { origin: 'http://evil.example' })).toEqual({ kind: 'refused', status: 403 });
    expect(await openSocket(eventsUrl(host), { origin: `http://127.0.0.1:${host.port + 1}` })).toEqual({ kind: 'refused', status: 403 });
    expect(await openSocket(eventsUrl(host), { headers: { Host: `rebound.example:${host.port}` } })).toEqual({ kind: 'refused', status: 403 });
  });

  it('only at /api/events', async () => {
    expect(await openSocket(`ws://127.0.0.1:${host.port}/api/other?token=${host.token}`)).toEqual({ kind: 'refused', status: 404 });
  });

  it('says hello with a client id of its own to each socket', async () => {
    // A browser sends its page's origin; ours is accepted.
    const first = await connectEvents(host, { origin: `http://127.0.0.1:${host.port}` });
    const second = await connectEvents(host);
    const [a, b] = [await first.hello(), await second.hello()];
    expect(a).toMatch(/^[A-Za-z0-9_-]{16,}$/);
    expect(b).not.toBe(a);
    expect(first.messages[0]).toEqual({ type: 'hello', clientId: a });
    await Promise.all([first.close(), second.close()]);
  });
});

describe('events', () => {
  it('a state change made by the CLI reaches the subscribed socket within 2 s, and only it', async () => {
    const repo = makeRepo();
    const created = await invoke(host, 'sessions.create', { repo: repo.root, task: 'add tests' });
    const [session] = created.body.value as { id: string }[];
    const watcher = await connectEvents(host);
    const bystander = await connectEvents(host);
    const clientId = await watcher.hello();
    await bystander.hello();

    const subscribed = await invoke(host, 'watch.repo', { repo: repo.root }, clientId);
    expect(subscribed.body).toEqual({ ok: true, value: { watching: true } });

    // Asynchronously: spawnSync would freeze this process, and with it the host under test, which
    // in real use is another process than the CLI.
    const cli = await councilAsync(['context', 'update', '--session', session!.id, '--status', 'working', '--message', 'on it'], { cwd: repo.root });
    expect(cli.code, cli.stderr).toBe(0);
    const event = await watcher.next((m) => m.type === 'event' && m.event === 'state.changed', 2000, 'state.changed event');
    expect(event.payload).toMatchObject({ kind: 'context', sessionId: session!.id });
    // The page can fetch the new state the event announced.
    const listed = await invoke(host, 'sessions.list', { repo: repo.root });
    expect((listed.body.value as { context: { message?: string } }[])[0]?.context.message).toBe('on it');
    // Give a misdirected copy time to arrive before checking that none did.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(bystander.messages.map((m) => m.type)).toEqual(['hello']);
    await Promise.all([watcher.close(), bystander.close()]);
  });

  it("a change of the user's settings (council settings set --user) reaches a socket watching a repository as a settings change", async () => {
    const repo = makeRepo();
    const watcher = await connectEvents(host);
    const clientId = await watcher.hello();
    expect((await invoke(host, 'watch.repo', { repo: repo.root }, clientId)).body).toEqual({ ok: true, value: { watching: true } });
    const cli = await councilAsync(['settings', 'set', 'concurrency', '7', '--user'], { cwd: repo.root });
    expect(cli.code, cli.stderr).toBe(0);
    const event = await watcher.next((m) => m.type === 'event' && m.event === 'state.changed', 2000, 'state.changed event');
    expect(event.payload).toEqual({ repo: repo.root, kind: 'settings' });
    expect((await invoke(host, 'settings.get', { repo: repo.root })).body).toMatchObject({ ok: true, value: { concurrency: 7 } });
    await watcher.close();
  });

  it('watching one repository by several of its folders is one subscription: each change arrives once, named by the main checkout', async () => {
    const repo = makeRepo();
    const created = await invoke(host, 'sessions.create', { repo: repo.root, task: 'spellings' });
    const [session] = created.body.value as { id: string; worktreePath: string }[];
    const socket = await connectEvents(host);
    const clientId = await socket.hello();
    for (const spelling of [repo.root, `${repo.root}/`, `${repo.root}/src`, `${repo.root}/src/..`]) {
      expect((await invoke(host, 'watch.repo', { repo: spelling }, clientId)).body).toEqual({ ok: true, value: { watching: true } });
    }
    expect((await invoke(host, 'watch.session', { repo: `${repo.root}/src`, id: session!.id }, clientId)).body.ok).toBe(true);
    expect((await invoke(host, 'watch.session', { repo: repo.root, id: session!.id }, clientId)).body).toEqual({ ok: true, value: { seq: 0, files: [] } });

    const cli = await councilAsync(['context', 'update', '--session', session!.id, '--status', 'working', '--message', 'once'], { cwd: repo.root });
    expect(cli.code, cli.stderr).toBe(0);
    writeIn(session!.worktreePath, 'docs/once.md', '# once\n');
    await socket.next((m) => m.type === 'event' && m.event === 'worktree.changed', 2000, 'worktree.changed event');
    await socket.next((m) => m.type === 'event' && m.event === 'state.changed', 2000, 'state.changed event');
    await new Promise((resolve) => setTimeout(resolve, 400));
    const events = socket.messages.filter((m) => m.type === 'event') as { event: string; payload: { repo?: string; kind?: string } }[];
    const contextEvents = events.filter((m) => m.event === 'state.changed' && m.payload.kind === 'context');
    expect(contextEvents.map((m) => m.payload.repo)).toEqual([repo.root]);
    expect(events.filter((m) => m.event === 'worktree.changed')).toHaveLength(1);
    await socket.close();
  });

  it("a file written in a session's worktree is announced with its path, seq 1, within 2 s", async () => {
    const repo = makeRepo();
    const created = await invoke(host, 'sessions.create', { repo: repo.root, task: 'write docs' });
    const [session] = created.body.value as { id: string; worktreePath: string }[];
    const socket = await connectEvents(host);
    const clientId = await socket.hello();

    const watched = await invoke(host, 'watch.session', { repo: repo.root, id: session!.id }, clientId);
    expect(watched.body).toEqual({ ok: true, value: { seq: 0, files: [] } });

    writeIn(session!.worktreePath, 'docs/guide.md', '# guide\n');
    const event = await socket.next((m) => m.type === 'event' && m.event === 'worktree.changed', 2000, 'worktree.changed event');
    expect(event.payload).toMatchObject({ sessionId: session!.id, seq: 1, paths: ['docs/guide.md'], overflow: false });
    await socket.close();
  });

  it('a closed socket takes its subscriptions with it; its id cannot subscribe again', async () => {
    const repo = makeRepo();
    const socket = await connectEvents(host);
    const clientId = await socket.hello();
    expect((await invoke(host, 'watch.repo', { repo: repo.root }, clientId)).body.ok).toBe(true);
    await socket.close();
    // The server sees the close shortly after the client does.
    await new Promise((resolve) => setTimeout(resolve, 100));
    const again = await invoke(host, 'watch.repo', { repo: repo.root }, clientId);
    expect(again.body).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
  });

  it('a socket sending more than a ping is closed (1009, message too big)', async () => {
    const socket = await connectEvents(host);
    await socket.hello();
    const closed = new Promise<number>((resolve) => socket.ws.once('close', (code) => resolve(code)));
    socket.ws.send('x'.repeat(64 * 1024));
    expect(await closed).toBe(1009);
  });
});

describe('heartbeat', () => {
  it('drops a socket that stops answering pings, keeps one that answers', async () => {
    const fast = await startTestHost({ heartbeatMs: 100 });
    const deaf = new WebSocket(eventsUrl(fast), { autoPong: false });
    const healthy = new WebSocket(eventsUrl(fast));
    const deafClosed = new Promise<number>((resolve) => deaf.once('close', (code) => resolve(code)));
    await Promise.all([deaf, healthy].map((ws) => new Promise((resolve) => ws.once('open', resolve))));
    // Terminated (no close frame): the client sees an abnormal closure.
    expect(await deafClosed).toBe(1006);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(healthy.readyState).toBe(WebSocket.OPEN);
    healthy.close();
  });
});
