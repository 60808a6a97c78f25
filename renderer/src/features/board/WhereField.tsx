import { useEffect, useId, useState } from 'react';
import type { Host } from '../../../../shared/commands/hosts';
import { call } from '../../api';

export type HostsState = { status: 'loading' } | { status: 'ready'; hosts: Host[] } | { status: 'error'; error: string };

/** The added hosts (`host.list`: the hosts file, no connection), read once when the dialog opens. */
export function useHosts(): HostsState {
  const [state, setState] = useState<HostsState>({ status: 'loading' });
  useEffect(() => {
    let live = true;
    void call('host.list', {}).then((result) => {
      if (!live) return;
      setState(result.ok ? { status: 'ready', hosts: result.value.hosts } : { status: 'error', error: result.error.message });
    });
    return () => {
      live = false;
    };
  }, []);
  return state;
}

/**
 * Where the sessions run (issue 17): this machine, or one of the hosts added in Settings → Machines
 * (SSH hosts). With none added, a line says how to add one.
 */
export function WhereField({ hosts, value, disabled, onChange }: { hosts: HostsState; value: string; disabled: boolean; onChange: (host: string) => void }) {
  const id = useId();
  if (hosts.status === 'loading') return null;
  if (hosts.status === 'error') {
    return (
      <p className="field-help" data-testid="new-session-where-error">
        On this machine (the SSH hosts could not be read: {hosts.error})
      </p>
    );
  }
  if (hosts.hosts.length === 0) {
    return (
      <p className="field-help" data-testid="new-session-where-none">
        On this machine. To run sessions on another machine over SSH, add it in Settings → Machines (SSH hosts).
      </p>
    );
  }
  const chosen = hosts.hosts.find((host) => host.name === value);
  const agents = chosen ? [...new Set(chosen.check.agents.map((agent) => agent.binary))] : [];
  return (
    <div className="field">
      <label htmlFor={id} className="field-label">
        Where
      </label>
      <select id={id} className="input" data-testid="new-session-where" value={value} disabled={disabled} onChange={(event) => onChange(event.target.value)}>
        <option value="">This machine</option>
        {hosts.hosts.map((host) => (
          <option key={host.name} value={host.name}>
            {host.name} (SSH)
          </option>
        ))}
      </select>
      {chosen ? (
        <p className="field-help" data-testid="new-session-where-help">
          The worktree and the agent are on {chosen.name}; its work is mirrored here for the diff, the radar and the merge queue. The agent&apos;s program must be on that machine
          {agents.length > 0 ? ` (its last check found ${agents.join(', ')})` : ' (its last check found no agent CLI)'}.
        </p>
      ) : null}
    </div>
  );
}
