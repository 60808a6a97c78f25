import { useMemo } from 'react';
import { openSession } from '../../app/navigation';
import { EmptyState } from '../../components/EmptyState';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Relative } from '../../components/TimeSince';
import { useStore } from '../../lib/create-store';
import { sessionsStore } from '../../app/stores/sessions-store';
import { locksStore } from '../../app/stores/locks-store';

/** Every file lock in the repository: which session holds it, since when. */
export function LocksScreen() {
  const { locks, status, error } = useStore(locksStore);
  const { cards } = useStore(sessionsStore);
  const tasks = useMemo(() => new Map(cards.map((card) => [card.session.id, card.session.task])), [cards]);

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
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}
