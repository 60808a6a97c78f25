import { chmodSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommandOutput } from '../../shared/contract';
import type { Session } from '../../shared/models';
import { closeControl } from '../../electron/core/hosts/control';
import { council, councilAsync, councilJson } from '../helpers/cli';
import type { TestRepo } from '../helpers/repo';
import { remoteScene } from '../helpers/remote-scene';
import { sshdUnavailable, type SshServer } from '../helpers/sshd';

/**
 * Issue 17: `council session list` while a remote session is being made already says where. The
 * host here is slow on purpose (its git waits 2 s per call), so the `creating` moment lasts long
 * enough to be listed by a second CLI process.
 */

const unavailable = sshdUnavailable();
if (unavailable) console.warn(`\n⚠ tests/remote/remote-listing.test.ts is SKIPPED: ${unavailable}\n`);

describe.skipIf(unavailable !== null)('session list of a remote session being made', () => {
  let server: SshServer;
  let env: Record<string, string>;
  let repo: TestRepo;

  beforeAll(async () => {
    ({ server, env, repo } = await remoteScene());
    const bin = server.remoteDir('slow-bin');
    writeFileSync(path.join(bin, 'git'), '#!/bin/sh\nsleep 2\nexec /usr/bin/git "$@"\n');
    chmodSync(path.join(bin, 'git'), 0o755);
    server.aliasWithPath('remote-slow', `${bin}:/usr/local/bin:/usr/bin:/bin`);
    const added = councilJson<CommandOutput<'host.add'>>(['host', 'add', 'remote-slow'], { cwd: repo.root, env });
    if (!added.result.ok) throw new Error(`host add failed: ${added.result.error.message}`);
  }, 180_000);

  afterAll(async () => {
    closeControl('remote');
    closeControl('remote-slow');
    await server?.stop();
  });

  const list = (): Session[] => {
    const done = councilJson<Session[]>(['session', 'list'], { cwd: repo.root, env });
    if (!done.result.ok) throw new Error(done.result.error.message);
    return done.result.value;
  };

  it('while `creating`, the session is listed with its host (JSON and text); once ready, at the same place', async () => {
    const creating = councilAsync(['session', 'create', '--task', 'slow remote', '--host', 'remote-slow'], { cwd: repo.root, env });
    let seen: Session | undefined;
    const deadline = Date.now() + 60_000;
    while (!seen && Date.now() < deadline) {
      seen = list().find((s) => s.state === 'creating');
      if (!seen) await new Promise((r) => setTimeout(r, 100));
    }
    expect(seen, 'the session was never listed as creating').toBeDefined();
    expect(seen!.host).toMatchObject({ name: 'remote-slow', path: expect.stringMatching(new RegExp(`^${server.home}/\\.council/worktrees/`)) });
    const text = council(['session', 'list'], { cwd: repo.root, env });
    expect(text.stdout).toMatch(/ID\s+STATUS\s+WHERE\s+AGENT/);
    expect(text.stdout).toMatch(new RegExp(`${seen!.id}\\s+(creating|idle)\\s+on remote-slow\\s`));

    const done = await creating;
    expect(done.code, done.stderr).toBe(0);
    const ready = list().find((s) => s.id === seen!.id)!;
    expect(ready.state).toBe('ready');
    expect(ready.host).toEqual(seen!.host);
    // A local session beside it is listed as here.
    const local = council(['session', 'create', '--task', 'local one'], { cwd: repo.root, env });
    expect(local.code, local.stderr).toBe(0);
    const both = council(['session', 'list'], { cwd: repo.root, env }).stdout;
    expect(both).toMatch(/\s+idle\s+here\s+-\s+council\/local-one-/);
  }, 180_000);
});
