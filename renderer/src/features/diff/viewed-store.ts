import { createStore } from '../../lib/create-store';
import { readPreference, writePreference } from '../../lib/storage';
import { parseMarks, toggleViewed, viewedKey, type HashedFile, type ViewedMarks } from '../../models/diff-viewed';

/** A session's viewed marks, kept in the renderer's storage (per repository and session). */
export function createViewedMarks(repo: string, sessionId: string) {
  const key = viewedKey(repo, sessionId);
  const store = createStore<ViewedMarks>(parseMarks(readPreference(key)));
  const save = (marks: ViewedMarks) => {
    store.set(marks);
    writePreference(key, Object.keys(marks).length ? JSON.stringify(marks) : null);
  };
  return {
    store,
    toggle(file: HashedFile) {
      save(toggleViewed(store.get(), file));
    },
  };
}

export type ViewedMarksStore = ReturnType<typeof createViewedMarks>;
