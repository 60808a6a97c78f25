import { useId, useState, type FormEvent } from 'react';
import { call } from '../../api';
import { Dialog } from '../../components/Dialog';
import { ErrorMessage } from '../../components/ErrorMessage';
import { notify } from '../../components/notices';
import { plural } from '../../lib/format';
import { refreshSessions } from './sessions-store';

const MAX_COUNT = 10;

/**
 * Creates sessions (`sessions.create`). The task is required; agent and base are optional (the
 * base defaults to the main checkout's branch); up to ten sessions of the same task at once.
 * Enter submits, Escape closes; the core's error stays in the dialog.
 */
export function NewSessionDialog({ repo, onClose }: { repo: string; onClose: () => void }) {
  const [task, setTask] = useState('');
  const [agent, setAgent] = useState('');
  const [base, setBase] = useState('');
  const [count, setCount] = useState('1');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const ids = { task: useId(), agent: useId(), base: useId(), count: useId(), error: useId() };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    if (task.trim() === '') {
      setError('Describe the task: every session needs one.');
      return;
    }
    const n = Number(count);
    if (!Number.isInteger(n) || n < 1 || n > MAX_COUNT) {
      setError(`Count must be a whole number from 1 to ${MAX_COUNT}.`);
      return;
    }
    setBusy(true);
    setError(null);
    const result = await call('sessions.create', {
      repo,
      task: task.trim(),
      agent: agent.trim() === '' ? null : agent.trim(),
      ...(base.trim() === '' ? {} : { base: base.trim() }),
      count: n,
    });
    setBusy(false);
    if (!result.ok) {
      setError(result.error.message);
      return;
    }
    void refreshSessions();
    notify({ tone: 'success', title: `Created ${plural(result.value.length, 'session')}`, detail: result.value.map((s) => s.branch).join(', ') });
    onClose();
  };

  return (
    <Dialog title="New session" onClose={onClose} testId="new-session-dialog" busy={busy}>
      <form className="form" noValidate onSubmit={(event) => void submit(event)} aria-describedby={error ? ids.error : undefined}>
        <div className="field">
          <label htmlFor={ids.task} className="field-label">
            Task <span className="required">(required)</span>
          </label>
          <input
            id={ids.task}
            className="input"
            data-testid="new-session-task"
            value={task}
            onChange={(event) => setTask(event.target.value)}
            placeholder="Add a login form"
            maxLength={4000}
            aria-required="true"
            autoFocus
            autoComplete="off"
          />
        </div>
        <div className="field-row">
          <div className="field">
            <label htmlFor={ids.agent} className="field-label">
              Agent
            </label>
            <input
              id={ids.agent}
              className="input"
              data-testid="new-session-agent"
              value={agent}
              onChange={(event) => setAgent(event.target.value)}
              placeholder="claude, codex, aider…"
              maxLength={64}
              autoComplete="off"
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
              value={base}
              onChange={(event) => setBase(event.target.value)}
              placeholder="current branch"
              autoComplete="off"
              spellCheck={false}
            />
          </div>
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
              value={count}
              onChange={(event) => setCount(event.target.value)}
            />
          </div>
        </div>
        <ErrorMessage message={error} testId="new-session-error" id={ids.error} />
        <div className="dialog-actions">
          <button type="button" className="button" data-testid="new-session-cancel" onClick={onClose} disabled={busy}>
            Cancel
          </button>
          <button type="submit" className="button primary" data-testid="new-session-submit" disabled={busy}>
            {busy ? 'Creating…' : Number(count) > 1 ? `Create ${count} sessions` : 'Create session'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
