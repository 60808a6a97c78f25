import { api, call, onReconnect } from '../api';
import { clearNotices, notify } from '../components/notices';
import { runEndNotice } from '../features/agents/run-notices';
import { createFrameBatch } from '../lib/frame-batch';
import { isLive } from '../models/run-model';
import { refreshLocks } from './stores/locks-store';
import { resetRepoStores } from './stores/open-repo';
import { presetsSettingsChanged } from './stores/presets-store';
import { queueStore, refreshQueue } from './stores/queue-store';
import { applyRadar, radarStore, refreshRadar } from './stores/radar-store';
import { applyRun, refreshRuns } from './stores/runs-store';
import { sessionStats } from './stores/session-stats-store';
import { refreshSessions, sessionsStore } from './stores/sessions-store';
import { refreshReviews } from './stores/reviews-store';
import { refreshSettings } from './stores/settings-store';
import { openQueue, openSession } from './navigation';
import { planRefresh, refreshesMessages, refreshesQueue, refreshesReviews, type StateKind } from './refresh-plan';
import { refreshMessages } from './stores/messages-store';
import { runKey, watchNeedsInput, watchQueueNotices } from './state-notices';

/** The board's first paint: its cards, their agent runs and their merge-queue chips and buttons. */
function refreshBoard(): void {
  void refreshSessions();
  void refreshRuns();
  // The cards' review chips (before the queue's: the same first paint).
  void refreshReviews();
  // The cards' and the nav's unread messages (before the queue's, as the reviews).
  void refreshMessages();
  void refreshQueue();
}

function refreshAll(): void {
  void refreshSessions();
  void refreshLocks();
  void refreshSettings();
  void refreshRuns();
  void refreshQueue();
  void refreshReviews();
  void refreshMessages();
  // The radar once per load (the board's badges); its screen asks again when opened. A host
  // without it answers "unknown command" once, and is not asked again until the radar is opened.
  if (radarStore.get().status !== 'unavailable') void refreshRadar();
}

/**
 * Binds the stores to one open repository: loads them, asks for `state.changed` (`watch.repo`),
 * and re-fetches what each change concerns, coalesced per animation frame. Agent runs come as
 * `agent.run` events (applied at once). A run that ends, or a session whose context turns to
 * `waiting`, raises an in-window notice; so does a merge-queue entry that parks or merges. The
 * conflict radar comes whole with each `radar.changed`. After the browser host's socket
 * reconnects, the subscription is issued again and everything reloaded (changes may have been
 * missed). Returns the teardown for when the repository is closed.
 */
export function startRepoLive(repo: string): () => void {
  resetRepoStores(repo);

  const batch = createFrameBatch<StateKind>((kinds) => {
    const plan = planRefresh(kinds);
    if (plan.sessions) void refreshSessions();
    if (plan.locks) void refreshLocks();
    if (plan.settings) {
      void refreshSettings();
      presetsSettingsChanged();
    }
    if (plan.runs) void refreshRuns();
    if (refreshesQueue(kinds)) void refreshQueue();
    if (refreshesReviews(kinds)) void refreshReviews();
    if (refreshesMessages(kinds)) void refreshMessages();
  });

  const watch = async () => {
    const result = await call('watch.repo', { repo });
    if (!result.ok) console.warn(`watch.repo failed: ${result.error.message}`);
  };

  const offState = api.on('state.changed', (payload) => {
    if (payload.repo !== repo) return;
    batch.add(payload.kind);
    // `worktree`: files changed in that session's worktree (whoever changed them), so its count is stale.
    if (payload.kind === 'sessions' || payload.kind === 'context' || payload.kind === 'worktree') sessionStats.invalidate(payload.sessionId);
    // A merge changes its session's numbers; a queue change naming no session is not worth a git
    // call per card.
    if (payload.kind === 'queue' && payload.sessionId !== undefined) sessionStats.invalidate(payload.sessionId);
  });
  const offRadar = api.on('radar.changed', (payload) => {
    if (payload.repo === repo) applyRadar(payload.radar);
  });
  const offWorktree = api.on('worktree.changed', (payload) => {
    if (payload.repo === repo) sessionStats.invalidate(payload.sessionId);
  });
  const offRun = api.on('agent.run', (payload) => {
    if (payload.repo !== repo) return;
    const previous = applyRun(payload.run);
    const notice = runEndNotice(previous, payload.run);
    const id = payload.run.sessionId;
    // A new run makes the last one's notice (say "failed") old news.
    if (isLive(payload.run)) clearNotices((key) => key === runKey(id));
    if (notice !== null) {
      notify({
        ...notice,
        sticky: notice.tone === 'error',
        key: runKey(id),
        testId: `run-notice-${id}`,
        action: { label: 'Open', run: () => openSession(id, 'terminal') },
      });
    }
  });
  const actions = { openSession: (id: string) => openSession(id, 'terminal'), openQueue: (entry: string) => openQueue(entry) };
  const offWaiting = watchNeedsInput(sessionsStore, actions);
  const offQueue = watchQueueNotices(queueStore, sessionsStore, () => radarStore.get().radar?.base.branch ?? null, actions);
  const offReconnect = onReconnect(() => {
    sessionStats.invalidate();
    void watch().then(refreshAll);
  });

  // What the board's cards show is asked for at once, beside the subscription: at 500 sessions
  // `watch.repo` takes a few hundred ms to set up its watchers, and the cards need not wait for
  // it. Once the watch is in place everything is loaded (again), so a change made between the
  // first load and the watch is never missed; an answer that did not change re-renders nothing.
  refreshBoard();
  void watch().then(() => {
    // The cards' counts too: one read before the watch was in place (a reload under load: seconds
    // before) would otherwise stay as it was until the session changes again.
    sessionStats.invalidate();
    refreshAll();
  });

  return () => {
    offState();
    offWorktree();
    offRun();
    offWaiting();
    offQueue();
    offRadar();
    offReconnect();
    batch.cancel();
    void call('watch.stop', { repo });
    resetRepoStores(null);
  };
}
