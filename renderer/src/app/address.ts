import type { Route, SessionTab } from './navigation';

/**
 * Every screen's address: the URL fragment that names the repository and the screen in it, so a
 * link, Back and Forward, and a reload all land where the person was. Pure: `address-sync.ts`
 * keeps the window's location and the app's state in step.
 *
 *   #/board?repo=/path/to/repo
 *   #/session/3f2a1b/diff?repo=…          (terminal, shell, events, diff, context, locks)
 *   #/radar?repo=…   #/radar/3f2a1b?repo=…  (focused on one session's pairs)
 *   #/queue?repo=…   #/queue/<entry>?repo=…
 *   #/locks?repo=…   #/settings?repo=…
 *   #/compare/3f2a1b,77aa01?repo=…
 *
 * The fragment never reaches a server (the browser host's token travels apart, see
 * browser-transport.ts), and the renderer trusts nothing in it: an id is only looked up.
 */

export const SESSION_TABS: readonly SessionTab[] = ['terminal', 'shell', 'events', 'diff', 'review', 'context', 'locks'];

/** A repository and a screen in it, as an address names them. */
export interface Place {
  repo: string;
  route: Route;
}

const ID = /^[0-9a-f]{1,16}$/;
/** %-encoded; a lone UTF-16 surrogate (which encodeURIComponent refuses) becomes U+FFFD. */
const part = (text: string) => encodeURIComponent(text.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd'));

/** The fragment (with its `#`) of `route` in the repository at `repo`. */
export function addressOf(place: Place): string {
  const { route } = place;
  let path: string;
  switch (route.view) {
    case 'board':
    case 'locks':
    case 'settings':
      path = route.view;
      break;
    case 'radar':
    case 'queue':
      path = route.focus === null ? route.view : `${route.view}/${part(route.focus)}`;
      break;
    case 'session':
      path = `session/${part(route.sessionId)}/${route.tab}`;
      break;
    case 'compare':
      path = `compare/${route.ids.map(part).join(',')}`;
      break;
  }
  return `#/${path}?repo=${part(place.repo)}`;
}

/** What a fragment names; null when it names no place (empty, foreign, malformed). */
export function placeOf(hash: string): Place | null {
  if (!hash.startsWith('#/')) return null;
  const query = hash.indexOf('?');
  const path = hash.slice(2, query === -1 ? undefined : query);
  const repo = new URLSearchParams(query === -1 ? '' : hash.slice(query + 1)).get('repo');
  if (repo === null || repo === '') return null;
  let parts: string[];
  try {
    parts = path.split('/').map(decodeURIComponent);
  } catch {
    return null; // a malformed %-escape
  }
  const route = routeOf(parts);
  return route === null ? null : { repo, route };
}

function routeOf([view, a, b, ...rest]: string[]): Route | null {
  if (rest.length > 0) return null;
  switch (view) {
    case 'board':
    case 'locks':
    case 'settings':
      return a === undefined ? { view } : null;
    case 'radar':
    case 'queue':
      if (b !== undefined) return null;
      if (a === undefined || a === '') return { view, focus: null };
      return ID.test(a) ? { view, focus: a } : null;
    case 'session': {
      const tab = SESSION_TABS.find((t) => t === b);
      return a !== undefined && ID.test(a) && tab !== undefined ? { view: 'session', sessionId: a, tab } : null;
    }
    case 'compare': {
      if (a === undefined || b !== undefined) return null;
      const ids = a.split(',');
      return ids.length >= 2 && ids.every((id) => ID.test(id)) ? { view: 'compare', ids } : null;
    }
    default:
      return null;
  }
}
