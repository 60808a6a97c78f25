import { writeSync } from 'node:fs';

/**
 * Writes a context hook's answer to stdout and ends the process (exit 0). Through fd 1 directly:
 * process.stdout would load Node's stream modules (~4 ms of a hook's process) for one small
 * write to the pipe the agent CLI reads. A write that cannot complete at once (a non-blocking
 * stdout that is full) finishes through process.stdout.
 */
export function answerAndExit(output: string): void {
  const bytes = Buffer.from(output, 'utf8');
  let written = 0;
  try {
    while (written < bytes.length) written += writeSync(1, bytes, written, bytes.length - written);
  } catch {
    process.stdout.write(bytes.subarray(written), () => process.exit(0));
    return;
  }
  process.exit(0);
}
