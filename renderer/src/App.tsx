import { useEffect, useState } from 'react';
import { appInfo, loadAppInfo } from './app/app-info';
import { ConnectionBanner } from './app/ConnectionBanner';
import { RepoWorkspace } from './app/RepoWorkspace';
import { ThemeToggle } from './app/ThemeToggle';
import { Notices } from './components/Notices';
import { OpenRepoScreen } from './features/repo/OpenRepoScreen';
import { repoStore, restoreLastRepo } from './features/repo/repo-store';
import { startAddressSync } from './app/address-sync';
import { useStore } from './lib/create-store';

/**
 * The whole app: ask which front end serves us (`app.info`), go where the address says (else reopen
 * the last repository), then either the open screen or the repository's workspace.
 */
export function App() {
  const info = useStore(appInfo);
  const { current } = useStore(repoStore);
  const [restoring, setRestoring] = useState(true);

  useEffect(() => {
    let live = true;
    // The address names a repository and a screen (app/address.ts): a link, Back and a reload land there.
    const address = startAddressSync(window);
    void (async () => {
      if (await loadAppInfo()) await address.restore();
      if (live) setRestoring(false);
    })();
    return () => {
      live = false;
      address.stop();
    };
  }, []);

  return (
    <>
      <ConnectionBanner />
      {info.status === 'failed' ? (
        <StartError message={info.message} />
      ) : info.status === 'loading' || restoring ? (
        <main className="splash" aria-busy="true">
          <p className="muted">Connecting…</p>
        </main>
      ) : current !== null ? (
        <RepoWorkspace key={current.root} repo={current} />
      ) : (
        <OpenRepoScreen host={info.info.host} />
      )}
      <Notices />
    </>
  );
}

function StartError({ message }: { message: string }) {
  return (
    <main className="splash">
      <div className="open-topbar">
        <ThemeToggle />
      </div>
      <div className="start-error">
        <h1 className="open-title">CLI Council</h1>
        <p className="error-message" role="alert" data-testid="start-error">
          Could not reach the app: {message}
        </p>
        <button type="button" className="button primary" onClick={() => void loadAppInfo().then((ok) => (ok ? restoreLastRepo() : undefined))}>
          Try again
        </button>
      </div>
    </main>
  );
}
