// Fuzzing at full count (issue 6, item 3):
//
//   npx tsx scripts/reliability/fuzz.ts [--runs 1000] [--seed N]
//
// Runs tests/fuzz/contract-fuzz.test.ts (every contract command through dispatch()) and
// tests/fuzz/cli-fuzz.test.ts (every `council` verb through main(), and the verbs that cannot run
// in-process as real processes) with COUNCIL_FUZZ_RUNS inputs per command or verb, then prints
// what the tests recorded: per command or verb, the inputs, how many were malformed (refused by the
// schema or the argument parser) or hostile but well-typed (bad ids, paths outside the repository,
// reaching the core), the typed errors, the hostile ones a read-only command answered, the crashes
// (a throw, an `internal` error, a hang, a wrong exit status) and the state changes. Exits 1 if any
// test failed. `npm test` runs the same tests with 30 inputs each.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SummaryRow } from '../../tests/fuzz/fuzz-support';


interface Summary {
  name: string;
  seed: number;
  rows: SummaryRow[];
}

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const summaryDir = path.join(root, 'test-results', 'fuzz');

function option(name: string): number | undefined {
  const at = process.argv.indexOf(`--${name}`);
  if (at === -1) return undefined;
  const value = Number(process.argv[at + 1]);
  if (!Number.isSafeInteger(value) || value < 1) {
    process.stderr.write(`--${name} takes a whole number from 1, not "${process.argv[at + 1] ?? ''}"\n`);
    process.exit(2);
  }
  return value;
}

function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i === 0 || i === 1 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

function main(): number {
  const runs = option('runs') ?? 1000;
  const seed = option('seed');
  rmSync(summaryDir, { recursive: true, force: true });
  const vitest = path.join(root, 'node_modules', '.bin', process.platform === 'win32' ? 'vitest.cmd' : 'vitest');
  const env = { ...process.env, COUNCIL_FUZZ_RUNS: String(runs), COUNCIL_FUZZ_SUMMARY_DIR: summaryDir, ...(seed !== undefined ? { COUNCIL_FUZZ_SEED: String(seed) } : {}) };
  process.stderr.write(`fuzzing every contract command and every CLI verb with ${runs} inputs each…\n`);
  const started = Date.now();
  const result = spawnSync(vitest, ['run', 'tests/fuzz/contract-fuzz.test.ts', 'tests/fuzz/cli-fuzz.test.ts', '--reporter=dot'], { cwd: root, env, stdio: 'inherit' });
  const wall = (Date.now() - started) / 1000;

  const summaries: Summary[] = ['contract', 'cli'].flatMap((name) => {
    const file = path.join(summaryDir, `${name}.json`);
    return existsSync(file) ? [JSON.parse(readFileSync(file, 'utf8')) as Summary] : [];
  });
  const rows = summaries.flatMap((s) => s.rows);
  const total = (key: keyof SummaryRow): number => rows.reduce((sum, r) => sum + (r[key] as number), 0);
  process.stdout.write(`\nFuzzing: ${runs} inputs per contract command and per in-process CLI verb (fewer, as real processes, where named)\n`);
  process.stdout.write(`seeds: ${summaries.map((s) => `${s.name} ${s.seed}`).join(', ')} (replay with --seed N)\n\n`);
  process.stdout.write(
    `${table(
      ['COMMAND / VERB', 'HOW', 'INPUTS', 'MALFORMED', 'HOSTILE', 'TYPED ERRORS', 'ANSWERED', 'CRASHES', 'STATE CHANGES', 'SECONDS'],
      [
        ...rows.map((r) => [r.target, r.how, String(r.inputs), String(r.malformed), String(r.hostile), String(r.typedErrors), String(r.answered), String(r.crashes), String(r.stateChanges), (r.ms / 1000).toFixed(1)]),
        ['total', `${rows.length} targets`, String(total('inputs')), String(total('malformed')), String(total('hostile')), String(total('typedErrors')), String(total('answered')), String(total('crashes')), String(total('stateChanges')), (total('ms') / 1000).toFixed(1)],
      ],
    )}\n`,
  );
  process.stdout.write(`\nwall time ${wall.toFixed(0)} s (${(wall / 60).toFixed(1)} min), vitest exit ${result.status ?? result.signal}\n`);
  process.stdout.write(
    [
      'MALFORMED: refused by the schema or the argument parser (expected: invalid-input / exit 2).',
      'HOSTILE: well-typed, reaching the core: bad ids, paths outside the repository (expected: a typed error, or an answer from a read-only command).',
      'TYPED ERRORS: answered with a contract error code other than internal (CLI: the expected exit status; status hooks exit 0 by design).',
      'ANSWERED: hostile inputs of read-only commands that succeeded (another spelling of the repository, a session id prefix).',
      'CRASHES: a throw out of dispatch()/main(), an internal error, an unhandled rejection, a hang, an unexpected exit status.',
      'STATE CHANGES: batches after which refs, worktrees, their status or .git/council differed (fingerprinted once per batch).',
    ].join('\n') + '\n',
  );
  const complete = summaries.length === 2 && rows.length > 0;
  if (!complete) process.stdout.write('\nFAILED: a test file did not write its summary (see the vitest output above)\n');
  return result.status === 0 && complete && total('crashes') === 0 && total('stateChanges') === 0 ? 0 : 1;
}

process.exit(main());
