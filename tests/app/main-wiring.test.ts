/**
 * Main's wiring, with a stand-in for the `electron` module (the real binary is not available on
 * build machines). The stand-in only records what main asks of Electron; every assertion is about
 * what main decided: window preferences, what it loads, what its handlers do with events.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { AppCore } from '../../electron/core/app/app-core';
import { makeRepo, tempDir } from '../helpers/repo';
import { isAlive, useScript, waitUntil } from '../agents/fake-agents';
import { INVOKE_CHANNEL } from '../../shared/contract';

const holder = vi.hoisted(() => {
  type Listener = (...args: never[]) => unknown;

  class Emitter {
    readonly listeners = new Map<string, Listener[]>();
    on(name: string, listener: Listener): this {
      this.listeners.set(name, [...(this.listeners.get(name) ?? []), listener]);
      return this;
    }
    once(name: string, listener: Listener): this {
      return this.on(name, listener);
    }
    /** Calls every listener registered for `name` (as Electron would emit the event). */
    emit(name: string, ...args: unknown[]): void {
      for (const listener of this.listeners.get(name) ?? []) (listener as (...a: unknown[]) => unknown)(...args);
    }
  }

  let nextWebContentsId = 1;
  class FakeWebContents extends Emitter {
    readonly id = nextWebContentsId++;
    readonly sent: { channel: string; payload: unknown }[] = [];
    destroyed = false;
    send(channel: string, payload: unknown): void {
      this.sent.push({ channel, payload });
    }
    isDestroyed(): boolean {
      return this.destroyed;
    }
    windowOpenHandler: ((details: { url: string }) => unknown) | undefined;
    setWindowOpenHandler(handler: (details: { url: string }) => unknown): void {
      this.windowOpenHandler = handler;
    }
  }

  function createFakes() {
    const calls = { quit: 0, exit: [] as number[], enableSandbox: 0 };
    const app = Object.assign(new Emitter(), {
      isPackaged: false,
      hasLock: true,
      calls,
      requestSingleInstanceLock(): boolean {
        return app.hasLock;
      },
      quit(): void {
        calls.quit += 1;
      },
      exit(code: number): void {
        calls.exit.push(code);
      },
      enableSandbox(): void {
        calls.enableSandbox += 1;
      },
      whenReady: (): Promise<void> => Promise.resolve(),
      isReady: (): boolean => true,
      getVersion: (): string => '7.7.7-test',
      getPath: (name: string): string => `/nonexistent/council-test/${name}`,
      name: 'CLI Council',
    });

    const windows: FakeBrowserWindow[] = [];
    class FakeBrowserWindow extends Emitter {
      static getFocusedWindow(): FakeBrowserWindow | null {
        return null;
      }
      static getAllWindows(): FakeBrowserWindow[] {
        return [...windows];
      }
      readonly webContents = new FakeWebContents();
      readonly loads: { file?: string; url?: string }[] = [];
      minimized = false;
      readonly calls = { show: 0, focus: 0, restore: 0 };
      constructor(readonly options: { webPreferences?: Record<string, unknown> } & Record<string, unknown>) {
        super();
        windows.push(this);
      }
      loadFile(file: string): Promise<void> {
        this.loads.push({ file });
        return Promise.resolve();
      }
      loadURL(url: string): Promise<void> {
        this.loads.push({ url });
        return Promise.resolve();
      }
      isMinimized(): boolean {
        return this.minimized;
      }
      restore(): void {
        this.calls.restore += 1;
        this.minimized = false;
      }
      show(): void {
        this.calls.show += 1;
      }
      focus(): void {
        this.calls.focus += 1;
      }
    }

    type HeadersListener = (
      details: { url: string; resourceType: string; responseHeaders?: Record<string, string[]> },
      callback: (response: { responseHeaders?: Record<string, string | string[]> }) => void,
    ) => void;
    type PermissionRequestHandler = (contents: unknown, permission: string, callback: (granted: boolean) => void) => void;
    type PermissionCheckHandler = (...args: unknown[]) => boolean;
    interface FakeSession {
      headersListener: HeadersListener | undefined;
      permissionRequestHandler: PermissionRequestHandler | undefined;
      permissionCheckHandler: PermissionCheckHandler | undefined;
      webRequest: { onHeadersReceived(listener: HeadersListener): void };
      setPermissionRequestHandler(handler: PermissionRequestHandler): void;
      setPermissionCheckHandler(handler: PermissionCheckHandler): void;
    }
    const defaultSession: FakeSession = {
      headersListener: undefined,
      permissionRequestHandler: undefined,
      permissionCheckHandler: undefined,
      webRequest: {
        onHeadersReceived(listener) {
          defaultSession.headersListener = listener;
        },
      },
      setPermissionRequestHandler(handler) {
        defaultSession.permissionRequestHandler = handler;
      },
      setPermissionCheckHandler(handler) {
        defaultSession.permissionCheckHandler = handler;
      },
    };

    const ipcMain = {
      handlers: new Map<string, (event: unknown, message: unknown) => Promise<unknown>>(),
      handle(channel: string, handler: (event: unknown, message: unknown) => Promise<unknown>): void {
        ipcMain.handlers.set(channel, handler);
      },
    };

    const Menu = {
      installed: null as unknown,
      buildFromTemplate: (template: unknown) => ({ template }),
      setApplicationMenu(menu: unknown): void {
        Menu.installed = menu;
      },
    };

    return { app, windows, BrowserWindow: FakeBrowserWindow, session: { defaultSession }, ipcMain, FakeWebContents, Menu };
  }

  return { createFakes, current: undefined as ReturnType<typeof createFakes> | undefined };
});

