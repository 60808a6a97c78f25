import { useEffect } from 'react';
import type { RepoInfo } from '../../../shared/models';
import { ErrorBoundary } from '../components/ErrorBoundary';
import { BoardScreen } from '../features/board/BoardScreen';
import { CompareScreen } from '../features/compare/CompareScreen';
import { LocksScreen } from '../features/locks/LocksScreen';
import { closeRepo } from '../features/repo/repo-store';
import { RemoveSessionDialog } from '../features/session/RemoveSessionDialog';
import { cancelRemove, removeRequest } from '../features/session/remove-request';
import { SessionView } from '../features/session/SessionView';
import { SettingsScreen } from '../features/settings/SettingsScreen';
import { useStore } from '../lib/create-store';
import { startRepoLive } from './live-updates';
import { navigate, navigation, type Route } from './navigation';
import { ThemeToggle } from './ThemeToggle';

/** An open repository: header (name, branch, nav, switch, theme), then the current screen. */
export function RepoWorkspace({ repo }: { repo: RepoInfo }) {
  const route = useStore(navigation);
  const removing = useStore(removeRequest);

  useEffect(() => startRepoLive(repo.root), [repo.root]);
  useEffect(() => cancelRemove, [repo.root]);

  return (
    <div className="shell">
      <header className="app-header">
        <div className="repo-id" title={repo.root}>
          <span className="app-mark" aria-hidden="true">
            ◆
          </span>
          <span className="repo-name" data-testid="repo-name">
            {repo.name}
          </span>
          <span className="repo-branch mono" data-testid="repo-branch">
            {repo.branch ?? 'detached HEAD'}
          </span>
        </div>
        <nav className="app-nav" aria-label="Main">
          <NavButton route={route} to="board" label="Board" />
          <NavButton route={route} to="locks" label="Locks" />
          <NavButton route={route} to="settings" label="Settings" />
        </nav>
        <div className="header-actions">
          <button type="button" className="button ghost" data-testid="switch-repo" onClick={closeRepo}>
            Switch repository
          </button>
          <ThemeToggle />
        </div>
      </header>
      <main className="content" id="main">
        <ErrorBoundary what="this screen" resetKey={route}>
          {route.view === 'board' ? <BoardScreen repo={repo.root} /> : null}
          {route.view === 'locks' ? <LocksScreen /> : null}
          {route.view === 'settings' ? <SettingsScreen /> : null}
          {route.view === 'session' ? <SessionView key={route.sessionId} repo={repo.root} sessionId={route.sessionId} tab={route.tab} /> : null}
          {route.view === 'compare' ? <CompareScreen key={route.ids.join(',')} repo={repo.root} ids={route.ids} /> : null}
        </ErrorBoundary>
      </main>
      {removing !== null ? <RemoveSessionDialog repo={repo.root} sessionId={removing} onClose={cancelRemove} /> : null}
    </div>
  );
}

function NavButton({ route, to, label }: { route: Route; to: 'board' | 'locks' | 'settings'; label: string }) {
  const current = route.view === to || (to === 'board' && (route.view === 'session' || route.view === 'compare'));
  return (
    <button type="button" className="nav-item" data-testid={`nav-${to}`} aria-current={current ? 'page' : undefined} onClick={() => navigate({ view: to })}>
      {label}
    </button>
  );
}
