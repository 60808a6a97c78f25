import { useCallback, useEffect, useState, type FormEvent } from 'react';
import type { Host } from '../../../../shared/commands/hosts';
import type { CouncilErrorData } from '../../../../shared/errors';
import { call } from '../../api';
import { Dialog } from '../../components/Dialog';
import { ErrorMessage } from '../../components/ErrorMessage';
import { notify } from '../../components/notices';
import { Relative } from '../../components/TimeSince';
import { hostLines, removalCannotReach } from '../../models/hosts-model';

/**
 * Other machines, reached over SSH (issue 17): the user's, for every repository. Add one by the
 * name `ssh NAME` takes; council checks it (git, node, the agent CLIs there) and installs its small
 * runtime in the remote home. Check again, or remove (the runtime there goes too; a host that
 * cannot be reached can only be forgotten). The same host.* commands as `council host …`.
 */
export function HostsSettings() {
  const [hosts, setHosts] = useState<Host[] | null>(null);
  const [file, setFile] = useState<string | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [name, setName] = useState('');
  const [adding, setAdding] = useState<string | null>(null);
  const [addError, setAddError] = useState<string | null>(null);
  const [checking, setChecking] = useState<string | null>(null);
  const [rowError, setRowError] = useState<{ name: string; message: string } | null>(null);
  const [removing, setRemoving] = useState<Host | null>(null);

  const load = useCallback(async () => {
    const result = await call('host.list', {});
    if (!result.ok) {
      setLoadError(result.error.message);
      return;
    }
    setLoadError(null);
    setHosts(result.value.hosts);
    setFile(result.value.file);
  }, []);

  useEffect(() => {
    void load();
  }, [load]);

  const add = async (event: FormEvent) => {
    event.preventDefault();
    const wanted = name.trim();
    if (wanted === '') {
      setAddError('Name the host as `ssh NAME` reaches it: an alias of ~/.ssh/config, a host name or user@address.');
      return;
    }
    setAdding(wanted);
    setAddError(null);
    const result = await call('host.add', { name: wanted });
    setAdding(null);
    if (!result.ok) {
      setAddError(result.error.message);
      return;
    }
    setName('');
    await load();
    const runtime = result.value.runtime === 'up-to-date' ? 'its council runtime is up to date' : `council's runtime ${result.value.runtime}`;
    notify({ tone: 'success', title: `Added ${wanted}`, detail: `Checked over SSH; ${runtime}.`, testId: 'host-added' });
  };

  const check = async (host: string) => {
    setChecking(host);
    setRowError(null);
    const result = await call('host.check', { name: host });
    setChecking(null);
    if (!result.ok) {
      setRowError({ name: host, message: result.error.message });
      return;
    }
    await load();
    notify({ tone: 'success', title: `${host} checked`, testId: 'host-checked' });
  };

  return (
    <div className="settings-group settings-panel hosts-settings" data-testid="hosts-settings">
      <h2 className="settings-section" id="hosts-heading">
        Machines (SSH hosts)
      </h2>
      <p className="field-help">
        Other machines where sessions can run, for every repository. A host is named as <code>ssh NAME</code> reaches it — an alias of <code>~/.ssh/config</code>, a host name or user@address — with your own keys and
        ssh-agent; council never keeps a password or a key. Adding a host checks it (git ≥ 2.38, Node ≥ 20.19, the agent CLIs there) and puts a copy of council&apos;s command line under{' '}
        <code>~/.council/runtime</code> in the remote home; removing it takes that copy away.
        {file ? (
          <>
            {' '}
            Kept in <code className="mono">{file}</code>.
          </>
        ) : null}
      </p>
      <ErrorMessage message={loadError === null ? null : `Could not list the hosts: ${loadError}`} testId="hosts-error" />
      {hosts === null && loadError === null ? <p className="muted">Loading hosts…</p> : null}
      {hosts !== null && hosts.length === 0 ? (
        <p className="muted" data-testid="hosts-empty">
          No host yet. Add one below, or from a terminal: <code>council host add NAME</code>.
        </p>
      ) : null}
      {hosts !== null && hosts.length > 0 ? (
        <ul className="host-list" data-testid="hosts-list">
          {hosts.map((host) => {
            const lines = hostLines(host);
            return (
              <li key={host.name} className="host-row" data-testid={`host-row-${host.name}`}>
                <div className="host-main">
                  <span className="host-name mono">{host.name}</span>
                  <span className="host-line" data-testid={`host-machine-${host.name}`}>
                    {lines.machine}
                  </span>
                  <span className="host-line" data-testid={`host-agents-${host.name}`}>
                    {lines.agents}
                  </span>
                  <span className="host-line muted" data-testid={`host-runtime-${host.name}`}>
                    {lines.runtime} · checked <Relative at={host.check.checkedAt} />
                  </span>
                  {rowError?.name === host.name ? <ErrorMessage message={rowError.message} testId={`host-error-${host.name}`} /> : null}
                </div>
                <div className="host-actions">
                  <button type="button" className="button small" data-testid={`host-check-${host.name}`} disabled={checking !== null} onClick={() => void check(host.name)}>
                    {checking === host.name ? 'Checking…' : 'Check'}
                  </button>
                  <button type="button" className="button small danger-ghost" data-testid={`host-remove-${host.name}`} onClick={() => setRemoving(host)}>
                    Remove…
                  </button>
                </div>
              </li>
            );
          })}
        </ul>
      ) : null}
      <form className="host-add" noValidate onSubmit={(event) => void add(event)}>
        <label className="field-label" htmlFor="host-add-name">
          Add a host
        </label>
        <div className="host-add-row">
          <input
            id="host-add-name"
            className="input mono"
            data-testid="host-add-name"
            value={name}
            placeholder="e.g. buildbox, me@10.0.0.7"
            spellCheck={false}
            autoComplete="off"
            aria-invalid={addError !== null || undefined}
            aria-describedby="host-add-help"
            onChange={(event) => setName(event.target.value)}
          />
          <button type="submit" className="button primary" data-testid="host-add" disabled={adding !== null}>
            {adding !== null ? `Connecting to ${adding}…` : 'Add host'}
          </button>
        </div>
        <p id="host-add-help" className="field-help">
          Test it first in a terminal with <code>ssh NAME true</code>: it must connect without asking anything.
        </p>
        <ErrorMessage message={addError} testId="host-add-error" />
      </form>
      {removing !== null ? (
        <RemoveHostDialog
          host={removing}
          onClose={() => setRemoving(null)}
          onRemoved={async (message) => {
            setRemoving(null);
            await load();
            notify({ tone: 'success', title: message, testId: 'host-removed' });
          }}
        />
      ) : null}
    </div>
  );
}

