import { closeRepo, openRepo, repoStore, restoreLastRepo } from '../features/repo/repo-store';
import { addressOf, placeOf, type Place } from './address';
import { historyMode, navigation } from './navigation';

/**
 * Keeps the window's address and the app's place (open repository, screen) in step: every move
 * the person makes is a history entry (`#/session/3f2a1b/diff?repo=…`, address.ts), so Back and
 * Forward walk through screens, a reload comes back to the same one, and an address pasted into
 * the browser opens its repository at that screen.
 */

export interface AddressWindow {
  location: { hash: string; pathname: string; search: string };
  history: { pushState(data: unknown, unused: string, url: string): void; replaceState(data: unknown, unused: string, url: string): void };
  addEventListener(type: 'popstate', listener: () => void): void;
  removeEventListener(type: 'popstate', listener: () => void): void;
}

/** Where the app is now; null on the open screen. */
function currentPlace(): Place | null {
  const repo = repoStore.get().current;
  return repo === null ? null : { repo: repo.root, route: navigation.get() };
}

/**
 * Goes to the place an address names: its repository (opened unless it is the open one), then the
 * screen. No address at all is the open screen (the entry before a repository was opened); an
 * address that names no place (a fragment of a page's own, a mistyped one) changes nothing.
 */
async function goTo(hash: string): Promise<void> {
  const place = placeOf(hash);
  if (place === null) {
    if (hash === '' && repoStore.get().current !== null) closeRepo();
    return;
  }
  if (repoStore.get().current?.root !== place.repo && !(await openRepo(place.repo))) return;
  navigation.set(place.route);
}

/** The app's side of the address: restore the place it names at start-up, and keep it in step. */
export interface AddressSync {
  /** On start-up: the repository and screen the address names, else the repository opened last
   * time (on its board); the address then says where the app is, without a new history entry. */
  restore(): Promise<void>;
  stop(): void;
}

/** Writes each new place into the address as a history entry, and follows Back and Forward. */
export function startAddressSync(win: AddressWindow): AddressSync {
  let following = false;
  let pending = false;
  const bare = () => `${win.location.pathname}${win.location.search}`;
  const write = () => {
    pending = false;
    const replacing = historyMode.replace;
    historyMode.replace = false;
    const place = currentPlace();
    const address = place === null ? '' : addressOf(place);
    if (address === win.location.hash) return;
    // A move the person made is a new entry; one that follows the address already (or that the app
    // made by itself, say the newest commit picked for the commit view) is not.
    if (following || replacing) win.history.replaceState(null, '', `${bare()}${address}`);
    else win.history.pushState(null, '', `${bare()}${address}`);
  };
  // Opening a repository changes the screen and the repository one after the other: one entry.
  const schedule = () => {
    if (pending) return;
    pending = true;
    queueMicrotask(write);
  };
  /** Runs `move`, which follows the address, so that what it changes replaces the entry. */
  const follow = async (move: () => Promise<void>) => {
    following = true;
    try {
      await move();
    } finally {
      write();
      following = false;
    }
  };
  const onPop = () => void follow(() => goTo(win.location.hash));
  const stops = [navigation.subscribe(schedule), repoStore.subscribe(schedule)];
  win.addEventListener('popstate', onPop);
  return {
    restore: () =>
      follow(async () => {
        if (placeOf(win.location.hash) === null) await restoreLastRepo();
        else await goTo(win.location.hash);
      }),
    stop() {
      for (const stop of stops) stop();
      win.removeEventListener('popstate', onPop);
    },
  };
}
