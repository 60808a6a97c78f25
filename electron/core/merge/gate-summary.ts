/**
 * The one line of a failed gate's output that says what failed, for the parked entry's reason (the
 * whole output stays in the gate's log). The last line is often the runtime's epilogue — Node's
 * "Node.js v20.20.2" after an uncaught error, a runner's totals, npm's "A complete log of this run"
 * — so the lines are ranked: an assertion, then an error, then a failure count or marker; without
 * any, the last line that is not noise (stack frames, caret lines, version banners).
 */

/** Lines that never explain a failure on their own. */
const NOISE: readonly RegExp[] = [
  /^at\s/, // a stack frame
  /^\^+$/, // the caret under the failing expression
  /^Node\.js v\d/,
  /^npm (ERR!|error) (A complete log|Log files were not written|You can rerun|in: |code |path |errno |command failed|signal )/i,
  /^(npm (ERR!|error))\s*$/i,
];

/** Most telling first. */
const RANKS: readonly RegExp[] = [
  /\bAssertion(Error)?\b|\bexpected\b.*\bto\b/i,
  /^(\w*Error|Error)\b|\berror\b[\s:[(]|\bERR!|\bpanicked at\b|\bTraceback\b|\bexception\b/i,
  /\bfail(ed|s|ure|ing)?\b|^(FAIL|not ok)\b|[✗✖×]/i,
];

export function gateFailureLine(output: string): string {
  const lines = output
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !NOISE.some((noise) => noise.test(line)));
  for (const rank of RANKS) {
    const found = lines.find((line) => rank.test(line));
    if (found !== undefined) return found;
  }
  return lines.at(-1) ?? '';
}
