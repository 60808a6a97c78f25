/**
 * The desktop app's menu commands as the renderer runs them: each `app.command` event from main
 * (electron/main/menu.ts) does what its menu item says. Runs the renderer module with a stand-in
 * for the preload's `window.api`, the way the desktop app provides it.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { EventName, EventPayload } from '../../shared/contract';

type Listener = (payload: unknown) => void;
const listeners = new Map<string, Listener[]>();
const fakeApi = {
  invoke: async () => ({ ok: false, error: { code: 'internal', message: 'not used here' } }),
  on: (event: string, listener: Listener) => {
    listeners.set(event, [...(listeners.get(event) ?? []), listener]);
    return () => undefined;
  },
};
const emit = <E extends EventName>(event: E, payload: EventPayload<E>): void => {
  for (const listener of listeners.get(event) ?? []) listener(payload);
};

let menu: typeof import('../../renderer/src/app/menu-commands');
let navigation: typeof import('../../renderer/src/app/navigation');
let repo: typeof import('../../renderer/src/features/repo/repo-store');

beforeAll(async () => {
  (globalThis as { window?: unknown }).window = { api: fakeApi };
  menu = await import('../../renderer/src/app/menu-commands');
  navigation = await import('../../renderer/src/app/navigation');
  repo = await import('../../renderer/src/features/repo/repo-store');
  menu.installMenuCommands();
});

describe('menu commands in the renderer', () => {
  it('navigates to the board, locks, radar, queue and settings', () => {
    emit('app.command', { command: 'show-locks' });
    expect(navigation.navigation.get()).toEqual({ view: 'locks' });
    emit('app.command', { command: 'show-radar' });
    expect(navigation.navigation.get()).toEqual({ view: 'radar', focus: null });
    emit('app.command', { command: 'show-queue' });
    expect(navigation.navigation.get()).toEqual({ view: 'queue', focus: null });
    emit('app.command', { command: 'show-settings' });
    expect(navigation.navigation.get()).toEqual({ view: 'settings' });
    emit('app.command', { command: 'show-board' });
    expect(navigation.navigation.get()).toEqual({ view: 'board' });
  });

  it('"New Session…" goes to the board and asks it for the dialog', () => {
    emit('app.command', { command: 'show-locks' });
    expect(menu.newSessionRequested.get()).toBe(false);
    emit('app.command', { command: 'new-session' });
    expect(navigation.navigation.get()).toEqual({ view: 'board' });
    expect(menu.newSessionRequested.get()).toBe(true);
  });

  it('"Open Repository…" closes the open repository (back to the open screen)', () => {
    repo.repoStore.set((state) => ({ ...state, current: { root: '/r', name: 'r', branch: 'main' } }));
    emit('app.command', { command: 'open-repository' });
    expect(repo.repoStore.get().current).toBeNull();
  });
});
