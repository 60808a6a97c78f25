import { api, call, onReconnect } from '../api';
import { sessionStats } from '../features/board/session-stats';
import { refreshSessions, resetSessions } from '../features/board/sessions-store';
import { refreshLocks, resetLocks } from '../features/locks/locks-store';
import { refreshSettings, resetSettings } from '../features/settings/settings-store';
import { createFrameBatch } from '../lib/frame-batch';
import { planRefresh, type StateKind } from './refresh-plan';

function refreshAll(): void {
  void refreshSessions();
  void refreshLocks();
  void refreshSettings();
}

/**
 * Binds the stores to one open repository: loads them, asks for `state.changed` (`watch.repo`),
 * and re-fetches what each change concerns, coalesced per animation frame. After the browser
 * host's socket reconnects, the subscription is issued again and everything reloaded (changes
 * may have been missed). Returns the teardown for when the repository is closed.
 */
export function startRepoLive(repo: string): () => void {
  resetSessions(repo);
  resetLocks(repo);
  resetSettings(repo);
  sessionStats.reset();

  const batch = createFrameBatch<StateKind>((kinds) => {
    const plan = planRefresh(kinds);
    if (plan.sessions) void refreshSessions();
    if (plan.locks) void refreshLocks();
    if (plan.settings) void refreshSettings();
  });

  const watch = async () => {
    const result = await call('watch.repo', { repo });
    if (!result.ok) console.warn(`watch.repo failed: ${result.error.message}`);
  };

  const offState = api.on('state.changed', (payload) => {
    if (payload.repo !== repo) return;
    batch.add(payload.kind);
    if (payload.kind === 'sessions' || payload.kind === 'context') sessionStats.invalidate(payload.sessionId);
  });
  const offWorktree = api.on('worktree.changed', (payload) => {
    if (payload.repo === repo) sessionStats.invalidate(payload.sessionId);
  });
  const offReconnect = onReconnect(() => {
    sessionStats.invalidate();
    void watch().then(refreshAll);
  });

  // Subscribed first, then loaded: a change between the two is then never missed.
  void watch().then(refreshAll);

  return () => {
    offState();
    offWorktree();
    offReconnect();
    batch.cancel();
    void call('watch.stop', { repo });
    resetSessions(null);
    resetLocks(null);
    resetSettings(null);
    sessionStats.reset();
  };
}
