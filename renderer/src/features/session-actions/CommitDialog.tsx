import { useEffect, useId, useState, type FormEvent, type KeyboardEvent } from 'react';
import { call } from '../../api';
import { Dialog } from '../../components/Dialog';
import { ErrorMessage } from '../../components/ErrorMessage';
import { notify } from '../../components/notices';
import { failureText } from '../../lib/command-error';
import { plural } from '../../lib/format';
import { defaultCommitMessage } from '../../models/session-actions';
import { refreshSessions } from '../../app/stores/sessions-store';
import { sessionStats } from '../../app/stores/session-stats-store';
import { requestDiscard } from '../../app/stores/session-action-store';

const LISTED = 12;

/**
 * Commits everything pending in a session's worktree (`sessions.commit`) with a message that starts
 * as the task's first line. Lists the files that will go in; each can be discarded instead (its
 * change kept under the session's archive ref first).
 */
export function CommitDialog({ repo, sessionId, task, onClose }: { repo: string; sessionId: string; task: string; onClose: () => void }) {
  const [files, setFiles] = useState<string[] | null>(null);
  const [message, setMessage] = useState(() => defaultCommitMessage(task));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const ids = { message: useId(), error: useId() };

  useEffect(() => {
    let live = true;
    void call('sessions.work', { repo, id: sessionId }).then((result) => {
      if (!live) return;
      if (result.ok) setFiles(result.value.uncommitted);
      else setError(failureText(result.error, "read the session's uncommitted files", 'Committing', 'sessions.work'));
    });
    return () => {
      live = false;
    };
  }, [repo, sessionId]);

  const submit = async (event?: FormEvent) => {
    event?.preventDefault();
    if (busy) return;
    if (!message.trim()) {
      setError('Write a commit message.');
      return;
    }
    setBusy(true);
    setError(null);
    const result = await call('sessions.commit', { repo, id: sessionId, message });
    setBusy(false);
    if (!result.ok) {
      setError(failureText(result.error, 'commit', 'Committing', 'sessions.commit'));
      return;
    }
    const done = result.value;
    notify(
      done.commit
        ? { tone: 'success', title: `Committed ${plural(done.files, 'file')}`, detail: `${done.commit.slice(0, 10)} — ${message.trim().split('\n')[0]}`, testId: 'commit-notice' }
        : { tone: 'info', title: 'Nothing to commit', detail: 'The worktree has no uncommitted change.', testId: 'commit-notice' },
    );
    sessionStats.invalidate(sessionId);
    void refreshSessions();
    onClose();
  };

  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) void submit();
  };

  return (
    <Dialog title="Commit the session's work" onClose={onClose} testId="commit-dialog" busy={busy}>
      <form className="form" noValidate onSubmit={(event) => void submit(event)} onKeyDown={onKeyDown}>
        <p className="dialog-lead" data-testid="commit-count">
          {files === null ? 'Looking at the worktree…' : files.length === 0 ? 'Nothing to commit: the worktree has no uncommitted change.' : `${plural(files.length, 'file')} with uncommitted changes will be committed:`}
        </p>
        {files !== null && files.length > 0 ? (
          <ul className="action-file-list mono" data-testid="commit-files">
            {files.slice(0, LISTED).map((file) => (
              <li key={file}>
                <span className="action-file-name" title={file}>
                  {file}
                </span>
                <button type="button" className="link-button" data-testid={`commit-discard-${file}`} onClick={() => requestDiscard({ sessionId, path: file })} disabled={busy}>
                  Discard…
                </button>
              </li>
            ))}
            {files.length > LISTED ? <li className="muted">… and {files.length - LISTED} more</li> : null}
          </ul>
        ) : null}
        <div className="field">
          <label htmlFor={ids.message} className="field-label">
            Message
          </label>
          <textarea id={ids.message} className="input mono" data-testid="commit-message" rows={4} value={message} onChange={(event) => setMessage(event.target.value)} autoFocus spellCheck />
          <p className="field-help">Your own git commit, hooks and all. Ctrl+Enter commits.</p>
        </div>
        <ErrorMessage message={error} testId="commit-error" id={ids.error} />
        <div className="dialog-actions">
          <button type="button" className="button" onClick={onClose} disabled={busy}>
            Cancel
          </button>
          <button type="submit" className="button primary" data-testid="commit-submit" disabled={busy || files === null || files.length === 0}>
            {busy ? 'Committing…' : files && files.length > 0 ? `Commit ${plural(files.length, 'file')}` : 'Commit'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
