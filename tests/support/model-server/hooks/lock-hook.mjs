#!/usr/bin/env node
// A stand-in for CLI Council's lock hook, for tests with the real agent CLIs. It records the JSON
// the CLI sends on stdin (one line appended to LOG), then acts by MODE:
//   node lock-hook.mjs deny "<reason>" LOG   exit 2, the reason on stderr: the CLI must refuse the edit
//   node lock-hook.mjs deny-json "<reason>" LOG  exit 0, stdout {"decision":"block","reason":…}
//   node lock-hook.mjs allow "" LOG          exit 0, no output
//   node lock-hook.mjs crash "" LOG          exit 1, no output (a broken hook)
//   node lock-hook.mjs hang "" LOG           never answers (a hook that times out)
import { appendFileSync } from 'node:fs';

const [mode = 'allow', reason = '', log] = process.argv.slice(2);
const chunks = [];
process.stdin.on('data', (chunk) => chunks.push(chunk));
process.stdin.on('end', () => {
  const payload = Buffer.concat(chunks).toString('utf8');
  if (log) appendFileSync(log, `${JSON.stringify({ mode, payload })}\n`);
  if (mode === 'deny') {
    process.stderr.write(`${reason}\n`);
    process.exit(2);
  }
  if (mode === 'deny-json') {
    process.stdout.write(`${JSON.stringify({ decision: 'block', reason })}\n`);
    process.exit(0);
  }
  if (mode === 'crash') process.exit(1);
  if (mode === 'hang') setInterval(() => {}, 1_000);
  else process.exit(0);
});
