import { useState } from 'react';
import { call } from '../../api';
import { Dialog } from '../../components/Dialog';
import { ErrorMessage } from '../../components/ErrorMessage';
import { notify } from '../../components/notices';
import { plural } from '../../lib/format';
import { refreshSessions } from '../../app/stores/sessions-store';
import { refreshLocks } from '../../app/stores/locks-store';
import { describePick, type PickTarget } from '../../models/compare-groups';

/** Confirms keeping one session of a comparison: names every session that goes, and where its work is kept. */
export function PickDialog({ repo, keep, discard, onClose, onPicked }: { repo: string; keep: string; discard: PickTarget[]; onClose: () => void; onPicked: () => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const wording = describePick(keep, discard);

  const confirm = async () => {
    setBusy(true);
    setError(null);
    const result = await call('compare.pick', { repo, keep, discard: discard.map((target) => target.id) });
    setBusy(false);
    if (!result.ok) {
      setError(result.error.message);
      return;
    }
    void refreshSessions();
    void refreshLocks();
    const archived = result.value.filter((removed) => removed.archivedAs !== null);
    notify({
      tone: 'success',
      sticky: archived.length > 0,
      testId: 'pick-notice',
      title: `Kept ${keep}; removed ${plural(result.value.length, 'session')}`,
      detail: archived.length > 0 ? `Work archived under: ${archived.map((removed) => removed.archivedAs).join(', ')}` : 'None of them had work to archive.',
    });
    onPicked();
  };

  return (
    <Dialog title={wording.title} onClose={onClose} testId="pick-dialog" busy={busy}>
      <p className="dialog-lead">{wording.lead}</p>
      <ul className="pick-list" data-testid="pick-discard-list">
        {discard.map((target) => (
          <li key={target.id}>
            <span className="mono">{target.id}</span> {target.branch !== null ? <span className="mono muted">{target.branch}</span> : null}
            <span className="pick-work"> — {target.work}</span>
            {target.live ? <span className="badge pick-live">agent running: it will be stopped</span> : null}
          </li>
        ))}
      </ul>
      <p className="warning" role="note">
        {wording.archive}
      </p>
      <ErrorMessage message={error} testId="pick-error" />
      <div className="dialog-actions">
        <button type="button" className="button" data-testid="pick-cancel" onClick={onClose} disabled={busy} autoFocus>
          Cancel
        </button>
        <button type="button" className="button danger" data-testid="pick-confirm" onClick={() => void confirm()} disabled={busy || discard.length === 0}>
          {busy ? 'Removing…' : `Keep ${keep}, remove ${discard.length}`}
        </button>
      </div>
    </Dialog>
  );
}
