import { useEffect, useId, useState, type FormEvent, type ReactNode } from 'react';
import { AGENT_PRESET_IDS, type AgentPresetInfo } from '../../../../shared/agents';
import { TOP_LEVEL_SETTING_KEYS, type AgentSettingField, type SettingEntry, type SettingsScope, type SettingsView } from '../../../../shared/settings';
import { ErrorMessage } from '../../components/ErrorMessage';
import { useStore } from '../../lib/create-store';
import { capitalize } from '../../lib/format';
import { loadPresets, presetsStore } from '../../app/stores/presets-store';
import { STRATEGY_HELP } from '../../models/queue-model';
import { HostsSettings } from './HostsSettings';
import { agentFieldText, FIELD_TEXT, SECTIONS, type FieldText } from './field-text';
import { effectiveLine, formFor, inheritedValue, NONE, scopeChange, showValue, SOURCE_WORDS, type ScopeForm } from './scope-form';
import { refreshSettings, saveSettings, settingsStore } from '../../app/stores/settings-store';

/**
 * Settings in two scopes: this repository's (overrides) and the user's (every repository on this
 * machine). The form edits one scope at a time; each field shows what that scope holds (empty: not
 * set there, the scope below applies), and under it the value in effect in this repository and
 * where it comes from. Agents: the default preset, the custom command, and for each preset its
 * program path, model, extra arguments and environment. Only the fields changed are saved, in one
 * atomic write; the core validates again and its message is shown under the form.
 */
export function SettingsScreen() {
  const { view, status, error: loadError } = useStore(settingsStore);
  const [scope, setScope] = useState<SettingsScope>('repository');
  const [initial, setInitial] = useState<ScopeForm | null>(null);
  const [form, setForm] = useState<ScopeForm | null>(null);
  const [dirty, setDirty] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<{ key: string | null; message: string } | null>(null);
  const [saved, setSaved] = useState(false);

  useEffect(() => {
    // The user's file may have been changed from the command line meanwhile.
    void refreshSettings();
    void loadPresets();
  }, []);
  // Follows the stored settings (changed elsewhere too) until the user starts editing.
  useEffect(() => {
    if (view === null || dirty) return;
    const next = formFor(view, scope);
    setInitial(next);
    setForm(next);
  }, [view, scope, dirty]);

  const switchScope = (next: SettingsScope) => {
    setScope(next);
    setDirty(false);
    setError(null);
    setSaved(false);
  };

  const edit = (key: string) => (value: string) => {
    setForm((previous) => (previous === null ? previous : { ...previous, [key]: value }));
    setDirty(true);
    setSaved(false);
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (form === null || initial === null || view === null) return;
    const change = scopeChange(view, initial, form);
    if (!change.ok) {
      setError({ key: change.key, message: change.message });
      return;
    }
    setBusy(true);
    setError(null);
    const message = await saveSettings(scope, change);
    setBusy(false);
    if (message !== null) {
      setError({ key: null, message });
      return;
    }
    setDirty(false);
    setSaved(true);
  };

  if (status === 'loading' || (status === 'idle' && view === null)) return <p className="muted">Loading settings…</p>;
  if (view === null || form === null) return <ErrorMessage message={`Could not load the settings: ${loadError}`} />;
  const entries = new Map(view.entries.map((entry) => [entry.key, entry]));
  const field = (entry: SettingEntry, text: FieldText, choices?: Choice[]) => (
    <SettingField key={entry.key} entry={entry} scope={scope} text={text} value={form[entry.key] ?? ''} onChange={edit(entry.key)} invalid={error?.key === entry.key} choices={choices} />
  );
  const listed = new Set<string>(SECTIONS.flatMap((section) => section.keys));
  const others = TOP_LEVEL_SETTING_KEYS.filter((key) => !listed.has(key));

  return (
    <section className="settings-screen" aria-labelledby="settings-heading">
      <div className="screen-header">
        <h1 id="settings-heading" className="screen-title">
          Settings
        </h1>
      </div>
      <form className="form settings-form" noValidate onSubmit={(event) => void submit(event)}>
        <ScopeSwitch scope={scope} view={view} onChange={switchScope} />
        {SECTIONS.map((section) => (
          <div key={section.title} className="settings-group">
            <h2 className="settings-section">{section.title}</h2>
            {section.keys.map((key) => {
              const entry = entries.get(key);
              if (!entry) return null;
              return field(entry, FIELD_TEXT[key]);
            })}
            {section.title === 'Agents' ? <PresetsSettings entries={entries} field={field} /> : null}
          </div>
        ))}
        {others.length ? (
          <div className="settings-group">
            <h2 className="settings-section">Other</h2>
            {others.map((key) => {
              const entry = entries.get(key);
              return entry ? field(entry, { label: key, help: entry.about, testId: `settings-${key}` }) : null;
            })}
          </div>
        ) : null}

        <ErrorMessage message={error?.message ?? null} testId="settings-error" />
        <div className="form-actions">
          <button type="submit" className="button primary" data-testid="settings-save" disabled={busy}>
            {busy ? 'Saving…' : scope === 'user' ? 'Save for all repositories' : 'Save for this repository'}
          </button>
          {saved ? (
            <span className="saved" role="status" data-testid="settings-saved">
              ✓ Saved
            </span>
          ) : null}
        </div>
      </form>
      <HostsSettings />
    </section>
  );
}

