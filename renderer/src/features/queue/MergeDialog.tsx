import { useEffect, useId, useMemo, useState, type FormEvent, type KeyboardEvent } from 'react';
import { MERGE_STRATEGIES } from '../../../../shared/merge';
import { call } from '../../api';
import { openQueue, openRadar } from '../../app/navigation';
import { Dialog } from '../../components/Dialog';
import { ErrorMessage } from '../../components/ErrorMessage';
import { notify } from '../../components/notices';
import { useStore, useStoreSelector } from '../../lib/create-store';
import { failureText } from '../../lib/command-error';
import { plural } from '../../lib/format';
import { isLive } from '../../models/run-model';
import { applyRun, runsStore } from '../../app/stores/runs-store';
import { sessionStats } from '../../app/stores/session-stats-store';
import { findCard } from '../../models/card-list';
import { sessionsStore } from '../../app/stores/sessions-store';
import { isBase, joinWords } from '../../models/radar-model';
import { radarStore } from '../../app/stores/radar-store';
import { settingsStore } from '../../app/stores/settings-store';
import { buildEnqueueInput, fileSummary, GATE_MAX, isInLine, linePosition, MERGE_MESSAGE_MAX, mergeFormDefaults, STRATEGY_HELP, type MergeForm } from '../../models/queue-model';
import { applyEntry, queueStore, refreshQueue } from '../../app/stores/queue-store';
import { MergeLanding, useLanding } from './MergeLanding';

/**
 * Puts a session in the merge queue (`queue.enqueue`): the strategy (merge, squash, rebase; the
 * settings' by default) and the gate command run on the merged result before the base moves (the
 * settings' by default; empty for none). Opened for one session, or with a session to choose. What
 * the radar predicts against the base, and a live agent, are said before it is queued.
 */