// Each test gets fresh stand-ins (see start()); the module reads them through getters.
vi.mock('electron', () => {
  const current = () => {
    if (holder.current === undefined) throw new Error('start() sets up the electron stand-in');
    return holder.current;
  };
  return {
    get app() {
      return current().app;
    },
    get BrowserWindow() {
      return current().BrowserWindow;
    },
    get session() {
      return current().session;
    },
    get ipcMain() {
      return current().ipcMain;
    },
    dialog: {
      showOpenDialog: () => Promise.resolve({ canceled: true, filePaths: [] }),
    },
    get Menu() {
      return current().Menu;
    },
    Notification: class {
      static isSupported(): boolean {
        return false;
      }
    },
  };
});

const mainDir = join('/opt', 'council', 'out', 'main');
const pageFile = join('/opt', 'council', 'out', 'renderer', 'index.html');
const pageUrl = pathToFileURL(pageFile).href;

async function start(options: { env?: Record<string, string>; packaged?: boolean; lock?: boolean; core?: AppCore } = {}) {
  const fakes = holder.createFakes();
  holder.current = fakes;
  const { startApp } = await import('../../electron/main/app');
  fakes.app.isPackaged = options.packaged ?? false;
  fakes.app.hasLock = options.lock ?? true;
  startApp({ mainDir, env: options.env ?? {}, core: options.core });
  await new Promise((resolve) => setImmediate(resolve)); // let app.whenReady().then(...) run
  return fakes;
}

function invoke(fakes: NonNullable<typeof holder.current>, url: string | null, message: unknown) {
  const handler = fakes.ipcMain.handlers.get(INVOKE_CHANNEL);
  if (handler === undefined) throw new Error(`nothing handles ${INVOKE_CHANNEL}`);
  return handler({ senderFrame: url === null ? null : { url } }, message);
}

function headersFor(fakes: NonNullable<typeof holder.current>, url: string, resourceType = 'mainFrame') {
  const listener = fakes.session.defaultSession.headersListener;
  if (listener === undefined) throw new Error('no onHeadersReceived listener');
  const responses: { responseHeaders?: Record<string, string | string[]> }[] = [];
  listener(
    { url, resourceType, responseHeaders: { 'content-security-policy': ["default-src *"], 'X-Other': ['kept'] } },
    (response) => responses.push(response),
  );
  return responses;
}

beforeEach(() => {
  vi.spyOn(console, 'warn').mockImplementation(() => {});
});

