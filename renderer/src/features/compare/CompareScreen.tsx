import { useCallback, useEffect, useState } from 'react';
import type { CompareRow } from '../../../../shared/agents';
import { call } from '../../api';
import { navigate, openSession } from '../../app/navigation';
import { EmptyState } from '../../components/EmptyState';
import { ErrorMessage } from '../../components/ErrorMessage';
import { useStore } from '../../lib/create-store';
import { plural } from '../../lib/format';
import { RunStateChip } from '../agents/RunStateChip';
import { isLive, runFacts } from '../../models/run-model';
import { runsStore, useRun } from '../../app/stores/runs-store';
import { findCard } from '../../models/card-list';
import { sessionsStore } from '../../app/stores/sessions-store';
import { settingsStore } from '../../app/stores/settings-store';
import { checkSummary, describeWork, liveRun, type PickTarget } from '../../models/compare-groups';
import { PickDialog } from './PickDialog';

type Load = { status: 'loading' } | { status: 'ready'; rows: CompareRow[] } | { status: 'error'; message: string };

/**
 * Best-of-N: the sessions side by side (`compare.sessions`, with the settings' check command run in
 * each worktree when one is set): agent, run state, files, lines, commits, the check. "Keep this
 * one" asks, then `compare.pick` removes the others (their work archived first).
 */
export function CompareScreen({ repo, ids }: { repo: string; ids: string[] }) {
  const { settings, status: settingsStatus } = useStore(settingsStore);
  const { bySession } = useStore(runsStore);
  const { cards } = useStore(sessionsStore);
  const [load, setLoad] = useState<Load>({ status: 'loading' });
  const [keep, setKeep] = useState<string | null>(null);
  const settingsKnown = settingsStatus === 'ready' || settingsStatus === 'error';
  const checkCommand = settings?.checkCommand ?? null;
  const key = ids.join(',');

  const fetchRows = useCallback(
    async (live: { current: boolean }) => {
      setLoad({ status: 'loading' });
      const result = await call('compare.sessions', { repo, ids: key.split(','), ...(checkCommand !== null ? { check: true } : {}) });
      if (!live.current) return;
      setLoad(result.ok ? { status: 'ready', rows: result.value } : { status: 'error', message: result.error.message });
    },
    [repo, key, checkCommand],
  );

  useEffect(() => {
    if (!settingsKnown) return;
    const live = { current: true };
    void fetchRows(live);
    return () => {
      live.current = false;
    };
  }, [settingsKnown, fetchRows]);

  const rows = load.status === 'ready' ? load.rows : [];
  const targets = (keepId: string): PickTarget[] =>
    rows
      .filter((row) => row.sessionId !== keepId)
      .map((row) => ({
        id: row.sessionId,
        task: row.task,
        branch: findCard(cards, row.sessionId)?.session.branch ?? null,
        live: isLive(liveRun(row, bySession.get(row.sessionId))),
        work: describeWork(row),
      }));
  const summary = checkSummary(rows);

  return (
    <section className="compare-screen" aria-labelledby="compare-heading" data-testid="compare-screen">
      <div className="screen-header">
        <button type="button" className="button ghost back-button" data-testid="compare-back" onClick={() => navigate({ view: 'board' })}>
          ← Board
        </button>
        <h1 id="compare-heading" className="screen-title">
          Compare {plural(ids.length, 'session')}
        </h1>
        <span className="spacer" />
        <button type="button" className="button" data-testid="compare-refresh" disabled={load.status === 'loading'} onClick={() => void fetchRows({ current: true })}>
          {checkCommand !== null ? 'Run the check again' : 'Refresh'}
        </button>
      </div>
      <p className="muted compare-lead">
        {rows[0]?.task ?? findCard(cards, ids[0] ?? '')?.session.task ?? ''}
        {checkCommand !== null ? (
          <>
            {' '}
            · check: <code>{checkCommand}</code>
            {summary !== null ? ` · ${summary}` : ''}
          </>
        ) : (
          ' · no check command set (Settings → Check command)'
        )}
      </p>
      {load.status === 'loading' || !settingsKnown ? (
        <p className="muted" aria-busy="true" data-testid="compare-loading">
          {checkCommand !== null ? `Running the check in ${plural(ids.length, 'worktree')}…` : 'Comparing…'}
        </p>
      ) : load.status === 'error' ? (
        <ErrorMessage message={`Could not compare the sessions: ${load.message}`} testId="compare-error" />
      ) : rows.length === 0 ? (
        <EmptyState>None of these sessions exists any more.</EmptyState>
      ) : (
        <ol className="compare-list" aria-label="Sessions compared">
          {rows.map((row) => (
            <CompareItem key={row.sessionId} row={row} canKeep={rows.length > 1} onKeep={() => setKeep(row.sessionId)} />
          ))}
        </ol>
      )}
      {keep !== null ? (
        <PickDialog
          repo={repo}
          keep={keep}
          discard={targets(keep)}
          onClose={() => setKeep(null)}
          onPicked={() => {
            setKeep(null);
            openSession(keep, 'diff');
          }}
        />
      ) : null}
    </section>
  );
}

