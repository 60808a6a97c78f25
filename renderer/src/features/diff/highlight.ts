import { markEdits, tokenize, type HunkData, type HunkTokens, type TokenizeEnhancer } from 'react-diff-view';
import { compactLines, expandTokens, type Compacted } from './compact-lines';
import { sideBySide } from './hunk-chunks';

/**
 * Tokens for a chunk of a file's hunks: word-level edits inside git's −/+ blocks (markEdits by
 * line, in sideBySide's order: the n-th removed line of a block against its n-th added line, so a block that adds far more
 * than it removes marks only the lines that have a counterpart) and syntax colour (refractor, loaded lazily). The time spent is added
 * up where a person or a bench can read it: `highlightCost()` and performance entries named
 * `diff.highlight`.
 */
type Highlighter = (typeof import('./refractor-setup'))['highlighter'];

let loading: Promise<Highlighter | null> | null = null;

export function loadHighlighter(): Promise<Highlighter | null> {
  loading ??= import('./refractor-setup').then(
    (m) => m.highlighter,
    () => null,
  );
  return loading;
}

const BY_EXTENSION: Record<string, string> = {
  ts: 'typescript', mts: 'typescript', cts: 'typescript', tsx: 'tsx', js: 'javascript', mjs: 'javascript', cjs: 'javascript', jsx: 'jsx',
  json: 'json', css: 'css', scss: 'scss', sass: 'sass', less: 'less', html: 'markup', htm: 'markup', xml: 'markup', svg: 'markup', vue: 'markup',
  md: 'markdown', markdown: 'markdown', py: 'python', go: 'go', rs: 'rust', sh: 'bash', bash: 'bash', zsh: 'bash', yml: 'yaml', yaml: 'yaml',
  toml: 'toml', ini: 'ini', java: 'java', kt: 'kotlin', kts: 'kotlin', c: 'c', h: 'c', cc: 'cpp', cpp: 'cpp', hpp: 'cpp', cs: 'csharp',
  rb: 'ruby', php: 'php', sql: 'sql', swift: 'swift', lua: 'lua', pl: 'perl', r: 'r', m: 'objectivec', diff: 'diff', patch: 'diff',
};
const BY_NAME: Record<string, string> = { Makefile: 'makefile', Dockerfile: 'bash', '.gitignore': 'ini', '.env': 'ini' };

/** The highlighter's language for a path, or null (plain text). */
export function languageOf(path: string): string | null {
  const name = path.slice(path.lastIndexOf('/') + 1);
  if (BY_NAME[name]) return BY_NAME[name];
  const dot = name.lastIndexOf('.');
  return dot <= 0 ? null : (BY_EXTENSION[name.slice(dot + 1).toLowerCase()] ?? null);
}

let spent = 0;
let runs = 0;

/** The time spent tokenizing so far (ms) and how many chunks. */
export const highlightCost = () => ({ ms: spent, chunks: runs });

/** A chunk's tokens with its lines renumbered 1..n per side (compact-lines.ts; also what the worker computes), or null. */
export function compactTokens(hunks: HunkData[], language: string | null, highlighter: Highlighter | null): { tokens: HunkTokens; compacted: Compacted } | null {
  try {
    // Lines renumbered from 1 (compact-lines.ts): the cost is the chunk's own lines, wherever it sits in the file.
    const compacted = compactLines(hunks);
    // Each block's n-th removed line right before its n-th added one (sideBySide, the split view's
    // order): markEdits by line compares a removed line only with the added line right after it, so
    // in a block of two and two it compared the second removed line with the first added one. Only
    // the order the enhancer reads changes; the rows render from the hunks as they are.
    const enhancers: TokenizeEnhancer[] = [markEdits(compacted.hunks.map(sideBySide), { type: 'line' })];
    const tokens =
      language !== null && highlighter !== null && highlighter.registered(language)
        ? tokenize(compacted.hunks, { highlight: true, refractor: highlighter as never, language, enhancers })
        : tokenize(compacted.hunks, { enhancers });
    return { tokens, compacted };
  } catch {
    return null;
  }
}

/** Adds a tokenizing run to the cost (ms), in the worker or on the page, where a person or a bench can read it. */
export function noteHighlight(took: number, where: 'worker' | 'page', at = performance.now() - took): void {
  spent += took;
  runs += 1;
  try {
    performance.measure('diff.highlight', { start: at, duration: took, detail: { where } });
  } catch {
    // An old engine without measure options: the running total still counts.
  }
}

export function tokensFor(hunks: HunkData[], language: string | null, highlighter: Highlighter | null): HunkTokens | null {
  const started = performance.now();
  const done = compactTokens(hunks, language, highlighter);
  let tokens: HunkTokens | null;
  try {
    tokens = done === null ? null : expandTokens(done.tokens, done.compacted);
  } catch {
    tokens = null;
  }
  noteHighlight(performance.now() - started, 'page', started);
  return tokens;
}
