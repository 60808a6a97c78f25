import { useMemo, useState } from 'react';
import type { FileLock } from '../../../../shared/models';
import { call } from '../../api';
import { Dialog } from '../../components/Dialog';
import { notify } from '../../components/notices';
import { openSession } from '../../app/navigation';
import { EmptyState } from '../../components/EmptyState';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Relative } from '../../components/TimeSince';
import { useStore } from '../../lib/create-store';
import { sessionsStore } from '../../app/stores/sessions-store';
import { locksStore, refreshLocks } from '../../app/stores/locks-store';
import { useRun } from '../../app/stores/runs-store';
import { isLive } from '../../models/run-model';

/** Every file lock in the repository: which session holds it, since when; the person can release one. */
export function LocksScreen({ repo }: { repo: string }) {
  const { locks, status, error } = useStore(locksStore);
  const { cards } = useStore(sessionsStore);
  const tasks = useMemo(() => new Map(cards.map((card) => [card.session.id, card.session.task])), [cards]);
  const [releasing, setReleasing] = useState<FileLock | null>(null);

  return (
    <section className="locks-screen" aria-labelledby="locks-heading">
      <div className="screen-header">
        <h1 id="locks-heading" className="screen-title">
          Locks <span className="count-badge">{locks.length}</span>
        </h1>
      </div>
      <ErrorMessage message={status === 'error' ? `Could not load the locks: ${error}` : null} testId="locks-error" />
      {status === 'loading' ? (
        <p className="muted" aria-busy="true">
          Loading locks…
        </p>
      ) : locks.length === 0 && status === 'ready' ? (
        <EmptyState>
          No file is locked. A session takes a lock with <code>council lock acquire &lt;file&gt; --session &lt;id&gt;</code>; others asking for it are refused.
        </EmptyState>
      ) : locks.length > 0 ? (
        <table className="table" data-testid="locks-table">
          <thead>
            <tr>
              <th scope="col">File</th>
              <th scope="col">Owner session</th>
              <th scope="col">Since</th>
              <th scope="col">
                <span className="sr-only">Release</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {locks.map((lock) => (
              <tr key={lock.path} data-testid={`lock-row-${lock.path}`}>
                <td className="mono">{lock.path}</td>
                <td>
                  <button type="button" className="link-button" data-testid={`lock-owner-${lock.path}`} onClick={() => openSession(lock.sessionId, 'locks')}>
                    {tasks.get(lock.sessionId) ?? 'unknown session'} <span className="mono muted">({lock.sessionId})</span>
                  </button>
                </td>
                <td>
                  <Relative at={lock.acquiredAt} />
                </td>
                <td>
                  <button type="button" className="button small danger-ghost" data-testid={`lock-release-${lock.path}`} onClick={() => setReleasing(lock)}>
                    Release…
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {releasing !== null ? <ReleaseLockDialog repo={repo} lock={releasing} task={tasks.get(releasing.sessionId) ?? null} onClose={() => setReleasing(null)} /> : null}
    </section>
  );
}

/**
 * Releasing a lock another session holds, from the supervisor's seat: it asks first, naming the
 * owner, because that session's agent may be in the middle of editing the file, and once released
 * another session may take it. While the owner's agent is running it says so, and the release is a
 * force release (the core releases it as the owner: locks.release with the owner's id).
 */
function ReleaseLockDialog({ repo, lock, task, onClose }: { repo: string; lock: FileLock; task: string | null; onClose: () => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const running = isLive(useRun(lock.sessionId));
  const release = async () => {
    setBusy(true);
    const result = await call('locks.release', { repo, id: lock.sessionId, path: lock.path });
    setBusy(false);
    if (!result.ok) {
      setError(result.error.message);
      return;
    }
    await refreshLocks();
    notify({ tone: 'success', title: result.value.released ? `Released ${lock.path}` : `${lock.path} was no longer locked`, testId: 'lock-released' });
    onClose();
  };
  return (
    <Dialog title={running ? `Force-release ${lock.path}?` : `Release ${lock.path}?`} onClose={onClose} busy={busy} testId="release-lock-dialog">
      <p data-testid="release-lock-owner">
        Session <span className="mono">{lock.sessionId}</span>
        {task !== null ? ` (${task})` : ' (no longer registered)'} holds it.{' '}
        {running ? (
          <strong data-testid="release-lock-running">Its agent is running right now and may be editing this file.</strong>
        ) : (
          'Its agent may be editing this file right now.'
        )}{' '}
        Once released, another session can take it{running ? ' while this one still works on it' : ''}.
      </p>
      <ErrorMessage message={error} testId="release-lock-error" />
      <div className="dialog-actions">
        <button type="button" className="button" data-testid="release-lock-cancel" onClick={onClose} disabled={busy} autoFocus>
          Keep the lock
        </button>
        <button type="button" className="button danger" data-testid="release-lock-confirm" onClick={() => void release()} disabled={busy}>
          {running ? 'Force release' : 'Release'}
        </button>
      </div>
    </Dialog>
  );
}
