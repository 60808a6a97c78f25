import { notify } from '../components/notices';
import { byAttention } from '../models/attention';
import { isTextInputType, listOrder, nextNeedingYou, shortcutOf, type KeyPress, type Shortcut } from '../models/shortcuts';
import { runAppCommand } from './menu-commands';
import { navigate, navigation, openSession } from './navigation';
import { queueStore } from './stores/queue-store';
import { radarStore } from './stores/radar-store';
import { sessionsStore } from './stores/sessions-store';
import { reviewsStore } from './stores/reviews-store';
import { createStore } from '../lib/create-store';

/*
 * The workspace's shortcuts at work: models/shortcuts.ts says which key means what, this runs them
 * against the open repository's stores.
 */

/** Whether the shortcuts' help is open. */
export const shortcutHelp = createStore(false);

/** Does what a shortcut says, in the open repository. */
export function runShortcut(shortcut: Shortcut): void {
  const route = navigation.get();
  const current = route.view === 'session' ? route.sessionId : null;
  const tab = route.view === 'session' ? route.tab : undefined;
  const sections = () => byAttention(sessionsStore.get().cards, queueStore.get().entries, reviewsStore.get().statuses, radarStore.get().mergedInto);
  switch (shortcut.kind) {
    case 'new-session':
      runAppCommand('new-session');
      return;
    case 'help':
      shortcutHelp.set(true);
      return;
    case 'back':
      if (route.view !== 'board') navigate({ view: 'board' });
      return;
    case 'next-attention': {
      const next = nextNeedingYou(sections(), current);
      if (next === null) notify({ tone: 'info', title: 'Nothing needs you right now', testId: 'notice-nothing-needs-you', key: 'shortcut-attention' });
      else openSession(next, tab);
      return;
    }
    case 'jump': {
      const id = listOrder(sections())[shortcut.index];
      if (id !== undefined) openSession(id, tab);
      return;
    }
  }
}

/** What a key press means here, from the DOM event. */
export function keyPressOf(event: KeyboardEvent, doc: Document): KeyPress {
  const target = event.target instanceof Element ? event.target : null;
  // Only text entry is typing: a focused checkbox or button (kept focused after a click) is not.
  const typing =
    target !== null &&
    ((target instanceof HTMLInputElement && isTextInputType(target.type)) ||
      (target instanceof HTMLElement && target.isContentEditable) ||
      target.closest('textarea, select, [contenteditable=""], [contenteditable="true"], [contenteditable="plaintext-only"], .xterm') !== null);
  return { key: event.key, ctrlKey: event.ctrlKey, metaKey: event.metaKey, altKey: event.altKey, typing, dialogOpen: doc.querySelector('dialog[open]') !== null };
}

/** Listens for the shortcuts on `win`; returns the way to stop. */
export function installShortcuts(win: Window): () => void {
  const onKey = (event: KeyboardEvent) => {
    const shortcut = shortcutOf(keyPressOf(event, win.document));
    if (shortcut === null) return;
    event.preventDefault();
    runShortcut(shortcut);
  };
  win.addEventListener('keydown', onKey);
  return () => win.removeEventListener('keydown', onKey);
}
