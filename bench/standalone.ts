import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { isolateGitEnvironment } from '../tests/helpers/git-env';
import { idleThenLoaded, LOAD_DESCRIPTION } from './load';
import { renderSummary, type BenchConfig, type SummaryRow } from './result';

/**
 * Runs one measurement on its own (`npx tsx bench/<file>.ts [--quick] [--idle-only]`) when
 * `moduleUrl` is the program being run: idle, then under the bench's background load (load.ts; not
 * with --idle-only), its tables, then its summary, in a scratch folder removed afterwards.
 */
export function runStandaloneIfMain(moduleUrl: string, name: string, measure: (cfg: BenchConfig) => Promise<SummaryRow[]>, options: { failOnMiss?: boolean; pairsItself?: boolean } = {}): void {
  const script = process.argv[1];
  if (script === undefined || moduleUrl !== pathToFileURL(path.resolve(script)).href) return;
  const run = async (): Promise<number> => {
    const quick = process.argv.includes('--quick');
    const idleOnly = process.argv.includes('--idle-only');
    const home = isolateGitEnvironment();
    const tmp = mkdtempSync(path.join(os.tmpdir(), `council-bench-${name}-`));
    const started = performance.now();
    const cfg: BenchConfig = {
      quick,
      tmp,
      log: (line) => process.stderr.write(`[bench ${((performance.now() - started) / 1000).toFixed(0).padStart(3)} s] ${line}\n`),
      print: (table) => process.stdout.write(`${table}\n`),
    };
    try {
      const rows = idleOnly || options.pairsItself ? await measure(cfg) : await idleThenLoaded(cfg, (c) => measure(c));
      const missed = rows.filter((r) => r.pass === false).length;
      const verdict = options.failOnMiss ? `; ${missed} target(s) missed${missed ? ': exit 1' : ''}` : '';
      const loadNote = idleOnly ? 'idle only (--idle-only)' : `verdicts on the loaded figures; load: ${LOAD_DESCRIPTION}`;
      cfg.print(renderSummary(rows, [loadNote, `whole run: ${((performance.now() - started) / 1000).toFixed(1)} s (before the clean-up)${verdict}`]));
      return options.failOnMiss && missed > 0 ? 1 : 0;
    } finally {
      cfg.log(`removing ${tmp}`);
      rmSync(tmp, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
      rmSync(home, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
    }
  };
  run().then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exit(1);
    },
  );
}
