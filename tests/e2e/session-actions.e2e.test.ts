import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Session } from '../../shared/models';
import { council, councilJson } from '../helpers/cli';
import { gitSync, makeRepo, tempDir, writeIn, type TestRepo } from '../helpers/repo';
import { browserUnavailable, openApp, openRepo, screenshot, type Harness } from './browser';

/**
 * Issue 14, item 5, as a reviewer meets it in the app (the real renderer in Chromium, through the
 * browser host, on real repositories): commit a session's work with a message, discard a file's
 * change after a confirmation that says where it is kept, update from base into a conflict and undo
 * it, open the worktree with a configured program, and merge with an edited message after seeing
 * the commits and files that will land.
 */
const unavailable = browserUnavailable();
if (unavailable) console.warn(`\n⚠ SKIPPING the session actions browser tests: ${unavailable}\n`);

describe.skipIf(unavailable !== null)("a reviewer's actions on a session", () => {
  let app: Harness;
  let repo: TestRepo;

  const create = (task: string): Session => {
    const created = councilJson<Session[]>(['session', 'create', '--task', task], { cwd: repo.root });
    if (!created.result.ok) throw new Error(created.result.error.message);
    return created.result.value[0] as Session;
  };
  const read = (file: string): string => readFileSync(file, 'utf8');

  beforeAll(async () => {
    repo = makeRepo({ 'README.md': '# demo\n', 'src/a.ts': 'export const a = 1;\n', 'src/b.ts': 'export const b = 1;\n' });
    app = await openApp();
    await openRepo(app.page, repo.root);
  });

  afterAll(async () => {
    await app?.close();
  });

  async function openSession(s: Session): Promise<void> {
    const { page } = app;
    await page.getByTestId('nav-board').click();
    await page.getByTestId(`session-open-${s.id}`).click();
    await page.getByTestId('session-view').waitFor();
    await page.getByTestId('action-commit').waitFor();
  }

  it('commits the pending work with a message prefilled from the task, saying how many files', async () => {
    const s = create('Tidy the sources\nwith more words below');
    writeIn(s.worktreePath, 'src/a.ts', 'export const a = 2;\n');
    writeIn(s.worktreePath, 'src/new.ts', 'export const n = 1;\n');
    await openSession(s);
    const { page } = app;
    await screenshot(page, 'session-actions-header');
    await page.getByTestId('action-commit').click();
    await page.getByTestId('commit-dialog').waitFor();
    await expect.poll(() => page.getByTestId('commit-count').textContent()).toBe('2 files with uncommitted changes will be committed:');
    expect(await page.getByTestId('commit-message').inputValue()).toBe('Tidy the sources');
    expect(await page.getByTestId('commit-submit').textContent()).toBe('Commit 2 files');
    await screenshot(page, 'session-actions-commit');
    await page.getByTestId('commit-message').fill('Tidy a and add n');
    await page.getByTestId('commit-submit').click();
    await page.getByTestId('commit-notice').waitFor();
    expect(await page.getByTestId('commit-dialog').count()).toBe(0);
    expect(gitSync(s.worktreePath, 'log', '-1', '--format=%s')).toBe('Tidy a and add n');
    expect(gitSync(s.worktreePath, 'show', '--name-only', '--format=', 'HEAD').split('\n').sort()).toEqual(['src/a.ts', 'src/new.ts']);
    expect(gitSync(s.worktreePath, 'status', '--porcelain')).toBe('');
  });

  it('discards one file after a confirmation that says where it is kept; cancelling changes nothing', async () => {
    const s = create('Discard some');
    const a = writeIn(s.worktreePath, 'src/a.ts', 'export const a = "unwanted";\n');
    const b = writeIn(s.worktreePath, 'src/b.ts', 'export const b = "kept";\n');
    await openSession(s);
    const { page } = app;
    await page.getByTestId('action-commit').click();
    await page.getByTestId('commit-discard-src/a.ts').click();
    const dialog = page.getByTestId('discard-dialog');
    await dialog.waitFor();
    expect(await page.getByTestId('discard-path').textContent()).toBe('src/a.ts');
    await expect.poll(() => page.getByTestId('discard-what').textContent()).toBe("The uncommitted change of src/a.ts goes: the file is put back as the session's last commit has it.");
    expect(await page.getByTestId('discard-kept').textContent()).toContain(`kept in a commit under refs/council/archive/${s.id}/discard-<n>`);
    await screenshot(page, 'session-actions-discard');
    await page.getByTestId('discard-cancel').click();
    expect(await dialog.count()).toBe(0);
    expect(read(a)).toBe('export const a = "unwanted";\n');

    await page.getByTestId('action-commit').click();
    await page.getByTestId('commit-discard-src/a.ts').click();
    await page.getByTestId('discard-confirm').click();
    const notice = page.getByTestId('discard-notice');
    await notice.waitFor();
    const ref = `refs/council/archive/${s.id}/discard-1`;
    expect(await notice.textContent()).toContain(`kept under ${ref}`);
    expect(await notice.textContent()).toContain(`Get it back with: git -C ${s.worktreePath} checkout ${ref} -- src/a.ts`);
    await screenshot(page, 'session-actions-discarded');
    expect(read(a)).toBe('export const a = 1;\n');
    expect(read(b)).toBe('export const b = "kept";\n');
    expect(gitSync(repo.root, 'show', `${ref}:src/a.ts`)).toBe('export const a = "unwanted";');
    await notice.getByRole('button', { name: /dismiss/i }).click();
  });

  it('update from base: asks to commit first, then stops on a conflict naming the file; Undo puts everything back', async () => {
    const s = create('Update me');
    writeIn(s.worktreePath, 'src/b.ts', 'export const b = "session";\n');
    writeIn(repo.root, 'src/b.ts', 'export const b = "base";\n');
    gitSync(repo.root, 'commit', '-qam', 'base changes b');
    await openSession(s);
    const { page } = app;
    await page.getByTestId('action-update').click();
    await page.getByTestId('update-dialog').waitFor();
    await page.getByTestId('update-submit').click();
    // Said once: the warning names the files and what to do; no error line repeating it.
    await expect.poll(() => page.getByTestId('update-dirty').textContent()).toContain('uncommitted changes (src/b.ts): commit them first');
    expect(await page.getByTestId('update-error').count()).toBe(0);
    expect(await page.getByTestId('update-dialog').innerText()).not.toMatch(/commit them first[\s\S]*commit them first/);
    // Commit first, from the dialog's own offer.
    await page.getByTestId('update-commit-first').click();
    await page.getByTestId('commit-dialog').waitFor();
    await page.getByTestId('commit-message').fill('session changes b');
    await page.getByTestId('commit-submit').click();
    await expect.poll(() => page.getByTestId('commit-dialog').count()).toBe(0);
    expect(gitSync(s.worktreePath, 'log', '-1', '--format=%s')).toBe('session changes b');
    const before = { head: gitSync(s.worktreePath, 'rev-parse', 'HEAD'), b: read(path.join(s.worktreePath, 'src/b.ts')) };

    await page.getByTestId('action-update').click();
    await page.getByTestId('update-submit').click();
    const conflict = page.getByTestId('update-conflict');
    await conflict.waitFor();
    expect(await page.getByTestId('update-conflict-files').textContent()).toBe('src/b.ts');
    expect(read(path.join(s.worktreePath, 'src/b.ts'))).toContain('<<<<<<<');
    await expect.poll(() => page.getByTestId('session-view-status').textContent(), { timeout: 15_000 }).toMatch(/blocked/i);
    await screenshot(page, 'session-actions-update-conflict');
    // "Resolve with agent" sends the follow-up through agent.followUp: this session has no agent, and says so.
    await page.getByTestId('update-resolve-agent').click();
    await expect.poll(() => page.getByTestId('update-error').textContent()).toContain(`session ${s.id} has no agent yet`);
    expect(read(path.join(s.worktreePath, 'src/b.ts'))).toContain('<<<<<<<');

    await page.getByTestId('update-undo').click();
    await page.getByTestId('update-notice').waitFor();
    expect(await page.getByTestId('update-notice').textContent()).toContain('was undone');
    expect(gitSync(s.worktreePath, 'rev-parse', 'HEAD')).toBe(before.head);
    expect(read(path.join(s.worktreePath, 'src/b.ts'))).toBe(before.b);
    expect(gitSync(s.worktreePath, 'status', '--porcelain')).toBe('');
    expect(existsSync(path.join(gitSync(s.worktreePath, 'rev-parse', '--absolute-git-dir'), 'MERGE_HEAD'))).toBe(false);
    await expect.poll(() => page.getByTestId('session-view-status').textContent(), { timeout: 15_000 }).toMatch(/idle/i);
  });

  it('opens the worktree with the program of the setting, in the worktree', async () => {
    const s = create('Open me');
    const dir = tempDir('council-open-');
    const log = path.join(dir, 'log.txt');
    const program = path.join(dir, 'stand-in-editor');
    writeFileSync(program, `#!/bin/sh\n{ pwd; for a in "$@"; do printf '%s\\n' "$a"; done; } > '${log}'\n`);
    chmodSync(program, 0o755);
    expect(council(['settings', 'set', 'openEditor', '--', program, '{path}'], { cwd: repo.root }).code).toBe(0);
    await openSession(s);
    const { page } = app;
    await page.getByTestId('action-open').click();
    await page.getByTestId('action-open-menu').waitFor();
    await screenshot(page, 'session-actions-open-menu');
    await page.getByTestId('action-open-editor').click();
    await expect.poll(() => (existsSync(log) ? read(log) : ''), { timeout: 10_000 }).toBe(`${s.worktreePath}\n${s.worktreePath}\n`);
    expect(await page.getByTestId('open-notice').textContent()).toContain('Opened in the editor');
  });

  it('the merge dialog shows the commits and files that will land, and the edited message lands in the base', async () => {
    const s = create('Land two commits');
    writeIn(s.worktreePath, 'src/c.ts', 'export const c = 1;\nexport const c2 = 2;\n');
    gitSync(s.worktreePath, 'add', '-A');
    gitSync(s.worktreePath, 'commit', '-qm', 'add c');
    writeIn(s.worktreePath, 'README.md', '# demo\n\nMore.\n');
    gitSync(s.worktreePath, 'commit', '-qam', 'say more');
    await openSession(s);
    const { page } = app;
    await page.getByTestId(`session-merge-${s.id}`).click();
    await page.getByTestId('merge-dialog').waitFor();
    await page.getByTestId('merge-strategy-merge').check();
    await page.getByTestId('merge-landing').waitFor();
    expect(await page.getByTestId('landing-commit').allTextContents()).toEqual([expect.stringMatching(/say more.*· just now|say more/), expect.stringMatching(/add c/)]);
    expect(await page.getByTestId('landing-file').allTextContents()).toEqual(['README.md+2 −0', 'src/c.ts+2 −0']);
    expect(await page.getByTestId('merge-message').inputValue()).toBe(`Merge session ${s.id}: Land two commits\n\nBranch ${s.branch}, merged by the CLI Council merge queue.`);
    await page.getByTestId('merge-message').fill('Land c and the README\n\nReviewed in the app.');
    await page.getByTestId('merge-gate').fill('');
    await screenshot(page, 'session-actions-merge-dialog');
    await page.getByTestId('merge-submit').click();
    await expect.poll(() => gitSync(repo.root, 'log', '-1', '--format=%B', 'main'), { timeout: 30_000 }).toBe('Land c and the README\n\nReviewed in the app.');
    expect(gitSync(repo.root, 'show', 'main:src/c.ts')).toBe('export const c = 1;\nexport const c2 = 2;');
  });
});
