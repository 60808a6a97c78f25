// The lifecycle crash loop at full count (issue 6, item 1):
//
//   npx tsx scripts/reliability/crash-loop.ts --kills 120 [--files 300] [--seed N] [--calibration 3] [--keep] [--quiet]
//
// Real `council` commands (session create --count 1–3, remove, remove --force, cleanup, merge --wait)
// SIGKILLed with their process group at random moments inside them; after every run the crash
// checker (tests/helpers/crash-checker.ts) recovers the repository as a restarted app does and
// proves nothing was lost, wedged or left behind. Prints where the kills landed, what recovery
// did, and the checks passed and failed; exits 1 if any check failed. A failed check starts the
// loop over on a fresh repository, so every failure is counted once.
import { rmSync } from 'node:fs';
import path from 'node:path';
import { isolateGitEnvironment } from '../../tests/helpers/git-env';
import buildWorkers from '../../tests/global-setup';
import { runLifecycleCrashLoop } from '../../tests/helpers/lifecycle-loop';
import { formatLoopReport } from '../../tests/helpers/lifecycle-report';

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  if (at === -1) return fallback;
  const value = Number(process.argv[at + 1]);
  if (!Number.isInteger(value) || value < 0) {
    process.stderr.write(`--${name} takes a whole number, not "${process.argv[at + 1] ?? ''}"\n`);
    process.exit(2);
  }
  return value;
}

async function main(): Promise<number> {
  const kills = option('kills', 120);
  const files = option('files', 300);
  const calibrationRuns = option('calibration', 3);
  const seed = process.argv.includes('--seed') ? option('seed', 0) : undefined;
  const quiet = process.argv.includes('--quiet');
  const home = isolateGitEnvironment();
  process.stderr.write('building the CLI and the test workers…\n');
  await buildWorkers();
  const started = Date.now();
  const result = await runLifecycleCrashLoop({
    kills,
    files,
    calibrationRuns,
    seed,
    log: quiet ? undefined : (line) => process.stderr.write(`[${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${line}\n`),
  });
  process.stdout.write(`\nLifecycle crash loop: ${kills} kills requested, ${files}-file repository, ${calibrationRuns} measured runs of each command first\n\n`);
  process.stdout.write(`${formatLoopReport(result)}\n`);
  const failed = result.runs.filter((r) => r.violations.length > 0).length;
  if (process.argv.includes('--keep')) {
    process.stdout.write(`kept: HOME ${home}, repositories ${result.repos.join(', ')}\n`);
  } else {
    for (const repo of result.repos) rmSync(path.dirname(repo), { recursive: true, force: true });
    rmSync(home, { recursive: true, force: true });
  }
  process.stdout.write(failed ? `\nFAILED: ${failed} run(s) failed their check\n` : `\nall ${result.runs.length} checks passed\n`);
  return failed ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`crash loop failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
