import { useId, useState } from 'react';
import { call } from '../../api';
import { ErrorMessage } from '../../components/ErrorMessage';
import { notify } from '../../components/notices';
import { refreshMessages } from '../../app/stores/messages-store';
import { applyRun } from '../../app/stores/runs-store';

/**
 * A message from the person supervising (`council.send`) to one session or to all of them. A
 * session's agent gets it as a follow-up: typed into its terminal, queued for a headless one; an
 * ended one is resumed with a message to it alone; a message to all waits in the inbox of those
 * whose agent is not running.
 */
export function SendBox({ repo, to, label, placeholder, testId }: { repo: string; to: string; label: string; placeholder: string; testId: string }) {
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const inputId = useId();
  const send = async () => {
    if (text.trim() === '') return;
    setBusy(true);
    setError(null);
    const result = await call('council.send', { repo, to, text });
    setBusy(false);
    if (!result.ok) {
      setError(result.error.message);
      return;
    }
    setText('');
    for (const d of result.value.deliveries) if (d.run) applyRun(d.run);
    void refreshMessages();
    const ds = result.value.deliveries;
    notify({
      tone: ds.some((d) => d.delivered === 'failed') ? 'error' : 'success',
      title: to === 'all' ? `Sent to ${ds.length} ${ds.length === 1 ? 'session' : 'sessions'}` : 'Message sent',
      detail: ds.map((d) => (to === 'all' ? `${d.sessionId}: ${d.delivered}` : d.note)).join(to === 'all' ? ', ' : '\n'),
      testId: `${testId}-sent`,
    });
  };
  return (
    <form
      className="send-box"
      data-testid={testId}
      onSubmit={(event) => {
        event.preventDefault();
        void send();
      }}
    >
      <label htmlFor={inputId} className="sr-only">
        {label}
      </label>
      <textarea
        id={inputId}
        className="input send-box-text"
        data-testid={`${testId}-text`}
        rows={2}
        placeholder={placeholder}
        value={text}
        maxLength={8000}
        disabled={busy}
        onChange={(event) => setText(event.target.value)}
        onKeyDown={(event) => {
          // Enter sends; Shift+Enter is a new line.
          if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
            event.preventDefault();
            void send();
          }
        }}
      />
      <button type="submit" className="button small primary" data-testid={`${testId}-send`} disabled={busy || text.trim() === ''}>
        {busy ? 'Sending…' : 'Send'}
      </button>
      <ErrorMessage message={error} testId={`${testId}-error`} />
    </form>
  );
}
