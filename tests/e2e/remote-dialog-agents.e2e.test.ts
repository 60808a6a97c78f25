import { chmodSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommandOutput } from '../../shared/contract';
import { councilJson, REPO_ROOT } from '../helpers/cli';
import { makeRepo, tempDir, type TestRepo } from '../helpers/repo';
import { sshdUnavailable, startSshd, type SshServer } from '../helpers/sshd';
import { browserUnavailable, envWithoutAgents, openApp, openRepo, screenshot, type Harness } from './browser';

/**
 * Issue 17: the new-session dialog with a host chosen shows that host's agents, as its last check
 * found them, not this machine's. In Chromium, through a real `council serve`; the host is a real
 * OpenSSH server (tests/helpers/sshd.ts) whose user has `codex` and `gemini` on its PATH (small
 * programs: the check only looks for them), while this machine has no agent CLI at all.
 */
const unavailable = browserUnavailable() ?? sshdUnavailable();
if (unavailable) console.warn(`\n⚠ SKIPPING the remote dialog agents end-to-end test: ${unavailable}\n`);

describe.skipIf(unavailable !== null)("the new-session dialog shows the chosen host's agents", () => {
  let app: Harness;
  let repo: TestRepo;
  let server: SshServer;
  let bin: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    server = await startSshd();
    repo = makeRepo();
    bin = server.remoteDir('agents-bin');
    for (const name of ['codex', 'gemini']) {
      writeFileSync(path.join(bin, name), '#!/bin/sh\necho 0.0.1\n');
      chmodSync(path.join(bin, name), 0o755);
    }
    server.aliasWithPath('agents-box', `${bin}:/usr/local/bin:/usr/bin:/bin`);
    env = { COUNCIL_SSH_CONFIG: server.config, COUNCIL_HOSTS_FILE: path.join(tempDir('council-hosts-dlg-'), 'hosts.json'), COUNCIL_CLI: path.join(REPO_ROOT, 'out', 'cli', 'council.cjs') };
    for (const name of ['remote', 'agents-box']) {
      const added = councilJson<CommandOutput<'host.add'>>(['host', 'add', name], { cwd: repo.root, env });
      if (!added.result.ok) throw new Error(`host add ${name} failed: ${added.result.error.message}\n${added.stderr}`);
    }
    app = await openApp({ env: { ...envWithoutAgents(), ...env } });
  }, 180_000);

  afterAll(async () => {
    await app?.close();
    await server?.stop();
  });

  it("this machine's presets by default; with a host chosen, what its last check found there (available or not, and why)", async () => {
    const { page } = app;
    await openRepo(page, repo.root);
    await page.getByTestId('new-session-button').click();
    await page.getByTestId('new-session-task').fill('Work on the agents box');
    const option = (id: string) => page.getByTestId(`new-session-agent-${id}-option`);
    const radio = (id: string) => page.getByTestId(`new-session-agent-${id}`);

    // Here: no agent CLI on this machine, so codex cannot be chosen.
    await expect.poll(() => option('codex').textContent(), { timeout: 30_000 }).toContain('not on PATH');
    expect(await radio('codex').isDisabled()).toBe(true);
    expect(await page.getByTestId('new-session-presets-host').count()).toBe(0);

    // On agents-box: codex and gemini are there (at the host's paths), claude is not.
    await page.getByTestId('new-session-where').selectOption('agents-box');
    await expect.poll(() => option('codex').textContent()).toContain(`${bin}/codex on agents-box`);
    expect(await radio('codex').isDisabled()).toBe(false);
    expect(await option('gemini').textContent()).toContain(`${bin}/gemini on agents-box`);
    expect(await radio('claude').isDisabled()).toBe(true);
    expect(await option('claude').textContent()).toContain('not on agents-box: its last check found no claude on the PATH an ssh command gets there');
    expect(await page.getByTestId('new-session-presets-host').textContent()).toContain('The agent CLIs on agents-box, as its last check found them');
    await radio('codex').check();
    expect(await page.getByTestId('new-session-submit').textContent()).toBe('Start codex');
    await screenshot(page, 'remote-dialog-agents');

    // On remote (nothing on its PATH): codex is not there either; back here, as detected here.
    await page.getByTestId('new-session-where').selectOption('remote');
    await expect.poll(() => option('codex').textContent()).toContain('not on remote: its last check found no codex');
    expect(await radio('codex').isDisabled()).toBe(true);
    await page.getByTestId('new-session-where').selectOption('');
    await expect.poll(() => option('codex').textContent()).toContain('not on PATH');
    expect(await page.getByTestId('new-session-presets-host').count()).toBe(0);
  }, 120_000);

  it('Settings → Machines: removing a host a session lives on is refused, naming the session and the fix; once it is removed, the host goes with its clone', async () => {
    const { page } = app;
    const made = councilJson<{ id: string; host: { repo: string } }[]>(['session', 'create', '--task', 'lives on remote', '--host', 'remote'], { cwd: repo.root, env });
    if (!made.result.ok) throw new Error(made.result.error.message);
    const [session] = made.result.value;
    await page.keyboard.press('Escape');
    await page.getByTestId('nav-settings').click();
    await page.getByTestId('host-row-remote').waitFor();
    await page.getByTestId('host-remove-remote').click();
    expect(await page.getByTestId('remove-host-dialog').textContent()).toContain('refused, with nothing removed, while a session still lives there');
    await page.getByTestId('remove-host-confirm').click();
    await expect.poll(() => page.getByTestId('remove-host-error').textContent(), { timeout: 60_000 }).toContain(`remote still has sessions on it: session ${session!.id}`);
    expect(await page.getByTestId('remove-host-error').textContent()).toContain('Remove or merge them first');
    // Not a connection problem: no "forget" offered.
    expect(await page.getByTestId('remove-host-forget').count()).toBe(0);
    await screenshot(page, 'remote-host-remove-refused');
    await page.getByTestId('remove-host-cancel').click();
    expect(server.ssh('remote', `test -f ${session!.host.repo}/HEAD && echo kept`).stdout.trim()).toBe('kept');

    const removed = councilJson(['session', 'remove', session!.id], { cwd: repo.root, env });
    expect(removed.result.ok, JSON.stringify(removed.result)).toBe(true);
    await page.getByTestId('host-remove-remote').click();
    await page.getByTestId('remove-host-confirm').click();
    await expect.poll(() => page.getByTestId('host-removed').textContent(), { timeout: 60_000 }).toContain("Removed remote and council's runtime, clones and worktrees there");
    await expect.poll(() => page.getByTestId('host-row-remote').count()).toBe(0);
    expect(server.ssh('remote', `test -e ${session!.host.repo} && echo kept || echo gone`).stdout.trim()).toBe('gone');
  }, 120_000);
});
