import type { AgentPresetInfo } from '../../../../shared/agents';
import { presetStatus } from './new-session-form';

/**
 * The agent presets as radio buttons: each with its detected version, or — greyed, not selectable,
 * but readable — why it cannot run here. "No agent" makes a plain worktree.
 */
export function PresetPicker({
  presets,
  value,
  onChange,
  disabled,
  statusOf = presetStatus,
}: {
  presets: readonly AgentPresetInfo[];
  value: string;
  onChange: (id: string) => void;
  disabled: boolean;
  /** What is said beside each (default: this machine's detection; on a host, its last check). */
  statusOf?: (preset: AgentPresetInfo) => string;
}) {
  return (
    <div className="preset-list" role="radiogroup" aria-label="Agent" data-testid="new-session-presets">
      <PresetOption id="" label="No agent" status="A plain worktree: run an agent in it yourself" checked={value === ''} available onChange={onChange} disabled={disabled} />
      {presets.map((preset) => (
        <PresetOption
          key={preset.id}
          id={preset.id}
          label={preset.label}
          status={statusOf(preset)}
          checked={value === preset.id}
          available={preset.available}
          badge={preset.available && preset.locks === 'advisory' ? 'advisory locks' : null}
          onChange={onChange}
          disabled={disabled}
        />
      ))}
    </div>
  );
}

function PresetOption(props: {
  id: string;
  label: string;
  status: string;
  checked: boolean;
  available: boolean;
  badge?: string | null;
  onChange: (id: string) => void;
  disabled: boolean;
}) {
  const testId = `new-session-agent-${props.id === '' ? 'none' : props.id}`;
  return (
    <label className={`preset-option${props.available ? '' : ' is-unavailable'}${props.checked ? ' is-checked' : ''}`} data-testid={`${testId}-option`}>
      <input
        type="radio"
        name="agent-preset"
        value={props.id}
        checked={props.checked}
        disabled={props.disabled || !props.available}
        data-testid={testId}
        onChange={() => props.onChange(props.id)}
      />
      <span className="preset-name">{props.label}</span>
      <span className={`preset-status${props.available ? '' : ' preset-problem'}`}>
        {props.status}
        {props.badge ? (
          <span className="badge preset-badge" title="This CLI has no hook to refuse edits to locked files: conflicts are flagged after the fact">
            {props.badge}
          </span>
        ) : null}
      </span>
    </label>
  );
}
