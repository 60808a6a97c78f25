import { useEffect, useState } from 'react';
import { call } from '../../api';
import { Dialog } from '../../components/Dialog';
import { ErrorMessage } from '../../components/ErrorMessage';
import { notify } from '../../components/notices';
import { failureText } from '../../lib/command-error';
import { discardKeptWhere, discardWhat, hunkLabel } from '../../models/session-actions';
import { refreshSessions } from '../../app/stores/sessions-store';
import { sessionStats } from '../../app/stores/session-stats-store';
import type { HunkRequest } from '../../app/stores/session-action-store';

/**
 * Confirms, then discards one file's uncommitted change or one hunk of it (`sessions.discard`). The
 * core keeps the file as it was under refs/council/archive/<id>/discard-<n> first; the notice
 * afterwards says where, and the git command that brings it back.
 */
export function DiscardDialog({ repo, sessionId, path, hunk, onClose }: { repo: string; sessionId: string; path: string; hunk?: HunkRequest; onClose: () => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const label = hunkLabel(hunk);
  // Whether the file is new (deleted by a discard) or tracked (put back): said before confirming.
  const [isNew, setIsNew] = useState<boolean | null>(null);
  useEffect(() => {
    let live = true;
    void call('sessions.changes', { repo, id: sessionId }).then((result) => {
      const file = result.ok ? result.value.find((each) => each.path === path) : undefined;
      if (live && file !== undefined) setIsNew(file.kind === 'untracked');
    });
    return () => {
      live = false;
    };
  }, [repo, sessionId, path]);

  const confirm = async () => {
    setBusy(true);
    setError(null);
    const named = hunk === undefined ? {} : typeof hunk === 'number' ? { hunk } : { hunkText: { header: hunk.header, text: hunk.text } };
    const result = await call('sessions.discard', { repo, id: sessionId, path, ...named });
    setBusy(false);
    if (!result.ok) {
      setError(failureText(result.error, 'discard the change', 'Discarding', 'sessions.discard'));
      return;
    }
    const done = result.value;
    notify({
      tone: 'info',
      sticky: true,
      testId: 'discard-notice',
      title: `Discarded ${done.hunk ? `a hunk of ${done.path}` : `the change of ${done.path}`}; kept under ${done.archivedAs}`,
      detail: `Get it back with: ${done.restoreCommand}`,
    });
    sessionStats.invalidate(sessionId);
    void refreshSessions();
    onClose();
  };

  return (
    <Dialog title={label === null ? 'Discard the change of a file' : 'Discard a hunk'} onClose={onClose} testId="discard-dialog" busy={busy}>
      <p className="dialog-lead">
        <span className="mono" data-testid="discard-path">
          {path}
        </span>
        {label !== null ? (
          <>
            {' '}
            <span className="mono muted" data-testid="discard-hunk">
              {label}
            </span>
          </>
        ) : null}
      </p>
      <p data-testid="discard-what">{discardWhat(path, hunk, isNew)}</p>
      <p className="muted" data-testid="discard-kept">
        {discardKeptWhere(sessionId)} You will be shown the git command that brings it back.
      </p>
      <ErrorMessage message={error} testId="discard-error" />
      <div className="dialog-actions">
        <button type="button" className="button" data-testid="discard-cancel" onClick={onClose} disabled={busy} autoFocus>
          Cancel
        </button>
        <button type="button" className="button danger" data-testid="discard-confirm" disabled={busy} onClick={() => void confirm()}>
          {busy ? 'Discarding…' : label === null ? 'Keep a copy and discard the file' : 'Keep a copy and discard the hunk'}
        </button>
      </div>
    </Dialog>
  );
}
