/**
 * What an agent's stderr says went wrong, for a failed run's reason. The last lines alone will not
 * do: with RUST_BACKTRACE=1 Codex ends with a stack of `11: <unknown>` frames after its error
 * (issue 12, item 13), Node ends with a code excerpt and `at …` lines, and a long backtrace can
 * push the error itself out of any short tail. So the lines that tell (an error, a failure, a
 * refusal …) are kept apart from the noise as they arrive, and the last of them is the gist.
 */

/** Lines that never tell what went wrong: backtrace frames and headers, stack lines, excerpts. */
const NOISE = [
  /^\d+:\s/, // a Rust backtrace frame: `11: <unknown>`, `3: codex::main`
  /^at\s/, // a Rust frame's location, or a JavaScript stack line
  /^stack backtrace:?$/i,
  /^note: run with `?RUST_BACKTRACE/i,
  /^\^+$/, // Node's caret under a code excerpt
  /^Node\.js v\d/,
  /^Reading (additional )?(prompt|input) from stdin/i,
];

/** Words of a line that says what went wrong. */
const TELLING = /\b(error|failed|failure|fatal|panic(ked)?|cannot|can't|could not|couldn't|refused|not found|denied|unable|invalid|no such|unreachable|timed? ?out|exception)\b/i;

const KEEP_TAIL = 3;

export class StderrGist {
  private telling: string | null = null;
  private readonly tail: string[] = [];

  push(raw: string): void {
    const line = raw.trim();
    if (line === '' || NOISE.some((pattern) => pattern.test(line))) return;
    this.tail.push(line);
    if (this.tail.length > KEEP_TAIL) this.tail.shift();
    if (TELLING.test(line)) this.telling = line;
  }

  /** The last telling line (else the last lines that are not noise, joined); '' when there were none. */
  text(max = 500): string {
    return (this.telling ?? this.tail.join(' | ')).slice(0, max);
  }
}

/** The gist of a whole stderr text (tests, one-off checks). */
export function stderrGist(text: string, max = 500): string {
  const gist = new StderrGist();
  for (const line of text.split('\n')) gist.push(line);
  return gist.text(max);
}
