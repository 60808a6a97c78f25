import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync, chownSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { version } from '../../package.json';
import type { CommandOutput } from '../../shared/contract';
import { council, councilJson, REPO_ROOT } from '../helpers/cli';
import { tempDir } from '../helpers/repo';
import { sshdUnavailable, startSshd, type SshServer } from '../helpers/sshd';

/**
 * Issue 17, first slice: hosts, against a real OpenSSH server (tests/helpers/sshd.ts: Debian's
 * sshd on 127.0.0.1, logging in a second local user that stands for the remote machine), through
 * the real `council` CLI as its own process. ssh finds the server through COUNCIL_SSH_CONFIG
 * (`ssh -F`), as a user's ~/.ssh/config would name a machine.
 */

const unavailable = sshdUnavailable();
if (unavailable) console.warn(`\n⚠ tests/hosts/hosts.test.ts is SKIPPED: ${unavailable}\n`);

type Added = CommandOutput<'host.add'>;

describe.skipIf(unavailable !== null)('hosts over a real OpenSSH server', () => {
  let server: SshServer;
  let env: Record<string, string>;
  let cwd: string;
  let runtimeDir: string;

  beforeAll(async () => {
    server = await startSshd();
    env = { COUNCIL_SSH_CONFIG: server.config, COUNCIL_CLI: path.join(REPO_ROOT, 'out', 'cli', 'council.cjs') };
    cwd = tempDir('council-hosts-cwd-');
    runtimeDir = path.join(server.home, '.council', 'runtime', version);
  });

  afterAll(async () => {
    await server?.stop();
  });

  const run = <T>(args: string[]) => councilJson<T>(args, { cwd, env });
  /** The answer of a command that must succeed (its stderr when it did not). */
  function value<T>(args: string[]): T {
    const done = run<T>(args);
    if (!done.result.ok) throw new Error(`council ${args.join(' ')} failed (exit ${done.code}): ${done.result.error.message}`);
    return done.result.value;
  }
  /** The error of a command that must fail. */
  function failure(args: string[]): { code: number; error: { code: string; message: string; details?: unknown } } {
    const done = run(args);
    if (done.result.ok) throw new Error(`council ${args.join(' ')} succeeded where it must fail: ${JSON.stringify(done.result.value)}`);
    return { code: done.code, error: done.result.error };
  }
  const manifest = (): { version: string; build: string; installedAt: string; council: string } => JSON.parse(readFileSync(path.join(runtimeDir, 'runtime.json'), 'utf8'));

  /** A folder of programs for a PATH on the host: links to the real ones, and fake ones. */
  function remoteBin(name: string, programs: Record<string, string>): string {
    const dir = server.remoteDir(name);
    for (const [program, what] of Object.entries(programs)) {
      const file = path.join(dir, program);
      if (what.startsWith('/')) symlinkSync(what, file);
      else {
        writeFileSync(file, `#!/bin/sh\n${what}\n`, { mode: 0o755 });
        chownSync(file, statSync(dir).uid, statSync(dir).gid);
      }
    }
    return dir;
  }

  it('add checks the host and installs the runtime in the remote home; it runs there and prints our version', () => {
    const { host, runtime } = value<Added>(['host', 'add', 'remote']);
    expect(runtime).toBe('installed');
    expect(host.name).toBe('remote');
    expect(host.runtime).toEqual({ version, build: expect.stringMatching(/^[0-9a-f]{16}$/), dir: runtimeDir });
    // The host is this machine under another user: its git and node are ours.
    const gitHere = /(\d+\.\d+\.\d+)/.exec(execFileSync('git', ['--version'], { encoding: 'utf8' }))![1];
    expect(host.check).toMatchObject({ home: server.home, git: { ok: true, path: '/usr/bin/git', version: gitHere }, node: { ok: true, path: process.execPath, version: process.versions.node } });

    // On the host: the bundle files and the manifest, owned by the remote user, and nothing else of ours.
    for (const file of ['council.cjs', 'hot.cjs', 'mcp.cjs', 'launch.cjs', 'runtime.json']) expect(existsSync(path.join(runtimeDir, file)), file).toBe(true);
    expect(statSync(path.join(runtimeDir, 'council.cjs')).uid).toBe(statSync(server.home).uid);
    expect(manifest()).toMatchObject({ council: 'runtime', version, build: host.runtime!.build });
    const ran = server.ssh('remote', `node ~/.council/runtime/${version}/council.cjs --version`);
    expect(ran.stderr).toBe('');
    expect(ran.stdout.trim()).toBe(version);
    // The launcher (what remote hooks will run) finds its bundles beside it.
    expect(server.ssh('remote', `node ~/.council/runtime/${version}/launch.cjs --version`).stdout.trim()).toBe(version);
  });

  it('list shows the host without connecting; check reports git, node and the agent CLIs on the remote PATH', () => {
    const listed = run<CommandOutput<'host.list'>>(['host', 'list']);
    expect(listed.result).toMatchObject({ ok: true, value: { hosts: [{ name: 'remote', runtime: { version, dir: runtimeDir } }] } });
    expect(council(['host', 'list'], { cwd, env }).stdout).toMatch(/^NAME\s+RUNTIME\s+GIT\s+NODE\s+AGENTS\s+CHECKED\nremote\s+0\.1\.0/m);

    const bin = remoteBin('agents-bin', { claude: 'echo 2.0.0 "(Claude Code)"', codex: 'echo codex-cli 0.1' });
    server.aliasWithPath('remote-agents', `${bin}:/usr/local/bin:/usr/bin:/bin`);
    const checked = value<CommandOutput<'host.check'>>(['host', 'check', 'remote-agents']);
    expect(checked.added).toBe(false);
    expect(checked.check.agents).toEqual([
      { preset: 'claude', binary: 'claude', path: path.join(bin, 'claude') },
      { preset: 'codex', binary: 'codex', path: path.join(bin, 'codex') },
    ]);
    expect(checked.check.runtimes).toEqual([{ version, build: manifest().build, dir: runtimeDir }]);
    expect(run<CommandOutput<'host.check'>>(['host', 'check', 'remote']).result).toMatchObject({ ok: true, value: { added: true, check: { agents: [] } } });
  });

  it('add again sends nothing when the same version and build are there, and replaces a different one (pruning other versions of ours only)', () => {
    const before = manifest();
    const mtime = statSync(path.join(runtimeDir, 'council.cjs')).mtimeMs;
    const again = run<Added>(['host', 'add', 'remote']);
    expect(again.result).toMatchObject({ ok: true, value: { runtime: 'up-to-date', pruned: [] } });
    expect(manifest().installedAt).toBe(before.installedAt);
    expect(statSync(path.join(runtimeDir, 'council.cjs')).mtimeMs).toBe(mtime);

    // The host holds another build of this version, an older version of ours, and a folder that is not ours.
    writeFileSync(path.join(runtimeDir, 'runtime.json'), JSON.stringify({ ...before, build: '00000000000000aa' }) + '\n');
    const older = path.join(server.home, '.council', 'runtime', '0.0.1');
    const foreign = path.join(server.home, '.council', 'runtime', 'not-ours');
    mkdirSync(older);
    writeFileSync(path.join(older, 'runtime.json'), JSON.stringify({ council: 'runtime', version: '0.0.1', build: '0000000000000001' }) + '\n');
    mkdirSync(foreign);
    writeFileSync(path.join(foreign, 'keep.txt'), 'someone else\n');
    // Made as the remote user would have made them.
    const { uid, gid } = statSync(server.home);
    for (const p of [older, path.join(older, 'runtime.json'), foreign, path.join(foreign, 'keep.txt')]) chownSync(p, uid, gid);

    const updated = run<Added>(['host', 'add', 'remote']);
    expect(updated.result, updated.stderr).toMatchObject({ ok: true, value: { runtime: 'updated', pruned: ['0.0.1'], host: { runtime: { version, build: before.build, dir: runtimeDir } } } });
    expect(manifest().build).toBe(before.build);
    expect(manifest().installedAt).not.toBe(before.installedAt);
    expect(existsSync(older)).toBe(false);
    expect(readFileSync(path.join(foreign, 'keep.txt'), 'utf8')).toBe('someone else\n');
    expect(server.ssh('remote', `node ~/.council/runtime/${version}/council.cjs --version`).stdout.trim()).toBe(version);
  });

  it('a host that is down: a clear error naming the host and the fix, and nothing kept', () => {
    const down = council(['host', 'add', 'remote-down'], { cwd, env });
    expect(down.code).toBe(1);
    expect(down.stderr).toContain('council: remote-down refused the connection (ssh: connect to host 127.0.0.1 port');
    expect(down.stderr).toContain('Connection refused');
    expect(down.stderr).toContain('SSH server running');
    expect(down.stderr).toContain('`ssh remote-down true`');
    expect(run<CommandOutput<'host.list'>>(['host', 'list']).result).toMatchObject({ ok: true, value: { hosts: [{ name: 'remote' }] } });
  });

  it('a key the host refuses: a clear error naming the host and how to install the key', () => {
    const refused = failure(['host', 'check', 'remote-wrong-key']);
    expect(refused.code).toBe(1);
    expect(refused.error).toMatchObject({ code: 'command-failed', details: { host: 'remote-wrong-key', problem: 'key-refused' } });
    expect(refused.error.message).toContain('remote-wrong-key refused our SSH key (council-remote@127.0.0.1: Permission denied (publickey).)');
    expect(refused.error.message).toContain('never a password');
    expect(refused.error.message).toContain('`ssh-copy-id remote-wrong-key`');
  });

  it('node missing on the host (a PATH without it): a clear error, and nothing installed', () => {
    const bin = remoteBin('no-node-bin', { sh: '/bin/sh', git: '/usr/bin/git' });
    server.aliasWithPath('remote-no-node', bin);
    expect(server.ssh('remote-no-node', 'command -v node; echo $PATH').stdout.trim()).toBe(bin);
    const added = council(['host', 'add', 'remote-no-node'], { cwd, env });
    expect(added.code).toBe(1);
    expect(added.stderr).toContain(`council: remote-no-node cannot run council yet: Node.js is not installed on remote-no-node (no \`node\` on the PATH a non-interactive \`ssh remote-no-node\` command gets (${bin}))`);
    expect(added.stderr).toContain('install Node 20.19 or newer there');
    expect(added.stderr).not.toContain('git');
    expect(run<CommandOutput<'host.list'>>(['host', 'list']).result).toMatchObject({ ok: true, value: { hosts: [{ name: 'remote' }] } });
  });

  it('git and node too old on the host: a clear error naming both versions and what is needed', () => {
    const bin = remoteBin('old-bin', { sh: '/bin/sh', git: 'echo git version 2.30.2', node: 'echo v18.19.1' });
    server.aliasWithPath('remote-old', bin);
    const checked = failure(['host', 'check', 'remote-old']);
    expect(checked.error).toMatchObject({ code: 'command-failed', details: { host: 'remote-old', problem: 'requirements' } });
    expect(checked.error.message).toContain(`git on remote-old is 2.30.2 (${bin}/git); council needs 2.38 or newer: update git there`);
    expect(checked.error.message).toContain(`Node.js on remote-old is 18.19.1 (${bin}/node); council needs 20.19 or newer: update Node there`);
  });

  it('remove deletes only our runtime on the host and forgets the host; a host that is down needs --forget', () => {
    const removed = run<CommandOutput<'host.remove'>>(['host', 'remove', 'remote']);
    expect(removed.result, removed.stderr).toEqual({ ok: true, value: { name: 'remote', removed: [runtimeDir], clones: [], forgotten: true } });
    expect(existsSync(runtimeDir)).toBe(false);
    // The folder that is not ours stays (and so its parents).
    expect(existsSync(path.join(server.home, '.council', 'runtime', 'not-ours', 'keep.txt'))).toBe(true);
    expect(run<CommandOutput<'host.list'>>(['host', 'list']).result).toMatchObject({ ok: true, value: { hosts: [] } });
    const again = council(['host', 'remove', 'remote'], { cwd, env });
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('no host named remote is kept: `council host list` shows the hosts');

    // A host added, then gone: removing it says how to only forget it.
    expect(value<Added>(['host', 'add', 'remote']).runtime).toBe('installed');
    const hostsFile = value<CommandOutput<'host.list'>>(['host', 'list']).file;
    const file = JSON.parse(readFileSync(hostsFile, 'utf8')) as { hosts: { name: string }[] };
    file.hosts[0]!.name = 'remote-down';
    writeFileSync(hostsFile, JSON.stringify(file));
    const gone = council(['host', 'remove', 'remote-down'], { cwd, env });
    expect(gone.code).toBe(1);
    expect(gone.stderr).toContain('remote-down refused the connection');
    expect(run<CommandOutput<'host.list'>>(['host', 'list']).result).toMatchObject({ ok: true, value: { hosts: [{ name: 'remote-down' }] } });
    const forgotten = council(['host', 'remove', 'remote-down', '--forget'], { cwd, env });
    expect(forgotten.code, forgotten.stderr).toBe(0);
    expect(forgotten.stdout).toContain('Host remote-down forgotten; nothing was changed on it');
    expect(run<CommandOutput<'host.list'>>(['host', 'list']).result).toMatchObject({ ok: true, value: { hosts: [] } });
  });
});
