import type { AppCommand } from '../../../shared/contract';
import { api } from '../api';
import { closeRepo } from '../features/repo/repo-store';
import { createStore } from '../lib/create-store';
import { navigate } from './navigation';
import { toggleTheme } from './theme';

/** Set by the "New Session…" menu item; the board opens its dialog and clears it. */
export const newSessionRequested = createStore(false);

/** What each menu command does in the window. */
export function runAppCommand(command: AppCommand): void {
  switch (command) {
    case 'open-repository':
      closeRepo();
      return;
    case 'new-session':
      navigate({ view: 'board' });
      newSessionRequested.set(true);
      return;
    case 'show-board':
      navigate({ view: 'board' });
      return;
    case 'show-locks':
      navigate({ view: 'locks' });
      return;
    case 'show-radar':
      navigate({ view: 'radar', focus: null });
      return;
    case 'show-queue':
      navigate({ view: 'queue', focus: null });
      return;
    case 'show-settings':
      navigate({ view: 'settings' });
      return;
    case 'toggle-theme':
      toggleTheme();
      return;
  }
}

/** The desktop app's menu and shortcuts arrive as `app.command` events (the browser has none). */
export function installMenuCommands(): () => void {
  return api.on('app.command', ({ command }) => runAppCommand(command));
}
