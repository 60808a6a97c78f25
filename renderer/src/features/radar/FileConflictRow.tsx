import { useId, useState } from 'react';
import type { ConflictKind } from '../../../../shared/merge';
import { openSession } from '../../app/navigation';
import { plural } from '../../lib/format';
import { CONFLICT_KIND_HELP, rowHeadline, type FileRow, type SharedFileRow } from '../../models/radar-model';
import { PairDetail } from './PairDetail';

/** What the radar screen knows of a session from the board: its task, what it last said it is doing, its agent. */
export interface SessionInfo {
  task: string;
  progress: string | null;
  agent: string | null;
}

/** Pairs shown at once when a row opens (each asks the core for its lines); the rest on demand. */
const PAIRS_AT_ONCE = 6;

export const kindClass = (kind: ConflictKind): string => `kind-chip kind-${kind.replace('/', '-')}`;

/**
 * One file that would conflict: its path, the kinds of conflict, every session involved (and the
 * base, when it moved under one), its lock owner. Opened, each conflicting pair on it, closely.
 */
export function FileConflictRow(props: {
  repo: string;
  row: FileRow;
  base: string;
  /** The base's commit: with the sessions' snapshots, what a pair's lines depend on. */
  baseCommit: string;
  sessions: ReadonlyMap<string, SessionInfo>;
  snapshots: ReadonlyMap<string, string>;
  focus: string | null;
}) {
  const { repo, row, base, baseCommit, sessions, snapshots, focus } = props;
  const [open, setOpen] = useState(false);
  const [showAll, setShowAll] = useState(false);
  const bodyId = useId();
  const pairs = showAll ? row.pairs : row.pairs.slice(0, PAIRS_AT_ONCE);
  return (
    <li className={`radar-file${open ? ' open' : ''}`} data-testid={`radar-file-${row.path}`} data-sessions={row.sessions.join(' ')}>
      <button type="button" className="radar-file-head" aria-expanded={open} aria-controls={bodyId} data-testid={`radar-file-toggle-${row.path}`} onClick={() => setOpen(!open)}>
        <span className="radar-caret" aria-hidden="true">
          {open ? '▾' : '▸'}
        </span>
        <span className="radar-file-path mono">{row.path}</span>
        <span className="radar-kinds">
          {row.kinds.map((kind) => (
            <span key={kind} className={kindClass(kind)} title={CONFLICT_KIND_HELP[kind]} data-testid="radar-kind">
              {kind}
            </span>
          ))}
        </span>
        <span className="radar-file-count" data-testid="radar-file-count">
          {plural(row.sessions.length, 'session')}
          {row.againstBase.length > 0 ? ` · ${base} moved` : ''}
        </span>
      </button>
      <div className="radar-file-who">
        <span className="muted">{rowHeadline(row, base)}:</span>{' '}
        <span data-testid={`radar-file-sessions-${row.path}`}>
          {row.sessions.map((id, i) => (
            <span key={id} className="radar-who">
              {i > 0 ? ', ' : ''}
              <button type="button" className="link-button" onClick={() => openSession(id, 'diff', { file: row.path })} title={`Open session ${id}'s diff at ${row.path}`}>
                <span className="mono">{id}</span>
              </button>{' '}
              <span className="muted radar-task">{sessions.get(id)?.task ?? 'no longer on the board'}</span>
            </span>
          ))}
        </span>
        {row.lockOwner !== null ? (
          <span className="radar-lock">
            {' '}
            · locked by{' '}
            <button type="button" className="link-button mono" onClick={() => openSession(row.lockOwner as string, 'locks')} title={`Locked by session ${row.lockOwner}`}>
              {row.lockOwner}
            </button>
          </span>
        ) : null}
      </div>
      {open ? (
        <div id={bodyId} className="radar-file-body" data-testid={`radar-file-body-${row.path}`}>
          {pairs.map((pair) => {
            // Seen from the focused session when it is the second side.
            const oriented = focus !== null && pair.b === focus ? { ...pair, a: pair.b, b: pair.a } : pair;
            return (
              <PairDetail
                key={`${pair.a} ${pair.b}`}
                repo={repo}
                path={row.path}
                pair={oriented}
                base={base}
                sessions={sessions}
                version={`${snapshots.get(pair.a) ?? ''} ${snapshots.get(pair.b) ?? ''} ${baseCommit}`}
              />
            );
          })}
          {!showAll && row.pairs.length > PAIRS_AT_ONCE ? (
            <button type="button" className="button small ghost" onClick={() => setShowAll(true)}>
              Show {plural(row.pairs.length - PAIRS_AT_ONCE, 'more pair')}
            </button>
          ) : null}
        </div>
      ) : null}
    </li>
  );
}

/** Files changed by more than one side that git should merge cleanly: listed quietly. */
export function SharedFiles({ rows, base, sessions, open }: { rows: readonly SharedFileRow[]; base: string; sessions: ReadonlyMap<string, SessionInfo>; open: boolean }) {
  return (
    <details className="radar-more" data-testid="radar-shared" open={open}>
      <summary>
        {plural(rows.length, 'file')} {rows.length === 1 ? 'is' : 'are'} changed by more than one side but should merge cleanly
      </summary>
      <ul className="radar-shared-list">
        {rows.map((row) => (
          <li key={row.path} data-testid={`radar-shared-${row.path}`}>
            <span className="mono">{row.path}</span>{' '}
            <span className="muted">
              —{' '}
              {row.sessions.map((id, i) => (
                <span key={id}>
                  {i > 0 ? ', ' : ''}
                  <button type="button" className="link-button mono" onClick={() => openSession(id, 'diff', { file: row.path })} title={sessions.get(id)?.task ?? `Open session ${id}`}>
                    {id}
                  </button>
                </span>
              ))}
              {row.withBase ? ` and ${base}` : ''}
            </span>
          </li>
        ))}
      </ul>
    </details>
  );
}