describe('main window', () => {
  it('is created once with the security preferences, the bundled preload and the bundled page', async () => {
    const fakes = await start();
    expect(fakes.windows).toHaveLength(1);
    const [window] = fakes.windows;
    expect(window?.options.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      webviewTag: false,
      preload: join('/opt', 'council', 'out', 'preload', 'index.cjs'),
    });
    expect(window?.loads).toEqual([{ file: pageFile }]);
    expect(fakes.app.calls.enableSandbox).toBe(1);
  });

  it('loads the dev server only when running from source', async () => {
    const dev = await start({ env: { ELECTRON_RENDERER_URL: 'http://localhost:5173' } });
    expect(dev.windows[0]?.loads).toEqual([{ url: 'http://localhost:5173' }]);

    const packaged = await start({ packaged: true, env: { ELECTRON_RENDERER_URL: 'http://localhost:5173' } });
    expect(packaged.windows[0]?.loads).toEqual([{ file: pageFile }]);
  });
});

describe('navigation and window.open', () => {
  it('are blocked for every web contents the app creates', async () => {
    const fakes = await start();
    const contents = new fakes.FakeWebContents();
    fakes.app.emit('web-contents-created', {}, contents);

    const navigate = { url: 'https://example.com/', preventDefault: vi.fn() };
    contents.emit('will-navigate', navigate);
    expect(navigate.preventDefault).toHaveBeenCalled();

    const frameNavigate = { url: 'https://example.com/', preventDefault: vi.fn() };
    contents.emit('will-frame-navigate', frameNavigate);
    expect(frameNavigate.preventDefault).toHaveBeenCalled();

    const attach = { preventDefault: vi.fn() };
    contents.emit('will-attach-webview', attach, {}, {});
    expect(attach.preventDefault).toHaveBeenCalled();

    expect(contents.windowOpenHandler?.({ url: 'https://example.com/' })).toEqual({ action: 'deny' });
  });
});

describe('IPC', () => {
  it("answers app.info for the app's own page with main's version and platform", async () => {
    const fakes = await start();
    await expect(invoke(fakes, pageUrl, { command: 'app.info', input: {} })).resolves.toEqual({
      ok: true,
      value: { version: '7.7.7-test', platform: process.platform, host: 'electron' },
    });
  });

  it('refuses frames that are not the app page, before looking at the message', async () => {
    const fakes = await start();
    for (const url of ['https://example.com/', 'about:blank', 'data:text/html,hi', null]) {
      const result = await invoke(fakes, url, { command: 'app.info', input: {} });
      expect(result).toMatchObject({ ok: false, error: { code: 'invalid-input', message: expect.stringMatching(/refused/) } });
    }
  });

  it('validates the message: unknown command, unexpected field; serves the core', async () => {
    const fakes = await start();
    await expect(invoke(fakes, pageUrl, { command: 'sessions.nuke', input: { repo: '/r' } })).resolves.toMatchObject({
      ok: false,
      error: { code: 'invalid-input', message: 'unknown command "sessions.nuke"' },
    });
    // The core's handlers are wired: a folder that is no repository is the core's not-a-repo.
    await expect(invoke(fakes, pageUrl, { command: 'sessions.list', input: { repo: '/nonexistent/repo' } })).resolves.toMatchObject({
      ok: false,
      error: { code: 'not-a-repo' },
    });
    await expect(invoke(fakes, pageUrl, { command: 'app.info', input: { extra: 1 } })).resolves.toMatchObject({
      ok: false,
      error: { code: 'invalid-input', message: expect.stringMatching(/unknown field extra/) },
    });
  });

  it('in development trusts the dev server origin instead of the file', async () => {
    const fakes = await start({ env: { ELECTRON_RENDERER_URL: 'http://localhost:5173' } });
    await expect(invoke(fakes, 'http://localhost:5173/', { command: 'app.info', input: {} })).resolves.toMatchObject({ ok: true });
    await expect(invoke(fakes, pageUrl, { command: 'app.info', input: {} })).resolves.toMatchObject({ ok: false });
  });
});

