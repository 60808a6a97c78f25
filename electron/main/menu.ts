import type { MenuItemConstructorOptions } from 'electron';
import type { AppCommand } from '../../shared/contract';

export interface MenuOptions {
  isMac: boolean;
  /** Development builds get reload and developer tools. */
  isDev: boolean;
  appName: string;
  /** Sends a command to the focused window's renderer. */
  run: (command: AppCommand) => void;
}

/**
 * The application menu and its keyboard shortcuts. A pure function of its options, so what the
 * menu offers is tested without Electron; main turns it into a Menu.
 */
export function menuTemplate({ isMac, isDev, appName, run }: MenuOptions): MenuItemConstructorOptions[] {
  const item = (label: string, accelerator: string, command: AppCommand): MenuItemConstructorOptions => ({
    label,
    accelerator,
    click: () => run(command),
  });
  const template: MenuItemConstructorOptions[] = [];
  if (isMac) {
    template.push({
      label: appName,
      submenu: [{ role: 'about' }, { type: 'separator' }, { role: 'hide' }, { role: 'hideOthers' }, { role: 'unhide' }, { type: 'separator' }, { role: 'quit' }],
    });
  }
  template.push(
    {
      label: 'File',
      submenu: [
        item('Open Repository…', 'CmdOrCtrl+O', 'open-repository'),
        item('New Session…', 'CmdOrCtrl+N', 'new-session'),
        { type: 'separator' },
        isMac ? { role: 'close' } : { role: 'quit' },
      ],
    },
    { role: 'editMenu' },
    {
      label: 'View',
      submenu: [
        item('Sessions', 'CmdOrCtrl+1', 'show-board'),
        item('Locks', 'CmdOrCtrl+2', 'show-locks'),
        item('Conflict Radar', 'CmdOrCtrl+3', 'show-radar'),
        item('Merge Queue', 'CmdOrCtrl+4', 'show-queue'),
        item('Settings', 'CmdOrCtrl+,', 'show-settings'),
        { type: 'separator' },
        item('Toggle Dark Theme', 'CmdOrCtrl+Shift+L', 'toggle-theme'),
        { type: 'separator' },
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { role: 'togglefullscreen' },
        ...(isDev ? ([{ type: 'separator' }, { role: 'reload' }, { role: 'toggleDevTools' }] as MenuItemConstructorOptions[]) : []),
      ],
    },
    { role: 'windowMenu' },
  );
  return template;
}
