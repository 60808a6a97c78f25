import type { HandlerTable } from '../dispatch';
import { addComment, deleteComment, editComment, resolveComment, reviewSummaries, reviewView } from '../review/review';
import { approve, requestChanges } from '../review/send';
import type { HandlerDeps } from './deps';

/** Code review: a session's comments, request changes (sent to its agent), approve (and merge). */
export function reviewHandlers({ repos, background }: HandlerDeps) {
  return {
    'review.get': async ({ repo, id }) => reviewView(await repos.open(repo), id),
    'review.list': async ({ repo }) => reviewSummaries(await repos.open(repo)),
    'review.comment': async ({ repo, id, path, side, startLine, endLine, body }) => addComment(await repos.open(repo), id, { path, side, startLine, endLine, body }),
    'review.editComment': async ({ repo, id, commentId, body }) => editComment(await repos.open(repo), id, commentId, body),
    'review.deleteComment': async ({ repo, id, commentId }) => deleteComment(await repos.open(repo), id, commentId),
    'review.resolve': async ({ repo, id, commentId, resolved }) => resolveComment(await repos.open(repo), id, commentId, resolved ?? true),
    // Delivered as agent.followUp delivers (the face's runner: the CLI resumes an ended agent in a detached worker).
    'review.requestChanges': async ({ repo, id, summary, start }) => {
      const runner = background.followUpRunner;
      return requestChanges(await repos.open(repo), id, summary, { ...(runner ? { runner, from: 'cli' } : { from: 'app' }), ...(start ? { start } : {}) });
    },
    'review.approve': async ({ repo, id, merge }) => {
      const council = await repos.open(repo);
      return approve(council, id, {
        merge: merge ?? false,
        // The same as `council merge`: the entry is made, then the face sets the merge going (the
        // app merges in its own process; the CLI starts its background queue runner).
        enqueue: async (sessionId) => {
          const entry = await council.queue.enqueue(sessionId);
          await background.drainQueue(council);
          return entry;
        },
      });
    },
  } satisfies HandlerTable;
}
