/**
 * Every Electron security setting of the desktop app, in one place, on main's real code paths
 * (electron/main/app.ts → window.ts, security.ts, ipc.ts, csp.ts). Electron's binary cannot run on
 * build machines, so — like tests/app/main-wiring.test.ts — the `electron` module is a stand-in that
 * records what main asks of it, and behaves as Electron does where it matters here: a new
 * BrowserWindow's web contents is announced with `web-contents-created` before anything loads.
 *
 * What is asserted is what main decided; the stand-in decides nothing.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { contentSecurityPolicy } from '../../electron/main/csp';
import { INVOKE_CHANNEL } from '../../shared/contract';
import { REPO_ROOT } from '../helpers/cli';

const fake = vi.hoisted(() => {
  type Listener = (...args: unknown[]) => unknown;
  class Emitter {
    readonly listeners = new Map<string, Listener[]>();
    on(name: string, listener: Listener): this {
      this.listeners.set(name, [...(this.listeners.get(name) ?? []), listener]);
      return this;
    }
    once(name: string, listener: Listener): this {
      return this.on(name, listener);
    }
    emit(name: string, ...args: unknown[]): void {
      for (const listener of this.listeners.get(name) ?? []) listener(...args);
    }
  }

  /** What main did, in order: shows that the session is locked down before the first window. */
  const timeline: string[] = [];

  let nextId = 1;
  class WebContents extends Emitter {
    readonly id = nextId++;
    windowOpenHandler: ((details: { url: string; disposition?: string }) => unknown) | undefined;
    setWindowOpenHandler(handler: (details: { url: string }) => unknown): void {
      this.windowOpenHandler = handler;
    }
    send(): void {}
    isDestroyed(): boolean {
      return false;
    }
  }

  const app = Object.assign(new Emitter(), {
    isPackaged: true,
    requestSingleInstanceLock: () => true,
    quit: () => undefined,
    exit: () => undefined,
    enableSandbox: () => void timeline.push('app.enableSandbox'),
    whenReady: () => Promise.resolve(),
    isReady: () => true,
    getVersion: () => '1.0.0-test',
    getPath: (name: string) => `/nonexistent/council-security-test/${name}`,
    name: 'CLI Council',
  });

  const windows: BrowserWindow[] = [];
  class BrowserWindow extends Emitter {
    static getFocusedWindow = (): BrowserWindow | null => null;
    static getAllWindows = (): BrowserWindow[] => [...windows];
    readonly webContents = new WebContents();
    readonly loads: { file?: string; url?: string }[] = [];
    constructor(readonly options: { webPreferences?: Record<string, unknown> }) {
      super();
      timeline.push('new BrowserWindow');
      windows.push(this);
      // As Electron does: the window's contents is announced before the window can load anything.
      app.emit('web-contents-created', {}, this.webContents);
    }
    loadFile(file: string): Promise<void> {
      timeline.push('loadFile');
      this.loads.push({ file });
      return Promise.resolve();
    }
    loadURL(url: string): Promise<void> {
      timeline.push('loadURL');
      this.loads.push({ url });
      return Promise.resolve();
    }
    isMinimized = () => false;
    restore = () => undefined;
    show = () => undefined;
    focus = () => undefined;
  }

  type HeadersListener = (
    details: { url: string; resourceType: string; responseHeaders?: Record<string, string[]> },
    callback: (response: { responseHeaders?: Record<string, string | string[]> }) => void,
  ) => void;
  type PermissionRequest = (contents: unknown, permission: string, callback: (granted: boolean) => void, details?: unknown) => void;
  type PermissionCheck = (contents: unknown, permission: string, origin: string, details?: unknown) => boolean;
  interface FakeSession {
    headersListener: HeadersListener | undefined;
    permissionRequest: PermissionRequest | undefined;
    permissionCheck: PermissionCheck | undefined;
    webRequest: { onHeadersReceived(listener: HeadersListener): void };
    setPermissionRequestHandler(handler: PermissionRequest): void;
    setPermissionCheckHandler(handler: PermissionCheck): void;
  }
  const defaultSession: FakeSession = {
    headersListener: undefined,
    permissionRequest: undefined,
    permissionCheck: undefined,
    webRequest: {
      onHeadersReceived(listener) {
        timeline.push('session.onHeadersReceived');
        defaultSession.headersListener = listener;
      },
    },
    setPermissionRequestHandler(handler) {
      timeline.push('session.setPermissionRequestHandler');
      defaultSession.permissionRequest = handler;
    },
    setPermissionCheckHandler(handler) {
      timeline.push('session.setPermissionCheckHandler');
      defaultSession.permissionCheck = handler;
    },
  };

  const ipcMain = {
    handlers: new Map<string, (event: unknown, message: unknown) => Promise<unknown>>(),
    /** Channels main listens on without a reply (`ipcMain.on`): none should be. */
    listeners: [] as string[],
    handle(channel: string, handler: (event: unknown, message: unknown) => Promise<unknown>): void {
      ipcMain.handlers.set(channel, handler);
    },
    on(channel: string): void {
      ipcMain.listeners.push(channel);
    },
  };

  return { app, BrowserWindow, windows, WebContents, session: { defaultSession }, ipcMain, timeline };
});

