import type { RunState } from '../../../../shared/agents';

/**
 * A run's state as a chip, coloured by `.run-<state>` (styles/agents.css). `label` words it
 * otherwise (an interactive agent between turns is running, but "agent idle" is what it is doing).
 */
export function RunStateChip({ state, testId, title, prefix, label }: { state: RunState | 'none'; testId?: string; title?: string; prefix?: string; label?: string }) {
  return (
    <span className={`run-chip run-${state}${label === undefined ? '' : ' run-quiet'}`} data-testid={testId} data-state={state} title={title}>
      <span className="run-dot" aria-hidden="true" />
      {prefix ? `${prefix} ` : ''}
      {label ?? (state === 'none' ? 'no run' : state)}
    </span>
  );
}
