#!/usr/bin/env node
// `npm test`: the whole suite, the way CI runs it. Type-checks, lints, builds the app (the tests
// load the built preload and the bundled CLI), runs every vitest test, and ends with one plain line
// "N passed, N failed, N skipped" (read by CI). Exit status 0 only when every step passed.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = (name) => path.join(root, 'node_modules', '.bin', process.platform === 'win32' ? `${name}.cmd` : name);

function step(title, command, args, env = process.env) {
  console.log(`\n▶ ${title}`);
  const started = Date.now();
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', shell: false, env });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (result.status !== 0) {
    console.error(`✖ ${title} failed (exit ${result.status ?? result.signal}) after ${seconds} s`);
    return false;
  }
  console.log(`✔ ${title} (${seconds} s)`);
  return true;
}

if (!existsSync(bin('vitest'))) {
  console.error('Dependencies are not installed: run `npm install` first (the README\'s test command does both).');
  process.exit(1);
}

/**
 * The browser tests need Debian's Chromium (Playwright cannot download its own browsers on our
 * machines). Installed here when missing and we may (root on Debian); otherwise the browser tests
 * skip with a loud message naming what is missing.
 */
function ensureChromium() {
  const chromium = process.env.COUNCIL_CHROMIUM ?? '/usr/bin/chromium';
  if (existsSync(chromium)) return;
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!root || !existsSync('/usr/bin/apt-get')) {
    console.warn(`⚠ ${chromium} is missing and cannot be installed here (needs root on Debian): the browser tests will be skipped.`);
    return;
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  if (step('Update the package lists (apt-get)', 'apt-get', ['update', '-qq'], env)) {
    step('Install Chromium for the browser tests (apt-get)', 'apt-get', ['install', '-y', '-qq', 'chromium'], env);
  }
}

ensureChromium();

const results = path.join(root, 'test-results');
mkdirSync(results, { recursive: true });
const report = path.join(results, 'vitest.json');

let ok = step('Type-check', bin('tsc'), ['--noEmit', '-p', 'tsconfig.json']);
ok = step('Lint', bin('eslint'), ['.']) && ok;
ok = step('Build (electron-vite + CLI bundle)', process.execPath, [path.join(root, 'scripts', 'build.mjs')]) && ok;
const extra = process.argv.slice(2);
// The tests record what they prove (tests/helpers/proves.ts) in test-results/support, stamped with
// this run; the support-matrix check then compares the README with this run's proofs only.
const supportDir = path.join(results, 'support');
rmSync(supportDir, { recursive: true, force: true });
const testEnv = { ...process.env, COUNCIL_SUPPORT_RUN: `${Date.now()}-${process.pid}` };
const testsOk = step('Tests (vitest)', bin('vitest'), ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...extra], testEnv);
ok = testsOk && ok;

let passed = 0;
let failed = 0;
let skipped = 0;
function count(file, stepOk) {
  const before = failed;
  if (existsSync(file)) {
    const json = JSON.parse(readFileSync(file, 'utf8'));
    passed += json.numPassedTests ?? 0;
    failed += json.numFailedTests ?? 0;
    skipped += (json.numPendingTests ?? 0) + (json.numTodoTests ?? 0);
  }
  if (!stepOk && failed === before) failed += 1; // vitest itself failed (a suite crashed before counting)
}
count(report, testsOk);

// The README's support matrix against this run's proofs: only after the whole suite (a filtered
// run proves only part of it, so the check would fail on what was not run).
if (extra.length === 0) {
  const matrixReport = path.join(results, 'vitest-matrix.json');
  rmSync(matrixReport, { force: true });
  const matrixOk = step('Support matrix: the README against this run\'s test results', bin('vitest'), ['run', '--config', 'vitest.matrix.config.ts', '--reporter=default', '--reporter=json', `--outputFile.json=${matrixReport}`], testEnv);
  ok = matrixOk && ok;
  count(matrixReport, matrixOk);
} else {
  console.log('\n(The support-matrix check runs only with the whole suite: `npm test` without arguments.)');
}
console.log(`\n${ok ? 'All checks passed.' : 'Some checks failed (see ✖ above).'}`);
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(ok ? 0 : 1);