vi.mock('electron', () => ({
  app: fake.app,
  BrowserWindow: fake.BrowserWindow,
  session: fake.session,
  ipcMain: fake.ipcMain,
  dialog: { showOpenDialog: () => Promise.resolve({ canceled: true, filePaths: [] }) },
  Menu: { buildFromTemplate: (template: unknown) => ({ template }), setApplicationMenu: () => undefined },
  Notification: class {
    static isSupported = () => false;
  },
}));

const mainDir = join('/opt', 'cli-council', 'resources', 'app', 'out', 'main');
const pageFile = join('/opt', 'cli-council', 'resources', 'app', 'out', 'renderer', 'index.html');
const pageUrl = pathToFileURL(pageFile).href;

beforeEach(() => {
  vi.spyOn(console, 'warn').mockImplementation(() => {});
});

/** Starts main once, as a packaged app asked (in vain) to load a dev server. */
const started = (async () => {
  const { startApp } = await import('../../electron/main/app');
  startApp({ mainDir, env: { ELECTRON_RENDERER_URL: 'http://localhost:5173' } });
  await new Promise((resolve) => setImmediate(resolve));
  const window = fake.windows[0];
  if (fake.windows.length !== 1 || window === undefined) throw new Error(`expected one window, got ${fake.windows.length}`);
  return window;
})();

/** Parses a CSP into directive → sources. */
function directives(policy: string): Record<string, string[]> {
  return Object.fromEntries(
    policy
      .split(';')
      .map((d) => d.trim())
      .filter(Boolean)
      .map((d) => {
        const [name = '', ...sources] = d.split(/\s+/);
        return [name, sources];
      }),
  );
}

const STRICT_POLICY = {
  'default-src': ["'none'"],
  'script-src': ["'self'"],
  'style-src': ["'self'"],
  'img-src': ["'self'", 'data:'],
  'font-src': ["'self'"],
  'connect-src': ["'self'"],
  'object-src': ["'none'"],
  'base-uri': ["'none'"],
  'form-action': ["'none'"],
};

