import { useEffect, useId, useState, type FormEvent, type ReactNode } from 'react';
import { AGENT_PRESET_IDS } from '../../../../shared/agents';
import { MERGE_STRATEGIES } from '../../../../shared/merge';
import { ErrorMessage } from '../../components/ErrorMessage';
import { useStore } from '../../lib/create-store';
import { capitalize } from '../../lib/format';
import { loadPresets, presetsStore } from '../agents/presets-store';
import { STRATEGY_HELP } from '../queue/queue-model';
import { isStrategy, mergeFormFromSettings, parseMergeSettingsForm, type MergeSettingsField, type MergeSettingsForm } from './merge-settings-form';
import { formFromSettings, parseSettingsForm, type SettingsField as BaseField, type SettingsForm as BaseForm } from './settings-form';
import { saveSettings, settingsStore } from './settings-store';

type SettingsForm = BaseForm & MergeSettingsForm;
type SettingsField = BaseField | MergeSettingsField;

/**
 * The repository's settings: worktrees (where they go, files copied in, a setup command), agents
 * (the default preset, the custom preset's command), the executor (how many at once, retries) and
 * the check command best-of-N comparisons run, and the merge queue (default strategy, the gate run
 * on each merged result and its timeout, removing merged sessions). The core validates too; its
 * message is shown under the form.
 */
export function SettingsScreen() {
  const { settings, status, error: loadError } = useStore(settingsStore);
  const [form, setForm] = useState<SettingsForm | null>(null);
  const [dirty, setDirty] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<{ field: SettingsField | null; message: string } | null>(null);
  const [saved, setSaved] = useState(false);

  useEffect(() => {
    void loadPresets();
  }, []);
  // Follows the stored settings (changed elsewhere too) until the user starts editing.
  useEffect(() => {
    if (settings === null || dirty) return;
    setForm({ ...formFromSettings(settings), ...mergeFormFromSettings(settings) });
  }, [settings, dirty]);

  const edit = (field: SettingsField) => (value: string) => {
    setForm((previous) => (previous === null ? previous : { ...previous, [field]: value }));
    setDirty(true);
    setSaved(false);
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (form === null) return;
    const parsed = parseSettingsForm(form);
    if (!parsed.ok) {
      setError({ field: parsed.field, message: parsed.message });
      return;
    }
    const merge = parseMergeSettingsForm(form);
    if (!merge.ok) {
      setError({ field: merge.field, message: merge.message });
      return;
    }
    setBusy(true);
    setError(null);
    const message = await saveSettings({ ...parsed.patch, ...merge.patch });
    setBusy(false);
    if (message !== null) {
      setError({ field: null, message });
      return;
    }
    setDirty(false);
    setSaved(true);
  };

  if (status === 'loading' || (status === 'idle' && settings === null)) return <p className="muted">Loading settings…</p>;
  if (settings === null || form === null) return <ErrorMessage message={`Could not load the settings: ${loadError}`} />;
  const field = (name: SettingsField) => ({ value: form[name], onChange: edit(name), invalid: error?.field === name });

  return (
    <section className="settings-screen" aria-labelledby="settings-heading">
      <div className="screen-header">
        <h1 id="settings-heading" className="screen-title">
          Settings
        </h1>
      </div>
      <form className="form settings-form" noValidate onSubmit={(event) => void submit(event)}>
        <h2 className="settings-section">Worktrees</h2>
        <TextField
          label="Worktree location"
          testId="settings-worktree-root"
          mono
          placeholder="Default: ~/.council/worktrees/<repo>-<hash>/"
          help="Where new sessions' worktrees go (a relative path is taken from the repository's top folder). Empty uses the default, outside your working tree. Existing sessions stay where they are."
          {...field('worktreeRoot')}
        />
        <NumberField label="Stale after (minutes)" testId="settings-stale-minutes" min={1} help="A session with no update for this long is marked stale, and idle cleanup may remove it." {...field('staleAfterMinutes')} />
        <TextField
          label="Files to copy into each worktree"
          testId="settings-worktree-include"
          mono
          multiline
          placeholder={'.env\nconfig/local.json'}
          help="One pattern per line (gitignore syntax): ignored files such as .env that a new worktree needs. Added to the patterns of a .worktreeinclude file at the top of the repository."
          {...field('worktreeInclude')}
        />
        <TextField label="Setup command" testId="settings-setup-command" mono placeholder="npm ci" help="Runs in each new worktree, through your shell, before its agent starts. Empty: none." {...field('setupCommand')} />
        <NumberField label="Setup timeout (seconds)" testId="settings-setup-timeout" min={1} help="The setup command is stopped after this long, and the session's agent does not start." {...field('setupTimeoutSeconds')} />

        <h2 className="settings-section">Agents</h2>
        <DefaultAgentField {...field('defaultAgent')} />
        <TextField
          label="Custom agent command"
          testId="settings-custom-command"
          mono
          placeholder="my-agent --task {task}"
          help="What the custom preset runs: {task}, {worktree} and {session} are filled in. Empty: the custom preset is unavailable."
          {...field('customCommand')}
        />
        <div className="field-row">
          <NumberField label="Agents at once" testId="settings-concurrency" min={1} max={64} help="How many agents the executor (council run) runs at the same time." {...field('concurrency')} />
          <NumberField label="Retries" testId="settings-max-retries" min={0} max={10} help="How often an agent that failed before doing any work is started again." {...field('maxRetries')} />
        </div>

        <h2 className="settings-section">Best-of-N</h2>
        <TextField
          label="Check command"
          testId="settings-check-command"
          mono
          placeholder="npm test"
          help="Run in each session's worktree when sessions are compared; its result (passed or failed, and its output) is shown beside each. Empty: no check."
          {...field('checkCommand')}
        />

        <h2 className="settings-section">Merge queue</h2>
        <StrategyField {...field('mergeStrategy')} />
        <TextField
          label="Gate command"
          testId="settings-gate-command"
          mono
          placeholder="npm test"
          help="Runs on each merged result (through your shell) before the base moves; if it fails, the entry parks and the base stays as it was. The default for each entry, which can set its own. Empty: no gate."
          {...field('gateCommand')}
        />
        <NumberField label="Gate timeout (seconds)" testId="settings-gate-timeout" min={1} max={24 * 3600} help="A gate still running after this long is stopped, and the entry parks." {...field('gateTimeoutSeconds')} />
        <CheckboxField
          label="Remove a session once merged"
          testId="settings-remove-after-merge"
          help="Deletes the session's worktree and branch after its merge lands (its work is in the base by then)."
          {...field('removeAfterMerge')}
        />

        <ErrorMessage message={error?.message ?? null} testId="settings-error" />
        <div className="form-actions">
          <button type="submit" className="button primary" data-testid="settings-save" disabled={busy}>
            {busy ? 'Saving…' : 'Save'}
          </button>
          {saved ? (
            <span className="saved" role="status" data-testid="settings-saved">
              ✓ Saved
            </span>
          ) : null}
        </div>
      </form>
    </section>
  );
}

