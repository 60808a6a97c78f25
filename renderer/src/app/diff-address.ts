import type { DiffView } from '../../../shared/commands/diff';
import { useStoreSelector } from '../lib/create-store';
import { navigateReplacing, navigation, type DiffPlace } from './navigation';

/**
 * The diff tab's side of the address (address.ts): which view the address names for a session (a
 * deep link, Back and Forward, a reload), and a view picked becomes a new address (a history entry).
 */

const ALL: DiffView = { kind: 'base' };

/** The address's diff place while `sessionId`'s diff tab shows; null while another screen or tab does. */
function placeNow(sessionId: string): DiffPlace | null {
  const route = navigation.get();
  return route.view === 'session' && route.sessionId === sessionId && route.tab === 'diff' ? (route.diff ?? {}) : null;
}

/** The view the address names (all changes when none), while the session's diff tab shows. */
export function addressedDiffView(sessionId: string): DiffView | null {
  const place = placeNow(sessionId);
  return place === null ? null : (place.view ?? ALL);
}

/** As `addressedDiffView`, and the file to land on; a string key, so it compares by value. */
export function useDiffAddress(sessionId: string): { view: DiffView; file: string | null; key: string } | null {
  const key = useStoreSelector(navigation, () => {
    const place = placeNow(sessionId);
    return place === null ? null : JSON.stringify({ view: place.view ?? ALL, file: place.file ?? null });
  });
  if (key === null) return null;
  return { ...(JSON.parse(key) as { view: DiffView; file: string | null }), key };
}

export const sameView = (a: DiffView, b: DiffView): boolean => a.kind === b.kind && a.sha === b.sha && a.from === b.from;

/**
 * Shows `view` of the session's diff: a new address, so Back returns to the view before; `chosen`
 * by the app itself (not the person), it replaces the address instead.
 */
export function showDiffView(sessionId: string, view: DiffView, chosen = false): void {
  const route = { view: 'session' as const, sessionId, tab: 'diff' as const, ...(view.kind === 'base' ? {} : { diff: { view } }) };
  if (chosen) navigateReplacing(route);
  else navigation.set(route);
}
