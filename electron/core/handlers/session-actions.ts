import { agentRunningIn } from '../agents/run-store';
import type { HandlerTable } from '../dispatch';
import { conflict, invalidInput } from '../errors';
import { commitsBetween, countCommits } from '../git/history';
import { branchRef } from '../git/refs';
import { defaultMergeMessage, defaultSquashMessage } from '../merge/subject';
import { collectChanges } from '../sessions/changes';
import { discardChange } from '../sessions/discard';
import { mergeTarget } from '../sessions/inspect';
import { openWorktree } from '../sessions/open-worktree';
import { abortUpdateFromBase, clearUpdateNote, updateFromBase } from '../sessions/update-base';
import type { HandlerDeps } from './deps';

/** What a reviewer does to a session: discard a change, update from base, open the worktree, see what a merge lands. */

const LANDING_COMMITS = 100;

export function sessionActionHandlers({ repos }: HandlerDeps) {
  return {
    'sessions.discard': async ({ repo, id, path, hunk, hunkText }) => {
      if (hunk !== undefined && hunkText !== undefined) throw invalidInput('name the hunk once: by its number (hunk) or by its text (hunkText), not both');
      const council = await repos.open(repo);
      const session = council.session(id);
      const done = await discardChange(council.ws, session, path, hunkText ?? hunk);
      await clearUpdateNote(council.context, session.id);
      return done;
    },
    'sessions.updateFromBase': async ({ repo, id, strategy, abort }) => {
      const council = await repos.open(repo);
      const session = council.session(id);
      if (abort) return abortUpdateFromBase(council.context, session);
      const merging = council.queue.list().find((e) => e.sessionId === session.id && (e.state === 'checking' || e.state === 'merging'));
      if (merging) throw conflict(`session ${session.id} is being merged by the queue (entry ${merging.id}, ${merging.state}): update it from its base once that is over`);
      const done = await updateFromBase(council.ws, council.context, session, { strategy, agentRunning: agentRunningIn(council.ws.paths, session.id) });
      if (done.state !== 'conflict') await clearUpdateNote(council.context, session.id);
      return done;
    },
    'sessions.open': async ({ repo, id, target }) => {
      const council = await repos.open(repo);
      return openWorktree(council.session(id).worktreePath, target, council.ws.settings());
    },
    'sessions.landing': async ({ repo, id }) => {
      const council = await repos.open(repo);
      const session = council.session(id);
      const cwd = council.ws.repo.mainRoot;
      const base = await mergeTarget(council.ws, session);
      const [commits, changes] = await Promise.all([commitsBetween(cwd, base, branchRef(session.branch), LANDING_COMMITS + 1), collectChanges(council.ws, session)]);
      const shown = commits.slice(0, LANDING_COMMITS);
      return {
        baseBranch: session.baseBranch,
        commits: shown,
        moreCommits: commits.length > LANDING_COMMITS ? (await countCommits(cwd, branchRef(session.branch), base)) - LANDING_COMMITS : 0,
        files: changes.files,
        uncommitted: changes.uncommitted.length,
        defaultMessages: { merge: defaultMergeMessage(session), squash: defaultSquashMessage(session, [...shown].reverse().map((c) => c.subject)) },
      };
    },
  } satisfies HandlerTable;
}
