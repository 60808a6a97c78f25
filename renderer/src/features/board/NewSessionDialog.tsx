import { useEffect, useId, useState, type FormEvent, type KeyboardEvent } from 'react';
import type { RunMode } from '../../../../shared/agents';
import { call } from '../../api';
import { openCompare } from '../../app/navigation';
import { Dialog } from '../../components/Dialog';
import { ErrorMessage } from '../../components/ErrorMessage';
import { notify } from '../../components/notices';
import { useStore } from '../../lib/create-store';
import { plural } from '../../lib/format';
import { loadPresets, presetsStore } from '../../app/stores/presets-store';
import { refreshRuns } from '../../app/stores/runs-store';
import { settingsStore } from '../../app/stores/settings-store';
import { buildCreateInput, defaultAgentProblem, hostTerminalNote, initialPreset, MAX_COUNT, modeWhere, submitLabel, type NewSessionForm } from './new-session-form';
import { WhereField, useHosts } from './WhereField';
import { presetsOnHost } from '../../models/host-presets';
import { Relative } from '../../components/TimeSince';
import { PresetPicker } from './PresetPicker';
import { refreshSessions } from '../../app/stores/sessions-store';

/**
 * Creates sessions (`sessions.create`): a task; an agent preset (detected version, or why it cannot
 * run), interactive or headless; how many (more than one is a best-of-N run of the same task, to
 * compare and keep one); a base branch (default: the main checkout's); where (this machine or an
 * added SSH host, issue 17: headless only there). With a preset the core
 * starts the agent at once; "No agent" is a plain worktree. Ctrl/Cmd+Enter submits, Escape closes;
 * the core's error stays in the dialog.
 */
