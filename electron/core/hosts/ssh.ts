import { spawn } from 'node:child_process';
import { CouncilError } from '../errors';

/**
 * The one place council starts `ssh` (issue 17). Argument arrays only, never a shell string on our
 * side; the host is given after `--`, and HostNameSchema already refuses a name starting with "-",
 * so no name can become an ssh option. What runs on the host is a fixed script sent on stdin, or a
 * command line built from quoted words (posixQuote).
 *
 * ssh runs with BatchMode=yes: it never asks for a password or a passphrase, nor to accept an
 * unknown host key (which must be accepted once by the user, by hand). Keys, agent and
 * ~/.ssh/config are the user's own. COUNCIL_SSH_CONFIG names another config file (`ssh -F`; the
 * tests' own sshd, a portable setup) — which then replaces ~/.ssh/config, as `-F` does.
 */

export interface SshOptions {
  /** `ssh -F FILE`; default: $COUNCIL_SSH_CONFIG, else ssh's own (~/.ssh/config). */
  configFile?: string | null;
  /** ssh's ConnectTimeout, in seconds; default $COUNCIL_SSH_CONNECT_TIMEOUT, else 10. */
  connectTimeoutSeconds?: number;
  /** The whole command's limit (connect, run, answer); default 60 s. */
  timeoutMs?: number;
  /** Written to the remote command's stdin, then closed. */
  stdin?: string;
  env?: NodeJS.ProcessEnv;
  /**
   * A ControlMaster socket (hosts/control.ts): the first ssh to the host opens the connection and
   * keeps it (ControlPersist), later ones ride it without a new handshake.
   */
  controlPath?: string | null;
}

export interface SshResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Why an ssh connection failed, as `details.problem` of the error. */
export type SshProblem = 'refused' | 'unreachable' | 'unknown-name' | 'key-refused' | 'host-key' | 'timeout' | 'no-ssh' | 'ssh-failed';

/** How long an idle ControlMaster connection is kept after its last use. */
export const CONTROL_PERSIST_SECONDS = 120;

/** A word for a POSIX shell (the remote login shell, or `sh`): single-quoted, quotes escaped. */
export function posixQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

function defaultConnectTimeout(env: NodeJS.ProcessEnv): number {
  const n = Number(env.COUNCIL_SSH_CONNECT_TIMEOUT);
  return Number.isInteger(n) && n >= 1 && n <= 600 ? n : 10;
}

/** ssh's argv (without "ssh"): our options, then `--`, the host and the remote command's words. */
export function sshArgs(host: string, remote: readonly string[], options: SshOptions = {}): string[] {
  const env = options.env ?? process.env;
  const config = options.configFile === undefined ? env.COUNCIL_SSH_CONFIG?.trim() || null : options.configFile;
  return [
    ...(config ? ['-F', config] : []),
    '-o', 'BatchMode=yes',
    '-o', `ConnectTimeout=${options.connectTimeoutSeconds ?? defaultConnectTimeout(env)}`,
    '-o', 'ServerAliveInterval=10',
    '-o', 'ServerAliveCountMax=3',
    ...(options.controlPath ? ['-o', 'ControlMaster=auto', '-o', `ControlPath=${options.controlPath}`, '-o', `ControlPersist=${CONTROL_PERSIST_SECONDS}`] : []),
    '-T',
    '--',
    host,
    ...remote,
  ];
}

/** Runs `ssh … HOST remote…`; resolves with its exit and output (a failed connection included). */
export function runSsh(host: string, remote: readonly string[], options: SshOptions = {}): Promise<SshResult> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  return new Promise((resolve, reject) => {
    const child = spawn('ssh', sshArgs(host, remote, options), { env: options.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGTERM');
    }, timeoutMs);
    child.on('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      if (err.code === 'ENOENT') {
        reject(new CouncilError('command-failed', `ssh is not installed on this machine (no \`ssh\` on PATH): install OpenSSH's client to reach ${host}`, { host, problem: 'no-ssh' }));
      } else reject(err);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (timedOut) {
        reject(new CouncilError('command-failed', `${host} did not answer within ${Math.round(timeoutMs / 1000)} s over ssh: check that \`ssh ${host} true\` answers at once`, { host, problem: 'timeout' }));
        return;
      }
      resolve({ code, stdout, stderr });
    });
    // The remote side may end before reading all of stdin (a failed connection): that is its answer.
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.stdin ?? '');
  });
}

/** The last meaningful line ssh printed (its own error comes last). */
function lastLine(stderr: string): string {
  const lines = stderr.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
  return lines[lines.length - 1] ?? '';
}

/**
 * The error for a connection ssh could not make (exit 255): what happened, named with the host,
 * and what to do. `null` when ssh did connect (the remote command's own exit).
 */
export function connectionError(host: string, result: SshResult): CouncilError | null {
  if (result.code !== 255) return null;
  const said = lastLine(result.stderr);
  const check = `check with \`ssh ${host} true\``;
  const fail = (problem: SshProblem, message: string): CouncilError => new CouncilError('command-failed', message, { host, problem, ssh: said });
  if (/Permission denied \(/.test(result.stderr)) {
    return fail(
      'key-refused',
      `${host} refused our SSH key (${said}). Council connects with your own keys and ssh-agent, never a password: add your public key to ~/.ssh/authorized_keys on ${host} (\`ssh-copy-id ${host}\`), or name the right key with IdentityFile in ~/.ssh/config; ${check}`,
    );
  }
  if (/Host key verification failed|REMOTE HOST IDENTIFICATION HAS CHANGED|No .*host key is known/i.test(result.stderr)) {
    return fail('host-key', `${host}'s host key is not known here, or has changed (${said}): connect once by hand with \`ssh ${host}\` and check and accept its key, then try again`);
  }
  if (/Connection refused/i.test(result.stderr)) {
    return fail('refused', `${host} refused the connection (${said}): is it up, with its SSH server running on that port? Start sshd there or fix HostName/Port in ~/.ssh/config; ${check}`);
  }
  if (/Could not resolve hostname|Name or service not known|nodename nor servname/i.test(result.stderr)) {
    return fail('unknown-name', `ssh does not know the host ${host} (${said}): use a name ssh can reach — a Host alias in ~/.ssh/config, a DNS name or user@address; ${check}`);
  }
  if (/timed out|No route to host|Network is unreachable|Connection closed|Connection reset/i.test(result.stderr)) {
    return fail('unreachable', `${host} cannot be reached (${said}): it may be down or off the network; ${check}`);
  }
  return fail('ssh-failed', `ssh to ${host} failed${said ? ` (${said})` : ''}: ${check}`);
}

/** Runs a remote command; a connection that could not be made is thrown as its clear error. */
export async function sshOrThrow(host: string, remote: readonly string[], options: SshOptions = {}): Promise<SshResult> {
  const result = await runSsh(host, remote, options);
  const failed = connectionError(host, result);
  if (failed) throw failed;
  return result;
}
