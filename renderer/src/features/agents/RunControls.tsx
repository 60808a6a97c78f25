import { useEffect, useId, useState } from 'react';
import { AGENT_PRESET_IDS, type AgentPresetId, type AgentRun, type RunMode } from '../../../../shared/agents';
import type { ContextStatus, Session } from '../../../../shared/models';
import type { Result } from '../../../../shared/errors';
import { call } from '../../api';
import { ErrorMessage } from '../../components/ErrorMessage';
import { notify } from '../../components/notices';
import { useStore } from '../../lib/create-store';
import { formatTimestamp } from '../../lib/format';
import { loadPresets, presetsStore } from '../../app/stores/presets-store';
import { connectionText, isPresetId, runActions, runChipLabel, runFacts } from '../../models/run-model';
import { RunStateChip } from './RunStateChip';
import { followUpNotice, followUpPlan } from '../../models/follow-up-plan';
import { applyRun, useRun } from '../../app/stores/runs-store';

/**
 * The session's agent run in the session header: its state (with the reason, exit code and cost
 * when it ended) and Start / Stop / Resume. A session created without a preset picks one here.
 */
export function RunControls({ repo, session, status }: { repo: string; session: Session; status?: ContextStatus }) {
  const run = useRun(session.id);
  const [preset, setPreset] = useState<AgentPresetId | ''>('');
  const [busy, setBusy] = useState<'start' | 'stop' | 'resume' | null>(null);
  const [error, setError] = useState<string | null>(null);
  const selectId = useId();
  const ownPreset = isPresetId(session.agent) ? session.agent : null;
  const actions = runActions(run, ownPreset !== null || preset !== '');
  // One agent picker: the follow-up box's when it would start an agent with what is typed (a session
  // without one), else the run line's; both start the agent chosen there.
  const followUpPicks = followUpPlan(run, session.agent, preset === '' ? null : preset).kind === 'start';

  const act = async (kind: 'start' | 'stop' | 'resume') => {
    setBusy(kind);
    setError(null);
    let result: Result<AgentRun | null>;
    if (kind === 'stop') result = await call('agent.stop', { repo, id: session.id });
    else
      result = await call('agent.start', {
        repo,
        id: session.id,
        ...(ownPreset === null && preset !== '' ? { preset } : {}),
        ...(kind === 'resume' ? { resume: true } : {}),
      });
    setBusy(null);
    if (!result.ok) {
      setError(`Could not ${kind} the agent: ${result.error.message}`);
      return;
    }
    if (result.value !== null) applyRun(result.value);
    if (kind === 'stop') notify({ tone: 'info', title: `Stopped the agent of session ${session.id}` });
  };

  const facts = run !== undefined ? runFacts(run) : [];
  return (
    <div className="run-controls" data-testid="run-controls">
      <div className="run-line">
        <span className="run-label">Agent run</span>
        <RunStateChip
          state={run?.state ?? 'none'}
          label={run && status !== undefined ? (runChipLabel(run, status) ?? undefined) : undefined}
          testId="run-state"
          title={run ? (connectionText(run) ?? `Started ${formatTimestamp(run.startedAt)}`) : undefined}
        />
        {run !== undefined ? (
          <>
            <span className="muted">{run.preset} · {run.mode}</span>
            {facts.length > 0 ? (
              <span className="run-facts" data-testid="run-facts">
                {facts.join(' · ')}
              </span>
            ) : null}
          </>
        ) : null}
        <span className="spacer" />
        {ownPreset === null && !actions.stop && !followUpPicks ? (
          <span className="run-preset-pick">
            <label htmlFor={selectId} className="sr-only">
              Agent preset
            </label>
            <PresetSelect id={selectId} value={preset} onChange={setPreset} />
          </span>
        ) : null}
        {!actions.stop ? (
          <button
            type="button"
            className="button small primary"
            data-testid="run-start"
            disabled={busy !== null || !actions.start}
            title={actions.start ? undefined : followUpPicks ? 'Choose an agent first (below)' : 'Choose an agent first'}
            onClick={() => void act('start')}
          >
            {busy === 'start' ? 'Starting…' : run !== undefined ? 'Start again' : 'Start'}
          </button>
        ) : null}
        {actions.resume ? (
          <button type="button" className="button small" data-testid="run-resume" disabled={busy !== null} onClick={() => void act('resume')} title="Continue the last run's conversation">
            {busy === 'resume' ? 'Resuming…' : 'Resume'}
          </button>
        ) : null}
        {actions.stop ? (
          <button type="button" className="button small danger-ghost" data-testid="run-stop" disabled={busy !== null} onClick={() => void act('stop')}>
            {busy === 'stop' ? 'Stopping…' : 'Stop'}
          </button>
        ) : null}
      </div>
      {run !== undefined && connectionText(run) !== null ? (
        <p className="run-reason run-reason-disconnected" data-testid="run-connection">
          Disconnected: {connectionText(run)}
        </p>
      ) : null}
      {run !== undefined && run.reason !== null && run.state !== 'done' ? (
        <p className={`run-reason run-reason-${run.state}`} data-testid="run-reason">
          {run.state === 'interrupted' ? 'Interrupted' : run.state === 'stopped' ? 'Stopped' : 'Failed'}: {run.reason}
        </p>
      ) : null}
      <ErrorMessage message={error} testId="run-error" />
      <FollowUp repo={repo} session={session} run={run} chosen={preset} setChosen={setPreset} />
    </div>
  );
}

