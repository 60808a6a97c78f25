import type { EventPayload } from '../../../../shared/contract';
import type { DiffFile, DiffView } from '../../../../shared/commands/diff';
import type { CouncilApi } from '../../env';
import { createStore } from '../../lib/create-store';
import { treeOrder } from '../../models/diff-tree';

/**
 * The live diff of one session, for one view: `watch.session` first (it starts the worktree watcher
 * and numbers its events), then `diff.get` for the view; each burst of `worktree.changed` deltas
 * fetches it again (throttled). A gap in `seq` means an event was missed: the snapshot is taken
 * again. A file whose change did not move (same hash) keeps its object, so its section does not
 * render again.
 */
export interface SessionDiffState {
  status: 'loading' | 'ready' | 'error';
  error: string | null;
  seq: number;
  view: DiffView;
  ignoreWhitespace: boolean;
  /** The view's files in the tree's order (the scroll's order). */
  files: DiffFile[];
  from: string | null;
  to: string | null;
}

export interface SessionDiffDeps {
  invoke: CouncilApi['invoke'];
  setTimeout: (callback: () => void, ms: number) => unknown;
  clearTimeout: (handle: unknown) => void;
  throttleMs?: number;
}

/** The hash covers the whole patch: the same hash is the same change (a held-back patch fetched on
 * request stays). */
const sameFile = (a: DiffFile, b: DiffFile) => a.hash === b.hash && a.kind === b.kind && a.origPath === b.origPath;

/** The new list, keeping the previous object of every file that did not change. */
export function keepUnchanged(previous: readonly DiffFile[], next: readonly DiffFile[]): DiffFile[] {
  const byPath = new Map(previous.map((f) => [f.path, f]));
  let changed = previous.length !== next.length;
  const merged = next.map((file, i) => {
    const old = byPath.get(file.path);
    const kept = old !== undefined && sameFile(old, file) ? old : file;
    if (kept !== previous[i]) changed = true;
    return kept;
  });
  return changed ? merged : (previous as DiffFile[]);
}

/** Whether the watch's list of changed files (path, counts) is the one the diff shows. */
export function sameChanges(listed: readonly { path: string; insertions: number | null; deletions: number | null }[], files: readonly DiffFile[]): boolean {
  if (listed.length !== files.length) return false;
  const byPath = new Map(files.map((f) => [f.path, f]));
  return listed.every((l) => {
    const f = byPath.get(l.path);
    return f !== undefined && f.insertions === l.insertions && f.deletions === l.deletions;
  });
}

export function createSessionDiff(repo: string, id: string, deps: SessionDiffDeps, initial: { view?: DiffView } = {}) {
  const throttleMs = deps.throttleMs ?? 100;
  const store = createStore<SessionDiffState>({ status: 'loading', error: null, seq: 0, view: initial.view ?? { kind: 'base' }, ignoreWhitespace: false, files: [], from: null, to: null });
  let stopped = false;
  let snapshotting = false;
  let snapshotAgain = false;
  let maxSeenSeq = -1;
  let timer: unknown = null;
  let request = 0;

  const patch = (next: Partial<SessionDiffState>) => store.set((state) => ({ ...state, ...next }));

  const load = async (): Promise<void> => {
    const mine = ++request;
    const { view, ignoreWhitespace } = store.get();
    const result = await deps.invoke('diff.get', { repo, id, view, ...(ignoreWhitespace ? { ignoreWhitespace } : {}) });
    if (stopped || mine !== request) return;
    if (!result.ok) {
      patch({ status: 'error', error: result.error.message });
      return;
    }
    store.set((state) => ({ ...state, status: 'ready', error: null, from: result.value.from, to: result.value.to, files: keepUnchanged(state.files, treeOrder(result.value.files)) }));
  };

  const snapshot = async (): Promise<void> => {
    if (stopped) return;
    if (snapshotting) {
      snapshotAgain = true;
      return;
    }
    snapshotting = true;
    // The view's diff first (the first paint waits for it alone), then the watch (its numbering).
    // For the base view the watch's own file list says whether the worktree moved in between
    // (then the diff is read again); other views are read again once the watch is on.
    await load();
    const result = await deps.invoke('watch.session', { repo, id });
    snapshotting = false;
    if (stopped) return;
    if (!result.ok) {
      patch({ status: 'error', error: result.error.message });
      return;
    }
    patch({ seq: result.value.seq });
    const { view, files, status } = store.get();
    if (status !== 'ready' || view.kind !== 'base' || !sameChanges(result.value.files, files)) await load();
    if (snapshotAgain) {
      snapshotAgain = false;
      void snapshot();
    } else if (maxSeenSeq > store.get().seq) {
      // Deltas arrived while the snapshot was on its way: it may predate them.
      patch({ seq: maxSeenSeq });
      schedule();
    }
  };

  const schedule = () => {
    if (timer !== null || stopped) return;
    timer = deps.setTimeout(() => {
      timer = null;
      void load();
    }, throttleMs);
  };

  return {
    store,
    start: () => snapshot(),
    /** Takes the snapshot again, e.g. after the browser host's connection came back. */
    resnapshot: () => snapshot(),
    setView(view: DiffView) {
      patch({ view, status: 'loading', files: [] });
      void load();
    },
    setIgnoreWhitespace(ignoreWhitespace: boolean) {
      patch({ ignoreWhitespace });
      void load();
    },
    /** Fetches one held-back file's patch (a large file, on request) and puts it in the list. */
    async loadFile(path: string): Promise<string | null> {
      const { view, ignoreWhitespace } = store.get();
      const result = await deps.invoke('diff.file', { repo, id, view, path, ...(ignoreWhitespace ? { ignoreWhitespace } : {}) });
      if (stopped) return null;
      if (!result.ok) return result.error.message;
      store.set((state) => ({ ...state, files: state.files.map((f) => (f.path === path ? result.value : f)) }));
      return null;
    },
    handleEvent(payload: EventPayload<'worktree.changed'>) {
      if (stopped || payload.repo !== repo || payload.sessionId !== id) return;
      maxSeenSeq = Math.max(maxSeenSeq, payload.seq);
      if (snapshotting) return;
      const { seq } = store.get();
      if (payload.seq <= seq) return;
      if (payload.seq !== seq + 1) {
        void snapshot();
        return;
      }
      patch({ seq: payload.seq });
      // A commit's diff does not move with the worktree.
      if (store.get().view.kind !== 'commit') schedule();
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
