import { useEffect, useMemo } from 'react';
import { navigate, openRadar } from '../../app/navigation';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Relative } from '../../components/TimeSince';
import { Unavailable } from '../../components/Unavailable';
import { useStore } from '../../lib/create-store';
import { capitalize, plural } from '../../lib/format';
import { sessionsStore } from '../../app/stores/sessions-store';
import { MergeButton } from '../queue/SessionMergeControls';
import { computeFacts, radarSummary, groupByFile } from '../../models/radar-model';
import { radarStore, refreshRadar } from '../../app/stores/radar-store';
import { FileConflictRow, SharedFiles, type SessionInfo } from './FileConflictRow';

/**
 * The conflict radar, by file: one row per file that would conflict if the sessions were merged
 * (with each other, or with the base as it is now), naming every session involved and the kind of
 * conflict, most sessions first. Opening a row shows, for each pair on that file, each side's
 * clashing lines (radar.fileDetail, asked when the row opens) and what can be done: open each
 * side's diff, merge one first, tell an agent. Files several sessions change that should merge
 * cleanly, and sessions with nothing to fear, are summed up quietly at the end. `radar.get` on open
 * and on Refresh; `radar.changed` keeps it live (app/live-updates.ts). With a focus (a card's
 * badge), only that session's conflicts.
 */
export function RadarScreen({ focus }: { focus: string | null }) {
  const { status, radar, error, refreshing, repo } = useStore(radarStore);
  const { cards } = useStore(sessionsStore);
  const sessions = useMemo(
    () => new Map<string, SessionInfo>(cards.map((card) => [card.session.id, { task: card.session.task, progress: card.context.progress, agent: card.session.agent }])),
    [cards],
  );
  const groups = useMemo(() => (radar === null ? null : groupByFile(radar, focus)), [radar, focus]);
  const snapshots = useMemo(() => new Map((radar?.sessions ?? []).map((s) => [s.sessionId, s.snapshot])), [radar]);

  useEffect(() => {
    void refreshRadar();
  }, []);

  return (
    <section className="radar-screen" aria-labelledby="radar-heading" data-testid="radar-screen">
      <div className="screen-header">
        <h1 id="radar-heading" className="screen-title">
          Conflict radar{' '}
          {groups !== null ? (
            <span className={`count-badge${groups.conflicting.length > 0 ? ' count-danger' : ''}`} title={`${plural(groups.conflicting.length, 'file')} would conflict`}>
              {groups.conflicting.length}
            </span>
          ) : null}
        </h1>
        <span className="spacer" />
        <button type="button" className="button" data-testid="radar-refresh" onClick={() => void refreshRadar()} disabled={refreshing} aria-busy={refreshing}>
          {refreshing ? 'Checking…' : 'Refresh'}
        </button>
      </div>

      {status === 'unavailable' ? (
        <Unavailable testId="radar-unavailable">{error}</Unavailable>
      ) : radar === null || groups === null || repo === null ? (
        status === 'error' ? (
          <ErrorMessage message={`Could not check for conflicts: ${error}`} testId="radar-error" />
        ) : (
          <p className="muted" aria-busy="true">
            Checking which sessions would conflict…
          </p>
        )
      ) : (
        <>
          <p className="screen-lead radar-lead" data-testid="radar-facts">
            <span data-testid="radar-summary" className="radar-summary">
              {radarSummary(radar, focus)}.
            </span>{' '}
            {/* How it was computed (pairs recomputed, time) is for the curious: in the tooltip, not in the sentence. */}
            <span className="muted" data-testid="radar-checked" title={capitalize(computeFacts(radar))}>
              Compared with <span className="mono">{radar.base.branch}</span> at <span className="mono">{radar.base.commit.slice(0, 7)}</span>, checked <Relative at={radar.computedAt} />
            </span>
          </p>
          <ErrorMessage message={error !== null ? `Could not refresh the radar: ${error}` : null} testId="radar-error" />

          {focus !== null ? (
            <div className="radar-focus" data-testid="radar-focus">
              <span>
                Session <span className="mono">{focus}</span>
                {sessions.has(focus) ? <> — {sessions.get(focus)?.task}</> : null}
              </span>
              <span className="spacer" />
              <MergeButton sessionId={focus} />
              <button type="button" className="button small ghost" data-testid="radar-show-all" onClick={() => navigate({ view: 'radar', focus: null })}>
                Show all sessions
              </button>
            </div>
          ) : null}

          {groups.conflicting.length > 0 ? (
            <ul className="radar-files" data-testid="radar-files" aria-label="Files that would conflict">
              {groups.conflicting.map((row) => (
                <FileConflictRow key={row.path} repo={repo} row={row} base={radar.base.branch} baseCommit={radar.base.commit} sessions={sessions} snapshots={snapshots} focus={focus} />
              ))}
            </ul>
          ) : (
            <p className="radar-clear" role="status" data-testid="radar-clear">
              ✓ No predicted conflicts{focus !== null ? ` for session ${focus}` : ''}.
            </p>
          )}

          {groups.shared.length > 0 ? <SharedFiles rows={groups.shared} base={radar.base.branch} sessions={sessions} open={groups.conflicting.length === 0 && focus !== null} /> : null}

          {focus === null && groups.quiet.length > 0 ? (
            <details className="radar-more radar-quiet" data-testid="radar-quiet">
              <summary>{plural(groups.quiet.length, 'session')} with no predicted conflict</summary>
              <ul className="quiet-list">
                {groups.quiet.map((id) => (
                  <li key={id}>
                    <button type="button" className="link-button mono" onClick={() => openRadar(id)} title="Show this session on the radar">
                      {id}
                    </button>{' '}
                    <span className="muted">{sessions.get(id)?.task ?? ''}</span>
                  </li>
                ))}
              </ul>
            </details>
          ) : null}
        </>
      )}
    </section>
  );
}
