import type { ReactNode } from 'react';
import type { DiffFile, DiffView } from '../../../../shared/commands/diff';
import { requestDiscard } from '../../app/stores/session-action-store';

type DiscardSlots = { renderFileActions?: (file: DiffFile) => ReactNode; renderHunkActions?: (file: DiffFile, header: string, hunkPatch: string) => ReactNode };

/**
 * Discard from the diff (issue 14, item 5): in the "uncommitted" view only. There every file and
 * every hunk is exactly what `git diff HEAD` has, which is what a discard throws away; a hunk of the
 * other views (against the base, a commit, since the review) can hold committed lines a discard
 * never touches, so they offer none rather than a button that would claim more than it does.
 */
export function discardActionsFor(sessionId: string): (view: DiffView) => DiscardSlots {
  const uncommitted: DiscardSlots = {
    renderFileActions: (file) => (
      <button type="button" className="button small danger-ghost" data-testid={`diff-discard-${file.path}`} title="Throw away this file's uncommitted change (asks first)" onClick={() => requestDiscard({ sessionId, path: file.path })}>
        Discard…
      </button>
    ),
    renderHunkActions: (file, header, hunkPatch) => (
      <button
        type="button"
        className="button small danger-ghost diff-hunk-discard"
        data-testid={`diff-discard-hunk-${file.path}`}
        title="Throw away this hunk's uncommitted change (asks first)"
        onClick={() => requestDiscard({ sessionId, path: file.path, hunk: { header, text: hunkPatch } })}
      >
        Discard hunk…
      </button>
    ),
  };
  const none: DiscardSlots = {};
  return (view) => (view.kind === 'uncommitted' ? uncommitted : none);
}
