import type { SessionCard } from '../../../shared/contract';
import { api, call, onReconnect } from '../api';
import { notify } from '../components/notices';
import { presetsSettingsChanged, resetPresets } from '../features/agents/presets-store';
import { newlyWaiting, runEndNotice, waitingNotice } from '../features/agents/run-notices';
import { applyRun, refreshRuns, resetRuns } from '../features/agents/runs-store';
import { sessionStats } from '../features/board/session-stats';
import { refreshSessions, resetSessions, sessionsStore } from '../features/board/sessions-store';
import { stopSelecting } from '../features/compare/compare-selection';
import { refreshLocks, resetLocks } from '../features/locks/locks-store';
import { refreshSettings, resetSettings } from '../features/settings/settings-store';
import { createFrameBatch } from '../lib/frame-batch';
import { openSession } from './navigation';
import { planRefresh, type StateKind } from './refresh-plan';

function refreshAll(): void {
  void refreshSessions();
  void refreshLocks();
  void refreshSettings();
  void refreshRuns();
}

/**
 * Binds the stores to one open repository: loads them, asks for `state.changed` (`watch.repo`),
 * and re-fetches what each change concerns, coalesced per animation frame. Agent runs come as
 * `agent.run` events (applied at once). A run that ends, or a session whose context turns to
 * `waiting`, raises an in-window notice. After the browser host's socket reconnects, the
 * subscription is issued again and everything reloaded (changes may have been missed). Returns
 * the teardown for when the repository is closed.
 */
export function startRepoLive(repo: string): () => void {
  resetSessions(repo);
  resetLocks(repo);
  resetSettings(repo);
  resetRuns(repo);
  resetPresets(repo);
  stopSelecting();
  sessionStats.reset();

  const batch = createFrameBatch<StateKind>((kinds) => {
    const plan = planRefresh(kinds);
    if (plan.sessions) void refreshSessions();
    if (plan.locks) void refreshLocks();
    if (plan.settings) {
      void refreshSettings();
      presetsSettingsChanged();
    }
    if (plan.runs) void refreshRuns();
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
  const offRun = api.on('agent.run', (payload) => {
    if (payload.repo !== repo) return;
    const previous = applyRun(payload.run);
    const notice = runEndNotice(previous, payload.run);
    const id = payload.run.sessionId;
    if (notice !== null) {
      notify({
        ...notice,
        sticky: notice.tone === 'error',
        key: `run-${id}`,
        testId: `run-notice-${id}`,
        action: { label: 'Open', run: () => openSession(id, 'terminal') },
      });
    }
  });
  const offWaiting = watchWaiting();
  const offReconnect = onReconnect(() => {
    sessionStats.invalidate();
    void watch().then(refreshAll);
  });

  // Subscribed first, then loaded: a change between the two is then never missed.
  void watch().then(refreshAll);

  return () => {
    offState();
    offWorktree();
    offRun();
    offWaiting();
    offReconnect();
    batch.cancel();
    void call('watch.stop', { repo });
    resetSessions(null);
    resetLocks(null);
    resetSettings(null);
    resetRuns(null);
    resetPresets(null);
    stopSelecting();
    sessionStats.reset();
  };
}

/** A notice when a session's context turns to `waiting` (the agent needs input); not on the first load. */
function watchWaiting(): () => void {
  let previous: SessionCard[] | null = null;
  return sessionsStore.subscribe(() => {
    const state = sessionsStore.get();
    if (state.status !== 'ready') {
      if (state.status === 'loading') previous = null;
      return;
    }
    if (previous !== null && state.cards !== previous) {
      for (const card of newlyWaiting(previous, state.cards)) {
        const id = card.session.id;
        notify({ ...waitingNotice(card), sticky: true, key: `waiting-${id}`, testId: `waiting-notice-${id}`, action: { label: 'Open', run: () => openSession(id, 'terminal') } });
      }
    }
    previous = state.cards;
  });
}
