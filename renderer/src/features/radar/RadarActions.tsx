import { useId, useState } from 'react';
import { call } from '../../api';
import { openQueue } from '../../app/navigation';
import { refreshQueue } from '../../app/stores/queue-store';
import { Dialog } from '../../components/Dialog';
import { ErrorMessage } from '../../components/ErrorMessage';
import { notify } from '../../components/notices';
import { joinWords } from '../../models/radar-model';

/**
 * What the radar lets a person do about a conflict, besides looking: send one session's agent a note
 * (agent.followUp: typed into its running terminal), or put one session in the merge queue first
 * (queue.enqueue), after saying what that means for the others.
 */

/** A small box under a pair: the note, prefilled, editable; Send delivers it to the session's agent
 * (agent.followUp: typed into a running interactive agent's terminal, queued for a headless one, an
 * ended one resumed with it), and the box says which; a session without an agent is refused, why said. */
export function TellAgentBox({ repo, sessionId, initial, onClose }: { repo: string; sessionId: string; initial: string; onClose: () => void }) {
  const [text, setText] = useState(initial);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  /** What the core said it did with the note (typed into the terminal, queued, the agent resumed …). */
  const [sent, setSent] = useState<string | null>(null);
  const labelId = useId();
  const send = async () => {
    setBusy(true);
    setError(null);
    const result = await call('agent.followUp', { repo, id: sessionId, text });
    setBusy(false);
    if (!result.ok) setError(result.error.message);
    else setSent(result.value.note);
  };
  return (
    <div className="radar-tell" data-testid="radar-tell-box">
      <label id={labelId} className="radar-tell-label" htmlFor={`${labelId}-text`}>
        Note for session <span className="mono">{sessionId}</span>&apos;s agent (typed into its terminal)
      </label>
      <textarea
        id={`${labelId}-text`}
        className="input radar-tell-text"
        data-testid="radar-tell-text"
        rows={4}
        maxLength={8000}
        value={text}
        onChange={(event) => {
          setText(event.target.value);
          setSent(null);
        }}
        disabled={busy}
      />
      <ErrorMessage message={error} testId="radar-tell-error" />
      <div className="radar-tell-actions">
        {sent !== null ? (
          <span className="radar-tell-sent" role="status" data-testid="radar-tell-sent">
            ✓ Sent to {sessionId}&apos;s agent: <span className="radar-tell-how">{sent}</span>
          </span>
        ) : null}
        <span className="spacer" />
        <button type="button" className="button small ghost" data-testid="radar-tell-cancel" onClick={onClose} disabled={busy}>
          {sent !== null ? 'Close' : 'Cancel'}
        </button>
        <button type="button" className="button small primary" data-testid="radar-tell-send" onClick={() => void send()} disabled={busy || text.trim() === ''} aria-busy={busy}>
          {busy ? 'Sending…' : sent !== null ? 'Send again' : `Send to ${sessionId}'s agent`}
        </button>
      </div>
    </div>
  );
}

/** "Merge X first": asks, saying what it means for the others, then puts X in the merge queue. */
export function MergeFirstDialog(props: { repo: string; sessionId: string; task: string | null; others: readonly string[]; path: string; base: string; onClose: () => void }) {
  const { repo, sessionId, task, others, path, base, onClose } = props;
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const enqueue = async () => {
    setBusy(true);
    const result = await call('queue.enqueue', { repo, id: sessionId });
    setBusy(false);
    if (!result.ok) {
      setError(result.error.message);
      return;
    }
    void refreshQueue();
    const entry = result.value;
    notify({
      tone: 'success',
      title: `Session ${sessionId} is in the merge queue`,
      detail: `It merges into ${base} when its turn comes.`,
      testId: 'radar-merge-queued',
      action: { label: 'Show the queue', run: () => openQueue(entry.id) },
    });
    onClose();
  };
  const names = joinWords(others.map((id) => `session ${id}`));
  return (
    <Dialog title={`Merge session ${sessionId} first?`} onClose={onClose} busy={busy} testId="radar-merge-dialog">
      <p data-testid="radar-merge-what">
        Session <span className="mono">{sessionId}</span>
        {task !== null ? ` (${task})` : ''} goes into the merge queue now, and merges into <span className="mono">{base}</span> when its turn comes, with the
        queue&apos;s usual strategy and checks.
      </p>
      {others.length > 0 ? (
        <p>
          Then {names} will conflict with {base} in <span className="mono">{path}</span> instead, and {others.length === 1 ? 'its' : 'their'} agent will have to bring{' '}
          {base} in and resolve it.
        </p>
      ) : null}
      <ErrorMessage message={error} testId="radar-merge-error" />
      <div className="dialog-actions">
        <button type="button" className="button" data-testid="radar-merge-cancel" onClick={onClose} disabled={busy} autoFocus>
          Not now
        </button>
        <button type="button" className="button primary" data-testid="radar-merge-confirm" onClick={() => void enqueue()} disabled={busy}>
          Queue {sessionId} to merge
        </button>
      </div>
    </Dialog>
  );
}
