import type { SessionCard } from '../../../../shared/contract';
import { EmptyState } from '../../components/EmptyState';
import { Relative } from '../../components/TimeSince';
import { useStore } from '../../lib/create-store';
import { locksStore } from '../../app/stores/locks-store';

/** The files this session holds locks on; "since" comes from the repository's lock list. */
export function SessionLocksTab({ card }: { card: SessionCard }) {
  const { locks } = useStore(locksStore);
  const files = card.context.filesLocked;
  if (files.length === 0) {
    return (
      <EmptyState>
        This session holds no locks. An agent takes one with <code>council lock acquire &lt;file&gt; --session {card.session.id}</code>.
      </EmptyState>
    );
  }
  const since = new Map(locks.filter((lock) => lock.sessionId === card.session.id).map((lock) => [lock.path, lock.acquiredAt]));
  return (
    <table className="table" data-testid="session-locks-table">
      <thead>
        <tr>
          <th scope="col">File</th>
          <th scope="col">Since</th>
        </tr>
      </thead>
      <tbody>
        {files.map((file) => (
          <tr key={file} data-testid={`session-lock-${file}`}>
            <td className="mono">{file}</td>
            <td>{since.has(file) ? <Relative at={since.get(file)!} /> : <span className="muted">—</span>}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