describe('content security policy header', () => {
  it("replaces any CSP on the app's own page with the strict policy", async () => {
    const fakes = await start();
    const [response] = headersFor(fakes, pageUrl);
    const headers = response?.responseHeaders ?? {};
    expect(Object.keys(headers).filter((name) => name.toLowerCase() === 'content-security-policy')).toEqual([
      'Content-Security-Policy',
    ]);
    const policy = String(headers['Content-Security-Policy']);
    expect(policy).toContain("default-src 'none'");
    expect(policy).toContain("script-src 'self';");
    expect(policy).toContain("frame-ancestors 'none'");
    expect(policy).not.toMatch(/unsafe-(inline|eval)/);
    expect(headers['X-Other']).toEqual(['kept']);
  });

  it('leaves other responses alone', async () => {
    const fakes = await start();
    expect(headersFor(fakes, 'https://example.com/')).toEqual([{}]);
    expect(headersFor(fakes, pathToFileURL('/opt/council/out/renderer/assets/index.js').href, 'script')).toEqual([{}]);
  });

  it("in development allows the dev server's websocket and this run's nonce, still no unsafe-inline", async () => {
    const fakes = await start({
      env: { ELECTRON_RENDERER_URL: 'http://localhost:5173', COUNCIL_DEV_CSP_NONCE: 'n0nce' },
    });
    const [response] = headersFor(fakes, 'http://localhost:5173/');
    const policy = String(response?.responseHeaders?.['Content-Security-Policy']);
    expect(policy).toContain("script-src 'self' 'nonce-n0nce'");
    expect(policy).toContain('connect-src \'self\' ws://localhost:5173');
    expect(policy).not.toMatch(/unsafe-(inline|eval)/);
  });
});

describe('permissions', () => {
  it('refuses every permission request and check', async () => {
    const fakes = await start();
    const granted: boolean[] = [];
    fakes.session.defaultSession.permissionRequestHandler?.({}, 'media', (answer) => granted.push(answer));
    fakes.session.defaultSession.permissionRequestHandler?.({}, 'notifications', (answer) => granted.push(answer));
    expect(granted).toEqual([false, false]);
    expect(fakes.session.defaultSession.permissionCheckHandler?.({}, 'clipboard-read')).toBe(false);
  });
});

describe('single instance', () => {
  it('a second launch restores and focuses the existing window', async () => {
    const fakes = await start();
    const [window] = fakes.windows;
    if (window === undefined) throw new Error('no window');
    window.minimized = true;
    fakes.app.emit('second-instance', {}, ['cli-council'], '/');
    expect(window.calls).toEqual({ restore: 1, show: 1, focus: 1 });
    expect(fakes.windows).toHaveLength(1);
  });

  it('quits without opening a window or serving IPC when another instance holds the lock', async () => {
    const fakes = await start({ lock: false });
    expect(fakes.app.calls.quit).toBe(1);
    expect(fakes.windows).toHaveLength(0);
    expect(fakes.ipcMain.handlers.size).toBe(0);
  });
});

describe('quitting', () => {
  it('stops the running agents (their whole process trees) before the app quits', async () => {
    const repo = makeRepo();
    const core = new AppCore({ userDataDir: tempDir(), host: 'electron', version: '1' });
    const fakes = await start({ core });
    const council = await core.council(repo.root);
    await useScript(council, 'claude', [{ sleep: 60_000 }]);
    const [s] = await council.createSessions({ task: 'long', agent: 'claude' });
    const run = await (await core.agents(repo.root)).start(s!.id, { mode: 'interactive' });
    expect(isAlive(run.pid as number)).toBe(true);

    let prevented = 0;
    fakes.app.emit('before-quit', { preventDefault: () => (prevented += 1) });
    expect(prevented).toBe(1);
    await waitUntil(() => fakes.app.calls.quit === 1, 'the quit after the agents stopped');
    expect(isAlive(run.pid as number)).toBe(false);
    expect((await core.agents(repo.root)).runs(s!.id)[0]).toMatchObject({ state: 'stopped' });
    // The quit it asks for goes through: no second round of stopping.
    fakes.app.emit('before-quit', { preventDefault: () => (prevented += 1) });
    expect(prevented).toBe(1);
  });
});

describe('application menu', () => {
  it('installs a menu whose shortcuts send app.command events to the window', async () => {
    const fakes = await start();
    const installed = fakes.Menu.installed as { template: { label?: string; submenu?: { label?: string; accelerator?: string; click?: () => void }[] }[] };
    const file = installed.template.find((entry) => entry.label === 'File');
    const newSession = file?.submenu?.find((entry) => entry.label === 'New Session…');
    expect(newSession?.accelerator).toBe('CmdOrCtrl+N');
    newSession?.click?.();
    const [window] = fakes.windows;
    expect(window?.webContents.sent).toContainEqual({ channel: 'council:event:app.command', payload: { command: 'new-session' } });
  });
});
