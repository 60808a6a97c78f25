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
}

export const notices = createStore<Notice[]>([]);
let nextId = 1;
const TOAST_MS = 6000;

export function notify(notice: Omit<Notice, 'id' | 'sticky'> & { sticky?: boolean }): number {
  const id = nextId++;
  notices.set((list) => {
    const others = notice.key === undefined ? list : list.filter((n) => n.key !== notice.key);
    return [...others.slice(-4), { ...notice, id, sticky: notice.sticky ?? false }];
  });
  if (!notice.sticky) setTimeout(() => dismissNotice(id), TOAST_MS);
  return id;
}

export function dismissNotice(id: number): void {
  notices.set((list) => list.filter((notice) => notice.id !== id));
}
