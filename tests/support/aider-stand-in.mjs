#!/usr/bin/env node
// A stand-in for Aider (a Python program; PyPI is not reachable here, so the real one cannot be
// installed). It does only what the tests need, the way Aider's own source does it — never more:
//
// - `--yes-always` without `--no-analytics` answers Aider's analytics opt-in "yes" (aider/main.py +
//   aider/analytics.py: the question goes through io.confirm_ask, which --yes-always answers), and
//   it records that in $HOME/.aider/analytics.json as Aider does.
// - `--message <task>`: one request to the model server ($OPENAI_API_BASE, as litellm reads it).
//   Unreachable: what aider/coders/base_coder.py send_message prints for a litellm
//   APIConnectionError (retry=True): the error, then `Retrying in N seconds...`, the delay doubling
//   from 0.125 until it passes RETRY_TIMEOUT (60 s), then it gives up — and EXITS 0.
//   The waits are scaled by STANDIN_TIME_SCALE (default 0.001) so a test does not wait a minute.
//   Reachable: STANDIN_WRITE="<path>=<content>" is written, then `Applied edit to <path>` and a
//   `Tokens:` line, as Aider prints them; exit 0.
// Its arguments go to $STANDIN_ARGV_FILE (one JSON line) when set.
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const argv = process.argv.slice(2);
if (process.env.STANDIN_ARGV_FILE) appendFileSync(process.env.STANDIN_ARGV_FILE, `${JSON.stringify(argv)}\n`);
const has = (flag) => argv.includes(flag);
const value = (flag) => {
  const at = argv.indexOf(flag);
  return at >= 0 ? argv[at + 1] : undefined;
};
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const scale = Number(process.env.STANDIN_TIME_SCALE ?? '0.001');

if (has('--version')) {
  console.log('aider 0.86.1');
  process.exit(0);
}

if (has('--yes-always') && !has('--no-analytics')) {
  console.log('Aider respects your privacy and never collects your code, chat messages, keys or personal info.');
  console.log('For more info: https://aider.chat/docs/more/analytics.html');
  console.log('Allow collection of anonymous analytics to help improve aider? (Y)es/(N)o [Yes]: y');
  const dir = path.join(process.env.HOME ?? '.', '.aider');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'analytics.json'), JSON.stringify({ uuid: 'stand-in', permanently_disable: false, asked_opt_in: true }));
}

const message = value('--message');
if (message === undefined) process.exit(0);

const base = (process.env.OPENAI_API_BASE ?? 'https://api.openai.com/v1').replace(/\/+$/, '');
async function reachable() {
  try {
    await fetch(`${base}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}', signal: AbortSignal.timeout(5000) });
    return true;
  } catch {
    return false;
  }
}

const RETRY_TIMEOUT = 60;
let delay = 0.125;
while (!(await reachable())) {
  console.log('litellm.APIConnectionError: APIConnectionError: OpenAIException - Connection error.');
  delay *= 2;
  if (delay > RETRY_TIMEOUT) process.exit(0); // Aider gives up here, and exits normally
  console.log(`Retrying in ${delay.toFixed(1)} seconds...`);
  await sleep(delay * 1000 * scale);
}
const write = process.env.STANDIN_WRITE;
if (write) {
  const [file, ...content] = write.split('=');
  mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  writeFileSync(path.resolve(file), content.join('='));
  console.log(`Applied edit to ${file}`);
}
console.log('Tokens: 2.1k sent, 95 received.');
process.exit(0);
