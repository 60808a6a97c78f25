/**
 * The README's screenshots, made again from scratch: `npm run screenshots` (or
 * `npx tsx scripts/screenshots.ts [--only NAME,…] [--out DIR]` after `npm run build`).
 *
 * It builds a demo repository with real git and the real `council` CLI (scripts/screenshots/demo-repo.ts:
 * six sessions needing input, reviewed, working, colliding, failed, parked), starts the browser host
 * (`council serve`) on it, opens the real renderer in Debian's Chromium (playwright-core) at 1280×800
 * and writes PNGs to docs/screenshots/. Nothing in the UI is faked: every state comes from the
 * product's own commands. Needs /usr/bin/chromium (or COUNCIL_CHROMIUM) and a built app.
 */
import { existsSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { browserUnavailable, launchChromium, openRepo, startServe, type ServeProcess } from '../tests/e2e/browser';
import { buildDemo, REPO_ROOT, stopDemoAgents, type Demo } from './screenshots/demo-repo';

const args = process.argv.slice(2);
const flag = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i === -1 ? undefined : args[i + 1];
};
const OUT = path.resolve(flag('--out') ?? path.join(REPO_ROOT, 'docs', 'screenshots'));
const ONLY = flag('--only')?.split(',');
/** A fixed folder (not a random temp name): the paths the screens show stay the same run to run. */
const DEMO_DIR = path.join(os.tmpdir(), 'council-screenshots');

type Shot = { name: string; theme?: 'light' | 'dark'; take: (page: Page, demo: Demo) => Promise<void> };

const click = async (page: Page, testId: string) => {
  await page.getByTestId(testId).click();
};
const openSession = async (page: Page, id: string, tab: string) => {
  await click(page, 'nav-board');
  await click(page, `session-open-${id}`);
  await click(page, `tab-${tab}`);
};
/** Scrolls the page so the element is at the top, below the fixed navigation bar. */
const scrollToTop = async (page: Page, testId: string, gap = 64) => {
  await page.getByTestId(testId).evaluate((el, offset) => {
    el.scrollIntoView({ block: 'start' });
    let box: HTMLElement | null = el.parentElement;
    while (box && box.scrollHeight <= box.clientHeight) box = box.parentElement;
    (box ?? document.scrollingElement)?.scrollBy(0, -offset);
  }, gap);
};
/** Lets async loads and transitions finish (the screens poll nothing: state arrives by events). */
const settle = (page: Page, ms = 600) => page.waitForTimeout(ms);

const SHOTS: Shot[] = [
  {
    // The attention-first list beside a session that needs input.
    name: 'board',
    take: async (page, { sessions }) => {
      await openSession(page, sessions.vat.id, 'context');
      await page.getByTestId(`attention-item-${sessions.vat.id}`).waitFor();
    },
  },
  {
    name: 'review',
    take: async (page, { sessions }) => {
      await openSession(page, sessions.email.id, 'review');
      await page.getByTestId('review-comment-c1').waitFor();
      await page.waitForFunction(() => document.querySelector('[data-testid="review-comment-c1"]')?.getAttribute('data-outcome') === 'addressed');
      await scrollToTop(page, 'review-pending');
    },
  },
  {
    name: 'session-actions',
    take: async (page, { sessions }) => {
      await openSession(page, sessions.csv.id, 'context');
      await click(page, 'action-open');
      await page.getByTestId('action-open-menu').waitFor();
    },
  },
  {
    name: 'merge-dialog',
    take: async (page, { sessions }) => {
      await openSession(page, sessions.email.id, 'review');
      await click(page, `session-merge-${sessions.email.id}`);
      await page.getByTestId('merge-landing').waitFor();
    },
  },
  {
    // Removing a session with unmerged work asks first, and says where the work is kept.
    name: 'remove-asks',
    take: async (page, { sessions }) => {
      await openSession(page, sessions.temporal.id, 'context');
      await click(page, `session-remove-${sessions.temporal.id}`);
      await page.getByTestId('remove-dialog-warning').waitFor();
    },
  },
  {
    name: 'radar',
    take: async (page) => {
      await click(page, 'nav-radar');
      await click(page, 'radar-file-toggle-src/invoice.ts');
      await page.getByTestId('radar-hunk').first().waitFor();
    },
  },
  {
    name: 'queue',
    take: async (page, { sessions }) => {
      await click(page, 'nav-queue');
      await page.locator(`[data-testid^="queue-entry-"][data-session="${sessions.intl.id}"]`).waitFor();
    },
  },
  {
    name: 'locks',
    take: async (page) => {
      await click(page, 'nav-locks');
      await page.getByTestId('lock-row-src/invoice.ts').waitFor();
      await click(page, 'lock-release-src/invoice.ts');
      await page.getByTestId('release-lock-owner').waitFor();
    },
  },
  {
    name: 'settings-agents',
    take: async (page) => {
      await click(page, 'nav-settings');
      await click(page, 'settings-scope-user');
      await page.getByTestId('settings-preset-claude').waitFor();
      await scrollToTop(page, 'settings-preset-claude');
    },
  },
  // A session's whole diff: light and unified, dark and split; the README already marked viewed.
  { name: 'diff-review', take: (page, demo) => showDiff(page, demo, 'unified') },
  { name: 'diff-dark', theme: 'dark', take: (page, demo) => showDiff(page, demo, 'split') },
];