export function MergeDialog({ repo, sessionId, baseBranch, onClose }: { repo: string; sessionId: string | null; baseBranch: string | null; onClose: () => void }) {
  const settings = useStore(settingsStore).settings;
  const { cards } = useStore(sessionsStore);
  const { entries } = useStore(queueStore);
  const { bySession: radar } = useStore(radarStore);
  const { bySession: runs } = useStore(runsStore);
  const [form, setForm] = useState<MergeForm>(() => mergeFormDefaults(settings));
  const [touched, setTouched] = useState(false);
  // The settings may arrive after the dialog opened: their defaults apply until the user edits.
  useEffect(() => {
    if (!touched) setForm(mergeFormDefaults(settings));
  }, [settings, touched]);
  const edit = (patch: Partial<MergeForm>) => {
    setTouched(true);
    setForm((previous) => ({ ...previous, ...patch }));
  };
  const [chosen, setChosen] = useState(sessionId ?? '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const ids = { session: useId(), gate: useId(), gateHelp: useId(), error: useId(), message: useId() };
  // What would land, and the merge commit's message: the queue's own until the person edits it.
  const { landing, error: landingError } = useLanding(repo, chosen);
  const [message, setMessage] = useState<string | undefined>(undefined);
  useEffect(() => setMessage(undefined), [chosen]);
  const ownMessage = form.strategy === 'rebase' || landing === null ? '' : landing.defaultMessages[form.strategy].trimEnd();

  // Sessions that can be queued: not in line or being merged (a parked one goes back in line).
  const { eligible, parked } = useMemo(() => {
    const inLine = new Set(entries.filter(isInLine).map((entry) => entry.sessionId));
    return {
      eligible: cards.filter((card) => !inLine.has(card.session.id)),
      parked: new Set(entries.filter((entry) => entry.state === 'parked').map((entry) => entry.sessionId)),
    };
  }, [cards, entries]);
  const card = findCard(cards, chosen);
  const prediction = chosen !== '' ? radar.get(chosen) : undefined;
  const baseConflict = prediction?.conflictsWith.some(isBase) ?? false;
  const otherConflicts = prediction?.conflictsWith.filter((side) => !isBase(side)) ?? [];
  const agentLive = chosen !== '' && isLive(runs.get(chosen));
  const [stopping, setStopping] = useState(false);
  // The core's answer to "can queueing it do anything?" (already merged, nothing of its own).
  const blocked = useStoreSelector(sessionStats.store, (map) => (chosen === '' ? null : (map.get(chosen)?.stats?.mergeBlocked ?? null)));

  /** The queue parks a session whose agent runs (the core's rule): stop it here, then queue. */
  const stopAgent = async () => {
    setStopping(true);
    setError(null);
    const result = await call('agent.stop', { repo, id: chosen });
    setStopping(false);
    if (!result.ok) {
      setError(failureText(result.error, "stop the session's agent", 'The agent', 'agent.stop'));
      return;
    }
    if (result.value !== null) applyRun(result.value);
  };
  const into = baseBranch ?? card?.session.baseBranch ?? 'the base';

  const submit = async (event?: FormEvent) => {
    event?.preventDefault();
    if (busy) return;
    const built = buildEnqueueInput(repo, chosen, form, message);
    if (!built.ok) {
      setError(built.error);
      return;
    }
    setBusy(true);
    setError(null);
    const result = await call('queue.enqueue', built.input);
    setBusy(false);
    if (!result.ok) {
      setError(failureText(result.error, 'queue the session', 'The merge queue', 'queue.enqueue'));
      return;
    }
    const entry = result.value;
    applyEntry(entry);
    void refreshQueue();
    const position = linePosition(queueStore.get().entries, entry.id);
    notify({
      tone: 'success',
      title: `Queued to merge: ${card?.session.task ?? `session ${entry.sessionId}`}`,
      detail: [position !== null ? `#${position} in line` : entry.state, entry.strategy, entry.gate !== null ? `gate: ${entry.gate}` : 'no gate'].join(' · '),
      testId: `queued-notice-${entry.sessionId}`,
      action: { label: 'Show queue', run: () => openQueue(entry.id) },
    });
    onClose();
  };

  const submitOnCtrlEnter = (event: KeyboardEvent) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) void submit();
  };

  return (
    <Dialog title={card !== undefined && sessionId !== null ? `Merge ${card.session.id}` : 'Merge a session'} onClose={onClose} testId="merge-dialog" busy={busy} wide>
      <form className="form" noValidate onSubmit={(event) => void submit(event)} onKeyDown={submitOnCtrlEnter} aria-describedby={error ? ids.error : undefined}>
        {sessionId !== null && card !== undefined ? (
          <p className="dialog-lead">
            <strong>{card.session.task}</strong> <span className="mono muted">({card.session.branch})</span>
          </p>
        ) : (
          <div className="field">
            <label htmlFor={ids.session} className="field-label">
              Session
            </label>
            <select id={ids.session} className="input select" data-testid="merge-session" value={chosen} onChange={(event) => setChosen(event.target.value)} autoFocus>
              <option value="">Choose a session…</option>
              {eligible.map((each) => (
                <option key={each.session.id} value={each.session.id}>
                  {each.session.id} — {each.session.task}
                  {parked.has(each.session.id) ? ' (parked: back in line)' : ''}
                </option>
              ))}
            </select>
            {eligible.length === 0 ? <p className="field-help">Every session is already in the queue.</p> : null}
          </div>
        )}

        {chosen !== '' ? <MergeLanding landing={landing} error={landingError} /> : null}

        <fieldset className="field fieldset">
          <legend className="field-label">Strategy</legend>
          <div className="strategy-list" role="radiogroup" aria-label="Strategy">
            {MERGE_STRATEGIES.map((strategy) => (
              <label key={strategy} className={`strategy-option${form.strategy === strategy ? ' is-checked' : ''}`}>
                <input
                  type="radio"
                  name="merge-strategy"
                  value={strategy}
                  data-testid={`merge-strategy-${strategy}`}
                  checked={form.strategy === strategy}
                  onChange={() => edit({ strategy })}
                />
                <span className="strategy-name">{strategy}</span>
                <span className="strategy-help">{STRATEGY_HELP[strategy]}</span>
              </label>
            ))}
          </div>
        </fieldset>

        {form.strategy !== 'rebase' && chosen !== '' ? (
          <div className="field">
            <label htmlFor={ids.message} className="field-label">
              {form.strategy === 'merge' ? 'Merge commit message' : 'Squashed commit message'}
            </label>
            <textarea
              id={ids.message}
              className="input mono"
              data-testid="merge-message"
              rows={3}
              value={message ?? ownMessage}
              onChange={(event) => setMessage(event.target.value)}
              maxLength={MERGE_MESSAGE_MAX}
              spellCheck
            />
            {message !== undefined ? (
              <button type="button" className="link-button" data-testid="merge-message-reset" onClick={() => setMessage(undefined)}>
                Use the queue’s own message
              </button>
            ) : null}
          </div>
        ) : null}

        <div className="field">
          <label htmlFor={ids.gate} className="field-label">
            Gate command <span className="required">(optional)</span>
          </label>
          <input
            id={ids.gate}
            className="input mono"
            data-testid="merge-gate"
            value={form.gate}
            onChange={(event) => edit({ gate: event.target.value })}
            placeholder="npm test"
            maxLength={GATE_MAX}
            aria-describedby={ids.gateHelp}
            spellCheck={false}
            autoComplete="off"
            autoFocus={sessionId !== null}
          />
          <p id={ids.gateHelp} className="field-help">
            Runs on the merged result before {into} moves; if it fails, the entry parks and {into} stays as it was. Empty: no gate.
            {settings?.gateCommand ? ' Defaults to the settings’ gate command.' : ''}
          </p>
        </div>

        {baseConflict || otherConflicts.length > 0 ? (
          <div className="warning" data-testid="merge-warnings">
            {baseConflict ? (
              <p>
                The radar predicts conflicts with {into} in {plural(prediction!.conflictFiles.length, 'file')} ({fileSummary(prediction!.conflictFiles)}): the entry will
                park, and its agent can then resolve them.{' '}
                <button type="button" className="link-button" onClick={() => { onClose(); openRadar(chosen); }}>
                  Show the radar
                </button>
              </p>
            ) : null}
            {!baseConflict && otherConflicts.length > 0 ? (
              <p>
                It would conflict with {joinWords(otherConflicts.map((id) => `session ${id}`))}: whichever merges second may park.
              </p>
            ) : null}
          </div>
        ) : null}
        {agentLive ? (
          <div className="warning" data-testid="merge-agent-running" role="status">
            <p>
              Its agent is still running: queued now, the entry would park at once. Stop the agent (its work so far stays in the worktree), or let it finish
              first.
            </p>
            <button type="button" className="button small danger-ghost" data-testid="merge-stop-agent" disabled={stopping || busy} onClick={() => void stopAgent()}>
              {stopping ? 'Stopping…' : 'Stop the agent'}
            </button>
          </div>
        ) : null}
        {blocked !== null ? (
          <p className="warning" data-testid="merge-blocked" role="status">
            {blocked.charAt(0).toUpperCase() + blocked.slice(1)}.
          </p>
        ) : null}

        <ErrorMessage message={error} testId="merge-error" id={ids.error} />
        <div className="dialog-actions">
          <button type="button" className="button" onClick={onClose} disabled={busy}>
            Cancel
          </button>
          <button type="submit" className="button primary" data-testid="merge-submit" disabled={busy || chosen === '' || agentLive || blocked !== null}>
            {busy ? 'Queueing…' : `Queue to merge into ${into}`}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
