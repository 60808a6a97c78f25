import { useEffect, useState } from 'react';
import { api, onReconnect } from '../../api';
import { EmptyState } from '../../components/EmptyState';
import { ErrorMessage } from '../../components/ErrorMessage';
import { useStore } from '../../lib/create-store';
import { ChangedFileList } from './ChangedFileList';
import { FileDiffView } from './FileDiffView';
import { createSessionDiff, type SessionDiff } from './session-diff';

/**
 * The session's changed files and the selected file's diff, live: `watch.session` on mount,
 * `worktree.changed` while shown, `watch.stop` when the session view goes away.
 */
export function DiffTab({ repo, sessionId }: { repo: string; sessionId: string }) {
  const [diff, setDiff] = useState<SessionDiff | null>(null);

  useEffect(() => {
    const controller = createSessionDiff(repo, sessionId, {
      invoke: (command, input) => api.invoke(command, input),
      setTimeout: (callback, ms) => window.setTimeout(callback, ms),
      clearTimeout: (handle) => window.clearTimeout(handle as number),
    });
    const offEvent = api.on('worktree.changed', controller.handleEvent);
    const offReconnect = onReconnect(() => void controller.resnapshot());
    void controller.start();
    setDiff(controller);
    return () => {
      offEvent();
      offReconnect();
      controller.stop();
    };
  }, [repo, sessionId]);

  if (diff === null) return null;
  return <DiffPanes diff={diff} />;
}

function DiffPanes({ diff }: { diff: SessionDiff }) {
  const state = useStore(diff.store);
  if (state.status === 'error') return <ErrorMessage message={`Could not read the session's changes: ${state.error}`} testId="diff-error" />;
  if (state.status === 'loading') {
    return (
      <p className="muted" aria-busy="true">
        Reading the worktree…
      </p>
    );
  }
  if (state.files.length === 0) return <EmptyState>No changes yet: this session's worktree is the same as where it left its base.</EmptyState>;
  return (
    <div className="diff-layout">
      <ChangedFileList files={state.files} selected={state.diff.path} onSelect={diff.select} />
      <FileDiffView diff={state.diff} />
    </div>
  );
}
