import { existsSync } from 'node:fs';
import { startDetached } from '../../electron/cli/detached';
import { toErrorData } from '../../electron/core/errors';

/**
 * A parent that starts one detached worker the way the CLI does (electron/cli/detached.ts), prints
 * what it got — {"pid"} or {"error"} — and exits at once, leaving the worker behind.
 * argv: <script for `node -e`> <log file or "-"> <ready file or "-"> <watch ms>
 */
const [script = '', logFile = '-', readyFile = '-', watchMs = '300'] = process.argv.slice(2);

startDetached([process.execPath, '-e', script], {
  cwd: process.cwd(),
  ...(logFile !== '-' ? { logFile } : {}),
  ...(readyFile !== '-' ? { ready: () => existsSync(readyFile) } : {}),
  watchMs: Number(watchMs),
  what: 'the test worker',
}).then(
  (pid) => process.stdout.write(`${JSON.stringify({ pid })}\n`),
  (err: unknown) => process.stdout.write(`${JSON.stringify({ error: toErrorData(err) })}\n`),
);
