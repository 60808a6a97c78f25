import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeRepo, type TestRepo } from '../helpers/repo';
import { browserUnavailable, envWithoutAgents, launchChromium, openRepo, screenshot, startServe, type ServeProcess } from './browser';

/**
 * Issue 12, item 7: a browser tab on `council serve` stays signed in across a reload (F5) and Back,
 * and when the server restarts (a new token) the tab says so and how to get back in, instead of
 * "missing or wrong token" or "reconnecting…" forever.
 */
const unavailable = browserUnavailable();
if (unavailable) console.warn(`\n⚠ SKIPPING the browser sign-in tests: ${unavailable}\n`);

describe.skipIf(unavailable !== null)('signed in in a browser tab', () => {
  let browser: Browser;
  let repo: TestRepo;
  const hosts: ServeProcess[] = [];
  let elsewhere: Server;

  beforeAll(async () => {
    repo = makeRepo({ 'README.md': '# demo\n' });
    browser = await launchChromium();
    // Another site (localhost is not the same site as 127.0.0.1) to navigate away to, then come Back from.
    elsewhere = createServer((_req, res) => res.writeHead(200, { 'Content-Type': 'text/html' }).end('<!doctype html><title>elsewhere</title><p id="elsewhere">another site</p>'));
    await new Promise<void>((resolve) => elsewhere.listen(0, '127.0.0.1', resolve));
  });

  afterAll(async () => {
    await browser?.close();
    for (const host of hosts) await host.close();
    elsewhere?.close();
  });

  const serve = async (port = 0): Promise<ServeProcess> => {
    const host = await startServe(envWithoutAgents(), undefined, port);
    hosts.push(host);
    return host;
  };

  const newPage = async (): Promise<{ page: Page; errors: string[] }> => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: 'light' });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    return { page, errors };
  };

  it('stays signed in after a reload and after Back from another site, with the token out of the address bar', async () => {
    const host = await serve();
    const { page, errors } = await newPage();
    await page.goto(host.url);
    await page.getByTestId('repo-path-input').waitFor();
    expect(page.url()).not.toContain('token');

    await page.reload();
    expect(await page.locator('body').innerText()).not.toContain('missing or wrong token');
    // The API takes the page's commands again: opening a repository works.
    await openRepo(page, repo.root);
    expect(page.url()).not.toContain('token');

    await page.goto(`http://localhost:${(elsewhere.address() as AddressInfo).port}/`);
    await page.locator('#elsewhere').waitFor();
    await page.goBack();
    await page.getByTestId('nav-board').waitFor();
    expect(await page.locator('body').innerText()).not.toContain('missing or wrong token');
    await expect.poll(() => page.evaluate(() => document.cookie)).toBe(''); // HttpOnly: no script sees it
    expect(errors).toEqual([]);
  });

  it('says plainly that the server restarted with a new token, and how to get back in', async () => {
    const first = await serve();
    const { page } = await newPage();
    await page.goto(first.url);
    await page.getByTestId('repo-path-input').waitFor();

    // Stopped: the tab says the server is not answering (not only "reconnecting…").
    await first.close();
    const banner = page.getByTestId('connection-banner');
    await expect.poll(() => banner.getAttribute('data-state'), { timeout: 15_000 }).toBe('unreachable');
    expect(await banner.innerText()).toMatch(/not answering.*council serve/s);

    // Started again on the same port: a new token, which this tab does not have.
    const second = await serve(first.port);
    await expect.poll(() => banner.getAttribute('data-state'), { timeout: 30_000 }).toBe('token-refused');
    const text = await banner.innerText();
    expect(text).toMatch(/restarted/);
    expect(text).toMatch(/council serve/);
    expect(text).toMatch(/\?token=/);
    await screenshot(page, 'browser-server-restarted');

    // A reload does not get back in with the old token either, and says how to.
    await page.reload();
    expect(await page.locator('body').innerText()).toMatch(/council serve.*\?token=/s);

    // The new address does.
    await page.goto(second.url);
    await page.getByTestId('repo-path-input').waitFor();
    expect(await page.getByTestId('connection-banner').count()).toBe(0);
  });
});
