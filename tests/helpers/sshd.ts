import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { appendFileSync, chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/**
 * A real OpenSSH server for tests (issue 17): Debian's sshd on 127.0.0.1, on a free port, started
 * by the test with its own config, host key and authorized keys, logging in a second local user
 * (`council-remote`, created once, idempotently) that stands for the remote machine. Each server
 * gives that user a fresh home of its own (sshd's `SetEnv HOME=`), so test files running at once
 * never share a ~/.council, and teardown removes it.
 *
 * The client side is an ssh config file (`ssh -F`, what COUNCIL_SSH_CONFIG names) with one Host
 * alias per way in: `remote` (the authorized key), `remote-wrong-key` (a key sshd does not know),
 * `remote-down` (a port nothing listens on), and any alias made by `aliasWithPath` (its own key,
 * whose sessions get that PATH, through the key's environment="PATH=…" option).
 *
 * Needs root (sshd switches to the other user; `.ci/run` and scripts/test.mjs install the Debian
 * packages openssh-server and openssh-client). Without them the tests say so and are skipped.
 */

export const REMOTE_USER = 'council-remote';
const SSHD = '/usr/sbin/sshd';

/** Why the sshd tests cannot run here, or null when they can. */
export function sshdUnavailable(): string | null {
  if (!existsSync(SSHD)) return `no OpenSSH server at ${SSHD} (install the Debian package openssh-server; .ci/run does)`;
  for (const tool of ['ssh', 'ssh-keygen']) {
    if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) return `no ${tool} on PATH (install the Debian package openssh-client)`;
  }
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return 'not root: sshd must switch to the second local user that stands for the remote machine';
  return null;
}

function run(command: string, args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout ?? '', stderr: result.stderr ?? '' };
}

