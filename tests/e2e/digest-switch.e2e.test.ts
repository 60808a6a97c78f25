import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DigestState } from '../../shared/commands/digest';
import type { Session } from '../../shared/models';
import { readDigestState } from '../../electron/core/coordination/digest-state';
import { RepoState } from '../../electron/core/state/repo-state';
import { councilJson } from '../helpers/cli';
import { makeRepo, type TestRepo } from '../helpers/repo';
import { browserUnavailable, openApp, openRepo, screenshot, type Harness } from './browser';

/**
 * A session's digest switch (issue 15) in real Chromium against a real `council serve`: the
 * Messages tab shows whether its agent is told the digest of its peers and flips it; the switch on
 * disk (council/digests/<session>.json) and `council digest show ID` agree with what it shows,
 * and a flip made with the CLI shows when the tab is opened again.
 */
const unavailable = browserUnavailable();
if (unavailable) console.warn(`\n⚠ SKIPPING the digest switch browser tests: ${unavailable}\n`);

describe.skipIf(unavailable !== null).sequential('the digest switch in a session view', () => {
  let app: Harness | null = null;
  let repo: TestRepo;
  let session: Session;

  /** The switch as the CLI reads it, and as it is on disk. */
  const shown = (): boolean => {
    const out = councilJson<DigestState>(['digest', 'show', session.id], { cwd: repo.root });
    if (!out.result.ok) throw new Error(out.result.error.message);
    return out.result.value.enabled;
  };
  const onDisk = (): boolean => !readDigestState(RepoState.open(repo.root).paths, session.id).off;

  beforeAll(async () => {
    repo = makeRepo({ 'README.md': '# demo\n' });
    app = await openApp();
    await openRepo(app.page, repo.root);
    const made = councilJson<Session[]>(['session', 'create', '--task', 'Write the docs', '--agent', 'claude', '--no-start'], { cwd: repo.root });
    if (!made.result.ok) throw new Error(made.result.error.message);
    session = made.result.value[0] as Session;
  });

  afterAll(async () => {
    await app?.close();
  });

  const openMessages = async () => {
    const page = app!.page;
    await page.getByTestId('nav-board').click();
    await page.getByTestId(`session-open-${session.id}`).click();
    await page.getByTestId('tab-messages').click();
    await expect.poll(() => page.evaluate(() => location.hash)).toContain(`#/session/${session.id}/messages`);
  };

  it('shows the switch on, flips it off and on, the state on disk and the CLI agree', async () => {
    const page = app!.page;
    await openMessages();
    const input = page.getByTestId('digest-switch-input');
    const state = page.getByTestId('digest-switch-state');
    // On by default: shown checked, once read.
    await expect.poll(() => input.isChecked()).toBe(true);
    await expect.poll(() => state.textContent()).toMatch(/^On: /);
    expect([shown(), onDisk()]).toEqual([true, true]);

    await input.click();
    await expect.poll(() => state.textContent()).toMatch(/^Off: /);
    expect(await input.isChecked()).toBe(false);
    await expect.poll(onDisk).toBe(false);
    expect(shown()).toBe(false);
    await screenshot(page, 'digest-switch-off');

    await input.click();
    await expect.poll(() => state.textContent()).toMatch(/^On: /);
    expect(await input.isChecked()).toBe(true);
    await expect.poll(onDisk).toBe(true);
    expect(shown()).toBe(true);
    await screenshot(page, 'digest-switch-on');
  });

  it('a flip made with the CLI shows when the tab is opened again', async () => {
    const page = app!.page;
    const off = councilJson<DigestState>(['digest', 'off', session.id], { cwd: repo.root });
    expect(off.result).toMatchObject({ ok: true, value: { sessionId: session.id, enabled: false } });
    await page.getByTestId('tab-events').click();
    await page.getByTestId('tab-messages').click();
    await expect.poll(() => page.getByTestId('digest-switch-state').textContent()).toMatch(/^Off: /);
    expect(await page.getByTestId('digest-switch-input').isChecked()).toBe(false);
  });
});
