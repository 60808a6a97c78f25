import type { CompareRow } from '../../../shared/agents';
import type { RemoveResult } from '../../../shared/models';
import { invalidInput } from '../errors';
import { sessionChanges } from '../sessions/changes';
import { sessionStats } from '../sessions/inspect';
import { runSetupCommand } from '../sessions/bootstrap';
import type { AgentManager } from './manager';
import { removeSessionSafely } from './removal';

/**
 * Best-of-N: the same task done by several sessions, side by side — what each changed, how its
 * agent ended, and (when the settings name one) whether the check command passes in its worktree
 * — then keep one and discard the others safely (archived under refs/council/archive first).
 */

const CHECK_OUTPUT_MAX = 16 * 1024;

export async function compareSessions(manager: AgentManager, ids: string[], options: { check?: boolean } = {}): Promise<CompareRow[]> {
  const { council } = manager;
  const sessions = ids.map((id) => council.session(id));
  const settings = council.ws.settings();
  const command = options.check ? settings.checkCommand : null;
  return Promise.all(
    sessions.map(async (session): Promise<CompareRow> => {
      const [stats, changes] = await Promise.all([sessionStats(council.ws, session), sessionChanges(council.ws, session)]);
      let check: CompareRow['check'] = null;
      if (command) {
        const result = await runSetupCommand({ command, cwd: session.worktreePath, env: { ...process.env, COUNCIL_SESSION_ID: session.id } as Record<string, string>, timeoutMs: settings.setupTimeoutSeconds * 1000 });
        check = {
          command,
          exitCode: result.exitCode,
          passed: result.exitCode === 0 && !result.timedOut,
          output: result.output.slice(-CHECK_OUTPUT_MAX),
          durationMs: result.durationMs,
        };
      }
      return {
        sessionId: session.id,
        agent: session.agent,
        task: session.task,
        run: manager.store.latest(session.id),
        filesChanged: stats.filesChanged,
        insertions: stats.insertions,
        deletions: stats.deletions,
        commits: stats.ahead,
        files: changes.map((file) => file.path),
        check,
      };
    }),
  );
}

/** Keeps `keep`, removes the others (forced: their agents stopped, their work archived, never lost). */
export async function pickSession(manager: AgentManager, keep: string, discard: string[]): Promise<RemoveResult[]> {
  const { council } = manager;
  const kept = council.session(keep);
  const losers = discard.map((id) => council.session(id));
  if (losers.some((session) => session.id === kept.id)) throw invalidInput(`session ${kept.id} is both kept and discarded`);
  // Discarding is a forced removal under the one removal rule: a running agent is stopped first.
  const results: RemoveResult[] = [];
  for (const session of losers) results.push(await removeSessionSafely(council, session.id, { force: true, agents: manager }));
  return results;
}
