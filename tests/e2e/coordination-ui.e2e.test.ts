import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentPresetInfo } from '../../shared/agents';
import type { DigestState } from '../../shared/commands/digest';
import type { Session } from '../../shared/models';
import { readDigestState } from '../../electron/core/coordination/digest-state';
import { RepoState } from '../../electron/core/state/repo-state';
import { councilJson } from '../helpers/cli';
import { makeRepo, type TestRepo } from '../helpers/repo';
import { browserUnavailable, openApp, openRepo, screenshot, type Harness } from './browser';

/**
 * Issue 15 in the app, in real Chromium against a real `council serve`. A session's digest switch: the
 * Messages tab shows whether its agent is told the digest of its peers and flips it; the switch on
 * disk (council/digests/<session>.json) and `council digest show ID` agree with what it shows,
 * and a flip made with the CLI shows when the tab is opened again. The agent list (Settings →
 * Agents) says which presets' agents get no MCP tools from council, and why, as `council agents` does.
 */
const unavailable = browserUnavailable();
if (unavailable) console.warn(`\n⚠ SKIPPING the coordination browser tests: ${unavailable}\n`);

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

  it("the agent list says which presets get no MCP tools, with the preset's reason, as council agents does", async () => {
    const page = app!.page;
    await page.getByTestId('nav-settings').click();
    const listed = councilJson<AgentPresetInfo[]>(['agents'], { cwd: repo.root });
    if (!listed.result.ok) throw new Error(listed.result.error.message);
    const presets = listed.result.value;
    expect(presets.filter((p) => p.noMcp !== null).map((p) => p.id)).toEqual(['aider', 'auto-claude', 'custom']);
    // Every preset is listed once its detection answered; the tag and the reason only on those without MCP.
    await expect.poll(() => page.getByTestId('settings-preset-status-claude').textContent(), { timeout: 30_000 }).not.toBe('');
    for (const preset of presets) {
      const tag = page.getByTestId(`settings-preset-nomcp-tag-${preset.id}`);
      if (preset.noMcp === null) {
        expect(await tag.count(), preset.id).toBe(0);
        expect(await page.getByTestId(`settings-preset-nomcp-${preset.id}`).count(), preset.id).toBe(0);
        continue;
      }
      expect(await tag.textContent(), preset.id).toBe('no MCP tools');
      await page.getByTestId(`settings-preset-${preset.id}`).locator('summary').click();
      expect(await page.getByTestId(`settings-preset-nomcp-${preset.id}`).textContent()).toBe(`No council tools (MCP) for this preset's agent: ${preset.noMcp}.`);
    }
    await page.getByTestId('settings-preset-aider').scrollIntoViewIfNeeded();
    await screenshot(page, 'agents-no-mcp');
  });
});
