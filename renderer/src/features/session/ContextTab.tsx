import type { ReactNode } from 'react';
import type { SessionCard } from '../../../../shared/contract';
import { StatusChip } from '../../components/StatusChip';
import { Relative } from '../../components/TimeSince';
import { formatTimestamp } from '../../lib/format';

/** What the session's agent last reported, and how its status went (newest first). */
export function ContextTab({ card }: { card: SessionCard }) {
  const { context } = card;
  const history = [...context.history].reverse();
  return (
    <div className="context-tab" data-testid="context-panel">
      <dl className="facts">
        <Fact label="Status">
          <StatusChip status={context.status} testId="context-status" />
          {context.stale ? <span className="stale-badge">stale</span> : null}
        </Fact>
        <Fact label="Message" testId="context-message">{context.message ?? <span className="muted">—</span>}</Fact>
        <Fact label="Progress" testId="context-progress">{context.progress ?? <span className="muted">—</span>}</Fact>
        <Fact label="Current file" testId="context-current-file">
          {context.currentFile !== null ? <span className="mono">{context.currentFile}</span> : <span className="muted">—</span>}
        </Fact>
        {context.status === 'blocked' || context.blockedReason !== null || context.blockedOn !== null ? (
          <>
            <Fact label="Blocked because" testId="context-blocked-reason">{context.blockedReason ?? <span className="muted">—</span>}</Fact>
            <Fact label="Blocked on" testId="context-blocked-on">
              {context.blockedOn !== null ? <span className="mono">{context.blockedOn}</span> : <span className="muted">—</span>}
            </Fact>
          </>
        ) : null}
        <Fact label="Last update">
          <Relative at={context.updatedAt} />
        </Fact>
      </dl>

      <h2 className="section-title">Status history</h2>
      {history.length === 0 ? (
        <p className="muted">No status changes yet.</p>
      ) : (
        <ol className="history" data-testid="context-history">
          {history.map((change, index) => (
            <li key={`${change.at}-${index}`} className="history-item">
              <time className="history-time mono" dateTime={change.at}>
                {formatTimestamp(change.at)}
              </time>
              <StatusChip status={change.status} />
              <span className="history-message">{change.message ?? ''}</span>
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}

function Fact({ label, children, testId }: { label: string; children: ReactNode; testId?: string }) {
  return (
    <div className="fact">
      <dt>{label}</dt>
      <dd data-testid={testId}>{children}</dd>
    </div>
  );
}
