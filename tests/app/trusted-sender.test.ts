import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isTrustedSender } from '../../electron/main/trusted-sender';

const page = pathToFileURL('/opt/CLI Council/resources/app.asar/out/renderer/index.html').href;
const devServer = 'http://localhost:5173';

describe('isTrustedSender', () => {
  it("accepts the app's own bundled page, with or without a hash or query", () => {
    expect(isTrustedSender(page, [page])).toBe(true);
    expect(isTrustedSender(`${page}#/sessions/ab12`, [page])).toBe(true);
    expect(isTrustedSender(`${page}?tab=diff`, [page])).toBe(true);
  });

  it('accepts the same file however its path is percent-encoded', () => {
    const chromiumStyle = 'file:///opt/CLI%20Council/resources/app.asar/out/renderer/index.html';
    expect(isTrustedSender(chromiumStyle, [page])).toBe(true);
  });

  it('accepts any page of the dev server origin', () => {
    expect(isTrustedSender('http://localhost:5173/', [devServer])).toBe(true);
    expect(isTrustedSender('http://localhost:5173/index.html#x', [devServer])).toBe(true);
  });

  it('refuses other files, even next to the page', () => {
    expect(isTrustedSender(pathToFileURL('/opt/CLI Council/resources/app.asar/out/renderer/other.html').href, [page])).toBe(false);
    expect(isTrustedSender('file:///etc/passwd', [page])).toBe(false);
    expect(isTrustedSender('file://evil-host/opt/CLI%20Council/resources/app.asar/out/renderer/index.html', [page])).toBe(false);
  });

  it('refuses other origins, including look-alikes of the dev server', () => {
    expect(isTrustedSender('https://example.com/', [page, devServer])).toBe(false);
    expect(isTrustedSender('http://localhost:5174/', [devServer])).toBe(false);
    expect(isTrustedSender('https://localhost:5173/', [devServer])).toBe(false);
    expect(isTrustedSender('http://localhost:5173.evil.com/', [devServer])).toBe(false);
    expect(isTrustedSender('http://127.0.0.1:5173/', [devServer])).toBe(false);
  });

  it('refuses the dev server when only the bundled page is allowed, and the reverse', () => {
    expect(isTrustedSender('http://localhost:5173/', [page])).toBe(false);
    expect(isTrustedSender(page, [devServer])).toBe(false);
  });

  it('refuses about:blank, data:, blob: and javascript: frames', () => {
    for (const url of ['about:blank', 'about:srcdoc', 'data:text/html,<h1>hi</h1>', `blob:${devServer}/1234`, 'javascript:alert(1)']) {
      expect(isTrustedSender(url, [page, devServer])).toBe(false);
    }
  });

  it('refuses missing or unparsable URLs and an empty allow-list', () => {
    expect(isTrustedSender(undefined, [page])).toBe(false);
    expect(isTrustedSender(null, [page])).toBe(false);
    expect(isTrustedSender('', [page])).toBe(false);
    expect(isTrustedSender('not a url', [page])).toBe(false);
    expect(isTrustedSender(page, [])).toBe(false);
  });
});
