import { lazy, Suspense, useEffect, type ReactNode } from 'react';
import type { RepoInfo } from '../../../shared/models';
import { ErrorBoundary } from '../components/ErrorBoundary';
import { AttentionList } from '../features/attention/AttentionList';
import { BoardScreen } from '../features/board/BoardScreen';
import { CompareScreen } from '../features/compare/CompareScreen';
import { LocksScreen } from '../features/locks/LocksScreen';
import { MessagesScreen } from '../features/messages/MessagesScreen';
import { UnreadBadge } from '../features/messages/UnreadBadge';
import { cancelMerge, mergeRequest } from './stores/merge-request-store';
import { queueCounts } from '../models/queue-model';
import { queueStore } from './stores/queue-store';
import { conflictFileCount } from '../models/radar-model';
import { radarStore } from './stores/radar-store';
import { closeRepo } from '../features/repo/repo-store';
import { RemoveSessionDialog } from '../features/session/RemoveSessionDialog';
import { cancelRemove, removeRequest } from './stores/remove-request-store';
import { SessionView } from '../features/session/SessionView';
import { SettingsScreen } from '../features/settings/SettingsScreen';
import { useStore, useStoreSelector } from '../lib/create-store';
import { startRepoLive } from './live-updates';
import { ShortcutHelp } from './ShortcutHelp';
import { installShortcuts, shortcutHelp } from './shortcuts';
import { navigate, navigation, type Route } from './navigation';
import { ThemeToggle } from './ThemeToggle';

// The radar, the queue and the enqueue dialog load on first use: the board stays as light as before.
const RadarScreen = lazy(() => import('../features/radar/RadarScreen').then((module) => ({ default: module.RadarScreen })));
const QueueScreen = lazy(() => import('../features/queue/QueueScreen').then((module) => ({ default: module.QueueScreen })));
const MergeDialog = lazy(() => import('../features/queue/MergeDialog').then((module) => ({ default: module.MergeDialog })));

/** An open repository: header (name, branch, nav, switch, theme), then the current screen. */
export function RepoWorkspace({ repo }: { repo: RepoInfo }) {
  const route = useStore(navigation);
  const removing = useStore(removeRequest);
  const merging = useStore(mergeRequest);

  useEffect(() => startRepoLive(repo.root), [repo.root]);
  useEffect(() => cancelRemove, [repo.root]);
  useEffect(() => cancelMerge, [repo.root]);
  useEffect(() => installShortcuts(window), []);
  useEffect(() => () => shortcutHelp.set(false), [repo.root]);

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
          <NavButton route={route} to="radar" label="Radar" badge={<RadarNavBadge />} />
          <NavButton route={route} to="queue" label="Queue" badge={<QueueNavBadge />} />
          <NavButton route={route} to="locks" label="Locks" />
          <NavButton route={route} to="messages" label="Messages" badge={<UnreadBadge nav testId="nav-messages-unread" />} />
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
          <Suspense fallback={<p className="muted">Loading…</p>}>
            {route.view === 'radar' ? <RadarScreen focus={route.focus} /> : null}
            {route.view === 'queue' ? <QueueScreen repo={repo.root} baseBranch={repo.branch} focus={route.focus} /> : null}
          </Suspense>
          {route.view === 'locks' ? <LocksScreen repo={repo.root} /> : null}
          {route.view === 'messages' ? <MessagesScreen repo={repo.root} /> : null}
          {route.view === 'settings' ? <SettingsScreen /> : null}
          {route.view === 'session' ? (
            <div className="session-layout">
              <AttentionList repo={repo.root} current={route.sessionId} tab={route.tab} />
              <SessionView key={route.sessionId} repo={repo.root} sessionId={route.sessionId} tab={route.tab} />
            </div>
          ) : null}
          {route.view === 'compare' ? <CompareScreen key={route.ids.join(',')} repo={repo.root} ids={route.ids} /> : null}
        </ErrorBoundary>
      </main>
      <ShortcutHelp />
      {removing !== null ? <RemoveSessionDialog repo={repo.root} sessionId={removing} onClose={cancelRemove} /> : null}
      {merging !== null ? (
        <Suspense fallback={null}>
          <MergeDialog repo={repo.root} sessionId={merging.sessionId} baseBranch={repo.branch} onClose={cancelMerge} />
        </Suspense>
      ) : null}
    </div>
  );
}

type NavTarget = 'board' | 'radar' | 'queue' | 'locks' | 'messages' | 'settings';

function NavButton({ route, to, label, badge }: { route: Route; to: NavTarget; label: string; badge?: ReactNode }) {
  const current = route.view === to || (to === 'board' && (route.view === 'session' || route.view === 'compare'));
  const go = () => navigate(to === 'radar' || to === 'queue' ? { view: to, focus: null } : { view: to });
  return (
    <button type="button" className="nav-item" data-testid={`nav-${to}`} aria-current={current ? 'page' : undefined} onClick={go}>
      {label}
      {badge}
    </button>
  );
}

/** How many files the radar predicts would conflict (nothing when none). */
function RadarNavBadge() {
  const count = useStoreSelector(radarStore, (state) => conflictFileCount(state.radar));
  if (count === 0) return null;
  return <NavBadge text={String(count)} spoken={`${count} ${count === 1 ? 'file' : 'files'} would conflict`} tone="danger" testId="nav-radar-count" />;
}

/** Entries in line or in progress, and parked ones (which turn it to a warning). */
function QueueNavBadge() {
  const open = useStoreSelector(queueStore, (state) => queueCounts(state.entries).open);
  const parked = useStoreSelector(queueStore, (state) => queueCounts(state.entries).parked);
  if (open === 0 && parked === 0) return null;
  const spoken = `${open} in the queue${parked > 0 ? `, ${parked} parked` : ''}`;
  return <NavBadge text={String(open + parked)} spoken={spoken} tone={parked > 0 ? 'warning' : null} testId="nav-queue-count" />;
}

function NavBadge({ text, spoken, tone, testId }: { text: string; spoken: string; tone: 'danger' | 'warning' | null; testId: string }) {
  return (
    <>
      <span className={`nav-badge${tone !== null ? ` nav-badge-${tone}` : ''}`} data-testid={testId} aria-hidden="true" title={spoken}>
        {text}
      </span>
      <span className="sr-only">, {spoken}</span>
    </>
  );
}
