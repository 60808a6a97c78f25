import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isolateGitEnvironment } from '../../tests/helpers/git-env';
import { BackgroundLoad } from '../load';
import type { BenchConfig } from '../result';
import { summarize } from '../stats';
import { formatMs } from '../table';
import type { Page } from 'playwright-core';
import { probeReport, startUi, type UiHarness } from '../ui-harness';
import { openBoard } from './board';
import { argOf, keptFleet, runScript } from './kept-fleet';

/**
 * The board of scale-500.ts on a fleet made once and kept, for iterating on the board's cost:
 *
 *   npx tsx bench/scale/board-fleet.ts --fleet DIR [--sessions 500] [--files 10000] [--rounds 5]
 *     [--renderer out/renderer] [--baseline DIR-of-another-renderer-build] [--loaded]
 *
 * The first run makes DIR/repo (and its sessions under DIR/worktrees); later runs reuse them.
 * With --baseline, rounds alternate between the two renderer builds (each in its own host, same
 * browser), so each figure has its baseline from the same run.
 */


/** Where the time went in one round: each call from the Open click, and the long frames. */
async function profile(page: Page, name: string, cfg: BenchConfig): Promise<void> {
  const report = await probeReport(page);
  const open = report.clicks.find((c) => c.testId === 'repo-open-button')?.at ?? 0;
  const rel = (t: number): string => (t - open).toFixed(0).padStart(6);
  const lines = report.invokes.filter((c) => c.start >= open - 1).map((c) => `${rel(c.start)} → ${rel(c.end)}  ${c.command}`);
  lines.push(...report.longFrames.filter((f) => f.start >= open).map((f) => `${rel(f.start)} +${f.duration.toFixed(0)}  long frame`));
  lines.push(`${rel(report.marks.cards ?? Number.NaN)}  every card in the DOM`);
  cfg.print(`${name}: calls and long frames, ms from Open\n${lines.sort((a, b) => Number(a.slice(0, 6)) - Number(b.slice(0, 6))).join('\n')}`);
}

async function main(): Promise<void> {
  const home = isolateGitEnvironment();
  const dir = path.resolve(argOf('fleet', path.join(os.tmpdir(), 'council-board-fleet')));
  const sessions = Number(argOf('sessions', '500'));
  const files = Number(argOf('files', '10000'));
  const rounds = Number(argOf('rounds', '5'));
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'council-board-bench-'));
  const started = performance.now();
  const cfg: BenchConfig = { quick: false, tmp, log: (l) => process.stderr.write(`[${((performance.now() - started) / 1000).toFixed(0)} s] ${l}\n`), print: (t) => process.stdout.write(`${t}\n`) };
  try {
    cfg.log(`fleet in ${dir}`);
    const root = await keptFleet(dir, sessions, files, 'bench scale 500');
    cfg.log('fleet ready');
    const builds: [string, string][] = [['ours', path.resolve(argOf('renderer', 'out/renderer'))]];
    if (process.argv.includes('--baseline')) builds.unshift(['baseline', path.resolve(argOf('baseline', ''))]);
    const uis: UiHarness[] = [];
    for (const [, r] of builds) uis.push(await startUi({ ...cfg, tmp: mkdtempSync(path.join(tmp, 'ui-')) }, r));
    const load = process.argv.includes('--loaded') ? await BackgroundLoad.start() : null;
    const got = builds.map(() => [] as { cards: number; frame: number; longest: number }[]);
    try {
      for (let i = -1; i < rounds; i++) {
        for (const [b, ui] of uis.entries()) {
          const { page, open } = await openBoard(ui, root, sessions, 120_000, false);
          if (process.argv.includes('--profile') && i === rounds - 1) await profile(page.page, builds[b]?.[0] ?? '', cfg);
          await page.context.close();
          if (i >= 0) got[b]?.push({ cards: open.cards, frame: open.cardsFrame, longest: open.longestFrame });
          cfg.log(`${builds[b]?.[0]} round ${i}: cards ${formatMs(open.cards)} frame ${formatMs(open.cardsFrame)} longest ${formatMs(open.longestFrame)}`);
        }
      }
    } finally {
      const usage = await load?.stop();
      if (usage) cfg.log(`load got ${usage.map((u) => u.toFixed(0)).join(' / ')} % of a core`);
      for (const ui of uis) await ui.close();
    }
    for (const [b, [name, r]] of builds.entries()) {
      const rs = got[b] ?? [];
      const s = (k: 'cards' | 'frame' | 'longest') => summarize(rs.map((x) => x[k]));
      cfg.print(`${name} (${r}) ${sessions} sessions, ${load ? 'loaded' : 'idle'}: Open → cards p50 ${formatMs(s('cards').p50)} (max ${formatMs(s('cards').max)}), next frame p50 ${formatMs(s('frame').p50)}, longest frame p50 ${formatMs(s('longest').p50)}; n ${rs.length}`);
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
    rmSync(home, { recursive: true, force: true });
  }
}

runScript(main);
