import { BrowserWindow } from 'electron';

/** What the window shows: the bundled page, or (development only) the electron-vite dev server. */
export type RendererPage = { kind: 'file'; path: string } | { kind: 'url'; url: string };

export interface MainWindowOptions {
  preloadPath: string;
  page: RendererPage;
}

/**
 * The main window. Every security-relevant preference is spelled out even where it is Electron's
 * default, so a reader (and tests/app/main-wiring.test.ts) can see them in one place. Navigation and
 * window.open are blocked for every web contents in app.ts (`web-contents-created`).
 */
export function createMainWindow(options: MainWindowOptions): BrowserWindow {
  const window = new BrowserWindow({
    width: 1280,
    height: 820,
    minWidth: 720,
    minHeight: 480,
    title: 'CLI Council',
    backgroundColor: '#14161a',
    show: false,
    webPreferences: {
      preload: options.preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    },
  });
  window.once('ready-to-show', () => window.show());
  const loading =
    options.page.kind === 'file' ? window.loadFile(options.page.path) : window.loadURL(options.page.url);
  loading.catch((error: unknown) => {
    console.error('[main] could not load the renderer:', error);
  });
  return window;
}
