import type { ReactNode } from 'react';
import { InfoIcon } from './icons';

/**
 * A feature this host does not serve yet (an older `council serve` or app core): said calmly, in
 * place of the screen, not as an error.
 */
export function Unavailable({ children, testId }: { children: ReactNode; testId?: string }) {
  return (
    <div className="unavailable" role="status" data-testid={testId}>
      <span className="unavailable-icon">
        <InfoIcon />
      </span>
      <p>{children}</p>
    </div>
  );
}