/**
 * A follow-up for the session's agent, in every state (as agent.followUp, through council.send so
 * that it is kept in the session's conversation): sent to a running
 * interactive agent, queued for a running headless one, an ended one resumed with it, or — no agent
 * yet, or one that cannot be resumed — an agent started with it (its preset and mode chosen here).
 * The button says which (models/follow-up-plan.ts).
 */
function FollowUp({ repo, session, run, chosen, setChosen }: { repo: string; session: Session; run: AgentRun | undefined; chosen: AgentPresetId | ''; setChosen: (preset: AgentPresetId | '') => void }) {
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [mode, setMode] = useState<RunMode>('interactive');
  const inputId = useId();
  const presetId = useId();
  const modeId = useId();
  const plan = followUpPlan(run, session.agent, chosen === '' ? null : chosen);
  const startPreset = plan.kind === 'start' ? plan.preset : null;
  const send = async () => {
    if (text.trim() === '') return;
    if (plan.kind === 'start' && startPreset === null) {
      setError('Choose the agent to start with this follow-up');
      return;
    }
    setBusy(true);
    setError(null);
    // A message to the session (council.send): delivered as agent.followUp does, and kept in the
    // repository's message log (the session's conversation); refused, and not kept, when no agent
    // can take it.
    const result = await call('council.send', {
      repo,
      to: session.id,
      text,
      unsent: 'refuse',
      ...(plan.kind === 'start' && startPreset !== null ? { start: { agent: startPreset, mode } } : {}),
    });
    setBusy(false);
    if (!result.ok) {
      setError(result.error.message);
      return;
    }
    const sent = result.value.deliveries[0];
    setText('');
    if (sent === undefined || sent.delivered === 'logged' || sent.delivered === 'failed') {
      setError(sent?.note ?? 'the follow-up was not delivered');
      return;
    }
    if (sent.run) applyRun(sent.run);
    notify({ tone: 'success', title: followUpNotice(sent.delivered, sent.run?.mode ?? null), detail: sent.note, testId: 'follow-up-sent' });
  };
  return (
    <form
      className="follow-up"
      data-testid="follow-up"
      data-plan={plan.kind}
      onSubmit={(event) => {
        event.preventDefault();
        void send();
      }}
    >
      <label htmlFor={inputId} className="sr-only">
        Follow-up for the agent
      </label>
      <input id={inputId} className="input" data-testid="follow-up-text" placeholder={plan.placeholder} value={text} maxLength={8000} onChange={(event) => setText(event.target.value)} disabled={busy} />
      {plan.kind === 'start' ? (
        <>
          <label htmlFor={presetId} className="sr-only">
            Agent to start
          </label>
          <PresetSelect id={presetId} value={startPreset ?? ''} onChange={setChosen} testId="follow-up-preset" />
          <label htmlFor={modeId} className="sr-only">
            How it runs
          </label>
          <select id={modeId} className="input select small" data-testid="follow-up-mode" value={mode} onChange={(event) => setMode(event.target.value as RunMode)}>
            <option value="interactive">interactive</option>
            <option value="headless">headless</option>
          </select>
        </>
      ) : null}
      <button type="submit" className="button small" data-testid="follow-up-send" disabled={busy || text.trim() === ''}>
        {busy ? 'Sending…' : plan.action}
      </button>
      {plan.kind === 'start' && plan.why !== null ? (
        <span className="field-help follow-up-why" data-testid="follow-up-why">
          {plan.why}
        </span>
      ) : null}
      <ErrorMessage message={error} testId="follow-up-error" />
    </form>
  );
}

/** The presets for a session created without one; those not found here are listed but disabled. */
function PresetSelect({ id, value, onChange, testId = 'run-preset' }: { id: string; value: AgentPresetId | ''; onChange: (value: AgentPresetId | '') => void; testId?: string }) {
  const { presets } = useStore(presetsStore);
  useEffect(() => {
    // Detection runs every agent program (seconds of CPU): once, not on every session opened,
    // where it would compete with the session's diff loading. The settings and the new-session
    // dialog detect again (a program installed meanwhile).
    if (presetsStore.get().status === 'idle') void loadPresets();
  }, []);
  const info = new Map(presets.map((preset) => [preset.id, preset]));
  return (
    <select id={id} className="input select small" data-testid={testId} value={value} onChange={(event) => onChange(event.target.value as AgentPresetId | '')}>
      <option value="">Choose an agent…</option>
      {AGENT_PRESET_IDS.map((presetId) => {
        const preset = info.get(presetId);
        return (
          <option key={presetId} value={presetId} disabled={preset !== undefined && !preset.available}>
            {(preset?.label ?? presetId) + (preset !== undefined && !preset.available ? ' (not available here)' : '')}
          </option>
        );
      })}
    </select>
  );
}
