import { useEffect, useState } from 'react';
import type { CommandOutput } from '../../../../shared/contract';
import { call } from '../../api';
import { ErrorMessage } from '../../components/ErrorMessage';
import { failureText } from '../../lib/command-error';
import { formatRelative, plural } from '../../lib/format';

export type Landing = CommandOutput<'sessions.landing'>;

const COMMITS_SHOWN = 8;
const FILES_SHOWN = 10;

/** What merging a session would land on its base (`sessions.landing`), fetched when the session is chosen. */
export function useLanding(repo: string, sessionId: string): { landing: Landing | null; error: string | null } {
  const [state, setState] = useState<{ id: string; landing: Landing | null; error: string | null }>({ id: '', landing: null, error: null });
  useEffect(() => {
    if (sessionId === '') return;
    let live = true;
    void call('sessions.landing', { repo, id: sessionId }).then((result) => {
      if (!live) return;
      setState(result.ok ? { id: sessionId, landing: result.value, error: null } : { id: sessionId, landing: null, error: failureText(result.error, 'list what would land', 'What will land', 'sessions.landing') });
    });
    return () => {
      live = false;
    };
  }, [repo, sessionId]);
  return state.id === sessionId ? { landing: state.landing, error: state.error } : { landing: null, error: null };
}

/** The commits (subject, author, time) and files (+/−) a merge would land, in the merge dialog. */
export function MergeLanding({ landing, error }: { landing: Landing | null; error: string | null }) {
  if (error !== null) return <ErrorMessage message={error} testId="landing-error" />;
  if (landing === null) return <p className="muted">Looking at what would land…</p>;
  const now = Date.now();
  const moreCommits = landing.commits.length - COMMITS_SHOWN + landing.moreCommits;
  return (
    <section className="landing" aria-label="What will land" data-testid="merge-landing">
      <p className="field-label">
        What will land in {landing.baseBranch}: {plural(landing.commits.length + landing.moreCommits, 'commit')}, {plural(landing.files.length, 'file')}
        {landing.uncommitted > 0 ? ` (${plural(landing.uncommitted, 'file')} not committed yet: the queue commits them first)` : ''}
      </p>
      {landing.commits.length > 0 ? (
        <ul className="action-file-list landing-commits" data-testid="landing-commits">
          {landing.commits.slice(0, COMMITS_SHOWN).map((commit) => (
            <li key={commit.commit} data-testid="landing-commit">
              <span className="mono muted">{commit.commit.slice(0, 7)}</span>
              <span className="landing-subject" title={commit.subject}>
                {commit.subject}
              </span>
              <span className="landing-meta" title={commit.time}>
                {commit.author} · {formatRelative(commit.time, now)}
              </span>
            </li>
          ))}
          {moreCommits > 0 ? <li className="muted">… and {plural(moreCommits, 'more commit')}</li> : null}
        </ul>
      ) : null}
      {landing.files.length > 0 ? (
        <ul className="action-file-list mono" data-testid="landing-files">
          {landing.files.slice(0, FILES_SHOWN).map((file) => (
            <li key={file.path} data-testid="landing-file">
              <span className="action-file-name" title={file.path}>
                {file.path}
              </span>
              {file.binary ? (
                <span className="landing-meta">binary</span>
              ) : (
                <span className="landing-meta">
                  <span className="landing-plus">+{file.insertions ?? 0}</span> <span className="landing-minus">−{file.deletions ?? 0}</span>
                </span>
              )}
            </li>
          ))}
          {landing.files.length > FILES_SHOWN ? <li className="muted">… and {plural(landing.files.length - FILES_SHOWN, 'more file')}</li> : null}
        </ul>
      ) : (
        <p className="muted">No file differs from {landing.baseBranch}.</p>
      )}
    </section>
  );
}
