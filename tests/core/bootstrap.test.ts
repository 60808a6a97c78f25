import { chmodSync, existsSync, lstatSync, readFileSync, readlinkSync, realpathSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { copyIncludedFiles, releaseSessionPort, runSetupCommand, sessionEnvironment, setupFailure } from '../../electron/core/sessions/bootstrap';
import { gitSync, makeRepo, tempDir, type TestRepo } from '../helpers/repo';

const posix = process.platform !== 'win32';

/** A repository like a real project: gitignored local config beside tracked files, and a worktree. */
function projectWithWorktree(include: string | null): { repo: TestRepo; worktree: string; outside: string } {
  const repo = makeRepo({
    'README.md': '# demo\n',
    '.gitignore': ['.env', 'config/', '*.log', 'node_modules/', 'secrets/', ''].join('\n'),
    ...(include === null ? {} : { '.worktreeinclude': include }),
  });
  // Tracked although its folder is ignored (added with -f), as projects do with a config template.
  repo.write('config/tracked.json', '{"committed":true}\n');
  gitSync(repo.root, 'add', '-f', 'config/tracked.json');
  gitSync(repo.root, 'commit', '-q', '-m', 'config template');
  // The main checkout's local, ignored files.
  chmodSync(repo.write('.env', 'SECRET=1\n'), 0o600);
  chmodSync(repo.write('config/local.json', '{"local":true}\n'), 0o640);
  chmodSync(repo.write('config/bin/start.sh', '#!/bin/sh\necho hi\n'), 0o755);
  repo.write('config/tracked.json', '{"committed":false,"edited":"in main"}\n');
  repo.write('debug.log', 'noise\n');
  repo.write('secrets/api.key', 'key\n');
  repo.write('secrets/other.key', 'other\n');
  repo.write('node_modules/pkg/.env', 'PKG=1\n');
  repo.write('node_modules/pkg/index.js', 'module.exports = 1;\n');
  const outside = path.join(tempDir('council-outside-'), 'secret.json');
  writeFileSync(outside, '{"outside":true}\n');
  const worktree = path.join(tempDir('council-wt-'), 'wt');
  gitSync(repo.root, 'worktree', 'add', '-q', '-b', 'council/s1', worktree, 'HEAD');
  return { repo, worktree, outside };
}

const read = (root: string, rel: string): string => readFileSync(path.join(root, rel), 'utf8');
const mode = (root: string, rel: string): number => statSync(path.join(root, rel)).mode & 0o777;

describe('copying included files into a new worktree', () => {
  it('copies the gitignored files .worktreeinclude names (`.env`, `config/`), with their content and mode', async () => {
    const { repo, worktree } = projectWithWorktree('# local files\n.env\nconfig/\n');
    const copied = await copyIncludedFiles(repo.root, worktree);
    expect(copied).toEqual(['.env', 'config/bin/start.sh', 'config/local.json']);
    expect(read(worktree, '.env')).toBe('SECRET=1\n');
    expect(read(worktree, 'config/local.json')).toBe('{"local":true}\n');
    // Tracked: left as the checkout wrote it, not overwritten with the main checkout's edit.
    expect(read(worktree, 'config/tracked.json')).toBe('{"committed":true}\n');
    // Ignored but not included, and dependency folders: not copied.
    expect(existsSync(path.join(worktree, 'debug.log'))).toBe(false);
    expect(existsSync(path.join(worktree, 'secrets'))).toBe(false);
    expect(existsSync(path.join(worktree, 'node_modules'))).toBe(false);
    // The worktree's status shows nothing new: every copied file is ignored there too.
    expect(gitSync(worktree, 'status', '--porcelain')).toBe('');
  });

  it.runIf(posix)('keeps file modes: private stays private, executable stays executable', async () => {
    const { repo, worktree } = projectWithWorktree('.env\nconfig/\n');
    await copyIncludedFiles(repo.root, worktree);
    expect(mode(worktree, '.env')).toBe(0o600);
    expect(mode(worktree, 'config/local.json')).toBe(0o640);
    expect(mode(worktree, 'config/bin/start.sh')).toBe(0o755);
  });

  it('adds the settings patterns to the file, including a path inside an ignored folder', async () => {
    const { repo, worktree } = projectWithWorktree('.env\n');
    const copied = await copyIncludedFiles(repo.root, worktree, ['secrets/api.key', '*.log']);
    expect(copied).toEqual(['.env', 'debug.log', 'secrets/api.key']);
    expect(read(worktree, 'secrets/api.key')).toBe('key\n');
    expect(existsSync(path.join(worktree, 'secrets/other.key'))).toBe(false);
    expect(existsSync(path.join(worktree, 'config/local.json'))).toBe(false);
  });

  it('uses the settings patterns alone when there is no .worktreeinclude', async () => {
    const { repo, worktree } = projectWithWorktree(null);
    expect(await copyIncludedFiles(repo.root, worktree, ['config/local.json'])).toEqual(['config/local.json']);
    expect(existsSync(path.join(worktree, '.env'))).toBe(false);
  });

  it('copies nothing without a .worktreeinclude or settings patterns', async () => {
    const { repo, worktree } = projectWithWorktree(null);
    expect(await copyIncludedFiles(repo.root, worktree, [])).toEqual([]);
    expect(existsSync(path.join(worktree, '.env'))).toBe(false);
    expect(existsSync(path.join(worktree, 'config/local.json'))).toBe(false);
  });

  it.runIf(posix)('never follows a symlink out of the main checkout; a link inside it is recreated as a link', async () => {
    const { repo, worktree, outside } = projectWithWorktree('config/\n');
    symlinkSync(outside, path.join(repo.root, 'config/absolute.json'));
    symlinkSync(path.relative(path.join(repo.root, 'config'), outside), path.join(repo.root, 'config/relative-out.json'));
    const outsideDir = path.dirname(outside);
    symlinkSync(outsideDir, path.join(repo.root, 'config/linked-dir'));
    symlinkSync('local.json', path.join(repo.root, 'config/alias.json'));
    // Inside the main checkout, but through its own name: from the worktree it would point back at main.
    symlinkSync(`../../${path.basename(repo.root)}/config/local.json`, path.join(repo.root, 'config/roundabout.json'));

    const copied = await copyIncludedFiles(repo.root, worktree);
    expect(copied).toEqual(['config/alias.json', 'config/bin/start.sh', 'config/local.json']);
    for (const rel of ['config/absolute.json', 'config/relative-out.json', 'config/roundabout.json', 'config/linked-dir', 'config/linked-dir/secret.json']) {
      expect(existsSync(path.join(worktree, rel)), rel).toBe(false);
    }
    expect(lstatSync(path.join(worktree, 'config/alias.json')).isSymbolicLink()).toBe(true);
    expect(readlinkSync(path.join(worktree, 'config/alias.json'))).toBe('local.json');
    expect(read(worktree, 'config/alias.json')).toBe('{"local":true}\n');
  });

  it('never overwrites a file already in the worktree', async () => {
    const { repo, worktree } = projectWithWorktree('.env\n');
    writeFileSync(path.join(worktree, '.env'), 'MINE=1\n');
    expect(await copyIncludedFiles(repo.root, worktree)).toEqual([]);
    expect(read(worktree, '.env')).toBe('MINE=1\n');
  });
});

/** Alive and not a zombie waiting to be reaped (a reaper-less container leaves those behind). */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  if (process.platform !== 'linux') return true;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

/**
 * The output pipes close while a killed process is still inside exit(), a moment before the kernel
 * marks it dead, so "gone" is awaited: a survivor (not in our process group) never gets there and
 * fails the test at the bound.
 */
async function expectGone(pid: number): Promise<void> {
  await vi.waitFor(() => expect(isRunning(pid), `process ${pid} still running`).toBe(false), { timeout: 5000, interval: 20 });
}

describe.runIf(posix)('the setup command', () => {
  it('runs through the shell in the worktree with the session environment, streaming its output', async () => {
    const dir = tempDir();
    const chunks: string[] = [];
    const result = await runSetupCommand({
      command: 'echo "installing in $(pwd)"; echo "warning: slow" >&2; echo "session=$COUNCIL_SESSION_ID" && echo done > ready.txt',
      cwd: dir,
      env: { COUNCIL_SESSION_ID: 's-123' },
      timeoutMs: 30_000,
      onOutput: (text) => chunks.push(text),
    });
    expect(result).toMatchObject({ exitCode: 0, signal: null, timedOut: false });
    const streamed = chunks.join('');
    expect(streamed).toContain(`installing in ${realpathSync(dir)}`);
    expect(streamed).toContain('warning: slow');
    expect(streamed).toContain('session=s-123');
    expect(result.output).toContain('session=s-123');
    expect(readFileSync(path.join(dir, 'ready.txt'), 'utf8')).toBe('done\n');
    expect(setupFailure(result)).toBeNull();
  });

  it('reports a failure with the command, its exit code and its last lines of output', async () => {
    const command = 'echo "step 1 ok"; echo "npm ERR! missing script: bootstrap" >&2; exit 3';
    const result = await runSetupCommand({ command, cwd: tempDir(), timeoutMs: 30_000 });
    expect(result).toMatchObject({ exitCode: 3, timedOut: false });
    const error = setupFailure(result);
    expect(error?.message).toContain(`setup command "${command}" failed with exit code 3`);
    expect(error?.message).toContain('npm ERR! missing script: bootstrap');
    expect(error?.message).toContain('step 1 ok');
  });

  it('keeps only the last 64 KiB of a long output', async () => {
    const result = await runSetupCommand({
      command: 'i=0; while [ $i -lt 3000 ]; do echo "line $i: ................................................"; i=$((i+1)); done',
      cwd: tempDir(),
      timeoutMs: 30_000,
    });
    expect(result.exitCode).toBe(0);
    expect(Buffer.byteLength(result.output)).toBeLessThanOrEqual(64 * 1024);
    expect(Buffer.byteLength(result.output)).toBeGreaterThan(60 * 1024);
    expect(result.output).toContain('line 2999:');
    expect(result.output).not.toContain('line 10:');
  });

  it('on timeout stops the whole process tree, grandchildren included', async () => {
    const dir = tempDir();
    const pidFile = path.join(dir, 'grandchild.pid');
    // The outer shell starts another shell, which starts `sleep`: a grandchild of ours.
    const command = `echo started; sh -c 'sleep 300 & echo $! > "${pidFile}"; wait'; echo never`;
    const result = await runSetupCommand({ command, cwd: dir, timeoutMs: 2000, killGraceMs: 500 });
    const grandchild = Number(readFileSync(pidFile, 'utf8').trim());
    expect(grandchild).toBeGreaterThan(0);
    expect(result.timedOut).toBe(true);
    expect(result.exitCode).toBeNull();
    await expectGone(grandchild);
    const message = setupFailure(result)?.message ?? '';
    expect(message).toContain(`setup command "${command}" timed out after 2.0 s`);
    expect(message).toMatch(/its last output:\nstarted$/);
    expect(result.output).toBe('started\n');
  });

  it('kills, after the grace, a grandchild that ignores SIGTERM', async () => {
    const dir = tempDir();
    const pidFile = path.join(dir, 'stubborn.pid');
    const command = `sh -c 'trap "" TERM; sleep 300 & echo $! > "${pidFile}"; wait'`;
    const result = await runSetupCommand({ command, cwd: dir, timeoutMs: 2000, killGraceMs: 300 });
    expect(result.timedOut).toBe(true);
    const grandchild = Number(readFileSync(pidFile, 'utf8').trim());
    expect(grandchild).toBeGreaterThan(0);
    await expectGone(grandchild);
  });

  it('rejects a setup that cannot start, naming the command', async () => {
    const missing = path.join(tempDir(), 'gone');
    await expect(runSetupCommand({ command: 'true', cwd: missing, timeoutMs: 5000 })).rejects.toThrow(/could not start the setup command "true"/);
  });
});

function canBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen({ host: '127.0.0.1', port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

describe('the session environment', () => {
  const session = (n: number) => ({ id: `sess${n}`, branch: `council/task-sess${n}`, worktreePath: `/trees/task-sess${n}` });

  it('names the session, the repo, the worktree and the branch, and gives 10 sessions set up at once 10 distinct free ports', async () => {
    const sessions = Array.from({ length: 10 }, (_, i) => session(i));
    const envs = await Promise.all(sessions.map((s) => sessionEnvironment({ session: s, repoRoot: '/repo' })));
    expect(envs[3]).toMatchObject({
      COUNCIL_SESSION_ID: 'sess3',
      COUNCIL_REPO: '/repo',
      COUNCIL_WORKTREE: '/trees/task-sess3',
      COUNCIL_BRANCH: 'council/task-sess3',
    });
    const ports = envs.map((e) => Number(e.PORT));
    expect(new Set(ports).size).toBe(10);
    for (const port of ports) {
      expect(Number.isInteger(port) && port > 0 && port < 65536).toBe(true);
      expect(await canBind(port)).toBe(true);
    }
    // The same session asking again keeps its port; released, it may get another.
    expect((await sessionEnvironment({ session: sessions[0]!, repoRoot: '/repo' })).PORT).toBe(envs[0]!.PORT);
    for (const s of sessions) releaseSessionPort(s.id);
  });

  it('from a base port, skips ports in use and ports already handed out', async () => {
    const busy = net.createServer();
    await new Promise<void>((resolve) => busy.listen({ host: '127.0.0.1', port: 0 }, resolve));
    const base = (busy.address() as net.AddressInfo).port;
    try {
      const [a, b] = await Promise.all([
        sessionEnvironment({ session: session(100), repoRoot: '/repo', basePort: base }),
        sessionEnvironment({ session: session(101), repoRoot: '/repo', basePort: base }),
      ]);
      const ports = [Number(a.PORT), Number(b.PORT)];
      expect(ports).not.toContain(base);
      expect(ports[0]).not.toBe(ports[1]);
      for (const port of ports) expect(port).toBeGreaterThan(base);
    } finally {
      releaseSessionPort('sess100');
      releaseSessionPort('sess101');
      await new Promise((resolve) => busy.close(resolve));
    }
  });

  it('refuses a base port outside 1..65535', async () => {
    await expect(sessionEnvironment({ session: session(200), repoRoot: '/repo', basePort: 70000 })).rejects.toThrow(/base port/);
  });
});
