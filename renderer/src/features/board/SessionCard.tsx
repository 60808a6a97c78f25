import { HostTag } from '../../components/HostTag';
import { memo, useCallback, useRef, type MouseEvent } from 'react';
import type { SessionCard as SessionCardData } from '../../../../shared/contract';
import { openSession } from '../../app/navigation';
import { StatusChip } from '../../components/StatusChip';
import { LockIcon } from '../../components/icons';
import { Elapsed } from '../../components/TimeSince';
import { plural, progressFraction } from '../../lib/format';
import { useStoreSelector } from '../../lib/create-store';
import { useVisibility } from '../../lib/use-visibility';
import { isPresetId, runChipLabel, runSummary } from '../../models/run-model';
import { RunStateChip } from '../agents/RunStateChip';
import { useRun } from '../../app/stores/runs-store';
import { compareSelection, toggleSelected } from '../../app/stores/compare-selection-store';
import { MergeButton, SessionQueueChip } from '../queue/SessionMergeControls';
import { RadarBadge } from '../radar/RadarBadge';
import { ReviewChip } from '../review/ReviewChip';
import { UnreadBadge } from '../messages/UnreadBadge';
import { requestRemove } from '../../app/stores/remove-request-store';
import { sessionStats, useSessionStats } from '../../app/stores/session-stats-store';

/**
 * One session on the board. Memoized: the store keeps a card's object while its data is the same,
 * so a change to one session re-renders one card. Its git stats are fetched only while it is on
 * screen, and only the elapsed-time label ticks.
 */
export const SessionCard = memo(function SessionCard({ card, index }: { card: SessionCardData; index: number }) {
  const { session, context } = card;
  const ref = useRef<HTMLElement>(null);
  const id = session.id;
  const onVisible = useCallback((visible: boolean) => sessionStats.setVisible(id, visible), [id]);
  useVisibility(ref, onVisible);

  const open = (event: MouseEvent) => {
    // Buttons inside the card do their own thing; a click anywhere else opens the session.
    const target = event.target as HTMLElement;
    if ((target.closest('button, label, input') !== null) && target.closest('.card-open') === null) return;
    openSession(id, isPresetId(session.agent) ? 'terminal' : 'diff');
  };
  const fraction = progressFraction(context.progress);
  const titleId = `card-title-${id}`;

  return (
    <article
      ref={ref}
      className={`card status-border-${context.status}${context.stale ? ' is-stale' : ''}`}
      data-testid={`session-card-${id}`}
      data-status={context.status}
      data-card-index={index}
      aria-labelledby={titleId}
      onClick={open}
    >
      <div className="card-top">
        <CardSelect id={id} />
        <StatusChip status={context.status} testId={`session-card-status-${id}`} />
        {context.stale ? (
          <span className="stale-badge" data-testid={`session-card-stale-${id}`} title="No update from this session for longer than the stale threshold">
            stale
          </span>
        ) : null}
        {session.state !== 'ready' ? <span className="state-badge">{session.state}</span> : null}
        <HostTag session={session} testId={`session-card-host-${id}`} />
        <CardRun id={id} status={context.status} />
        <span className="card-elapsed">
          <Elapsed since={session.createdAt} label="Running for" />
        </span>
      </div>

      <h3 className="card-title" id={titleId}>
        <button type="button" className="card-open" data-testid={`session-open-${id}`} data-card-focus="true" aria-label={`Open session ${id}: ${session.task}`}>
          {session.task}
        </button>
      </h3>
      <p className="card-meta">
        <span className="agent">{session.agent ?? context.agent ?? 'no agent'}</span>
        <span aria-hidden="true"> · </span>
        <span className="mono">{id}</span>
      </p>

      <div className="card-flags">
        <RadarBadge sessionId={id} onCard />
        <SessionQueueChip sessionId={id} />
        <ReviewChip sessionId={id} />
        <UnreadBadge sessionId={id} testId={`card-unread-${id}`} />
        <MergeButton sessionId={id} quiet />
      </div>

      {context.currentFile !== null ? (
        <p className="card-file mono" title={context.currentFile}>
          <span className="sr-only">Current file: </span>
          {context.currentFile}
        </p>
      ) : null}

      {context.progress !== null ? (
        <div className="card-progress">
          {fraction !== null ? (
            <progress className="progress-bar" value={fraction} max={1} aria-label={`Progress ${context.progress}`} />
          ) : null}
          <span className="progress-text">{context.progress}</span>
        </div>
      ) : null}

      {context.status === 'blocked' && context.blockedReason !== null ? (
        <p className="card-message blocked-reason">
          Blocked: {context.blockedReason}
          {context.blockedOn !== null ? <span className="mono"> ({context.blockedOn})</span> : null}
        </p>
      ) : context.message !== null ? (
        <p className="card-message">{context.message}</p>
      ) : null}

      <div className="card-footer">
        <span className="card-locks" data-testid={`session-card-locks-${id}`} title={context.filesLocked.join('\n') || 'No locks'}>
          <LockIcon />
          {plural(context.filesLocked.length, 'lock')}
        </span>
        <CardStats id={id} />
        <button
          type="button"
          className="button small danger-ghost"
          data-testid={`session-remove-${id}`}
          aria-label={`Remove session ${id}`}
          onClick={() => requestRemove(id)}
        >
          Remove
        </button>
      </div>
    </article>
  );
});

function CardStats({ id }: { id: string }) {
  const entry = useSessionStats(id);
  if (entry === undefined || (entry.stats === null && entry.error === null)) {
    return (
      <span className="card-stats muted" data-testid={`session-card-changes-${id}`} aria-busy="true">
        … files
      </span>
    );
  }
  if (entry.stats === null) {
    return (
      <span className="card-stats muted" data-testid={`session-card-changes-${id}`} title={entry.error ?? undefined}>
        files: ?
      </span>
    );
  }
  const { filesChanged, insertions, deletions, ahead, merged } = entry.stats;
  if (merged) {
    return (
      <span className="card-stats" data-testid={`session-card-changes-${id}`} data-count={0} data-merged="true" title="Everything it has is in the base: nothing left to merge">
        merged · nothing left
      </span>
    );
  }
  return (
    <span className="card-stats" data-testid={`session-card-changes-${id}`} data-count={filesChanged} title={`${plural(ahead, 'commit')} ahead of the base`}>
      {plural(filesChanged, 'file')} changed
      {filesChanged > 0 ? (
        <>
          {' '}
          <span className="ins">+{insertions}</span> <span className="del">−{deletions}</span>
        </>
      ) : null}
    </span>
  );
}

/** The live state of the session's agent run, beside its context status. */
function CardRun({ id, status }: { id: string; status: SessionCardData['context']['status'] }) {
  const run = useRun(id);
  if (run === undefined) return null;
  const label = runChipLabel(run, status);
  return <RunStateChip state={run.state} prefix="agent" label={label ?? undefined} testId={`session-card-run-${id}`} title={`Agent run: ${runSummary(run)}`} />;
}

/** In selection mode (to compare sessions or act on several), a checkbox per card. */
function CardSelect({ id }: { id: string }) {
  const active = useStoreSelector(compareSelection, (state) => state.active);
  const selected = useStoreSelector(compareSelection, (state) => state.ids.includes(id));
  if (!active) return null;
  return (
    <label className="card-select" title="Select this session">
      <input type="checkbox" data-testid={`session-select-${id}`} checked={selected} onChange={() => toggleSelected(id)} />
      <span className="sr-only">Select session {id}</span>
    </label>
  );
}
