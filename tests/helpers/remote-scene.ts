import path from 'node:path';
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
