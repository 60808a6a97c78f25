import type { Session, WebContents } from 'electron';
import { isTrustedSender } from './trusted-sender';

/**
 * Locks down every web contents the app creates (registered from `web-contents-created`, so no
 * window can be missed): the page may not navigate anywhere, open windows, or attach <webview>s.
 * Our UI is a single page; a navigation is either a bug or an attack (a link in agent output).
 * Programmatic loads from main (`loadFile` / `loadURL`) do not emit these events.
 */
export function hardenWebContents(contents: WebContents): void {
  contents.on('will-navigate', (event) => {
    event.preventDefault();
    console.warn(`[security] blocked navigation to ${event.url}`);
  });
  contents.on('will-frame-navigate', (event) => {
    event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
  });
  contents.setWindowOpenHandler(({ url }) => {
    console.warn(`[security] blocked window.open(${url})`);
    return { action: 'deny' };
  });
}

/**
 * Sends the CSP as a response header for the app's own documents. Other responses are left alone
 * (there should be none: navigation is blocked and the policy forbids remote fetches).
 */
export function installCsp(session: Session, allowedPages: readonly string[], policy: string): void {
  session.webRequest.onHeadersReceived((details, callback) => {
    const isDocument = details.resourceType === 'mainFrame' || details.resourceType === 'subFrame';
    if (!isDocument || !isTrustedSender(details.url, allowedPages)) {
      callback({});
      return;
    }
    const headers: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(details.responseHeaders ?? {})) {
      if (name.toLowerCase() !== 'content-security-policy') headers[name] = value;
    }
    headers['Content-Security-Policy'] = [policy];
    callback({ responseHeaders: headers });
  });
}

/** The UI needs no camera, notifications, geolocation, … : refuse every permission request. */
export function denyAllPermissions(session: Session): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
}
