import { spawn } from 'node:child_process';
import type { Page } from 'playwright-core';
import type { ContextStatus } from '../../shared/models';
import { COUNCIL_BIN } from '../../tests/helpers/cli';
import { sharedNow } from '../clock';
import { FIRST_CARDS } from '../../renderer/src/features/board/first-cards';
import { addWatches, CARD_SELECTOR, clockOffset, probeReport, type UiHarness, type UiPage } from '../ui-harness';
import type { ScaleScene } from './scene';

/**
 * The board with every session live, in Chromium through the browser host: how long until it
 * shows them all, and how long a status change made outside the app takes to reach its card.
 */

/** A card whose agent-run chip says the run is running. */
export const RUNNING_CHIP_SELECTOR = '[data-testid^="session-card-run-"][data-state="running"]';

const cardWithStatus = (id: string, status: ContextStatus): string => `article[data-testid="session-card-${id}"][data-status="${status}"]`;

/**
 * Marks (through the harness's binding) the first moment a selector matches, looking after every
 * DOM change — attributes and text included: a card's status is an attribute React sets on the
 * card in place, which the harness's own observer (added and removed nodes only) does not see.
 */
const STATUS_PROBE = String.raw`(() => {
  if (window.__scaleWatch) return;
  const now = () => performance.timeOrigin + performance.now();
  const pending = [];
  const check = (at) => {
    for (let i = pending.length - 1; i >= 0; i--) {
      const w = pending[i];
      if (document.querySelector(w.selector) === null) continue;
      pending.splice(i, 1);
      window.__councilBenchNotify(w.name, at).catch(() => undefined);
    }
  };
  window.__scaleWatch = (name, selector) => { pending.push({ name, selector }); check(now()); };
  new MutationObserver(() => { if (pending.length) check(now()); }).observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
})();`;

export interface BoardOpen {
  /** Open clicked → the first screenful of cards (FIRST_CARDS, or all when fewer) in the DOM; → the next frame. */
  first: number;
  firstFrame: number;
  /** Open clicked → every card in the DOM; → the next animation frame (about when it is painted). */
  cards: number;
  cardsFrame: number;
  /** Open clicked → every card shows its agent run as running (NaN when not asked for). */
  running: number;
  /** The longest main-thread frame of the page (≥ 50 ms; 0: none) from Open until the cards. */
  longestFrame: number;
  /** The same, from the first screenful shown until every card: how long a click could wait then. */
  longestAfterFirst: number;
}

/** Opens the repository in a fresh page; returns the page (still open) and the times from the Open click. */
export async function openBoard(ui: UiHarness, root: string, cards: number, timeoutMs = 60_000, agentsRunning = true): Promise<{ page: UiPage; open: BoardOpen }> {
  const page = await ui.newPage();
  try {
    await page.page.goto(ui.host.url);
    await page.page.getByTestId('repo-path-input').fill(root);
    await addWatches(page.page, [
      { name: 'first', selector: CARD_SELECTOR, count: Math.min(cards, FIRST_CARDS) },
      { name: 'cards', selector: CARD_SELECTOR, count: cards },
      { name: 'running', selector: RUNNING_CHIP_SELECTOR, count: cards },
    ]);
    await page.page.getByTestId('repo-open-button').click();
    await page.mark('cards:frame', timeoutMs);
    if (agentsRunning) await page.mark('running', timeoutMs);
    const report = await probeReport(page.page);
    if (report.errors.length) throw new Error(`the page threw: ${report.errors.join('; ')}`);
    const clicked = report.clicks.find((c) => c.testId === 'repo-open-button');
    if (!clicked) throw new Error('the probe did not see the click on Open');
    const at = (name: string): number => (report.marks[name] ?? Number.NaN) - clicked.at;
    const frames = report.longFrames.filter((f) => f.start + f.duration >= clicked.at && f.start <= (report.marks.cards ?? Number.POSITIVE_INFINITY));
    const afterFirst = frames.filter((f) => f.start + f.duration >= (report.marks.first ?? Number.POSITIVE_INFINITY));
    return {
      page,
      open: {
        first: at('first'),
        firstFrame: at('first:frame'),
        cards: at('cards'),
        cardsFrame: at('cards:frame'),
        running: at('running'),
        longestFrame: Math.max(0, ...frames.map((f) => f.duration)),
        longestAfterFirst: Math.max(0, ...afterFirst.map((f) => f.duration)),
      },
    };
  } catch (error) {
    await page.context.close();
    throw error;
  }
}

