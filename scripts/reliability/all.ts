// `npm run reliability`: every reliability figure of docs/reliability.md at full count, one after
// the other, each printing its own table; then one summary line per run. Exits 1 if any failed.
//
//   npm run reliability [-- --only crash-loop,lock-soak]
//
// The same measurements run with small counts in `npm test`; these are the counts the document
// quotes. On a 2-core machine the whole set takes roughly 1.5–2 hours (the replay ~50–90 minutes).
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const tsx = path.join(root, 'node_modules', '.bin', process.platform === 'win32' ? 'tsx.cmd' : 'tsx');
const vitest = path.join(root, 'node_modules', '.bin', process.platform === 'win32' ? 'vitest.cmd' : 'vitest');

interface Step {
  id: string;
  title: string;
  command: string;
  args: string[];
}

const STEPS: Step[] = [
  { id: 'crash-loop', title: 'Crash loop: 120 SIGKILLs during create, remove, cleanup and merge', command: tsx, args: ['scripts/reliability/crash-loop.ts', '--kills', '120'] },
  { id: 'merge-crash-loop', title: 'Merge crash loop: 100 SIGKILLs inside the merge queue', command: vitest, args: ['run', 'tests/cross-process/merge-crash-loop.test.ts'] },
  { id: 'lock-soak', title: 'Lock soak: 8 processes × 1,000 operations with SIGKILLs', command: tsx, args: ['scripts/reliability/lock-soak.ts', '--procs', '8', '--ops', '1000'] },
  { id: 'fuzz', title: 'Fuzzing: 1,000 malformed inputs per contract command and CLI verb', command: tsx, args: ['scripts/reliability/fuzz.ts', '--runs', '1000'] },
  { id: 'security', title: 'Security: window settings, host access, fail-closed hooks, secrets, electronegativity', command: vitest, args: ['run', 'tests/security'] },
  { id: 'replay', title: 'Replay: every merge of real history (flask) through the radar and the queue, against git', command: tsx, args: ['scripts/reliability/replay.ts', '--quiet'] },
  { id: 'scale', title: 'Scale: 100 fake agents on a 10,000-file repository', command: tsx, args: ['bench/agents-scale.ts'] },
];

function selected(): Step[] {
  const at = process.argv.indexOf('--only');
  if (at === -1) return STEPS;
  const wanted = (process.argv[at + 1] ?? '').split(',').filter(Boolean);
  const unknown = wanted.filter((id) => !STEPS.some((s) => s.id === id));
  if (wanted.length === 0 || unknown.length > 0) {
    process.stderr.write(`--only takes a comma-separated list of: ${STEPS.map((s) => s.id).join(', ')}${unknown.length ? ` (unknown: ${unknown.join(', ')})` : ''}\n`);
    process.exit(2);
  }
  return STEPS.filter((s) => wanted.includes(s.id));
}

const results: { step: Step; ok: boolean; seconds: number }[] = [];
for (const step of selected()) {
  process.stdout.write(`\n▶ ${step.title}\n  ${path.relative(root, step.command)} ${step.args.join(' ')}\n\n`);
  const started = Date.now();
  const env = step.id === 'merge-crash-loop' ? { ...process.env, COUNCIL_MERGE_CRASH_KILLS: '100' } : process.env;
  const run = spawnSync(step.command, step.args, { cwd: root, stdio: 'inherit', env, shell: false });
  results.push({ step, ok: run.status === 0, seconds: (Date.now() - started) / 1000 });
}

process.stdout.write('\nReliability runs:\n');
for (const r of results) process.stdout.write(`  ${r.ok ? 'PASS' : 'FAIL'}  ${r.step.id.padEnd(18)} ${r.seconds.toFixed(0).padStart(5)} s  ${r.step.title}\n`);
process.exit(results.every((r) => r.ok) ? 0 : 1);
