import { useEffect, useId, useState, type FormEvent } from 'react';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Relative } from '../../components/TimeSince';
import { ThemeToggle } from '../../app/ThemeToggle';
import { useStore } from '../../lib/create-store';
import { loadRecentRepos, openRepo, pickAndOpenRepo, repoStore } from './repo-store';

/**
 * The first screen: open a repository. The desktop app has a native folder picker; in the browser
 * the path is typed. Either way the recent repositories are one click away, and a folder that is
 * not a git repository gets the core's own explanation right under the field.
 */
export function OpenRepoScreen({ host }: { host: 'electron' | 'browser' }) {
  const { opening, error, recent } = useStore(repoStore);
  const [path, setPath] = useState(() => error?.path ?? '');
  const inputId = useId();
  const errorId = useId();

  useEffect(() => {
    void loadRecentRepos();
  }, []);

  // A failed restore of the last repository shows its path, so it can be corrected.
  useEffect(() => {
    if (error?.path) setPath((current) => (current === '' ? error.path : current));
  }, [error?.path]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void openRepo(path);
  };

  return (
    <main className="open-screen">
      <div className="open-topbar">
        <ThemeToggle />
      </div>
      <section className="open-card" aria-labelledby="open-heading">
        <h1 id="open-heading" className="open-title">
          CLI Council
        </h1>
        <p className="open-tagline">Many coding agents, one repository. Open a repository to see its sessions.</p>

        {host === 'electron' ? (
          <div className="open-picker">
            <button type="button" className="button primary" data-testid="repo-pick-button" disabled={opening !== null} onClick={() => void pickAndOpenRepo()}>
              Choose folder…
            </button>
            <span className="muted">or type a path below</span>
          </div>
        ) : null}

        <form className="open-form" noValidate onSubmit={submit}>
          <label htmlFor={inputId} className="field-label">
            Repository folder
          </label>
          <div className="open-row">
            <input
              id={inputId}
              className="input mono"
              data-testid="repo-path-input"
              value={path}
              onChange={(event) => setPath(event.target.value)}
              placeholder="/home/you/projects/app"
              autoComplete="off"
              spellCheck={false}
              aria-invalid={error !== null}
              aria-describedby={error !== null ? errorId : undefined}
              autoFocus={host === 'browser'}
            />
            <button type="submit" className="button primary" data-testid="repo-open-button" disabled={opening !== null}>
              {opening !== null ? 'Opening…' : 'Open'}
            </button>
          </div>
          <ErrorMessage message={error?.message ?? null} testId="open-error" id={errorId} />
        </form>

        <section className="recent" aria-labelledby="recent-heading">
          <h2 id="recent-heading" className="section-title">
            Recent
          </h2>
          {recent.length === 0 ? (
            <p className="muted">No recent repositories yet.</p>
          ) : (
            <ul className="recent-list">
              {recent.map((repo, index) => (
                <li key={repo.root}>
                  <button
                    type="button"
                    className="recent-item"
                    data-testid={`recent-repo-${index}`}
                    disabled={opening !== null}
                    onClick={() => {
                      setPath(repo.root);
                      void openRepo(repo.root);
                    }}
                  >
                    <span className="recent-name">{repo.name}</span>
                    <span className="recent-path mono">{repo.root}</span>
                    <span className="recent-when">
                      <Relative at={repo.openedAt} />
                    </span>
                  </button>
                </li>
              ))}
            </ul>
          )}
        </section>
      </section>
    </main>
  );
}
