import type { EventPayload } from '../../../../shared/contract';
import type { ChangedFile, FileDiff } from '../../../../shared/models';
import type { CouncilApi } from '../../env';
import { createStore } from '../../lib/create-store';
import { reuseUnchanged } from '../../lib/same-json';

/**
 * The live diff of one session: a snapshot from `watch.session` ({seq, files}), then
 * `worktree.changed` deltas. Each delta re-fetches the file list (`sessions.changes`, throttled)
 * and, when it touched the selected file, that file's diff. A gap in `seq` means an event was
 * missed: the snapshot is taken again.
 */
export interface SelectedDiff {
  path: string | null;
  status: 'idle' | 'loading' | 'ready' | 'error';
  value: FileDiff | null;
  error: string | null;
}

export interface SessionDiffState {
  status: 'loading' | 'ready' | 'error';
  error: string | null;
  seq: number;
  files: ChangedFile[];
  diff: SelectedDiff;
}

export interface SessionDiffDeps {
  invoke: CouncilApi['invoke'];
  setTimeout: (callback: () => void, ms: number) => unknown;
  clearTimeout: (handle: unknown) => void;
  throttleMs?: number;
}

const IDLE_DIFF: SelectedDiff = { path: null, status: 'idle', value: null, error: null };

export function createSessionDiff(repo: string, id: string, deps: SessionDiffDeps) {
  const throttleMs = deps.throttleMs ?? 100;
  const store = createStore<SessionDiffState>({ status: 'loading', error: null, seq: 0, files: [], diff: IDLE_DIFF });
  let stopped = false;
  let snapshotting = false;
  let snapshotAgain = false;
  let maxSeenSeq = -1;
  let timer: unknown = null;
  let refreshing = false;
  let pendingPaths = new Set<string>();
  let pendingOverflow = false;
  let diffRequest = 0;

  const patch = (next: Partial<SessionDiffState>) => store.set((state) => ({ ...state, ...next }));

  const setFiles = (files: ChangedFile[]) =>
    store.set((state) => ({ ...state, files: reuseUnchanged(state.files, files, (file) => file.path) }));

  const loadDiff = async (path: string, quiet: boolean) => {
    const request = ++diffRequest;
    if (!quiet) patch({ diff: { path, status: 'loading', value: null, error: null } });
    const result = await deps.invoke('sessions.fileDiff', { repo, id, path });
    if (stopped || request !== diffRequest) return;
    if (result.ok) {
      patch({ diff: { path, status: 'ready', value: result.value, error: null } });
    } else {
      const gone = !store.get().files.some((file) => file.path === path);
      patch({ diff: { path, status: 'error', value: null, error: gone ? 'This file has no changes any more.' : result.error.message } });
    }
  };

  const snapshot = async (): Promise<void> => {
    if (stopped) return;
    if (snapshotting) {
      snapshotAgain = true;
      return;
    }
    snapshotting = true;
    const result = await deps.invoke('watch.session', { repo, id });
    snapshotting = false;
    if (stopped) return;
    if (!result.ok) {
      patch({ status: 'error', error: result.error.message });
      return;
    }
    patch({ status: 'ready', error: null, seq: result.value.seq });
    setFiles(result.value.files);
    const selected = store.get().diff.path;
    const first = result.value.files[0];
    if (selected !== null) void loadDiff(selected, true);
    else if (first !== undefined) void loadDiff(first.path, false);
    if (snapshotAgain) {
      snapshotAgain = false;
      void snapshot();
    } else if (maxSeenSeq > result.value.seq) {
      // Deltas arrived while the snapshot was on its way: it may predate them.
      patch({ seq: maxSeenSeq });
      pendingOverflow = true;
      schedule();
    }
  };

  const schedule = () => {
    if (timer !== null || stopped) return;
    timer = deps.setTimeout(() => {
      timer = null;
      void refresh();
    }, throttleMs);
  };

  const refresh = async () => {
    if (refreshing) {
      schedule();
      return;
    }
    refreshing = true;
    const paths = pendingPaths;
    const overflow = pendingOverflow;
    pendingPaths = new Set();
    pendingOverflow = false;
    const result = await deps.invoke('sessions.changes', { repo, id });
    refreshing = false;
    if (stopped) return;
    if (result.ok) setFiles(result.value);
    const { diff } = store.get();
    if (diff.path === null) {
      const first = store.get().files[0];
      if (first !== undefined) void loadDiff(first.path, false);
      return;
    }
    const origPath = store.get().files.find((file) => file.path === diff.path)?.origPath ?? null;
    if (overflow || paths.has(diff.path) || (origPath !== null && paths.has(origPath))) void loadDiff(diff.path, true);
  };

  return {
    store,
    start: () => snapshot(),
    /** Takes the snapshot again, e.g. after the browser host's connection came back. */
    resnapshot: () => snapshot(),
    select(path: string) {
      void loadDiff(path, false);
    },
    handleEvent(payload: EventPayload<'worktree.changed'>) {
      if (stopped || payload.repo !== repo || payload.sessionId !== id) return;
      maxSeenSeq = Math.max(maxSeenSeq, payload.seq);
      for (const path of payload.paths) pendingPaths.add(path);
      if (payload.overflow) pendingOverflow = true;
      if (snapshotting) return;
      const { seq } = store.get();
      if (payload.seq <= seq) return;
      if (payload.seq !== seq + 1) {
        void snapshot();
        return;
      }
      patch({ seq: payload.seq });
      schedule();
    },
    stop() {
      if (stopped) return;
      stopped = true;
      if (timer !== null) deps.clearTimeout(timer);
      timer = null;
      void deps.invoke('watch.stop', { repo, id });
    },
  };
}

export type SessionDiff = ReturnType<typeof createSessionDiff>;
