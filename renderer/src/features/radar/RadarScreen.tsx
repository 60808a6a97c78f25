import { useEffect, useMemo } from 'react';
import type { ConflictKind } from '../../../../shared/merge';
import { navigate, openRadar, openSession } from '../../app/navigation';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Relative } from '../../components/TimeSince';
import { Unavailable } from '../../components/Unavailable';
import { useStore } from '../../lib/create-store';
import { plural } from '../../lib/format';
import { sessionsStore } from '../../app/stores/sessions-store';
import { MergeButton } from '../queue/SessionMergeControls';
import { computeFacts, radarSummary, CONFLICT_KIND_HELP, groupRadar, isBase, type PairFile, type PairView } from '../../models/radar-model';
import { radarStore, refreshRadar } from '../../app/stores/radar-store';

/**
 * The conflict radar: every pair of sessions (and each session against the base) that changes the
 * same files, with the conflicts git predicts for them (content, add/add, modify/delete, rename)
 * and who holds each file's lock. Sessions with nothing to fear are summed up quietly at the end.
 * `radar.get` on open and on Refresh; `radar.changed` keeps it live (app/live-updates.ts). With a
 * focus (a card's badge), only the pairs of that session.
 */
export function RadarScreen({ focus }: { focus: string | null }) {
  const { status, radar, error, refreshing } = useStore(radarStore);
  const { cards } = useStore(sessionsStore);
  const tasks = useMemo(() => new Map(cards.map((card) => [card.session.id, card.session.task])), [cards]);
  const groups = useMemo(() => (radar === null ? null : groupRadar(radar, focus)), [radar, focus]);

  useEffect(() => {
    void refreshRadar();
  }, []);

  const base = radar?.base.branch ?? null;
  return (
    <section className="radar-screen" aria-labelledby="radar-heading" data-testid="radar-screen">
      <div className="screen-header">
        <h1 id="radar-heading" className="screen-title">
          Conflict radar{' '}
          {groups !== null ? <span className={`count-badge${groups.conflicting.length > 0 ? ' count-danger' : ''}`}>{groups.conflicting.length}</span> : null}
        </h1>
        <span className="spacer" />
        <button type="button" className="button" data-testid="radar-refresh" onClick={() => void refreshRadar()} disabled={refreshing} aria-busy={refreshing}>
          {refreshing ? 'Computing…' : 'Refresh'}
        </button>
      </div>

      {status === 'unavailable' ? (
        <Unavailable testId="radar-unavailable">{error}</Unavailable>
      ) : radar === null || groups === null ? (
        status === 'error' ? (
          <ErrorMessage message={`Could not compute the radar: ${error}`} testId="radar-error" />
        ) : (
          <p className="muted" aria-busy="true">
            Computing the radar…
          </p>
        )
      ) : (
        <>
          <p className="muted screen-lead" data-testid="radar-facts" title={computeFacts(radar)}>
            <span data-testid="radar-summary">{radarSummary(radar)}</span> · against <span className="mono">{radar.base.branch}</span> at{' '}
            <span className="mono">{radar.base.commit.slice(0, 7)}</span>, checked <Relative at={radar.computedAt} />
          </p>
          <ErrorMessage message={error !== null ? `Could not refresh the radar: ${error}` : null} testId="radar-error" />

          {focus !== null ? (
            <div className="radar-focus" data-testid="radar-focus">
              <span>
                Session <span className="mono">{focus}</span>
                {tasks.has(focus) ? <> — {tasks.get(focus)}</> : null}
              </span>
              <span className="spacer" />
              <MergeButton sessionId={focus} />
              <button type="button" className="button small ghost" data-testid="radar-show-all" onClick={() => navigate({ view: 'radar', focus: null })}>
                Show all sessions
              </button>
            </div>
          ) : null}

          {groups.conflicting.length > 0 ? (
            <div className="pair-list" data-testid="radar-conflicts">
              {groups.conflicting.map((view) => (
                <PairCard key={view.key} view={view} focus={focus} tasks={tasks} base={base} />
              ))}
            </div>
          ) : (
            <p className="radar-clear" role="status" data-testid="radar-clear">
              ✓ No predicted conflicts{focus !== null ? ` for session ${focus}` : ''}.
            </p>
          )}

          {groups.overlapping.length > 0 ? (
            <details className="radar-more" data-testid="radar-overlaps" open={groups.conflicting.length === 0 && focus !== null}>
              <summary>
                {plural(groups.overlapping.length, 'pair')} {groups.overlapping.length === 1 ? 'changes' : 'change'} the same files but should merge cleanly
              </summary>
              <div className="pair-list">
                {groups.overlapping.map((view) => (
                  <PairCard key={view.key} view={view} focus={focus} tasks={tasks} base={base} />
                ))}
              </div>
            </details>
          ) : null}

          {focus === null && groups.quiet.length > 0 ? (
            <details className="radar-more radar-quiet" data-testid="radar-quiet">
              <summary>
                {plural(groups.quiet.length, 'session')} with no predicted conflict
              </summary>
              <ul className="quiet-list">
                {groups.quiet.map((id) => (
                  <li key={id}>
                    <button type="button" className="link-button mono" onClick={() => openRadar(id)} title="Show this session's pairs">
                      {id}
                    </button>{' '}
                    <span className="muted">{tasks.get(id) ?? ''}</span>
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

/** A pair seen from the focused session, when it is the second side. */
function oriented(view: PairView, focus: string | null): [string, string] {
  return focus !== null && view.b === focus ? [view.b, view.a] : [view.a, view.b];
}

function PairCard({ view, focus, tasks, base }: { view: PairView; focus: string | null; tasks: ReadonlyMap<string, string>; base: string | null }) {
  const [first, second] = oriented(view, focus);
  const conflicting = view.conflicts > 0;
  return (
    <article className={`pair-card${conflicting ? ' has-conflicts' : ''}`} data-testid={`radar-pair-${view.a}-${view.b}`} aria-label={`${first} × ${second}`}>
      <header className="pair-head">
        <h2 className="pair-title">
          <SideName side={first} /> <span className="pair-times">×</span> <SideName side={second} />
        </h2>
        {conflicting ? (
          <span className="pair-count conflict">{plural(view.conflicts, 'predicted conflict')}</span>
        ) : (
          <span className="pair-count">{plural(view.files.length, 'shared file')}</span>
        )}
      </header>
      <dl className="pair-sides">
        <Side side={first} tasks={tasks} base={base} />
        <Side side={second} tasks={tasks} base={base} />
      </dl>
      <table className="table pair-files">
        <thead>
          <tr>
            <th scope="col">File</th>
            <th scope="col">Prediction</th>
            <th scope="col">Lock</th>
          </tr>
        </thead>
        <tbody>
          {view.files.map((file) => (
            <FileRow key={file.path} file={file} />
          ))}
        </tbody>
      </table>
    </article>
  );
}

function SideName({ side }: { side: string }) {
  if (isBase(side)) return <span className="pair-base">base</span>;
  return <span className="mono">{side}</span>;
}

function Side({ side, tasks, base }: { side: string; tasks: ReadonlyMap<string, string>; base: string | null }) {
  if (isBase(side)) {
    return (
      <div>
        <dt>base</dt>
        <dd className="muted">
          {base !== null ? <span className="mono">{base}</span> : 'the base'} as it is now: how a merge would go today
        </dd>
      </div>
    );
  }
  const task = tasks.get(side);
  return (
    <div>
      <dt className="mono">{side}</dt>
      <dd>
        <button type="button" className="link-button" onClick={() => openSession(side, 'diff')} title={`Open session ${side}`}>
          {task ?? 'Session no longer on the board'}
        </button>
      </dd>
    </div>
  );
}

const kindClass = (kind: ConflictKind): string => `kind-chip kind-${kind.replace('/', '-')}`;

function FileRow({ file }: { file: PairFile }) {
  const showMessage = file.message !== null && (file.kind === 'rename' || file.kind === 'other');
  return (
    <tr data-testid={`radar-file-${file.path}`}>
      <td>
        <span className="mono">{file.path}</span>
        {showMessage ? <span className="pair-message muted">{file.message}</span> : null}
      </td>
      <td>
        {file.kind !== null ? (
          <span className={kindClass(file.kind)} title={`${CONFLICT_KIND_HELP[file.kind]}${file.message ? `\n${file.message}` : ''}`}>
            {file.kind}
          </span>
        ) : (
          <span className="kind-chip kind-overlap" title="Changed on both sides; git should merge it cleanly">
            overlap
          </span>
        )}
      </td>
      <td>
        {file.lockOwner !== null ? (
          <button type="button" className="link-button mono" onClick={() => openSession(file.lockOwner!, 'locks')} title={`Locked by session ${file.lockOwner}`}>
            {file.lockOwner}
          </button>
        ) : (
          <span className="muted">—</span>
        )}
      </td>
    </tr>
  );
}