/** Creates the remote user once (idempotent, safe when several test files race to it). */
export function ensureRemoteUser(): { uid: number; gid: number; home: string } {
  for (let attempt = 0; attempt < 20; attempt++) {
    const id = run('id', ['-u', REMOTE_USER]);
    if (id.status === 0) break;
    const made = run('useradd', ['-m', '-s', '/bin/bash', REMOTE_USER]);
    // 9: it exists already (another test file made it meanwhile); 10: /etc/passwd busy, try again.
    if (made.status === 0 || made.status === 9) break;
    if (made.status !== 10) throw new Error(`useradd ${REMOTE_USER} failed (${made.status}): ${made.stderr}`);
    spawnSync('sleep', ['0.2']);
  }
  // A new account's password is locked ("!"), and sshd without PAM refuses a locked account:
  // "*" is no password at all (keys only) and not locked.
  const shadow = run('getent', ['shadow', REMOTE_USER]).stdout.split(':')[1] ?? '';
  if (shadow.startsWith('!')) run('usermod', ['-p', '*', REMOTE_USER]);
  const passwd = run('getent', ['passwd', REMOTE_USER]).stdout.trim().split(':');
  return { uid: Number(passwd[2]), gid: Number(passwd[3]), home: passwd[5] ?? `/home/${REMOTE_USER}` };
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function keygen(file: string, comment: string): string {
  const made = run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', file]);
  if (made.status !== 0) throw new Error(`ssh-keygen failed: ${made.stderr}`);
  return readFileSync(`${file}.pub`, 'utf8').trim();
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export interface SshServer {
  port: number;
  /** The ssh config file for `ssh -F` (COUNCIL_SSH_CONFIG). */
  config: string;
  /** The remote user's home on this server (sshd's SetEnv HOME). */
  home: string;
  user: string;
  /** What sshd said (it runs with -e). */
  log(): string;
  /** Makes a Host alias whose sessions get `PATH` (e.g. one without node). */
  aliasWithPath(alias: string, PATH: string): void;
  /** Makes a Host alias whose sessions get these variables (PATH among them), as a user's profile on that machine sets them. */
  aliasWithEnv(alias: string, env: Record<string, string>): void;
  /** Runs `ssh -F config ALIAS command` (a command line for the remote shell: tests only). */
  ssh(alias: string, command: string): { status: number | null; stdout: string; stderr: string };
  /**
   * Kills every ssh client process of this server here (its connections drop): those started with
   * its config file, and those naming one of `markers` (a ControlMaster's socket path); how many.
   */
  dropClients(markers?: string[]): number;
  /** Stops listening (the host is down for new connections; established ones stay until dropped). */
  pause(): Promise<void>;
  /** Listens again, on the same port. */
  resume(): Promise<void>;
  /** A folder owned by the remote user, inside its home (for fake programs on a PATH). */
  remoteDir(name: string): string;
  stop(): Promise<void>;
}

export async function startSshd(): Promise<SshServer> {
  const user = ensureRemoteUser();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'council-sshd-'));
  // sshd reads the authorized keys as the user they log in: the folder must let it in.
  chmodSync(dir, 0o755);
  const home = path.join(user.home, `t-${path.basename(dir)}`);
  mkdirSync(home, { mode: 0o755 });
  chownSync(home, user.uid, user.gid);
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 }); // sshd's privilege separation folder

  const hostKey = path.join(dir, 'host_key');
  keygen(hostKey, 'council-test-host');
  const clientKey = path.join(dir, 'client_key');
  const wrongKey = path.join(dir, 'wrong_key');
  const authorized = path.join(dir, 'authorized_keys');
  writeFileSync(authorized, `${keygen(clientKey, 'council-test-client')}\n`, { mode: 0o644 });
  keygen(wrongKey, 'council-test-stranger');

  const port = await freePort();
  const downPort = await freePort();
  const sshdConfig = path.join(dir, 'sshd_config');
  writeFileSync(
    sshdConfig,
    [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${hostKey}`,
      `PidFile ${path.join(dir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${authorized}`,
      // The keys file is in a temp folder under /tmp (world-writable), which StrictModes refuses.
      'StrictModes no',
      'PubkeyAuthentication yes',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'UsePAM no',
      'PermitRootLogin no',
      `AllowUsers ${REMOTE_USER}`,
      // For the keys' environment="PATH=…" option (aliasWithPath).
      'PermitUserEnvironment yes',
      `SetEnv HOME=${home}`,
      'LogLevel VERBOSE',
      '',
    ].join('\n'),
  );
  const knownHosts = path.join(dir, 'known_hosts');
  const config = path.join(dir, 'ssh_config');
  const block = (alias: string, key: string, p = port): string =>
    [
      `Host ${alias}`,
      '  HostName 127.0.0.1',
      `  Port ${p}`,
      `  User ${REMOTE_USER}`,
      `  IdentityFile ${key}`,
      '  IdentitiesOnly yes',
      '  IdentityAgent none',
      `  UserKnownHostsFile ${knownHosts}`,
      '  GlobalKnownHostsFile /dev/null',
      '  StrictHostKeyChecking accept-new',
      '  LogLevel ERROR',
      '',
    ].join('\n');
  writeFileSync(config, [block('remote', clientKey), block('remote-wrong-key', wrongKey), block('remote-down', clientKey, downPort)].join('\n'));

  let log = '';
  let child!: ChildProcess;
  let exited!: Promise<void>;
  const launch = async (): Promise<void> => {
    if (child && child.exitCode === null && child.signalCode === null) return; // listening already
    child = spawn(SSHD, ['-D', '-e', '-f', sshdConfig], { stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr?.setEncoding('utf8').on('data', (d: string) => (log += d));
    const started = child;
    exited = new Promise<void>((resolve) => started.once('exit', () => resolve()));
    const deadline = Date.now() + 20_000;
    while (!(await listening(port))) {
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`sshd ended at start (${child.exitCode ?? child.signalCode}):\n${log}`);
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`sshd did not listen on 127.0.0.1:${port} within 20 s:\n${log}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const halt = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  };
  await launch();

  let aliases = 0;
  return {
    port,
    config,
    home,
    user: REMOTE_USER,
    log: () => log,
    aliasWithPath(alias, PATH) {
      const key = path.join(dir, `alias_${++aliases}_key`);
      const pub = keygen(key, `council-test-${alias}`);
      appendFileSync(authorized, `environment="PATH=${PATH}" ${pub}\n`);
      appendFileSync(config, `\n${block(alias, key)}`);
    },
    aliasWithEnv(alias, env) {
      const key = path.join(dir, `alias_${++aliases}_key`);
      const pub = keygen(key, `council-test-${alias}`);
      const options = Object.entries(env).map(([name, value]) => `environment="${name}=${value.replace(/["\\]/g, '\\$&')}"`);
      appendFileSync(authorized, `${options.join(',')} ${pub}\n`);
      appendFileSync(config, `\n${block(alias, key)}`);
    },
    ssh(alias, command) {
      return run('ssh', ['-F', config, '-o', 'BatchMode=yes', alias, command]);
    },
    remoteDir(name) {
      const made = path.join(home, name);
      mkdirSync(made, { recursive: true });
      chownSync(made, user.uid, user.gid);
      return made;
    },
    dropClients(markers = []) {
      // Every ssh client of this server (the runs' own connections, the ControlMaster, git's): by their -F file.
      let killed = 0;
      for (const pid of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
        let argv: string[];
        try {
          argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
        } catch {
          continue;
        }
        if (!/(^|\/)ssh(:|$)/.test(argv[0] ?? '') && !(argv[0] ?? '').startsWith('ssh:')) continue;
        if (!argv.some((a) => a.includes(config) || markers.some((m) => a.includes(m)))) continue;
        try {
          process.kill(Number(pid), 'SIGKILL');
          killed++;
        } catch {
          // gone
        }
      }
      return killed;
    },
    pause: halt,
    resume: launch,
    async stop() {
      await halt();
      rmSync(home, { recursive: true, force: true });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
