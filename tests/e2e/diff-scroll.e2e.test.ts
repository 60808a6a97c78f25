/**
 * Scrolling a long review diff in the real renderer (Chromium): files passed by a fling are not
 * rendered on the way (the work queue waits while the page flings), the files in view are rendered
 * once it stops, and a skim below the fling speed renders files while it scrolls. A long file not
 * rendered yet is as tall as it first renders: a jump into it lands where it was aimed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Session } from '../../shared/models';
import { councilJson } from '../helpers/cli';
import { makeRepo, writeIn, type TestRepo } from '../helpers/repo';
import { browserUnavailable, openApp, openRepo, type Harness } from './browser';

const unavailable = browserUnavailable();
const FILES = 121;
/** A long file among the small ones (3,000 lines: rendered a chunk at a time). */
const LONG = 'src/mod-060-long.ts';
const BLOCK_OLD = ['// a block', 'export const a = compute(1);', 'export const b = compute(2);', 'export const c = compute(3);', '// end', ''].join('\n');
/** 60 lines, of which lines 6–55 are a block rewritten whole (50 rows side by side: longer than a chunk). */
const rewritten = (word: string) => Array.from({ length: 60 }, (_, i) => (i >= 5 && i < 55 ? `export const v${i} = '${word}-${i}-end';` : `// line ${i}`)).join('\n') + '\n';
/** 900 lines; changed, every 30th line is (30 hunks of 7 lines: several chunks, hidden lines between the hunks). */
const spread = (changed: boolean) => Array.from({ length: 900 }, (_, i) => `export const s${i} = ${i}${changed && i % 30 === 15 ? ' + 1' : ''};`).join('\n') + '\n';
/** A small file whose lines wrap (100–210 characters). */
const WRAPPED = 96;

interface Seen {
  /** Sections rendered before the scroll began, or in the view where it began. */
  before: string[];
  /** Each section seen in the view during the scroll, and whether it was rendered at some frame it was in view. */
  inView: Record<string, boolean>;
  frames: number;
}

/** Scrolls the page `px` a frame from `from` to `to` (or the bottom), noting each frame which sections are in the view and rendered. */
function scrollNoting(px: number, from: number, to: number): Promise<Seen> {
  return new Promise((resolve) => {
    const sections = () => [...document.querySelectorAll<HTMLElement>('.diff-file')];
    window.scrollTo(0, from);
    const inViewNow = (s: HTMLElement) => {
      const r = s.getBoundingClientRect();
      return r.bottom > 0 && r.top < window.innerHeight;
    };
    const before = sections().filter((s) => s.dataset.rendered === 'true' || inViewNow(s)).map((s) => s.dataset.path ?? '');
    const inView: Record<string, boolean> = {};
    let frames = 0;
    const step = () => {
      frames++;
      for (const s of sections()) {
        if (!inViewNow(s)) continue;
        const path = s.dataset.path ?? '';
        inView[path] = (inView[path] ?? false) || s.dataset.rendered === 'true';
      }
      const end = Math.min(to, document.documentElement.scrollHeight - window.innerHeight);
      if (window.scrollY >= end - 1) {
        resolve({ before, inView, frames });
        return;
      }
      window.scrollBy(0, px);
      requestAnimationFrame(step);
    };
    requestAnimationFrame(step);
  });
}

