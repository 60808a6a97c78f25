import { useEffect, useId, useState, type FormEvent, type ReactNode } from 'react';
import { AGENT_PRESET_IDS } from '../../../../shared/agents';
import { ErrorMessage } from '../../components/ErrorMessage';
import { useStore } from '../../lib/create-store';
import { loadPresets, presetsStore } from '../agents/presets-store';
import { formFromSettings, parseSettingsForm, type SettingsField, type SettingsForm } from './settings-form';
import { saveSettings, settingsStore } from './settings-store';

/**
 * The repository's settings: worktrees (where they go, files copied in, a setup command), agents
 * (the default preset, the custom preset's command), the executor (how many at once, retries) and
 * the check command best-of-N comparisons run. The core validates too; its message is shown under
 * the form.
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
    setForm(formFromSettings(settings));
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
    setBusy(true);
    setError(null);
    const message = await saveSettings(parsed.patch);
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
