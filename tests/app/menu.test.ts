import { describe, expect, it } from 'vitest';
import type { AppCommand } from '../../shared/contract';
import { menuTemplate } from '../../electron/main/menu';

type Entry = { label?: string; role?: string; accelerator?: string; click?: () => void; submenu?: Entry[] };

describe('application menu template', () => {
  const build = (isMac: boolean, isDev: boolean) => {
    const sent: AppCommand[] = [];
    const template = menuTemplate({ isMac, isDev, appName: 'CLI Council', run: (c) => sent.push(c) }) as Entry[];
    const items = template.flatMap((top) => top.submenu ?? []);
    return { template, items, sent };
  };

  it('gives every command a keyboard shortcut and sends it when clicked', () => {
    const { items, sent } = build(false, false);
    const shortcuts = Object.fromEntries(items.filter((i) => i.accelerator).map((i) => [i.label, i.accelerator]));
    expect(shortcuts).toEqual({
      'Open Repository…': 'CmdOrCtrl+O',
      'New Session…': 'CmdOrCtrl+N',
      Sessions: 'CmdOrCtrl+1',
      Locks: 'CmdOrCtrl+2',
      'Conflict Radar': 'CmdOrCtrl+3',
      'Merge Queue': 'CmdOrCtrl+4',
      Settings: 'CmdOrCtrl+,',
      'Toggle Dark Theme': 'CmdOrCtrl+Shift+L',
    });
    for (const i of items) i.click?.();
    expect(sent).toEqual(['open-repository', 'new-session', 'show-board', 'show-locks', 'show-radar', 'show-queue', 'show-settings', 'toggle-theme']);
  });

  it('has the app menu on macOS, Quit in File elsewhere, and developer tools only in development', () => {
    expect(build(true, false).template[0]?.label).toBe('CLI Council');
    expect(build(false, false).items.some((i) => i.role === 'quit')).toBe(true);
    expect(build(false, false).items.some((i) => i.role === 'toggleDevTools')).toBe(false);
    expect(build(false, true).items.some((i) => i.role === 'toggleDevTools')).toBe(true);
  });
});
