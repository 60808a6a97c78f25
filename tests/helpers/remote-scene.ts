import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { closeControl } from '../../electron/core/hosts/control';
import type { CommandOutput } from '../../shared/contract';
import { councilJson, REPO_ROOT } from './cli';
import { makeRepo, type TestRepo } from './repo';
import { startSshd, type SshServer } from './sshd';

export interface RemoteScene {
  server: SshServer;
  /** For the `council` CLI processes: the test's ssh config and this worktree's CLI bundle. */
  env: Record<string, string>;
  repo: TestRepo;
}

/**
 * The ground of the remote-session tests: a real sshd standing for the host (tests/helpers/sshd.ts),
 * the alias `remote` added to council through the real CLI (its runtime installed there), and a
 * home repository. The test process itself (a Council opened in it) reaches the same host.
 */
export async function remoteScene(): Promise<RemoteScene> {
  const server = await startSshd();
  const env = { COUNCIL_SSH_CONFIG: server.config, COUNCIL_CLI: path.join(REPO_ROOT, 'out', 'cli', 'council.cjs') };
  process.env.COUNCIL_SSH_CONFIG = env.COUNCIL_SSH_CONFIG;
  process.env.COUNCIL_CLI = env.COUNCIL_CLI;
  const repo = makeRepo();
  const added = councilJson<CommandOutput<'host.add'>>(['host', 'add', 'remote'], { cwd: repo.root, env });
  if (!added.result.ok) throw new Error(`host add failed: ${added.result.error.message}`);
  return { server, env, repo };
}

/**
 * The scene for the calling describe block: made before its tests (handed to `use`), the ssh
 * ControlMaster closed and the server stopped after them.
 */
export function useRemoteScene(use: (scene: RemoteScene) => void): void {
  let server: SshServer | undefined;
  beforeAll(async () => {
    const scene = await remoteScene();
    server = scene.server;
    use(scene);
  }, 120_000);
  afterAll(async () => {
    closeControl('remote');
    await server?.stop();
  });
}

/** Runs `command` on the host (as its user, through `alias`), its stdout; throws with its stderr when it fails. */
export function runOnHost(server: SshServer, command: string, alias = 'remote'): string {
  const ran = server.ssh(alias, command);
  if (ran.status !== 0) throw new Error(`on the host: ${command} failed (${ran.status}): ${ran.stderr}`);
  return ran.stdout;
}