export function NewSessionDialog({ repo, onClose }: { repo: string; onClose: () => void }) {
  const presets = useStore(presetsStore);
  const defaultAgent = useStore(settingsStore).settings?.defaultAgent ?? null;
  const [form, setForm] = useState<NewSessionForm>({ task: '', agent: '', base: '', count: '1', mode: 'interactive', host: '' });
  const [agentTouched, setAgentTouched] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const hosts = useHosts();
  const ids = { task: useId(), agent: useId(), base: useId(), count: useId(), error: useId(), help: useId() };
  const set = (patch: Partial<NewSessionForm>) => setForm((previous) => ({ ...previous, ...patch }));

  useEffect(() => {
    void loadPresets();
  }, []);
  // Preselects the default agent once the presets are known, unless the user already chose.
  useEffect(() => {
    if (agentTouched || presets.status !== 'ready') return;
    setForm((previous) => ({ ...previous, agent: initialPreset(presets.presets, defaultAgent) ?? '' }));
  }, [presets, defaultAgent, agentTouched]);

  const host = form.host ?? '';
  const settings = useStore(settingsStore).settings;
  // With a host chosen, its agents as its last check found them, not this machine's (issue 17).
  const hostRecord = host !== '' && hosts.status === 'ready' ? hosts.hosts.find((h) => h.name === host) : undefined;
  const onHost = hostRecord ? presetsOnHost(presets.presets, hostRecord, Object.fromEntries(Object.entries(settings?.agents ?? {}).map(([id, o]) => [id, o.path]))) : null;
  const shown = onHost ? onHost.map((p) => p.preset) : presets.presets;
  const chosen = shown.find((preset) => preset.id === form.agent);
  const withAgent = chosen !== undefined;
  const listed = presets.status === 'ready';
  const many = Number(form.count) > 1;
  const mode = modeWhere(chosen, form.mode);
  const hostTmux = hostRecord?.check.tmux?.ok;
  const terminalNote = withAgent ? hostTerminalNote(host, mode, hostTmux) : null;

  const submit = async (event?: FormEvent) => {
    event?.preventDefault();
    if (busy) return;
    if (chosen && !chosen.available) {
      setError(`${chosen.label}: ${chosen.problem ?? 'it cannot run there'}`);
      return;
    }
    const built = buildCreateInput(repo, { ...form, mode });
    if (!built.ok) {
      setError(built.error);
      return;
    }
    setBusy(true);
    setError(null);
    const result = await call('sessions.create', built.input);
    setBusy(false);
    if (!result.ok) {
      setError(result.error.message);
      return;
    }
    const created = result.value;
    void refreshSessions();
    if (withAgent) void refreshRuns();
    notify({
      tone: 'success',
      title: `${withAgent ? `Started ${plural(created.length, `${chosen.label} session`)}` : `Created ${plural(created.length, 'session')}`}${host !== '' ? ` on ${host}` : ''}`,
      detail: created.map((s) => s.branch).join(', '),
      ...(created.length > 1 ? { action: { label: 'Compare them', run: () => openCompare(created.map((s) => s.id)) } } : {}),
    });
    onClose();
  };

  const submitOnCtrlEnter = (event: KeyboardEvent) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) void submit();
  };

  return (
    <Dialog title="New session" onClose={onClose} testId="new-session-dialog" busy={busy} wide>
      <form className="form" noValidate onSubmit={(event) => void submit(event)} onKeyDown={submitOnCtrlEnter} aria-describedby={error ? ids.error : undefined}>
        <div className="field">
          <label htmlFor={ids.task} className="field-label">
            Task <span className="required">(required)</span>
          </label>
          <textarea
            id={ids.task}
            className="input textarea"
            data-testid="new-session-task"
            value={form.task}
            onChange={(event) => set({ task: event.target.value })}
            placeholder="Add a login form"
            maxLength={4000}
            rows={3}
            aria-required="true"
            aria-describedby={ids.help}
            autoFocus
            autoComplete="off"
          />
          <p id={ids.help} className="field-help">
            What the agent is asked to do. Ctrl+Enter creates.
          </p>
        </div>

        <WhereField hosts={hosts} value={host} disabled={busy} onChange={(next) => set({ host: next })} />

        <fieldset className="field fieldset">
          <legend className="field-label">Agent</legend>
          {listed ? (
            <PresetPicker
              presets={shown}
              {...(onHost ? { statusOf: (preset) => onHost.find((p) => p.preset.id === preset.id)?.status ?? '' } : {})}
              value={form.agent}
              disabled={busy}
              onChange={(agent) => {
                setAgentTouched(true);
                set({ agent });
              }}
            />
          ) : presets.status === 'error' ? (
            <>
              <p className="error-message" role="alert" data-testid="new-session-presets-error">
                Could not list the agents: {presets.error}
              </p>
              <label htmlFor={ids.agent} className="field-help">
                Agent name (a label only; no agent is started)
              </label>
              <input
                id={ids.agent}
                className="input"
                data-testid="new-session-agent"
                value={form.agent}
                onChange={(event) => set({ agent: event.target.value })}
                placeholder="claude, codex, aider…"
                maxLength={64}
                autoComplete="off"
              />
            </>
          ) : (
            <p className="muted" aria-busy="true">
              Looking for agents on this machine…
            </p>
          )}
          {listed && hostRecord ? (
            <p className="field-help" data-testid="new-session-presets-host">
              The agent CLIs on {hostRecord.name}, as its last check found them: <Relative at={hostRecord.check.checkedAt} />.
            </p>
          ) : null}
          {listed && presets.refreshing && !hostRecord ? (
            <p className="field-help" aria-busy="true" data-testid="new-session-presets-refreshing">
              Checking the agents on this machine again…
            </p>
          ) : null}
          {listed && !agentTouched && !presets.refreshing ? <DefaultAgentNote problem={defaultAgentProblem(presets.presets, defaultAgent)} /> : null}
        </fieldset>

        <div className="field-row">
          <fieldset className="field fieldset field-mode" disabled={!withAgent || busy}>
            <legend className="field-label">Mode</legend>
            <div className="segmented" role="radiogroup" aria-label="Mode">
              {(['interactive', 'headless'] as RunMode[]).map((option) => (
                <label key={option} className={`segment${mode === option ? ' is-checked' : ''}`}>
                  <input
                    type="radio"
                    name="run-mode"
                    value={option}
                    data-testid={`new-session-mode-${option}`}
                    checked={mode === option}
                    disabled={chosen !== undefined && chosen.modes.length > 0 && !chosen.modes.includes(option)}
                    onChange={() => set({ mode: option })}
                  />
                  {option}
                </label>
              ))}
            </div>
          </fieldset>
          <div className="field field-narrow">
            <label htmlFor={ids.count} className="field-label">
              Count
            </label>
            <input
              id={ids.count}
              className="input"
              data-testid="new-session-count"
              type="number"
              min={1}
              max={MAX_COUNT}
              step={1}
              value={form.count}
              onChange={(event) => set({ count: event.target.value })}
            />
          </div>
          <div className="field">
            <label htmlFor={ids.base} className="field-label">
              Base branch
            </label>
            <input
              id={ids.base}
              className="input mono"
              data-testid="new-session-base"
              value={form.base}
              onChange={(event) => set({ base: event.target.value })}
              placeholder="current branch"
              autoComplete="off"
              spellCheck={false}
            />
          </div>
        </div>
        {terminalNote !== null ? (
          <p className="field-help" data-testid="new-session-mode-host">
            {terminalNote}
          </p>
        ) : null}
        <p className="field-help" data-testid="new-session-summary">
          {!withAgent
            ? many
              ? `${form.count} worktrees for the same task${host !== '' ? ` on ${host}` : ''}, no agent started.`
              : `A worktree and branch${host !== '' ? ` on ${host}` : ''}; no agent is started.`
            : mode === 'interactive'
              ? `The agent starts at once in a terminal you can type into${many ? `, in each of ${form.count} sessions: best of ${form.count}, to compare and keep one` : ''}.`
              : `The agent runs on its own until done${host !== '' ? ` on ${host}` : ''}${many ? `, in each of ${form.count} sessions: best of ${form.count}, to compare and keep one` : ''}.`}
        </p>
        <ErrorMessage message={error} testId="new-session-error" id={ids.error} />
        <div className="dialog-actions">
          <button type="button" className="button" data-testid="new-session-cancel" onClick={onClose} disabled={busy}>
            Cancel
          </button>
          <button type="submit" className="button primary" data-testid="new-session-submit" disabled={busy}>
            {busy ? 'Creating…' : submitLabel(form)}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

function DefaultAgentNote({ problem }: { problem: string | null }) {
  if (problem === null) return null;
  return (
    <p className="field-help preset-problem" data-testid="new-session-default-problem">
      {problem}
    </p>
  );
}
