import { useEffect, useId, useState, type FormEvent } from 'react';
import { ErrorMessage } from '../../components/ErrorMessage';
import { useStore } from '../../lib/create-store';
import { saveSettings, settingsStore } from './settings-store';

/**
 * The repository's settings: where session worktrees go (empty = the default, outside the
 * repository) and after how many quiet minutes a session counts as stale. The core validates;
 * its message is shown under the form.
 */
export function SettingsScreen() {
  const { settings, status, error: loadError } = useStore(settingsStore);
  const [root, setRoot] = useState('');
  const [minutes, setMinutes] = useState('');
  const [dirty, setDirty] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const ids = { root: useId(), minutes: useId(), rootHelp: useId(), minutesHelp: useId() };

  // Follows the stored settings (changed elsewhere too) until the user starts editing.
  useEffect(() => {
    if (settings === null || dirty) return;
    setRoot(settings.worktreeRoot ?? '');
    setMinutes(String(settings.staleAfterMinutes));
  }, [settings, dirty]);

  const edit = (set: (value: string) => void) => (value: string) => {
    set(value);
    setDirty(true);
    setSaved(false);
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const trimmed = minutes.trim();
    if (trimmed === '' || !/^-?\d+$/.test(trimmed)) {
      setError('Stale after: enter a whole number of minutes.');
      return;
    }
    setBusy(true);
    setError(null);
    const message = await saveSettings({ worktreeRoot: root.trim() === '' ? null : root.trim(), staleAfterMinutes: Number(trimmed) });
    setBusy(false);
    if (message !== null) {
      setError(message);
      return;
    }
    setDirty(false);
    setSaved(true);
  };

  if (status === 'loading' || (status === 'idle' && settings === null)) return <p className="muted">Loading settings…</p>;
  if (settings === null) return <ErrorMessage message={`Could not load the settings: ${loadError}`} />;

  return (
    <section className="settings-screen" aria-labelledby="settings-heading">
      <div className="screen-header">
        <h1 id="settings-heading" className="screen-title">
          Settings
        </h1>
      </div>
      <form className="form settings-form" noValidate onSubmit={(event) => void submit(event)}>
        <div className="field">
          <label htmlFor={ids.root} className="field-label">
            Worktree location
          </label>
          <input
            id={ids.root}
            className="input mono"
            data-testid="settings-worktree-root"
            value={root}
            onChange={(event) => edit(setRoot)(event.target.value)}
            placeholder="Default: ~/.council/worktrees/<repo>-<hash>/"
            aria-describedby={ids.rootHelp}
            spellCheck={false}
            autoComplete="off"
          />
          <p id={ids.rootHelp} className="field-help">
            Where new sessions' worktrees go (a relative path is taken from the repository's top folder). Empty uses the default, outside your working tree. Existing sessions stay where they are.
          </p>
        </div>
        <div className="field field-medium">
          <label htmlFor={ids.minutes} className="field-label">
            Stale after (minutes)
          </label>
          <input
            id={ids.minutes}
            className="input"
            data-testid="settings-stale-minutes"
            type="number"
            min={1}
            step={1}
            value={minutes}
            onChange={(event) => edit(setMinutes)(event.target.value)}
            aria-describedby={ids.minutesHelp}
          />
          <p id={ids.minutesHelp} className="field-help">
            A session with no update for this long is marked stale, and idle cleanup may remove it.
          </p>
        </div>
        <ErrorMessage message={error} testId="settings-error" />
        <div className="form-actions">
          <button type="submit" className="button primary" data-testid="settings-save" disabled={busy}>
            {busy ? 'Saving…' : 'Save'}
          </button>
          {saved ? (
            <span className="saved" role="status" data-testid="settings-saved">
              ✓ Saved
            </span>
          ) : null}
        </div>
      </form>
    </section>
  );
}