async function showDiff(page: Page, { sessions }: Demo, mode: 'unified' | 'split'): Promise<void> {
  await openSession(page, sessions.discounts.id, 'diff');
  await page.getByTestId('diff-section-src/invoice.ts').waitFor();
  await click(page, `diff-mode-${mode}`);
  const viewed = page.getByTestId('diff-viewed-README.md');
  if (!(await viewed.isChecked())) await viewed.check();
  await page.getByTestId('diff-section-src/invoice.ts').locator('.diff-code-edit').first().waitFor();
  await scrollToTop(page, 'diff-tab', 60);
}

async function main(): Promise<void> {
  const unknown = ONLY?.filter((name) => !SHOTS.some((shot) => shot.name === name)) ?? [];
  if (unknown.length) throw new Error(`no screenshot named ${unknown.join(', ')}; there are: ${SHOTS.map((shot) => shot.name).join(', ')}`);
  const missing = browserUnavailable();
  if (missing) throw new Error(`cannot take screenshots: ${missing}`);
  if (!existsSync(path.join(REPO_ROOT, 'out', 'cli', 'council.cjs'))) throw new Error('no built CLI: run `npm run build` first');
  mkdirSync(OUT, { recursive: true });
  console.log(`building the demo repository in ${DEMO_DIR}…`);
  let host: ServeProcess | null = null;
  let browser: Browser | null = null;
  try {
    const demo = await buildDemo(DEMO_DIR);
    host = await startServe(demo.env, demo.root);
    browser = await launchChromium();
    for (const theme of ['light', 'dark'] as const) {
      const shots = SHOTS.filter((s) => (s.theme ?? 'light') === theme && (!ONLY || ONLY.includes(s.name)));
      if (shots.length === 0) continue;
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: theme, reducedMotion: 'reduce' });
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (err) => errors.push(err.message));
      await page.goto(host.url);
      await openRepo(page, demo.root);
      for (const shot of shots) {
        await page.keyboard.press('Escape');
        await shot.take(page, demo);
        await page.mouse.move(1279, 799); // no hover effects in the picture
        await settle(page);
        const file = path.join(OUT, `${shot.name}.png`);
        await page.screenshot({ path: file });
        console.log(`  ${path.relative(REPO_ROOT, file)}`);
        await page.keyboard.press('Escape');
      }
      if (errors.length) throw new Error(`the page threw: ${errors.join('; ')}`);
      await context.close();
    }
  } finally {
    await browser?.close();
    await host?.close();
    stopDemoAgents(DEMO_DIR);
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
