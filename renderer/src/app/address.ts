import { DIFF_VIEW_KINDS, viewError, type DiffView } from '../../../shared/commands/diff';
import type { DiffPlace, Route, SessionTab } from './navigation';

/**
 * Every screen's address: the URL fragment that names the repository and the screen in it, so a
 * link, Back and Forward, and a reload all land where the person was. Pure: `address-sync.ts`
 * keeps the window's location and the app's state in step.
 *
 *   #/board?repo=/path/to/repo
 *   #/session/3f2a1b/diff?repo=…          (terminal, shell, events, diff, review, messages, context, locks)
 *   #/session/3f2a1b/diff?repo=…&view=commit&sha=9c1e…&file=src/a.ts
 *                                          (the diff's view: uncommitted, commit [sha], since [from];
 *                                           and a file to land on)
 *   #/radar?repo=…   #/radar/3f2a1b?repo=…  (focused on one session's pairs)
 *   #/queue?repo=…   #/queue/<entry>?repo=…
 *   #/locks?repo=…   #/settings?repo=…   #/messages?repo=…
 *   #/compare/3f2a1b,77aa01?repo=…
 *
 * The fragment never reaches a server (the browser host's token travels apart, see
 * browser-transport.ts), and the renderer trusts nothing in it: an id is only looked up.
 */

export const SESSION_TABS: readonly SessionTab[] = ['terminal', 'shell', 'events', 'diff', 'review', 'messages', 'context', 'locks'];

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
    case 'messages':
      path = route.view;
      break;
    case 'radar':
    case 'queue':
      path = route.focus === null ? route.view : `${route.view}/${part(route.focus)}`;
      break;
    case 'session':
      path = `session/${part(route.sessionId)}/${route.tab}`;
      if (route.tab === 'diff' && route.diff !== undefined) return `#/${path}?repo=${part(place.repo)}${diffQuery(route.diff)}`;
      break;
    case 'compare':
      path = `compare/${route.ids.map(part).join(',')}`;
      break;
  }
  return `#/${path}?repo=${part(place.repo)}`;
}

/** The diff's view and file as query parameters (each `&name=value`); all changes adds none. */
function diffQuery(diff: DiffPlace): string {
  const { view, file } = diff;
  let query = '';
  if (view !== undefined && view.kind !== 'base') {
    query += `&view=${view.kind}`;
    if (view.sha !== undefined) query += `&sha=${part(view.sha)}`;
    if (view.from !== undefined) query += `&from=${part(view.from)}`;
  }
  if (file !== undefined && file !== '') query += `&file=${part(file)}`;
  return query;
}

const COMMIT = /^[0-9a-f]{4,64}$/;

/** The diff's place from the query; undefined: none named; null: a malformed one. */
function diffPlaceOf(params: URLSearchParams): DiffPlace | undefined | null {
  const kind = params.get('view');
  const sha = params.get('sha');
  const from = params.get('from');
  const file = params.get('file');
  const place: DiffPlace = {};
  if (kind !== null) {
    const known = DIFF_VIEW_KINDS.find((k) => k === kind);
    if (known === undefined || known === 'base') return null;
    if ((sha !== null && !COMMIT.test(sha)) || (from !== null && !COMMIT.test(from))) return null;
    const view: DiffView = { kind: known, ...(sha !== null ? { sha } : {}), ...(from !== null ? { from } : {}) };
    // A commit may be named or not (not yet picked); "since" needs its commit.
    if (viewError(view) !== null && !(known === 'commit' && sha === null && from === null)) return null;
    place.view = view;
  } else if (sha !== null || from !== null) return null;
  if (file !== null && file !== '') place.file = file;
  return Object.keys(place).length === 0 ? undefined : place;
}

/** What a fragment names; null when it names no place (empty, foreign, malformed). */
export function placeOf(hash: string): Place | null {
  if (!hash.startsWith('#/')) return null;
  const query = hash.indexOf('?');
  const path = hash.slice(2, query === -1 ? undefined : query);
  const params = new URLSearchParams(query === -1 ? '' : hash.slice(query + 1));
  const repo = params.get('repo');
  if (repo === null || repo === '') return null;
  let parts: string[];
  try {
    parts = path.split('/').map(decodeURIComponent);
  } catch {
    return null; // a malformed %-escape
  }
  const route = routeOf(parts);
  if (route === null) return null;
  if (route.view !== 'session' || route.tab !== 'diff') return { repo, route };
  const diff = diffPlaceOf(params);
  if (diff === null) return null;
  return { repo, route: diff === undefined ? route : { ...route, diff } };
}

function routeOf([view, a, b, ...rest]: string[]): Route | null {
  if (rest.length > 0) return null;
  switch (view) {
    case 'board':
    case 'locks':
    case 'settings':
    case 'messages':
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
