import type { HandlerTable } from '../dispatch';
import { reviewBlob, reviewDiff, reviewFileDiff, reviewLines, sessionCommits } from '../sessions/review-diff';
import type { HandlerDeps } from './deps';

/** The session diff a reviewer reads: files and patches per view, and what it asks for on demand. */
export function diffHandlers({ repos }: HandlerDeps) {
  return {
    'diff.get': async ({ repo, id, view, ignoreWhitespace }) => {
      const council = await repos.open(repo);
      return reviewDiff(council.ws, council.session(id), view, ignoreWhitespace ?? false);
    },
    'diff.file': async ({ repo, id, view, path, ignoreWhitespace }) => {
      const council = await repos.open(repo);
      return reviewFileDiff(council.ws, council.session(id), view, path, ignoreWhitespace ?? false);
    },
    'diff.lines': async ({ repo, id, view, path, side }) => {
      const council = await repos.open(repo);
      return reviewLines(council.ws, council.session(id), view, path, side);
    },
    'diff.blob': async ({ repo, id, view, path, side }) => {
      const council = await repos.open(repo);
      return reviewBlob(council.ws, council.session(id), view, path, side);
    },
    'diff.commits': async ({ repo, id }) => {
      const council = await repos.open(repo);
      return sessionCommits(council.ws, council.session(id));
    },
  } satisfies HandlerTable;
}