interface FieldProps {
  value: string;
  onChange: (value: string) => void;
  invalid: boolean;
}

function Field({ label, help, children, id, helpId }: { label: string; help: string; children: ReactNode; id: string; helpId: string }) {
  return (
    <div className="field">
      <label htmlFor={id} className="field-label">
        {label}
      </label>
      {children}
      <p id={helpId} className="field-help">
        {help}
      </p>
    </div>
  );
}

function TextField(props: FieldProps & { label: string; help: string; testId: string; placeholder?: string; mono?: boolean; multiline?: boolean }) {
  const id = useId();
  const helpId = useId();
  const common = {
    id,
    className: `input${props.mono ? ' mono' : ''}${props.multiline ? ' textarea' : ''}`,
    'data-testid': props.testId,
    value: props.value,
    placeholder: props.placeholder,
    'aria-describedby': helpId,
    'aria-invalid': props.invalid || undefined,
    spellCheck: false,
    autoComplete: 'off',
  };
  return (
    <Field label={props.label} help={props.help} id={id} helpId={helpId}>
      {props.multiline ? <textarea {...common} rows={3} onChange={(event) => props.onChange(event.target.value)} /> : <input {...common} onChange={(event) => props.onChange(event.target.value)} />}
    </Field>
  );
}

function NumberField(props: FieldProps & { label: string; help: string; testId: string; min?: number; max?: number }) {
  const id = useId();
  const helpId = useId();
  return (
    <div className="field-medium">
      <Field label={props.label} help={props.help} id={id} helpId={helpId}>
        <input
          id={id}
          className="input"
          data-testid={props.testId}
          type="number"
          min={props.min}
          max={props.max}
          step={1}
          value={props.value}
          aria-describedby={helpId}
          aria-invalid={props.invalid || undefined}
          onChange={(event) => props.onChange(event.target.value)}
        />
      </Field>
    </div>
  );
}

/** The presets, each with whether it was found here (when `agents.list` answered). */
function DefaultAgentField(props: FieldProps) {
  const { presets } = useStore(presetsStore);
  const id = useId();
  const helpId = useId();
  const info = new Map(presets.map((preset) => [preset.id, preset]));
  return (
    <Field label="Default agent" help="Preselected in the new-session dialog, and what council run starts when no agent is named." id={id} helpId={helpId}>
      <select
        id={id}
        className="input select"
        data-testid="settings-default-agent"
        value={props.value}
        aria-describedby={helpId}
        aria-invalid={props.invalid || undefined}
        onChange={(event) => props.onChange(event.target.value)}
      >
        <option value="">None (no agent preselected)</option>
        {AGENT_PRESET_IDS.map((presetId) => {
          const preset = info.get(presetId);
          const note = preset === undefined ? '' : preset.available ? (preset.version !== null ? ` — ${preset.version}` : '') : ' — not available here';
          return (
            <option key={presetId} value={presetId}>
              {(preset?.label ?? presetId) + note}
            </option>
          );
        })}
      </select>
    </Field>
  );
}

function StrategyField(props: FieldProps) {
  const id = useId();
  const helpId = useId();
  const help = `The default for new entries (each can pick its own).${isStrategy(props.value) ? ` ${capitalize(props.value)}: ${STRATEGY_HELP[props.value]}` : ''}`;
  return (
    <Field label="Merge strategy" help={help} id={id} helpId={helpId}>
      <select
        id={id}
        className="input select"
        data-testid="settings-merge-strategy"
        value={props.value}
        aria-describedby={helpId}
        aria-invalid={props.invalid || undefined}
        onChange={(event) => props.onChange(event.target.value)}
      >
        {MERGE_STRATEGIES.map((strategy) => (
          <option key={strategy} value={strategy}>
            {strategy}
          </option>
        ))}
      </select>
    </Field>
  );
}

function CheckboxField(props: FieldProps & { label: string; help: string; testId: string }) {
  const id = useId();
  const helpId = useId();
  return (
    <div className="field">
      <label htmlFor={id} className="checkbox-label">
        <input
          id={id}
          type="checkbox"
          data-testid={props.testId}
          checked={props.value === 'true'}
          aria-describedby={helpId}
          aria-invalid={props.invalid || undefined}
          onChange={(event) => props.onChange(String(event.target.checked))}
        />
        <span className="field-label">{props.label}</span>
      </label>
      <p id={helpId} className="field-help">
        {props.help}
      </p>
    </div>
  );
}
