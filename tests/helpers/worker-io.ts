import { writeSync } from 'node:fs';
import { createInterface } from 'node:readline';

/** For worker programs (tests/workers): talk to the test through stdout lines and stdin lines. */

/** One line on stdout, written synchronously so it is out before a SIGKILL can land. */
export const say = (line: string): void => {
  writeSync(1, `${line}\n`);
};

/** Resolves when the test writes `text` on the worker's stdin; exits if the test goes away. */
export function waitForLine(text: string): Promise<void> {
  return new Promise((resolve) => {
    const rl = createInterface({ input: process.stdin });
    let seen = false;
    rl.on('line', (line) => {
      if (line.trim() !== text) return;
      seen = true;
      rl.close();
      resolve();
    });
    // The test went away: do not linger as an orphan.
    rl.on('close', () => {
      if (!seen) process.exit(2);
    });
  });
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
