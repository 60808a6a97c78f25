import { BASE_SIDE } from '../../../shared/merge';
import { conflictCounts, groupByFile } from '../../../shared/radar-groups';
import type { HandlerTable } from '../dispatch';
import type { HandlerDeps } from './deps';

/** What each session is doing (its context), and the repository's summary. */

export function contextHandlers({ repos }: HandlerDeps) {
  return {
    'context.update': async ({ repo, id, status, message, currentFile, progress }) => {
      const council = await repos.open(repo);
      // A relative path is the repository's (the CLI makes its own, relative to where it runs, absolute).
      const stored = await council.context.update(id, { status, message, currentFile, progress }, { cwd: council.root });
      return council.context.get(stored.sessionId);
    },
    'context.show': async ({ repo, id }) => {
      const council = await repos.open(repo);
      return id === undefined ? council.context.all() : [council.context.get(id)];
    },
    'context.blocked': async ({ repo, id, reason, on }) => {
      const council = await repos.open(repo);
      const stored = await council.context.markBlocked(id, reason, on, { cwd: council.root });
      return council.context.get(stored.sessionId);
    },
    'status.get': async ({ repo }) => {
      const council = await repos.open(repo);
      // "Files two sessions are on" is what the sessions say they are working on; a conflict is
      // what git would say merging them: the radar's word, counted as `council conflicts` does.
      const summary = council.context.summary();
      const sharedFiles = council.context.fileConflicts();
      const sessions = council.context.all();
      try {
        const radar = await (await council.radar()).compute();
        const conflicting = radar.pairs.filter((p) => p.conflicts.length > 0);
        const byFile = conflictCounts(groupByFile(radar));
        return { summary, sharedFiles, sessions, predictedConflicts: { pairs: conflicting.length, withBase: conflicting.filter((p) => p.b === BASE_SIDE).length, ...byFile, base: radar.base.branch } };
      } catch (err) {
        return { summary, sharedFiles, sessions, predictedConflicts: null, radarFailure: err instanceof Error ? err.message : String(err) };
      }
    },
  } satisfies HandlerTable;
}
