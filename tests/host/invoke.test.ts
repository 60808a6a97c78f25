/**
 * POST /api/invoke: the contract's commands over HTTP, through the same dispatch() as Electron's
 * IPC, on a real repository.
 */
import { realpathSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RunningHost } from '../../electron/host/server';
import { gitSync, makeRepo } from '../helpers/repo';
import { invoke, origin, rawRequest, startTestHost } from './host-helpers';

let host: RunningHost;
beforeAll(async () => {
  host = await startTestHost();
});

const appInfo = JSON.stringify({ command: 'app.info', input: {} });
const post = (headers: Record<string, string>, body = appInfo): Promise<Response> =>
  fetch(`${origin(host)}/api/invoke`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body });

describe('who may invoke', () => {
  it('needs the token as a bearer: 401 without it, or with a wrong one', async () => {
    const attempts: Record<string, string>[] = [{}, { Authorization: 'Bearer nope' }, { Authorization: host.token }, { Authorization: `Basic ${host.token}` }, { Authorization: 'Bearer ' }];
    for (const headers of attempts) {
      const response = await post(headers);
      expect(response.status, JSON.stringify(headers)).toBe(401);
      expect(await response.text()).toBe('missing or wrong token\n');
    }
    expect((await post({ Authorization: `Bearer ${host.token}` })).status).toBe(200);
  });

  it('refuses another origin (a page of another site in the same browser): 403', async () => {
    const auth = { Authorization: `Bearer ${host.token}` };
    for (const bad of ['http://evil.example', `http://127.0.0.1:${host.port + 1}`, `https://127.0.0.1:${host.port}`, 'null', `http://127.0.0.1:${host.port}/`]) {
      expect((await post({ ...auth, Origin: bad })).status, bad).toBe(403);
    }
    expect((await post({ ...auth, Origin: `http://127.0.0.1:${host.port}` })).status).toBe(200);
    expect((await post({ ...auth, Origin: `http://localhost:${host.port}` })).status).toBe(200);
  });

  it('refuses a foreign Host header: 403', async () => {
    const response = await rawRequest(host, '/api/invoke', {
      method: 'POST',
      headers: { Host: `attacker.example:${host.port}`, Authorization: `Bearer ${host.token}` },
      body: appInfo,
    });
    expect(response.status).toBe(403);
  });

  it('is POST only: 405', async () => {
    const response = await fetch(`${origin(host)}/api/invoke`, { headers: { Authorization: `Bearer ${host.token}` } });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST');
  });
});

describe('what comes back', () => {
  it('app.info says this is the browser host', async () => {
    const { status, body } = await invoke(host, 'app.info', {});
    expect(status).toBe(200);
    expect(body).toEqual({ ok: true, value: { version: expect.any(String), platform: process.platform, host: 'browser' } });
  });

  it('creates sessions on a real repository and lists them', async () => {
    const repo = makeRepo();
    const created = await invoke(host, 'sessions.create', { repo: repo.root, task: 'fix the login form', count: 2 });
    expect(created.status).toBe(200);
    expect(created.body.ok).toBe(true);
    const sessions = created.body.value as { id: string; branch: string; worktreePath: string }[];
    expect(sessions).toHaveLength(2);
    // They are real: git knows both worktrees and branches.
    const worktrees = gitSync(repo.root, 'worktree', 'list', '--porcelain');
    for (const s of sessions) {
      expect(worktrees).toContain(`worktree ${realpathSync(s.worktreePath)}`);
      expect(gitSync(repo.root, 'branch', '--list', s.branch)).toContain(s.branch);
    }

    const listed = await invoke(host, 'sessions.list', { repo: repo.root });
    expect(listed.body.ok).toBe(true);
    const cards = listed.body.value as { session: { id: string; task: string } }[];
    expect(cards.map((c) => c.session.id).sort()).toEqual(sessions.map((s) => s.id).sort());
    expect(cards.every((c) => c.session.task === 'fix the login form')).toBe(true);
  });

  it('a failing command is still 200, with the error as a value', async () => {
    const { status, body } = await invoke(host, 'sessions.list', { repo: '/definitely/not/a/repo' });
    expect(status).toBe(200);
    expect(body.ok).toBe(false);
    expect(body.error?.code).toBe('not-a-repo');
  });

  it('an unknown command is invalid-input', async () => {
    const { status, body } = await invoke(host, 'repo.format-disk', {});
    expect(status).toBe(200);
    expect(body).toMatchObject({ ok: false, error: { code: 'invalid-input', message: 'unknown command "repo.format-disk"' } });
  });

  it('bad input for a known command is invalid-input', async () => {
    const { body } = await invoke(host, 'sessions.list', { repo: 42 });
    expect(body).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
  });

  it('a body that is not JSON is 400, shaped like a Result', async () => {
    const response = await post({ Authorization: `Bearer ${host.token}` }, '{"command": "app.info",');
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ ok: false, error: { code: 'invalid-input', message: expect.stringContaining('not JSON') } });
  });

  it('a malformed envelope is invalid-input', async () => {
    const response = await post({ Authorization: `Bearer ${host.token}` }, JSON.stringify({ cmd: 'app.info' }));
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ ok: false, error: { code: 'invalid-input', message: expect.stringContaining('malformed message') } });
  });

  it('takes a body up to 1 MB, and answers 413 past it', async () => {
    const auth = { Authorization: `Bearer ${host.token}` };
    const envelope = (padding: number): string => JSON.stringify({ command: 'app.info', input: {}, padding: 'x'.repeat(padding) });
    const overhead = envelope(0).length;
    const justFits = await post(auth, envelope(1024 * 1024 - overhead));
    expect(justFits.status).toBe(200);
    // Read, then refused by the envelope's schema (an unknown field): the size itself was fine.
    expect(await justFits.json()).toMatchObject({ ok: false, error: { code: 'invalid-input' } });

    const tooBig = await post(auth, envelope(1024 * 1024 - overhead + 1));
    expect(tooBig.status).toBe(413);
    const wayTooBig = await post(auth, envelope(40 * 1024 * 1024));
    expect(wayTooBig.status).toBe(413);
    // The server is fine afterwards.
    expect((await invoke(host, 'app.info', {})).body.ok).toBe(true);
  });

  it('refuses watch.* without an open event socket (the subscription would never end)', async () => {
    const repo = makeRepo();
    const noClient = await invoke(host, 'watch.repo', { repo: repo.root });
    expect(noClient.body).toMatchObject({ ok: false, error: { code: 'invalid-input', message: expect.stringContaining('X-Council-Client') } });
    const unknown = await invoke(host, 'watch.repo', { repo: repo.root }, 'not-a-socket');
    expect(unknown.body).toMatchObject({ ok: false, error: { code: 'invalid-input', message: expect.stringContaining('not open') } });
  });
});