describe('the Electron window and session, all settings at once', () => {
  it('has exactly the hardened web preferences: isolation, sandbox, no Node, web security, no insecure content, no <webview>', async () => {
    const window = await started;
    // toEqual, not toMatchObject: a preference added later (experimentalFeatures, enableBlinkFeatures,
    // a second preload …) fails here until it is looked at.
    expect(window.options.webPreferences).toEqual({
      preload: join('/opt', 'cli-council', 'resources', 'app', 'out', 'preload', 'index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
  });

  it('locks the session down (sandbox for all, CSP, permissions) before the first window exists, and loads only the bundled page', async () => {
    const window = await started;
    const first = fake.timeline.indexOf('new BrowserWindow');
    expect(first).toBeGreaterThan(-1);
    for (const step of ['app.enableSandbox', 'session.onHeadersReceived', 'session.setPermissionRequestHandler', 'session.setPermissionCheckHandler']) {
      expect(fake.timeline.indexOf(step), step).toBeGreaterThan(-1);
      expect(fake.timeline.indexOf(step), `${step} before the window`).toBeLessThan(first);
    }
    // Packaged: the bundled file, never the dev server named in the environment.
    expect(window.loads).toEqual([{ file: pageFile }]);
    expect(fake.timeline).not.toContain('loadURL');
  });

  it("blocks every navigation, frame navigation, <webview> and window.open of the window's own web contents", async () => {
    const contents = (await started).webContents;
    for (const url of ['https://example.com/', 'http://127.0.0.1:4870/', 'file:///etc/passwd', pageUrl, 'javascript:alert(1)', 'data:text/html,<h1>x</h1>']) {
      for (const event of ['will-navigate', 'will-frame-navigate']) {
        const attempt = { url, preventDefault: vi.fn() };
        contents.emit(event, attempt);
        expect(attempt.preventDefault, `${event} ${url}`).toHaveBeenCalled();
      }
      for (const disposition of ['new-window', 'foreground-tab', 'background-tab']) {
        expect(contents.windowOpenHandler?.({ url, disposition }), `window.open ${url}`).toEqual({ action: 'deny' });
      }
    }
    const attach = { preventDefault: vi.fn() };
    contents.emit('will-attach-webview', attach, { preload: '/tmp/evil.js', nodeIntegration: true }, { src: 'https://example.com/' });
    expect(attach.preventDefault).toHaveBeenCalled();
  });

  it('hardens any other web contents the app might create too (web-contents-created)', async () => {
    await started;
    const other = new fake.WebContents();
    fake.app.emit('web-contents-created', {}, other);
    const attempt = { url: 'https://example.com/', preventDefault: vi.fn() };
    other.emit('will-navigate', attempt);
    expect(attempt.preventDefault).toHaveBeenCalled();
    expect(other.windowOpenHandler?.({ url: 'https://example.com/' })).toEqual({ action: 'deny' });
  });

  it('denies every permission request and check', async () => {
    await started;
    const { permissionRequest, permissionCheck } = fake.session.defaultSession;
    const permissions = ['media', 'geolocation', 'notifications', 'midi', 'midiSysex', 'pointerLock', 'fullscreen', 'openExternal', 'clipboard-read', 'clipboard-sanitized-write', 'display-capture', 'mediaKeySystem', 'idle-detection', 'hid', 'serial', 'usb', 'window-management', 'storage-access', 'unknown'];
    const answers: boolean[] = [];
    for (const permission of permissions) permissionRequest?.({}, permission, (granted) => answers.push(granted), { requestingUrl: pageUrl });
    expect(answers).toEqual(permissions.map(() => false));
    expect(permissions.map((permission) => permissionCheck?.({}, permission, pageUrl, {}))).toEqual(permissions.map(() => false));
  });

  it("sends the strict CSP for the app's page (header form), and index.html carries the same policy for file:// loads", async () => {
    await started;
    const listener = fake.session.defaultSession.headersListener;
    if (listener === undefined) throw new Error('no onHeadersReceived listener');
    const responses: { responseHeaders?: Record<string, string | string[]> }[] = [];
    listener({ url: pageUrl, resourceType: 'mainFrame', responseHeaders: { 'Content-Security-Policy': ['default-src *'] } }, (r) => responses.push(r));
    const headers = responses[0]?.responseHeaders ?? {};
    const cspHeaders = Object.entries(headers).filter(([name]) => name.toLowerCase() === 'content-security-policy');
    expect(cspHeaders).toHaveLength(1);
    expect(directives(String(cspHeaders[0]?.[1]))).toEqual({ ...STRICT_POLICY, 'frame-ancestors': ["'none'"] });

    const html = readFileSync(join(REPO_ROOT, 'renderer', 'index.html'), 'utf8');
    const meta = /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1];
    expect(meta).toBe(contentSecurityPolicy({ delivery: 'meta' }));
    expect(directives(meta ?? '')).toEqual(STRICT_POLICY);
  });

  it('serves one IPC channel, invoke-only, and it refuses every frame that is not the bundled page', async () => {
    await started;
    expect([...fake.ipcMain.handlers.keys()]).toEqual([INVOKE_CHANNEL]);
    expect(fake.ipcMain.listeners).toEqual([]);
    const handler = fake.ipcMain.handlers.get(INVOKE_CHANNEL);
    if (handler === undefined) throw new Error('no invoke handler');
    const message = { command: 'app.info', input: {} };
    const foreign = ['https://example.com/', 'http://localhost:5173/', 'file:///tmp/evil.html', `${pageUrl}/../other.html`, 'about:blank', 'data:text/html,x', 'blob:null/1', null];
    for (const url of foreign) {
      await expect(handler({ senderFrame: url === null ? null : { url }, sender: { id: 1 } }, message), String(url)).resolves.toMatchObject({ ok: false, error: { message: expect.stringMatching(/refused/) } });
    }
    await expect(handler({ senderFrame: { url: pageUrl }, sender: { id: 1 } }, message)).resolves.toMatchObject({ ok: true, value: { host: 'electron' } });
  });
});
