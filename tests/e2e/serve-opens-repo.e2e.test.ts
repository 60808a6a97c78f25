import { mkdirSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { council } from '../helpers/cli';
import { makeRepo, tempDir } from '../helpers/repo';
import { browserUnavailable, envWithoutAgents, launchChromium, startServe, type ServeProcess } from './browser';
import type { Browser } from 'playwright-core';

/**
 * `council serve` started inside a repository opens that repository in the page it serves, as the
 * desktop app would: the address it prints (and opens) names it. A repository given with --repo
 * wins; started outside any repository, the page opens on the start screen. In real Chromium.
 */
const unavailable = browserUnavailable();
if (unavailable) console.warn(`\n⚠ SKIPPING the serve-opens-the-repository browser test: ${unavailable}\n`);

const hosts: ServeProcess[] = [];
let browser: Browser | null = null;
afterEach(async () => {
  await browser?.close();
  browser = null;
  for (const host of hosts.splice(0)) await host.close();
});

async function serveIn(cwd: string, globalArgs: string[] = []): Promise<ServeProcess> {
  const host = await startServe(envWithoutAgents(), cwd, 0, globalArgs);
  hosts.push(host);
  return host;
}

describe.skipIf(unavailable !== null)('council serve opens the repository it was started in', () => {
  it('from a folder inside a repository: the printed address opens its board, no path typed', async () => {
    const repo = makeRepo();
    const inside = path.join(repo.root, 'src', 'deep');
    mkdirSync(inside, { recursive: true });
    const host = await serveIn(inside);
    const root = realpathSync(repo.root);
    expect(host.repo).toBe(root);
    expect(host.open).toBe(`${host.url}#/board?repo=${encodeURIComponent(root)}`);

    browser = await launchChromium();
    const page = await browser.newPage();
    await page.goto(host.open);
    await page.getByTestId('nav-board').waitFor();
    expect(await page.getByTestId('repo-name').textContent()).toBe(path.basename(root));
    expect(await page.getByTestId('repo-path-input').count()).toBe(0);
  });

  it('outside any repository: the start screen, as before', async () => {
    const host = await serveIn(tempDir('council-serve-nowhere-'));
    expect(host.repo).toBeNull();
    expect(host.open).toBe(host.url);
    browser = await launchChromium();
    const page = await browser.newPage();
    await page.goto(host.open);
    await page.getByTestId('repo-path-input').waitFor();
  });

  it('--repo names another repository: that one; one that is not a repository is refused before serving', async () => {
    const here = makeRepo();
    const other = makeRepo();
    const host = await serveIn(here.root, ['--repo', other.root]);
    expect(host.repo).toBe(realpathSync(other.root));
    expect(host.open).toBe(`${host.url}#/board?repo=${encodeURIComponent(realpathSync(other.root))}`);

    const refused = council(['--repo', tempDir('council-not-a-repo-'), 'serve', '--port', '0', '--no-open'], { cwd: here.root });
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('is not inside a git repository');
    expect(refused.stdout).toBe('');
  });
});
