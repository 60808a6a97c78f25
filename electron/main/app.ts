import { app, BrowserWindow, ipcMain, Menu, session } from 'electron';
import { join, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { contentSecurityPolicy, DEV_CSP_NONCE_ENV } from './csp';
import { configureCouncilCli } from '../core/agents/council-command';
import { AppCore } from '../core/app/app-core';
import { sendEvent } from './events';
import { pickFolder } from './folder-picker';
import { menuTemplate } from './menu';
import { showNotification } from './notifications';
import { registerInvokeHandler } from './ipc';
import { denyAllPermissions, hardenWebContents, installCsp } from './security';
import { createMainWindow, type RendererPage } from './window';

export interface StartOptions {
  /** Folder of the built main bundle (out/main); the preload and renderer are found beside it. */
  mainDir?: string;
  /** Environment to read `ELECTRON_RENDERER_URL` (set by `electron-vite dev`) from. */
  env?: Readonly<Record<string, string | undefined>>;
  /** The core front end to serve (tests pass their own); by default one for this app's user data. */
  core?: AppCore;
}

/** The locations main loads, derived from where the main bundle lives. */
export function resolvePages(mainDir: string, devServerUrl: string | undefined) {
  const preloadPath = join(mainDir, '../preload/index.cjs');
  if (devServerUrl) {
    const page: RendererPage = { kind: 'url', url: devServerUrl };
    return { preloadPath, page, allowedPages: [new URL(devServerUrl).origin] };
  }
  const file = join(mainDir, '../renderer/index.html');
  const page: RendererPage = { kind: 'file', path: file };
  return { preloadPath, page, allowedPages: [pathToFileURL(file).href] };
}

/** Wires the app's lifecycle. index.ts calls it; tests call it with a stand-in `electron`. */
export function startApp(options: StartOptions = {}): void {
  const env = options.env ?? process.env;
  // The dev server is only honoured when running from source; a packaged app always loads its files.
  const devServerUrl = app.isPackaged ? undefined : env['ELECTRON_RENDERER_URL'] || undefined;
  const { preloadPath, page, allowedPages } = resolvePages(options.mainDir ?? import.meta.dirname, devServerUrl);
  // Agents' hooks run the bundled CLI with this app's own binary (ELECTRON_RUN_AS_NODE).
  configureCouncilCli(join(options.mainDir ?? import.meta.dirname, '../cli/council.cjs').replace(`app.asar${sep}`, `app.asar.unpacked${sep}`));
  const policy = contentSecurityPolicy(
    devServerUrl
      ? { delivery: 'header', devServerOrigin: new URL(devServerUrl).origin, nonce: env[DEV_CSP_NONCE_ENV] }
      : { delivery: 'header' },
  );

  if (!app.requestSingleInstanceLock()) {
    // Another instance owns the app; it gets a `second-instance` event and focuses itself.
    app.quit();
    return;
  }
  app.enableSandbox();

  let mainWindow: BrowserWindow | null = null;
  let core: AppCore | null = null;
  const openWindow = (): void => {
    const window = createMainWindow({ preloadPath, page });
    // Each window is a client of the core: it gets the events it subscribed to, and its
    // subscriptions end with it (never send to a destroyed window).
    const contents = window.webContents;
    const clientId = String(contents.id);
    core?.addClient(clientId, (event, payload) => sendEvent(contents, event, payload));
    contents.once('destroyed', () => core?.removeClient(clientId));
    window.on('closed', () => {
      if (mainWindow === window) mainWindow = null;
    });
    mainWindow = window;
  };

  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents));
  app.on('second-instance', () => {
    if (mainWindow === null) {
      if (app.isReady()) openWindow();
      return;
    }
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.show();
    mainWindow.focus();
  });
  // Agents running in this app's terminals are stopped (their whole process trees) before it
  // quits; their work stays in the worktrees. Bounded, so a stuck agent cannot hold the quit.
  let closing = false;
  app.on('before-quit', (event) => {
    if (closing || !core) return;
    closing = true;
    event.preventDefault();
    const done = core.close().catch(() => undefined);
    void Promise.race([done, new Promise((resolve) => setTimeout(resolve, 5000))]).then(() => app.quit());
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('activate', () => {
    if (app.isReady() && BrowserWindow.getAllWindows().length === 0) openWindow();
  });

  app
    .whenReady()
    .then(() => {
      installCsp(session.defaultSession, allowedPages, policy);
      denyAllPermissions(session.defaultSession);
      core =
        options.core ??
        new AppCore({
          userDataDir: app.getPath('userData'),
          host: 'electron',
          version: app.getVersion(),
          pickFolder: () => pickFolder(mainWindow),
          notify: showNotification,
        });
      registerInvokeHandler(ipcMain, { allowedPages, handlers: core.handlers });
      Menu.setApplicationMenu(
        Menu.buildFromTemplate(
          menuTemplate({
            isMac: process.platform === 'darwin',
            isDev: !app.isPackaged,
            appName: app.name,
            run: (command) => {
              const target = BrowserWindow.getFocusedWindow() ?? mainWindow;
              if (target) sendEvent(target.webContents, 'app.command', { command });
            },
          }),
        ),
      );
      openWindow();
    })
    .catch((error: unknown) => {
      console.error('[main] failed to start:', error);
      app.exit(1);
    });
}