/**
 * Removing a host takes council's runtime off it (only folders with our manifest), and the clones,
 * worktrees folder and run logs council made there, and forgets it; the core refuses while sessions live
 * there or work there is not at home (the error names them and the fix).
 * When the host cannot be reached, the dialog says so and offers to only forget it.
 */
function RemoveHostDialog({ host, onClose, onRemoved }: { host: Host; onClose: () => void; onRemoved: (message: string) => Promise<void> }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<CouncilErrorData | null>(null);
  const remove = async (forget: boolean) => {
    setBusy(true);
    setError(null);
    const result = await call('host.remove', forget ? { name: host.name, forget: true } : { name: host.name });
    setBusy(false);
    if (!result.ok) {
      setError(result.error);
      return;
    }
    const removed = result.value.removed.length;
    const clones = result.value.clones.length;
    await onRemoved(forget ? `Forgot ${host.name} (nothing touched there)` : `Removed ${host.name}${removed || clones ? ` and council's ${[removed ? 'runtime' : '', clones ? 'clones and worktrees' : ''].filter(Boolean).join(', ')} there` : ''}`);
  };
  const unreachable = error !== null && removalCannotReach(error);
  return (
    <Dialog title={`Remove ${host.name}?`} onClose={onClose} busy={busy} testId="remove-host-dialog">
      <p>
        Council connects to <span className="mono">{host.name}</span>, deletes its runtime there{host.runtime ? (
          <>
            {' '}
            (<span className="mono">{host.runtime.dir}</span>)
          </>
        ) : null}
        , the clones and worktrees council made there (<span className="mono">~/.council/repos</span>, <span className="mono">~/.council/worktrees</span>), its agents' run logs there, and forgets the host. Nothing else on that machine is touched.
        It is refused, with nothing removed, while a session still lives there or a branch there holds work that is not here yet.
      </p>
      <ErrorMessage message={error?.message ?? null} testId="remove-host-error" />
      {unreachable ? (
        <p className="field-help" data-testid="remove-host-forget-help">
          The host cannot be reached now. If it is gone for good, forget it here; its runtime folder stays on it.
        </p>
      ) : null}
      <div className="dialog-actions">
        <button type="button" className="button" data-testid="remove-host-cancel" onClick={onClose} disabled={busy} autoFocus>
          Keep it
        </button>
        {unreachable ? (
          <button type="button" className="button danger" data-testid="remove-host-forget" onClick={() => void remove(true)} disabled={busy}>
            Forget it, touching nothing there
          </button>
        ) : null}
        <button type="button" className="button danger" data-testid="remove-host-confirm" onClick={() => void remove(false)} disabled={busy}>
          {busy ? 'Removing…' : 'Remove'}
        </button>
      </div>
    </Dialog>
  );
}