describe.skipIf(unavailable !== null)('scrolling a long review diff', () => {
  let app: Harness;
  let repo: TestRepo;
  let s: Session;
  /** A session that rewrites a block of three lines (the split view's test). */
  let blockSession: Session;
  /** A session whose second file is long and its lines wrap (rendered at once when its diff opens). */
  let wideSession: Session;

  /** The session's diff opened (afresh, from the board, when it is open already): only the files at its top rendered. */
  const openDiff = async () => {
    const { page } = app;
    if ((await page.getByTestId('diff-tab').count()) > 0) {
      await page.getByTestId('nav-board').click();
      await page.waitForFunction(() => document.querySelector('[data-testid="diff-tab"]') === null);
    }
    await page.getByTestId(`session-open-${s.id}`).click();
    await page.waitForFunction((n) => document.querySelectorAll('.diff-file').length === n, FILES, { timeout: 20_000 });
  };

  beforeAll(async () => {
    repo = makeRepo({ 'README.md': '# demo\n', 'src/block.ts': BLOCK_OLD, 'src/rewrite.ts': rewritten('old'), 'src/spread.ts': spread(false) });
    const created = councilJson<Session[]>(['session', 'create', '--task', 'Touch many files', '--no-start'], { cwd: repo.root });
    if (!created.result.ok) throw new Error(created.result.error.message);
    s = (created.result.value as Session[])[0]!;
    writeIn(s.worktreePath, LONG, Array.from({ length: 3000 }, (_, j) => `export const long${j} = ${j};`).join('\n') + '\n');
    for (let i = 0; i < FILES - 1; i++) {
      // (one with lines long enough to wrap, two or three rows each)
      const line = (j: number) => (i === WRAPPED ? `export const value${i}_${j} = '${'wrapped '.repeat(8 + 4 * j).slice(0, 100 + 10 * j)}';` : `export const value${i}_${j} = ${i * j};`);
      writeIn(s.worktreePath, `src/mod-${String(i).padStart(3, '0')}.ts`, Array.from({ length: 12 }, (_, j) => line(j)).join('\n') + '\n');
    }
    const other = councilJson<Session[]>(['session', 'create', '--task', 'Rewrite a block', '--no-start'], { cwd: repo.root });
    if (!other.result.ok) throw new Error(other.result.error.message);
    blockSession = (other.result.value as Session[])[0]!;
    writeIn(blockSession.worktreePath, 'src/block.ts', BLOCK_OLD.replace(/compute/g, 'recompute'));
    writeIn(blockSession.worktreePath, 'src/rewrite.ts', rewritten('new'));
    writeIn(blockSession.worktreePath, 'src/spread.ts', spread(true));
    const wide = councilJson<Session[]>(['session', 'create', '--task', 'Add a wide table', '--no-start'], { cwd: repo.root });
    if (!wide.result.ok) throw new Error(wide.result.error.message);
    wideSession = (wide.result.value as Session[])[0]!;
    writeIn(wideSession.worktreePath, 'a-first.ts', 'export const first = 1;\n');
    writeIn(wideSession.worktreePath, 'b-wide.ts', Array.from({ length: 400 }, (_, j) => `export const wide${j} = '${'w'.repeat(120)}';`).join('\n') + '\n');
    app = await openApp();
    await openRepo(app.page, repo.root);
    await openDiff();
  }, 60_000);

  afterAll(async () => {
    await app?.close();
  });

  it('a fling renders none of the files it passes; the files where it stops render once it rests', async () => {
    const { page } = app;
    // The diff at rest first: the files near its top rendered (their pieces would otherwise run in
    // the fling's first frame, before two scroll events could tell it is one).
    await page.waitForFunction(() => [...document.querySelectorAll<HTMLElement>('.diff-file')].filter((el) => el.getBoundingClientRect().top < 2000).every((el) => el.dataset.rendered === 'true'), undefined, { timeout: 10_000 });
    const seen = (await page.evaluate(`(${scrollNoting.toString()})(600, 0, 1e9)`)) as Seen;
    const passed = Object.keys(seen.inView).filter((p) => !seen.before.includes(p));
    expect(seen.frames).toBeGreaterThan(15);
    expect(passed.length).toBeGreaterThan(40);
    // Rendered while in view during the fling: at most those that came near in its first frame (the
    // first scroll event after a pause is not yet a fling — it may be a jump, which must render at
    // once — and 600 px more of the near band holds 3 of these files), never the files further on.
    // The build before the fling rule rendered 102 of these 119 on the way.
    const renderedOnTheWay = passed.filter((p) => seen.inView[p]);
    expect(renderedOnTheWay.length, renderedOnTheWay.join(', ')).toBeLessThanOrEqual(4);
    expect(renderedOnTheWay.every((p) => p <= 'src/mod-010.ts'), renderedOnTheWay.join(', ')).toBe(true);
    // At rest at the bottom: the last file is rendered, with its rows.
    const last = page.getByTestId('diff-section-src/mod-119.ts');
    await expect.poll(() => last.getAttribute('data-rendered'), { timeout: 5_000 }).toBe('true');
    await expect.poll(() => last.textContent()).toContain('export const value119_11 = 1309;');
  });

  it('a skim below the fling speed renders the files as it passes them', async () => {
    const { page } = app;
    await openDiff();
    expect(await page.getByTestId('diff-section-src/mod-040.ts').getAttribute('data-rendered')).toBe('false');
    // 60 px a frame through the middle of the diff (far from where the fling stopped).
    const middle = (await page.evaluate(() => {
      const el = document.querySelector<HTMLElement>('[data-path="src/mod-040.ts"]');
      return el === null ? 0 : el.getBoundingClientRect().top + window.scrollY;
    })) as number;
    expect(middle).toBeGreaterThan(1000);
    const seen = (await page.evaluate(`(${scrollNoting.toString()})(60, ${middle}, ${middle + 4000})`)) as Seen;
    const passed = Object.keys(seen.inView).filter((p) => !seen.before.includes(p));
    expect(passed.length).toBeGreaterThan(5);
    // Each was rendered while still in view, the scroll going on.
    const never = passed.filter((p) => !seen.inView[p]);
    expect(never.length, `not rendered while in view: ${never.join(', ')}`).toBeLessThanOrEqual(1);
  });

  it('a file not rendered yet is as tall as it renders: a jump to a long one lands where aimed', async () => {
    const { page } = app;
    await openDiff();
    const long = page.getByTestId(`diff-section-${LONG}`);
    expect(await long.getAttribute('data-rendered')).toBe('false');
    const placeholder = (await long.boundingBox())?.height ?? 0;
    await page.getByTestId(`diff-file-${LONG}`).click();
    await expect.poll(() => long.getAttribute('data-rendered'), { timeout: 5_000 }).toBe('true');
    await expect.poll(() => long.textContent()).toContain('export const long0 = 0;');
    // Rendered, it is its chunks (40 rows each) near the view and the others' placeholders, each as
    // tall as its rows: the whole file as tall as its placeholder was (3,001 rows and a header; the
    // build before rendered its first chunk and a 2,000-row "more below" note, and before that its
    // placeholder was 3,006 rows against 2,040 rendered).
    const height = await long.evaluate((el) => el.getBoundingClientRect().height);
    expect(placeholder).toBeGreaterThan(3000 * 18.75);
    expect(Math.abs(height - placeholder), `placeholder ${placeholder} px, rendered ${height} px`).toBeLessThan(2);
    const top = (await long.boundingBox())?.y ?? -1;
    expect(top).toBeGreaterThanOrEqual(0);
    expect(top).toBeLessThan(200);
    // Small files too: each as tall before and after it renders (their body read from the patch:
    // 12 added lines under one hunk header, long lines as the rows they wrap to; the build before
    // sized them as 18 rows).
    const heights = () => page.locator('.diff-file').evaluateAll((els) => els.map((el) => ({ path: (el as HTMLElement).dataset.path ?? '', rendered: (el as HTMLElement).dataset.rendered === 'true', height: el.getBoundingClientRect().height })));
    const waiting = (await heights()).filter((h) => !h.rendered && h.path !== LONG);
    expect(waiting.length).toBeGreaterThan(50);
    expect(waiting.some((h) => h.path === 'src/mod-095.ts')).toBe(true);
    await page.getByTestId('diff-file-src/mod-095.ts').click();
    await page.waitForFunction(() => ['src/mod-095.ts', 'src/mod-097.ts'].every((p) => document.querySelector<HTMLElement>(`[data-path="${p}"]`)?.dataset.rendered === 'true'), undefined, { timeout: 5_000 });
    const after = new Map((await heights()).filter((h) => h.rendered).map((h) => [h.path, h.height]));
    const compared = waiting.filter((h) => after.has(h.path));
    expect(compared.length).toBeGreaterThan(3);
    expect(compared.map((h) => h.path)).toContain(`src/mod-0${WRAPPED}.ts`);
    for (const h of compared) expect(Math.abs(after.get(h.path)! - h.height), `${h.path}: ${h.height} px waiting, ${after.get(h.path)} px rendered`).toBeLessThan(2);
  });

  it('a jump to the end of a long file renders the chunks there, not those before them', async () => {
    const { page } = app;
    await openDiff();
    const long = page.getByTestId(`diff-section-${LONG}`);
    expect(await long.getAttribute('data-rendered')).toBe('false');
    // Its last rows brought into view at once, as a scroll bar dragged there would.
    await long.evaluate((el) => window.scrollTo(0, el.getBoundingClientRect().bottom + window.scrollY - window.innerHeight));
    await expect.poll(() => long.textContent(), { timeout: 5_000 }).toContain('export const long2999 = 2999;');
    const { rendered, waiting } = await long.evaluate((el) => ({ rendered: el.querySelectorAll('.diff-chunk').length, waiting: el.querySelectorAll('.diff-chunk-placeholder').length }));
    // 75 chunks: the first, and a few near its end (the view and 1,200 px either side).
    expect(rendered + waiting).toBe(75);
    expect(rendered, `${rendered} chunks rendered`).toBeLessThan(14);
    expect(await long.textContent()).not.toContain('export const long1500 = 1500;');
    // Where the rows are not rendered yet, their hunk headers are in place: the file's one header here.
    expect(await long.locator('[data-hunk-header]').count()).toBe(1);
  });

  it('a file jumped to is held in place while the page settles, until the reader scrolls by key', async () => {
    const { page } = app;
    await openDiff();
    // A file above the one jumped to growing (as files render while the page settles) re-aims the page at it.
    const grow = () =>
      page.evaluate(() => {
        const above = document.querySelector<HTMLElement>('[data-path="src/mod-100.ts"]');
        const extra = document.createElement('div');
        extra.style.height = '300px';
        above?.append(extra);
      });
    await page.getByTestId('diff-file-src/mod-100.ts').click();
    // A click in the diff (where the keys then scroll: the page, not the tree), then `j`: the next file.
    await page.getByTestId('diff-section-src/mod-100.ts').locator('.diff-hunk-text').first().click();
    await page.keyboard.press('j');
    const topOf = () => page.getByTestId('diff-section-src/mod-101.ts').evaluate((el) => Math.round(el.getBoundingClientRect().top));
    await page.waitForTimeout(100);
    const aimed = await topOf();
    expect(aimed).toBeLessThan(200);
    await grow();
    await page.waitForTimeout(100);
    expect(await topOf()).toBe(aimed);
    // Page Down: the reader moves on; a file above growing then no longer pulls them back to it
    // (the build before let go only on a wheel: back at the file's top). Where they read stays put.
    await page.keyboard.press('PageDown');
    await page.waitForTimeout(200);
    const read = await topOf();
    expect(read).toBeLessThan(aimed - 300);
    await grow();
    await page.waitForTimeout(200);
    expect(await topOf()).toBe(read);
  });

  it('more context in a file of several chunks: the chunks shown stay shown, the lines asked for appear', async () => {
    const { page } = app;
    await page.getByTestId('nav-board').click();
    await page.getByTestId(`session-open-${blockSession.id}`).click();
    const spreadFile = page.getByTestId('diff-section-src/spread.ts');
    await page.getByTestId('diff-file-src/spread.ts').click();
    await expect.poll(() => spreadFile.getAttribute('data-rendered'), { timeout: 10_000 }).toBe('true');
    await page.waitForTimeout(1100); // (the jump's hold on the file, while the page settles, over)
    // Into its middle (hunk 16 of 30, in a chunk after the first), once rendered there.
    await spreadFile.evaluate((el) => window.scrollTo(0, el.getBoundingClientRect().top + window.scrollY + el.getBoundingClientRect().height / 2 - 200));
    const waitingInView = () =>
      spreadFile.locator('[data-testid="diff-chunk-placeholder-src/spread.ts"]').evaluateAll((els) => els.filter((el) => {
        const r = el.getBoundingClientRect();
        return r.bottom > 0 && r.top < window.innerHeight;
      }).length);
    await expect.poll(waitingInView, { timeout: 5_000 }).toBe(0);
    expect(await spreadFile.locator('.diff-chunk').count()).toBeGreaterThan(1);
    // A hunk header in view with lines hidden above it: show them all.
    const button = (await spreadFile.getByTestId('diff-expand-all-src/spread.ts').evaluateAll((els) => els.map((el, i) => ({ i, top: el.getBoundingClientRect().top })))).find((b) => b.top > 100 && b.top < 600);
    expect(button).toBeDefined();
    const hiddenLine = await spreadFile.getByTestId('diff-expand-all-src/spread.ts').nth(button!.i).evaluate((el) => {
      const header = el.closest('[data-hunk-header]')?.querySelector('.diff-hunk-text')?.textContent ?? '';
      return Number(/@@ -(\d+)/.exec(header)?.[1] ?? 0) - 5;
    });
    expect(hiddenLine).toBeGreaterThan(30);
    expect(await spreadFile.textContent()).not.toContain(`export const s${hiddenLine - 1} = ${hiddenLine - 1};`);
    // Each frame from the click on: nothing in view goes back to waiting (the chunks, cut anew, that
    // hold lines already shown render at once).
    const seen = (await page.evaluate(async (at) => {
      const buttons = [...document.querySelectorAll<HTMLElement>('[data-testid="diff-expand-all-src/spread.ts"]')];
      buttons[at]!.click();
      let most = 0;
      for (let f = 0; f < 30; f++) {
        await new Promise((r) => requestAnimationFrame(r));
        const waiting = [...document.querySelectorAll('[data-testid="diff-chunk-placeholder-src/spread.ts"]')].filter((el) => {
          const r = el.getBoundingClientRect();
          return r.bottom > 0 && r.top < window.innerHeight;
        }).length;
        most = Math.max(most, waiting);
      }
      return most;
    }, button!.i)) as number;
    expect(seen).toBe(0);
    await expect.poll(() => spreadFile.textContent()).toContain(`export const s${hiddenLine - 1} = ${hiddenLine - 1};`);
  });

  it('split, a block of removed lines sits beside the added lines that replace it, row by row', async () => {
    const { page } = app;
    await page.getByTestId('nav-board').click();
    await page.getByTestId(`session-open-${blockSession.id}`).click();
    const section = page.getByTestId('diff-section-src/block.ts');
    await expect.poll(() => section.locator('table.diff-unified').count(), { timeout: 10_000 }).toBe(1);
    await page.getByTestId('diff-mode-split').click();
    try {
      await expect.poll(() => section.locator('table.diff-split').count()).toBe(1);
      const rows = await section.locator('tr.diff-line').evaluateAll((trs) => trs.map((tr) => tr.textContent ?? ''));
      // git's block: three removed lines, then three added; shown as three rows, each old beside new
      // (react-diff-view alone set a removed line beside an added one only when it came right before
      // it: a staircase of five rows, one of them a pair).
      for (const name of ['a', 'b', 'c']) {
        const row = rows.filter((r) => r.includes(`export const ${name} = `));
        expect(row, rows.join('\n')).toHaveLength(1);
        expect(row[0]).toContain('recompute');
        expect(row[0]!.replace('recompute', '')).toContain('compute');
      }
      expect(rows).toHaveLength(5);
      // A block of 50 rewritten lines, longer than a chunk (40 rows): cut between one row and the
      // next, each old line still beside its new one (the build before cut it by the unified view's
      // lines: 37 removed lines alone, the rest paired one chunk later with the wrong added lines).
      const rewrite = page.getByTestId('diff-section-src/rewrite.ts');
      await expect.poll(() => rewrite.locator('table.diff-split').count(), { timeout: 10_000 }).toBe(2);
      const pairs = await rewrite.locator('tr.diff-line').evaluateAll((trs) => trs.map((tr) => tr.textContent ?? ''));
      for (let i = 5; i < 55; i++) {
        const row = pairs.filter((r) => r.includes(`old-${i}-end`));
        expect(row, pairs.join('\n')).toHaveLength(1);
        expect(row[0], pairs.join('\n')).toContain(`new-${i}-end`);
      }
      expect(pairs).toHaveLength(56);
    } finally {
      await page.getByTestId('diff-mode-unified').click();
    }
  });

  it('the first diff opened in a page: a long file rendered at once waits, chunk by chunk, as tall as its wrapped lines', async () => {
    const { page } = app;
    // A fresh page on the board (reloaded there: no diff rendered before this one, nothing measured);
    // both files of this diff render in its first commit.
    await page.getByTestId('nav-board').click();
    await page.reload();
    await page.getByTestId(`session-open-${wideSession.id}`).click();
    const wide = page.getByTestId('diff-section-b-wide.ts');
    await expect.poll(() => wide.getAttribute('data-rendered'), { timeout: 10_000 }).toBe('true');
    await page.waitForTimeout(300);
    const before = await wide.evaluate((el) => el.getBoundingClientRect().height);
    // Each line is two rows: 400 lines, 800 rows.
    expect(before).toBeGreaterThan(790 * 18.75);
    await wide.evaluate((el) => window.scrollTo(0, el.getBoundingClientRect().bottom + window.scrollY - window.innerHeight));
    await expect.poll(() => wide.textContent(), { timeout: 5_000 }).toContain('export const wide399 = ');
    const after = await wide.evaluate((el) => el.getBoundingClientRect().height);
    expect(Math.abs(after - before), `waiting ${before} px, rendered ${after} px`).toBeLessThan(2);
  });

  it('the window resized: what waits re-sizes to the new width, as tall as it then renders', async () => {
    const { page } = app;
    await page.getByTestId('nav-board').click();
    await page.getByTestId(`session-open-${wideSession.id}`).click();
    const wide = page.getByTestId('diff-section-b-wide.ts');
    await expect.poll(() => wide.getAttribute('data-rendered'), { timeout: 10_000 }).toBe('true');
    await page.waitForTimeout(300);
    const wideAt1280 = await wide.evaluate((el) => el.getBoundingClientRect().height);
    try {
      // Narrower: each 133-character line now wraps to three rows (the build before re-measured only
      // when a table rendered at the new width: until then the chunks waiting kept the old two rows).
      await page.setViewportSize({ width: 1000, height: 800 });
      await page.waitForTimeout(300);
      const before = await wide.evaluate((el) => el.getBoundingClientRect().height);
      expect(before, `${wideAt1280} px at 1280 wide`).toBeGreaterThan(wideAt1280 + 100 * 18.75);
      expect(await wide.locator('[data-testid="diff-chunk-placeholder-b-wide.ts"]').count()).toBeGreaterThan(5);
      await wide.evaluate((el) => window.scrollTo(0, el.getBoundingClientRect().bottom + window.scrollY - window.innerHeight));
      await expect.poll(() => wide.textContent(), { timeout: 5_000 }).toContain('export const wide399 = ');
      // Every chunk rendered, one by one from the end up: the whole file as tall as it waited.
      for (let y = 0; y < 20 && (await wide.locator('[data-testid="diff-chunk-placeholder-b-wide.ts"]').count()) > 0; y++) {
        await page.mouse.wheel(0, -1500);
        await page.waitForTimeout(150);
      }
      expect(await wide.locator('[data-testid="diff-chunk-placeholder-b-wide.ts"]').count()).toBe(0);
      const after = await wide.evaluate((el) => el.getBoundingClientRect().height);
      expect(Math.abs(after - before), `waiting ${before} px, rendered ${after} px`).toBeLessThan(2);
    } finally {
      await page.setViewportSize({ width: 1280, height: 800 });
    }
  });
});
