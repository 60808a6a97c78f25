import { useStore } from '../lib/create-store';
import { dismissNotice, notices } from './notices';

/** Toasts and sticky notices, bottom right; polite live region so they are read out. */
export function Notices() {
  const list = useStore(notices);
  return (
    <div className="notices" aria-live="polite">
      {list.map((notice) => (
        <div key={notice.id} className={`notice notice-${notice.tone}`} data-testid={notice.testId} role={notice.tone === 'error' ? 'alert' : 'status'}>
          <div className="notice-text">
            <strong>{notice.title}</strong>
            {notice.detail ? <span className="notice-detail">{notice.detail}</span> : null}
          </div>
          {notice.action ? (
            <button
              type="button"
              className="button small"
              data-testid={notice.testId ? `${notice.testId}-action` : undefined}
              onClick={() => {
                dismissNotice(notice.id);
                notice.action?.run();
              }}
            >
              {notice.action.label}
            </button>
          ) : null}
          <button type="button" className="icon-button" aria-label="Dismiss" onClick={() => dismissNotice(notice.id)}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
