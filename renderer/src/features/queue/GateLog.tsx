import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import type { QueueEntry } from '../../../../shared/merge';
import { call } from '../../api';
import { failureText } from '../../lib/command-error';

type Log = { status: 'idle' | 'loading' } | { status: 'ready'; text: string; truncated: boolean } | { status: 'error'; message: string };

const POLL_MS = 2000;

/**
 * An entry's gate output (`queue.gateLog`: the end of the log), in a collapsible block: fetched
 * when opened, again every 2 s while the gate runs (`checking`), and when the entry changes. Stays
 * scrolled to the end unless the user scrolled up.
 */
export function GateLog({ repo, entry }: { repo: string; entry: QueueEntry }) {
  const [open, setOpen] = useState(false);
  const [log, setLog] = useState<Log>({ status: 'idle' });
  const pre = useRef<HTMLPreElement>(null);
  const pinned = useRef(true);
  const request = useRef(0);
  const running = entry.state === 'checking';

  const load = useCallback(async () => {
    const mine = ++request.current;
    setLog((previous) => (previous.status === 'ready' ? previous : { status: 'loading' }));
    const result = await call('queue.gateLog', { repo, entry: entry.id });
    if (mine !== request.current) return;
    if (result.ok) setLog({ status: 'ready', text: result.value.log, truncated: result.value.truncated });
    // A gate that just started may have written nothing yet.
    else if (result.error.code === 'not-found' && running) setLog({ status: 'ready', text: '', truncated: false });
    else setLog({ status: 'error', message: failureText(result.error, 'read the gate log', 'The gate log', 'queue.gateLog') });
  }, [repo, entry.id, running]);

  useEffect(() => {
    if (!open) return;
    void load();
    if (!running) return;
    const timer = setInterval(() => void load(), POLL_MS);
    return () => clearInterval(timer);
  }, [open, running, entry.updatedAt, load]);
  // An answer after closing or unmounting is dropped.
  useEffect(() => () => void (request.current += 1), []);

  useLayoutEffect(() => {
    const element = pre.current;
    if (element !== null && pinned.current) element.scrollTop = element.scrollHeight;
  }, [log]);

  const exit = entry.gateExitCode;
  return (
    <details className="gate-log" data-testid={`queue-gate-log-${entry.id}`} onToggle={(event) => setOpen(event.currentTarget.open)}>
      <summary>
        Gate log{running ? ' (running…)' : exit !== null ? ` (exit ${exit})` : ''}
      </summary>
      {open ? (
        <div className="gate-log-body">
          <div className="gate-log-bar">
            <code className="gate-command">{entry.gate}</code>
            <span className="spacer" />
            {log.status === 'ready' && log.truncated ? <span className="muted">the end of the log</span> : null}
            <button type="button" className="button small ghost" onClick={() => void load()} disabled={log.status === 'loading'}>
              Reload
            </button>
          </div>
          {log.status === 'error' ? (
            <p className="error-message">{log.message}</p>
          ) : log.status === 'ready' ? (
            <pre
              ref={pre}
              className="check-output"
              tabIndex={0}
              onScroll={(event) => {
                const el = event.currentTarget;
                pinned.current = el.scrollHeight - el.scrollTop - el.clientHeight < 24;
              }}
            >
              {log.truncated ? '…\n' : ''}
              {log.text === '' ? '(no output yet)' : log.text}
            </pre>
          ) : (
            <p className="muted" aria-busy="true">
              Reading the log…
            </p>
          )}
        </div>
      ) : null}
    </details>
  );
}
