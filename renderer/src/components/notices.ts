import { createStore } from '../lib/create-store';

/**
 * Short messages over the app: toasts that fade after a few seconds, and sticky notices (such as
 * where a removed session's work was archived) that stay until dismissed.
 */
export interface Notice {
  id: number;
  tone: 'info' | 'success' | 'error';
  title: string;
  detail?: string;
  /** Stays until dismissed. */
  sticky: boolean;
  testId?: string;
  /** A button on the notice (e.g. "Open session"); the notice goes away when it is used. */
  action?: { label: string; run: () => void };
  /** A later notice with the same key replaces this one (one "needs input" per session). */
  key?: string;
  /**
   * Which occurrence of the state it names (a session's turn to "needs input" at a given time, a
   * parked entry's attempt): once dismissed, a notice with the same key and episode is not shown
   * again, however often the stores are reloaded (navigating, reconnecting).
   */
  episode?: string;
}

export const notices = createStore<Notice[]>([]);
let nextId = 1;
const TOAST_MS = 6000;
/** `key\0episode` of notices the user dismissed. */
const dismissed = new Set<string>();
const episodeKey = (notice: Pick<Notice, 'key' | 'episode'>): string | null => (notice.key !== undefined && notice.episode !== undefined ? `${notice.key}\0${notice.episode}` : null);

/** Shows a notice; returns its id, or null when the user already dismissed this very episode. */
export function notify(notice: Omit<Notice, 'id' | 'sticky'> & { sticky?: boolean }): number | null {
  const seen = episodeKey(notice);
  if (seen !== null && dismissed.has(seen)) return null;
  const id = nextId++;
  notices.set((list) => {
    const others = notice.key === undefined ? list : list.filter((n) => n.key !== notice.key);
    return [...others.slice(-4), { ...notice, id, sticky: notice.sticky ?? false }];
  });
  if (!notice.sticky) setTimeout(() => dismissNotice(id), TOAST_MS);
  return id;
}

/** The user closed it (or used its action). */
export function dismissNotice(id: number): void {
  const notice = notices.get().find((n) => n.id === id);
  const seen = notice ? episodeKey(notice) : null;
  if (seen !== null) dismissed.add(seen);
  notices.set((list) => list.filter((n) => n.id !== id));
}

/**
 * Takes away the notices whose state is over (the prompt was answered, the parked entry retried or
 * removed): a notice follows the state it names. `stale` says which keys are over.
 */
export function clearNotices(stale: (key: string) => boolean): void {
  notices.set((list) => {
    const kept = list.filter((n) => n.key === undefined || !stale(n.key));
    return kept.length === list.length ? list : kept;
  });
}
