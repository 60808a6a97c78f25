import { useEffect, useState } from 'react';
import { call } from '../../api';
import { ErrorMessage } from '../../components/ErrorMessage';

/**
 * One session's digest switch (`digest.set`, as `council digest on|off|show ID`): whether its agent
 * is told, through its CLI's context hook, who else works on what, which files are taken and which
 * conflicts are predicted with it. Read when shown; a flip takes effect at the agent's next prompt.
 * (A preset whose `agents.<preset>.digest` setting is off gets no digest hook at all.)
 */
export function DigestSwitch({ repo, sessionId }: { repo: string; sessionId: string }) {
  const [enabled, setEnabled] = useState<boolean | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    setEnabled(null);
    setError(null);
    void call('digest.set', { repo, id: sessionId }).then((result) => {
      if (!live) return;
      if (result.ok) setEnabled(result.value.enabled);
      else setError(`Could not read the digest switch: ${result.error.message}`);
    });
    return () => {
      live = false;
    };
  }, [repo, sessionId]);

  const flip = async (next: boolean) => {
    setBusy(true);
    setError(null);
    const result = await call('digest.set', { repo, id: sessionId, enabled: next });
    setBusy(false);
    if (!result.ok) {
      setError(`Could not switch the digest ${next ? 'on' : 'off'}: ${result.error.message}`);
      return;
    }
    setEnabled(result.value.enabled);
  };

  return (
    <div className="digest-switch" data-testid="digest-switch">
      <label className="checkbox-label">
        <input
          type="checkbox"
          role="switch"
          data-testid="digest-switch-input"
          checked={enabled === true}
          aria-checked={enabled === true}
          disabled={enabled === null || busy}
          onChange={(event) => void flip(event.target.checked)}
        />
        Tell this session&apos;s agent about the other sessions (digest)
      </label>
      <span className="digest-switch-state muted" data-testid="digest-switch-state">
        {enabled === null
          ? 'Reading…'
          : enabled
            ? 'On: at its start, and on a prompt after something changed, it is told who else works on what, which files are taken and which conflicts are predicted with it.'
            : 'Off: its agent is told nothing about the other sessions (from its next prompt).'}
      </span>
      <ErrorMessage message={error} testId="digest-switch-error" />
    </div>
  );
}
