import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Session } from '../../shared/models';
import { council, councilJson } from '../helpers/cli';
import { makeRepo, type TestRepo } from '../helpers/repo';
import { browserUnavailable, openApp, openRepo, screenshot, type Harness } from './browser';

/**
 * Issue 14, item 6: the locks view can release a lock another session holds, after a confirmation
 * that names the owner. Real Chromium, the browser host, the lock taken and checked through the CLI.
 */
const unavailable = browserUnavailable();
if (unavailable) console.warn(`\n⚠ SKIPPING the lock release browser tests: ${unavailable}\n`);

describe.skipIf(unavailable !== null)('releasing a lock from the locks view', () => {
  let app: Harness;
  let repo: TestRepo;
  let session: Session;

  beforeAll(async () => {
    repo = makeRepo({ 'README.md': '# demo\n', 'src/a.ts': 'export const a = 1;\n' });
    const created = councilJson<Session[]>(['session', 'create', '--task', 'Holds a lock', '--no-start'], { cwd: repo.root });
    if (!created.result.ok) throw new Error(created.result.error.message);
    session = created.result.value[0] as Session;
    app = await openApp();
  });

  afterAll(async () => {
    await app?.close();
  });

  it('asks first, naming the owner; keeping it changes nothing; releasing frees the file for everyone', async () => {
    expect(council(['lock', 'acquire', 'src/a.ts', '--session', session.id], { cwd: repo.root }).code).toBe(0);
    const { page } = app;
    await openRepo(page, repo.root);
    await page.getByTestId('nav-locks').click();
    const release = page.getByTestId('lock-release-src/a.ts');
    await release.waitFor({ timeout: 15_000 });

    await release.click();
    expect(await page.getByTestId('release-lock-owner').textContent()).toContain(`Session ${session.id} (Holds a lock) holds it`);
    // No agent runs in it: a plain release (a running one makes it a force release: tests/e2e/radar.e2e.test.ts).
    expect(await page.getByTestId('release-lock-confirm').textContent()).toBe('Release');
    expect(await page.getByTestId('release-lock-running').count()).toBe(0);
    await screenshot(page, 'lock-release-confirm');
    await page.getByTestId('release-lock-cancel').click();
    expect(council(['lock', 'who', 'src/a.ts'], { cwd: repo.root }).stdout).toContain(`locked by session ${session.id}`);

    await release.click();
    await page.getByTestId('release-lock-confirm').click();
    await expect.poll(() => page.getByTestId('lock-row-src/a.ts').count(), { timeout: 10_000 }).toBe(0);
    expect(council(['lock', 'who', 'src/a.ts'], { cwd: repo.root }).stdout).toContain('src/a.ts is not locked');
  });
});