function CompareItem({ row, canKeep, onKeep }: { row: CompareRow; canKeep: boolean; onKeep: () => void }) {
  const latest = useRun(row.sessionId);
  const run = liveRun(row, latest);
  const id = row.sessionId;
  return (
    <li className={`compare-item${row.check ? (row.check.passed ? ' check-passed' : ' check-failed') : ''}`} data-testid={`compare-row-${id}`}>
      <div className="compare-head">
        <button type="button" className="link-button mono" onClick={() => openSession(id, 'diff')} aria-label={`Open session ${id}`}>
          {id}
        </button>
        <span className="agent">{row.agent ?? 'no agent'}</span>
        <RunStateChip state={run?.state ?? 'none'} testId={`compare-run-${id}`} />
        {run !== null && runFacts(run).length > 0 ? <span className="muted">{runFacts(run).join(' · ')}</span> : null}
        <span className="spacer" />
        {canKeep ? (
          <button type="button" className="button small primary" data-testid={`compare-keep-${id}`} onClick={onKeep}>
            Keep this one
          </button>
        ) : null}
      </div>
      <dl className="compare-stats">
        <div>
          <dt>Files</dt>
          <dd data-testid={`compare-files-${id}`}>{row.filesChanged}</dd>
        </div>
        <div>
          <dt>Lines</dt>
          <dd>
            <span className="ins">+{row.insertions}</span> <span className="del">−{row.deletions}</span>
          </dd>
        </div>
        <div>
          <dt>Commits</dt>
          <dd>{row.commits}</dd>
        </div>
        <div>
          <dt>Check</dt>
          <dd data-testid={`compare-check-${id}`}>
            {row.check === null ? (
              <span className="muted">—</span>
            ) : (
              <span className={row.check.passed ? 'check-ok' : 'check-bad'}>
                {row.check.passed ? '✓ passed' : `✗ failed${row.check.exitCode !== null ? ` (exit ${row.check.exitCode})` : ''}`}
                <span className="muted"> · {(row.check.durationMs / 1000).toFixed(1)} s</span>
              </span>
            )}
          </dd>
        </div>
      </dl>
      {row.files.length > 0 ? (
        <details className="compare-details">
          <summary>{plural(row.files.length, 'changed file')}</summary>
          <ul className="file-list-compact mono">
            {row.files.map((file) => (
              <li key={file}>{file}</li>
            ))}
          </ul>
        </details>
      ) : null}
      {row.check !== null ? (
        <details className="compare-details" data-testid={`compare-check-output-${id}`}>
          <summary>Check output</summary>
          <pre className="check-output">{row.check.output === '' ? '(no output)' : row.check.output}</pre>
        </details>
      ) : null}
    </li>
  );
}
