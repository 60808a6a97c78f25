import type { QueueState } from '../../../../shared/merge';
import { QUEUE_STATE_HELP } from '../../models/queue-model';

/** A queue entry's state as a chip, coloured by `.qs-<state>` (styles/merge.css). */
export function QueueStateChip({ state, text, testId }: { state: QueueState; text?: string; testId?: string }) {
  return (
    <span className={`queue-chip qs-${state}`} data-testid={testId} data-state={state} title={QUEUE_STATE_HELP[state]}>
      <span className="queue-dot" aria-hidden="true" />
      {text ?? state}
    </span>
  );
}