function ScopeSwitch({ scope, view, onChange }: { scope: SettingsScope; view: SettingsView; onChange: (scope: SettingsScope) => void }) {
  const options: { scope: SettingsScope; label: string }[] = [
    { scope: 'repository', label: 'This repository' },
    { scope: 'user', label: 'All repositories (user)' },
  ];
  const file = scope === 'user' ? view.files.user : view.files.repository;
  return (
    <div className="settings-scope">
      <div className="segmented" role="radiogroup" aria-label="Which settings to edit">
        {options.map((option) => (
          <label key={option.scope} className={`segment scope-segment${scope === option.scope ? ' is-checked' : ''}`}>
            <input type="radio" name="settings-scope" value={option.scope} data-testid={`settings-scope-${option.scope}`} checked={scope === option.scope} onChange={() => onChange(option.scope)} />
            {option.label}
          </label>
        ))}
      </div>
      <p className="field-help" data-testid="settings-scope-help">
        {scope === 'user'
          ? 'For every repository on this machine, unless a repository sets its own. '
          : 'For this repository only: a value set here overrides your user settings. An empty field is not set here. '}
        Saved in <code className="mono">{file}</code>.
      </p>
    </div>
  );
}

/** An option of a select ('' for "not set here" and NONE are added by the field). */
type Choice = { value: string; label: string };

/** The presets, each with whether it was found here (when `agents.list` answered). */
function presetChoices(presets: AgentPresetInfo[]): Choice[] {
  const info = new Map(presets.map((preset) => [preset.id, preset]));
  return AGENT_PRESET_IDS.map((id) => {
    const preset = info.get(id);
    const note = preset === undefined ? '' : preset.available ? (preset.version !== null ? ` — ${preset.version}` : '') : ' — not available here';
    return { value: id, label: (preset?.label ?? id) + note };
  });
}

