import { CONTEXT_STATUS_LABELS, type ContextStatus } from '../../../shared/models';

/** A session's status as a coloured chip: the colour comes from `.status-<status>` in styles.css. */
export function StatusChip({ status, testId }: { status: ContextStatus; testId?: string }) {
  return (
    <span className={`status-chip status-${status}`} data-testid={testId} data-status={status}>
      <span className="status-dot" aria-hidden="true" />
      {CONTEXT_STATUS_LABELS[status]}
    </span>
  );
}
