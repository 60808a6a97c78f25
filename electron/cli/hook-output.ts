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

/**
 * Runs a context hook (the digest, the conflict notice) that FAILS OPEN, quickly: `body` answers
 * the text for the model, or null for nothing; any error, or the deadline (COUNCIL_HOOK_DEADLINE_MS
 * may shorten it), and the hook exits 0 with no output — such a hook must never stop an agent.
 * COUNCIL_HOOK_DEBUG=1 writes the error to stderr.
 */
export async function runFailOpenHook(name: string, deadlineMs: number, body: () => Promise<string | null>): Promise<void> {
  let done = false;
  const finish = (err?: unknown, output?: string | null): void => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    const exit = () => process.exit(0);
    if (err !== undefined && process.env.COUNCIL_HOOK_DEBUG === '1') {
      process.stderr.write(`council hook ${name}: ${err instanceof Error ? err.message : String(err)}\n`, exit);
      return;
    }
    if (output) {
      answerAndExit(output);
      return;
    }
    exit();
  };
  const value = Number(process.env.COUNCIL_HOOK_DEADLINE_MS);
  const timer = setTimeout(() => finish(new Error('gave up at the deadline')), Number.isFinite(value) && value > 0 ? Math.min(value, deadlineMs) : deadlineMs);
  try {
    finish(undefined, await body());
  } catch (err) {
    finish(err);
  }
}

/**
 * A context hook's answer: Copilot CLI reads only a top-level additionalContext (hooks/copilot.ts);
 * the others Claude's `hookSpecificOutput` with the event they sent.
 */
export function contextAnswer(agent: string, event: string, text: string): string {
  const answer = agent === 'copilot' ? { additionalContext: text } : { hookSpecificOutput: { hookEventName: event, additionalContext: text } };
  return `${JSON.stringify(answer)}\n`;
}