function SettingField(props: { entry: SettingEntry; scope: SettingsScope; text: FieldText; value: string; onChange: (value: string) => void; invalid: boolean; choices?: Choice[] }) {
  const { entry, scope, text } = props;
  const id = useId();
  const helpId = useId();
  const { presets } = useStore(presetsStore);
  const inherited = inheritedValue(entry, scope);
  const inheritLabel = inherited ? `${showValue(inherited.value)} — from ${SOURCE_WORDS[inherited.from]}` : null;
  const common = {
    id,
    'data-testid': text.testId,
    value: props.value,
    'aria-describedby': helpId,
    'aria-invalid': props.invalid || undefined,
  };
  let control: ReactNode;
  if (entry.kind === 'boolean' || entry.kind === 'enum' || entry.kind === 'nullable-enum') {
    const choices = entry.key === 'defaultAgent' ? presetChoices(presets) : props.choices ? props.choices : entry.kind === 'boolean' ? [{ value: 'true', label: 'Yes' }, { value: 'false', label: 'No' }] : (entry.values ?? []).map((value) => ({ value, label: value }));
    const label = (value: string) => choices.find((choice) => choice.value === value)?.label ?? value;
    const inheritText = inherited ? `${entry.kind === 'boolean' ? (inherited.value ? 'Yes' : 'No') : inherited.value === null ? 'None' : label(String(inherited.value))} — from ${SOURCE_WORDS[inherited.from]}` : 'nothing';
    control = (
      <select {...common} className="input select" onChange={(event) => props.onChange(event.target.value)}>
        <option value="">Not set here (inherits {inheritText})</option>
        {entry.kind === 'nullable-enum' ? <option value={NONE}>None</option> : null}
        {choices.map((choice) => (
          <option key={choice.value} value={choice.value}>
            {choice.label}
          </option>
        ))}
      </select>
    );
  } else if (entry.kind === 'list' || entry.kind === 'map') {
    control = (
      <textarea
        {...common}
        className={`input textarea${text.mono ? ' mono' : ''}`}
        rows={3}
        spellCheck={false}
        placeholder={inheritLabel ? `Not set here (inherits ${inheritLabel})` : text.placeholder}
        onChange={(event) => props.onChange(event.target.value)}
      />
    );
  } else {
    control = (
      <input
        {...common}
        className={`input${text.mono ? ' mono' : ''}`}
        inputMode={entry.kind === 'int' ? 'numeric' : undefined}
        spellCheck={false}
        autoComplete="off"
        placeholder={
          entry.kind === 'int'
            ? inherited
              ? `${showValue(inherited.value)} (${inherited.from === 'user' ? 'user' : 'default'})`
              : undefined
            : inheritLabel
              ? `Not set here (inherits ${inheritLabel})`
              : text.placeholder
                ? `Not set here (e.g. ${text.placeholder})`
                : 'Not set here'
        }
        onChange={(event) => props.onChange(event.target.value)}
      />
    );
  }
  return (
    <div className={`field${entry.kind === 'int' ? ' field-medium' : ''}`}>
      <label htmlFor={id} className="field-label">
        {text.label}
      </label>
      {control}
      <p id={helpId} className="field-help">
        {text.help}
        {entry.key === 'mergeStrategy' && typeof entry.effective === 'string' ? ` ${capitalize(entry.effective)}: ${STRATEGY_HELP[entry.effective as keyof typeof STRATEGY_HELP] ?? ''}` : ''}
      </p>
      <p className={`field-effective source-${entry.source}`} data-testid={`${text.testId}-effective`}>
        {effectiveLine(entry, scope)}
      </p>
    </div>
  );
}

/** Every preset's own settings, each in a fold with whether its program is found here. */
function PresetsSettings({ entries, field }: { entries: Map<string, SettingEntry>; field: (entry: SettingEntry, text: FieldText) => ReactNode }) {
  const { presets, refreshing } = useStore(presetsStore);
  const info = new Map(presets.map((preset) => [preset.id, preset]));
  return (
    <div className="preset-settings-list">
      <p className="field-help">Each preset's program, model, extra arguments and environment. A change here is checked at once: the status beside each preset follows it.</p>
      {AGENT_PRESET_IDS.map((id) => {
        const preset = info.get(id);
        const own = [...entries.values()].filter((entry) => entry.key.startsWith(`agents.${id}.`));
        const status = preset === undefined ? (refreshing ? 'checking…' : '') : preset.available
                ? `found: ${preset.path ?? preset.binary}${preset.version ? ` (${preset.version})` : preset.warning ? ' (version unknown: it did not answer in time)' : ''}`
                : 'not available here';
        return (
          <details key={id} className="preset-settings" data-testid={`settings-preset-${id}`} open={own.some((entry) => entry.source !== 'default') || undefined}>
            <summary>
              <span className="preset-settings-name">{preset?.label ?? id}</span>
              <span className={`preset-settings-status${preset && !preset.available ? ' preset-problem' : ''}`} data-testid={`settings-preset-status-${id}`}>
                {status}
              </span>
              {preset?.noMcp ? (
                <span className="state-badge" data-testid={`settings-preset-nomcp-tag-${id}`} title={preset.noMcp}>
                  no MCP tools
                </span>
              ) : null}
            </summary>
            {preset?.problem ? (
              <p className="field-help preset-problem" data-testid={`settings-preset-problem-${id}`}>
                {preset.problem}
              </p>
            ) : null}
            {preset?.noMcp ? (
              <p className="field-help" data-testid={`settings-preset-nomcp-${id}`}>
                No council tools (MCP) for this preset&apos;s agent: {preset.noMcp}.
              </p>
            ) : null}
            <div className="preset-settings-body">{own.map((entry) => field(entry, agentFieldText(id, entry.key.split('.')[2] as AgentSettingField)))}</div>
          </details>
        );
      })}
    </div>
  );
}
