import type { ReactNode } from 'react';

/** What a screen shows when it has nothing to list: one plain sentence, maybe an action. */
export function EmptyState({ children, action }: { children: ReactNode; action?: ReactNode }) {
  return (
    <div className="empty-state" data-testid="empty-state" role="status">
      <p className="empty-text">{children}</p>
      {action ? <div className="empty-action">{action}</div> : null}
    </div>
  );
}
