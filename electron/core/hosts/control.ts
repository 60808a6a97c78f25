import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CONTROL_PERSIST_SECONDS, sshArgs, type SshOptions } from './ssh';
import { hostsFile } from './store';

/**
 * One SSH connection per host (issue 17): a ControlMaster whose socket is in the user's council
 * folder (beside hosts.json, in ssh/), named by a short digest of the host and the ssh config
 * used, so every step of a remote session (ops, git push and fetch, the agent's channel) rides the
 * same connection without a new handshake. A Unix socket's path is limited (~104 bytes): a folder
 * too deep for it is replaced by one in the temp folder, private to this user.
 */

const SOCKET_PATH_MAX = 100;

function configOf(env: NodeJS.ProcessEnv): string | null {
  return env.COUNCIL_SSH_CONFIG?.trim() || null;
}

export function controlDir(env: NodeJS.ProcessEnv = process.env): string {
  const preferred = path.join(path.dirname(hostsFile(env)), 'ssh');
  const dir = preferred.length + 18 <= SOCKET_PATH_MAX ? preferred : path.join(os.tmpdir(), `council-ssh-${process.getuid?.() ?? 'u'}`);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  return dir;
}

export function controlPath(host: string, env: NodeJS.ProcessEnv = process.env): string {
  const digest = createHash('sha256').update(`${host}\0${configOf(env) ?? ''}`).digest('hex').slice(0, 16);
  return path.join(controlDir(env), digest);
}

/** ssh options for every step on a host: its ControlMaster. */
export function hostSsh(host: string, env: NodeJS.ProcessEnv = process.env): SshOptions {
  return { controlPath: controlPath(host, env), env };
}

/** Closes the host's ControlMaster (nothing when none is open). */
export function closeControl(host: string, env: NodeJS.ProcessEnv = process.env): void {
  const args = sshArgs(host, [], hostSsh(host, env));
  const at = args.indexOf('--');
  spawnSync('ssh', [...args.slice(0, at), '-O', 'exit', ...args.slice(at)], { env, stdio: 'ignore', timeout: 10_000 });
}

/**
 * The program git runs as its ssh (GIT_SSH: a program git starts with an argument array, no shell
 * of ours): a fixed script that adds our options from the environment and runs ssh over the
 * host's ControlMaster. What git asks the host to run is git's own fixed command
 * (git-receive-pack / git-upload-pack 'path').
 */
const GIT_SSH_SCRIPT = `#!/bin/sh
# council (issue 17): git's ssh for remote sessions, over the host's ControlMaster.
if [ -n "$COUNCIL_GIT_SSH_CONFIG" ]; then set -- -F "$COUNCIL_GIT_SSH_CONFIG" "$@"; fi
exec ssh -o BatchMode=yes -o ConnectTimeout=\${COUNCIL_GIT_SSH_TIMEOUT:-10} -o ControlMaster=auto -o "ControlPath=$COUNCIL_GIT_SSH_CONTROL" -o ControlPersist=${CONTROL_PERSIST_SECONDS} "$@"
`;

/** The environment for a git call that reaches the host. */
export function gitSshEnv(host: string, env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const file = path.join(controlDir(env), 'git-ssh');
  let current = '';
  try {
    current = readFileSync(file, 'utf8');
  } catch {
    // not written yet
  }
  if (current !== GIT_SSH_SCRIPT) {
    const temp = `${file}.${process.pid}`;
    writeFileSync(temp, GIT_SSH_SCRIPT, { mode: 0o755 });
    renameSync(temp, file);
  }
  const config = configOf(env);
  return { GIT_SSH: file, GIT_SSH_VARIANT: 'ssh', COUNCIL_GIT_SSH_CONTROL: controlPath(host, env), ...(config ? { COUNCIL_GIT_SSH_CONFIG: config } : {}) };
}

/** A git URL of a path on the host (the name as ssh takes it). */
export function hostUrl(host: string, absolutePath: string): string {
  return host.startsWith('ssh://') ? `${host}${absolutePath}` : `ssh://${host}${absolutePath}`;
}
