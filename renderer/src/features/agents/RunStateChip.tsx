import type { RunState } from '../../../../shared/agents';

/** A run's state as a chip, coloured by `.run-<state>` (styles/agents.css). */
export function RunStateChip({ state, testId, title, prefix }: { state: RunState | 'none'; testId?: string; title?: string; prefix?: string }) {
  return (
    <span className={`run-chip run-${state}`} data-testid={testId} data-state={state} title={title}>
      <span className="run-dot" aria-hidden="true" />
      {prefix ? `${prefix} ` : ''}
      {state === 'none' ? 'no run' : state}
    </span>
  );
}
