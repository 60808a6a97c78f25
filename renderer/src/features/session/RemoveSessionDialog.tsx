import { useEffect, useState } from 'react';
import type { SessionWork } from '../../../../shared/models';
import { call } from '../../api';
import { navigation, navigate } from '../../app/navigation';
import { Dialog } from '../../components/Dialog';
import { ErrorMessage } from '../../components/ErrorMessage';
import { notify } from '../../components/notices';
import { findCard } from '../../models/card-list';
import { refreshSessions, sessionsStore } from '../../app/stores/sessions-store';
import { refreshLocks } from '../../app/stores/locks-store';
import { describeWorkAtRisk, hasWork } from './remove-wording';

type Check = { status: 'checking' } | { status: 'ready'; work: SessionWork } | { status: 'error'; message: string };

const UNCOMMITTED_LISTED = 8;

/**
 * Removing a session never loses work silently: first `sessions.work` says what removal would
 * lose; with unmerged commits or uncommitted files the dialog says so and the button becomes
 * "Archive and remove" (`force: true`, the core keeps the work under refs/council/archive/…).
 * Without work it is a plain confirmation (`force: false`, so the core still refuses if work
 * appeared in the meantime).
 */
export function RemoveSessionDialog({ repo, sessionId, onClose }: { repo: string; sessionId: string; onClose: () => void }) {
  const [check, setCheck] = useState<Check>({ status: 'checking' });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const task = findCard(sessionsStore.get().cards, sessionId)?.session.task ?? sessionId;

  useEffect(() => {
    let live = true;
    void call('sessions.work', { repo, id: sessionId }).then((result) => {
      if (!live) return;
      setCheck(result.ok ? { status: 'ready', work: result.value } : { status: 'error', message: result.error.message });
    });
    return () => {
      live = false;
    };
  }, [repo, sessionId]);

  const withWork = check.status === 'ready' && hasWork(check.work);

  const confirm = async () => {
    if (check.status !== 'ready') return;
    setBusy(true);
    setError(null);
    const result = await call('sessions.remove', { repo, id: sessionId, force: withWork });
    setBusy(false);
    if (!result.ok) {
      setError(result.error.message);
      return;
    }
    const removed = result.value;
    const route = navigation.get();
    if (route.view === 'session' && route.sessionId === sessionId) navigate({ view: 'board' });
    void refreshSessions();
    void refreshLocks();
    if (removed.archivedAs !== null) {
      notify({
        tone: 'info',
        sticky: true,
        testId: 'archive-notice',
        title: `Session ${removed.id} removed; its work is kept under ${removed.archivedAs}`,
        detail: `Restore it with: git branch <name> ${removed.archivedAs}${removed.archivedCommit ? ` (commit ${removed.archivedCommit.slice(0, 10)})` : ''}`,
      });
    } else {
      notify({ tone: 'success', title: `Session ${removed.id} removed`, detail: `${removed.branch} and its worktree are deleted.` });
    }
    onClose();
  };

  return (
    <Dialog title="Remove session" onClose={onClose} testId="remove-dialog" busy={busy}>
      <p className="dialog-lead">
        <strong>{task}</strong> <span className="mono muted">({sessionId})</span>
      </p>
      {check.status === 'checking' ? (
        <p className="muted" aria-busy="true">
          Checking for unmerged work…
        </p>
      ) : check.status === 'error' ? (
        <ErrorMessage message={`Could not check the session's work: ${check.message}`} />
      ) : withWork ? (
        <div className="warning" data-testid="remove-dialog-warning" role="alert">
          <p>{describeWorkAtRisk(check.work, sessionId)}</p>
          {check.work.uncommitted.length > 0 ? (
            <ul className="file-list-compact mono">
              {check.work.uncommitted.slice(0, UNCOMMITTED_LISTED).map((file) => (
                <li key={file}>{file}</li>
              ))}
              {check.work.uncommitted.length > UNCOMMITTED_LISTED ? <li>… and {check.work.uncommitted.length - UNCOMMITTED_LISTED} more</li> : null}
            </ul>
          ) : null}
        </div>
      ) : (
        <p>Nothing here is unmerged or uncommitted. Its worktree and branch will be deleted and its locks released.</p>
      )}
      <ErrorMessage message={error} testId="remove-error" />
      <div className="dialog-actions">
        <button type="button" className="button" data-testid="remove-cancel" onClick={onClose} disabled={busy} autoFocus>
          Cancel
        </button>
        <button
          type="button"
          className="button danger"
          data-testid="remove-confirm"
          disabled={busy || check.status !== 'ready'}
          onClick={() => void confirm()}
        >
          {busy ? 'Removing…' : withWork ? 'Archive and remove' : 'Remove'}
        </button>
      </div>
    </Dialog>
  );
}