/** `rounds` opens of the board, each in a fresh page (own browser context) closed afterwards. */
export async function boardOpenRounds(ui: UiHarness, root: string, cards: number, rounds: number): Promise<BoardOpen[]> {
  const out: BoardOpen[] = [];
  for (let i = 0; i < rounds; i++) {
    const { page, open } = await openBoard(ui, root, cards);
    await page.context.close();
    out.push(open);
  }
  return out;
}

export interface StatusSample {
  /** The write started → the card shows the new status (ms, one clock for both processes). */
  latency: number;
  /** The write itself (lock, write, rename). */
  writeMs: number;
}

/** Measures status changes reaching the cards of an open board page. */
export class StatusProbe {
  private offset = 0;
  private n = 0;

  private constructor(private readonly page: UiPage) {}

  static async install(page: UiPage): Promise<StatusProbe> {
    await page.page.evaluate(STATUS_PROBE);
    const probe = new StatusProbe(page);
    probe.offset = (await clockOffset(page.page)).offset;
    return probe;
  }

  private async watch(id: string, status: ContextStatus): Promise<string> {
    const name = `status-${++this.n}`;
    await this.page.page.evaluate(`window.__scaleWatch(${JSON.stringify(name)}, ${JSON.stringify(cardWithStatus(id, status))})`);
    return name;
  }

  /** `write` changes session `id` to `status` from outside the app; how long until its card shows it. */
  async change(id: string, status: ContextStatus, write: () => Promise<unknown>, timeoutMs = 15_000): Promise<StatusSample> {
    const name = await this.watch(id, status);
    const t0 = sharedNow();
    await write();
    const writeMs = sharedNow() - t0;
    const seen = await this.page.mark(name, timeoutMs);
    return { latency: seen - this.offset - t0, writeMs };
  }
}

/** The status the session's card should turn to next: alternates, never the current one. */
export const nextStatus = (current: ContextStatus): ContextStatus => (current === 'done' ? 'working' : 'done');

/** Status changes from another Council in this process (a write to disk, as the CLI's), one every 150–300 ms. */
export async function statusChanges(scene: ScaleScene, probe: StatusProbe, samples: number): Promise<StatusSample[]> {
  const out: StatusSample[] = [];
  for (let i = 0; i < samples; i++) {
    const id = scene.ids[(i * 7) % scene.ids.length] as string;
    const status = nextStatus(scene.outside.context.get(id).status);
    out.push(await probe.change(id, status, () => scene.outside.context.update(id, { status })));
    await new Promise((resolve) => setTimeout(resolve, 150 + Math.random() * 150));
  }
  return out;
}

/** The same through the real CLI, `council context update --session … --status …`, timed from its spawn. */
export async function cliStatusChanges(scene: ScaleScene, probe: StatusProbe, samples: number): Promise<StatusSample[]> {
  const out: StatusSample[] = [];
  for (let i = 0; i < samples; i++) {
    const id = scene.ids[(i * 11 + 3) % scene.ids.length] as string;
    const status = nextStatus(scene.outside.context.get(id).status);
    out.push(await probe.change(id, status, () => runCli(scene.root, ['context', 'update', '--session', id, '--status', status]), 30_000));
  }
  return out;
}

function runCli(cwd: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [COUNCIL_BIN, ...args], { cwd, stdio: 'ignore' });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`council ${args.join(' ')} exited ${String(code)}`))));
  });
}

/** What a card shows for every session of the scene, for tests: its status and its run chip. */
export async function cardStates(page: Page): Promise<Record<string, { status: string | null; run: string | null }>> {
  return (await page.evaluate(`(() => {
    const out = {};
    for (const card of document.querySelectorAll(${JSON.stringify(CARD_SELECTOR)})) {
      const id = card.getAttribute('data-testid').slice('session-card-'.length);
      const chip = card.querySelector('[data-testid="session-card-run-' + id + '"]');
      out[id] = { status: card.getAttribute('data-status'), run: chip ? chip.getAttribute('data-state') : null };
    }
    return out;
  })()`)) as Record<string, { status: string | null; run: string | null }>;
}
