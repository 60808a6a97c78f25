import { hostProgramOn } from './remote-run';
import type { RunMode } from '../../../shared/agents';
import type { Session } from '../../../shared/models';
import { CouncilError } from '../errors';
import { copyIncludedFiles, runSetupCommand, sessionEnvironment } from '../sessions/bootstrap';
import type { AgentManager } from './manager';
import { detectPreset, presetFor } from './presets/index';

/**
 * A new session ready for its agent: the worktree, the files `.worktreeinclude` brings over from
 * the main checkout, and the settings' setup command (its progress in the session's context).
 * A setup that fails leaves the session (the worktree is there to look at) marked failed, with
 * the command's last lines, and its agent not started.
 */

export interface LaunchOptions {
  task: string;
  agent: string | null;
  base?: string;
  count?: number;
  mode?: RunMode;
  /** The agent is started once they are made: it must be able to start here, checked before anything is created. */
  startAgent?: boolean;
  /** Each line the setup command prints, per session. */
  onSetupOutput?: (sessionId: string, text: string) => void;
  /** An added host: the sessions are made there (issue 17). */
  host?: string;
}

export async function bootstrapSession(manager: AgentManager, session: Session, onOutput?: (text: string) => void): Promise<void> {
  const { council } = manager;
  const settings = council.ws.settings();
  const copied = await copyIncludedFiles(council.ws.repo.mainRoot, session.worktreePath, settings.worktreeInclude);
  if (copied.length) await council.context.update(session.id, { progress: `copied ${copied.length} file(s) from the main checkout` });
  const command = settings.setupCommand;
  if (!command) return;
  await council.context.update(session.id, { status: 'working', progress: `setup: ${command}` });
  let lastNote = 0;
  const env = { ...(process.env as Record<string, string>), ...(await sessionEnvironment({ session, repoRoot: council.ws.repo.mainRoot })) };
  const result = await runSetupCommand({
    command,
    cwd: session.worktreePath,
    env,
    timeoutMs: settings.setupTimeoutSeconds * 1000,
    onOutput: (text) => {
      onOutput?.(text);
      const now = Date.now();
      const line = text.trim().split('\n').at(-1);
      if (line && now - lastNote > 250) {
        lastNote = now;
        void council.context.update(session.id, { progress: `setup: ${line.slice(0, 300)}` }).catch(() => undefined);
      }
    },
  });
  if (result.exitCode === 0 && !result.timedOut) {
    await council.context.update(session.id, { status: 'idle', progress: `setup done in ${(result.durationMs / 1000).toFixed(1)} s` });
    return;
  }
  const how = result.timedOut ? `did not finish within ${settings.setupTimeoutSeconds} s and was stopped` : `failed with exit code ${result.exitCode ?? result.signal ?? '?'}`;
  const tail = result.output.trim().split('\n').slice(-5).join('\n');
  const message = `the setup command \`${command}\` ${how}${tail ? `:\n${tail}` : ''}`;
  await council.context.update(session.id, { status: 'failed', message: message.slice(0, 2000), progress: null });
  throw new CouncilError('command-failed', `session ${session.id}: ${message}`);
}

/**
 * Refuses an agent that could not start here — its program missing, its server down — with the
 * same finding (and fix) `council agents` shows; its version is not asked (a program need not
 * answer --version to start, and the start should not wait for it). Asked before a session is created, so a start that
 * is bound to fail leaves no half-made session and worktree behind (issue 12, item 14).
 */
export async function requireLaunchable(manager: AgentManager, presetId: string): Promise<void> {
  const info = await detectPreset(presetFor(presetId), manager.council.ws.settings(), manager.userEnv(), { locateOnly: true });
  if (!info.available) throw new CouncilError('not-found', `${info.problem ?? `${info.label} (preset ${info.id}) cannot start here.`} Nothing was created.`);
}

function requireOnHost(manager: AgentManager, presetId: string, host: string): void {
  const preset = presetFor(presetId);
  try {
    hostProgramOn(host)({ id: preset.id, label: preset.label, binary: preset.binary, install: '' }, manager.council.ws.settings().agents[preset.id]?.path);
  } catch (err) {
    if (err instanceof CouncilError && err.code === 'not-found' && (err.details as { preset?: unknown } | undefined)?.preset) {
      throw new CouncilError('not-found', `${err.message} Nothing was created.`, err.details);
    }
    throw err;
  }
}

/** Creates the sessions and bootstraps each. Returns them with the bootstrap failures by id. */
export async function createAndBootstrap(manager: AgentManager, options: LaunchOptions): Promise<{ sessions: Session[]; setupFailures: Map<string, string> }> {
  // An unknown preset, or one that cannot start here, is refused before anything is created.
  if (options.agent) presetFor(options.agent);
  // On a host, the agent's program is the host's: refused here when the host's last check did not
  // find it there (and no program path is set), before anything is made (remote-run.ts hostProgramOn).
  if (options.agent && options.startAgent && !options.host) await requireLaunchable(manager, options.agent);
  if (options.agent && options.startAgent && options.host) requireOnHost(manager, options.agent, options.host);
  const sessions = await manager.council.createSessions({ task: options.task, agent: options.agent, base: options.base, count: options.count ?? 1, ...(options.host ? { host: options.host } : {}) });
  const setupFailures = new Map<string, string>();
  await Promise.all(
    // A remote session's folder at home is a mirror of the host's: nothing is set up in it (issue 17).
    sessions.filter((session) => !session.host).map((session) =>
      bootstrapSession(manager, session, (text) => options.onSetupOutput?.(session.id, text)).catch((err: Error) => {
        setupFailures.set(session.id, err.message);
      }),
    ),
  );
  return { sessions, setupFailures };
}
