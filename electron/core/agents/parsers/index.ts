import type { AgentEventInput, AgentOverride, AgentPresetId } from '../../../../shared/agents';
import type { OutputParser } from '../types';
import { AiderParser } from './aider';
import { ClaudeParser } from './claude';
import { CodexParser } from './codex';
import { CopilotParser } from './copilot';
import { GeminiParser } from './gemini';
import { KiloParser } from './kilo';
import { OpencodeParser } from './opencode';
import { QwenParser } from './qwen';

/**
 * Headless output parsers: one per run, fed the CLI's stdout (and stderr) line by line, turning its
 * structured output into normalized events (without `at`: the caller stamps the time).
 *
 * Conventions shared by all of them:
 * - a line that is not JSON, or JSON of an unknown shape, gives no events and never throws;
 * - paths are repo-relative when inside `worktree`, else absolute as reported;
 * - `usage` carries the run's totals so far (the latest replaces earlier ones; never add them up);
 *   input tokens include cached and cache-written prompt tokens;
 * - at most one `done` or `failed` per run; a run that ends without one is for the caller to judge
 *   from its exit status.
 */

export const PARSER_PRESETS = ['claude', 'codex', 'gemini', 'opencode', 'qwen', 'copilot', 'aider', 'kilo'] as const;
export type ParserPreset = (typeof PARSER_PRESETS)[number];
export type OllamaDriver = NonNullable<AgentOverride['driver']>;

export interface ParserOptions {
  /** The session's worktree (the agent's working folder), absolute. */
  worktree: string;
  /** Ollama preset only: the agent that drives the local model (default codex). */
  driver?: OllamaDriver;
  /** The model server's address, for failures that do not name it (Qwen Code, Copilot CLI). */
  modelServer?: string | null;
}

const parsers: Record<ParserPreset, (options: ParserOptions) => OutputParser> = {
  claude: (o) => new ClaudeParser(o.worktree),
  codex: (o) => new CodexParser(o.worktree),
  gemini: (o) => new GeminiParser(o.worktree),
  opencode: (o) => new OpencodeParser(o.worktree),
  qwen: (o) => new QwenParser(o.worktree, o.modelServer ?? null),
  copilot: (o) => new CopilotParser(o.worktree, o.modelServer ?? null),
  aider: (o) => new AiderParser(o.worktree),
  kilo: (o) => new KiloParser(o.worktree, o.modelServer ?? null),
};

/** Which output format a preset prints headless; null when it has none we parse. */
export function parserFor(preset: AgentPresetId, driver?: OllamaDriver): ParserPreset | null {
  if (preset === 'ollama') return driver ?? 'codex';
  return (PARSER_PRESETS as readonly string[]).includes(preset) ? (preset as ParserPreset) : null;
}

export function hasParser(preset: AgentPresetId, driver?: OllamaDriver): boolean {
  return parserFor(preset, driver) !== null;
}

/** Guards a parser so a line it cannot handle costs that line's events, never the run. */
function guarded(parser: OutputParser): OutputParser & Required<Pick<OutputParser, 'line' | 'errorLine' | 'end'>> {
  const safely = (read: (text: string) => AgentEventInput[]) => (text: string) => {
    try {
      return read(text);
    } catch {
      return [];
    }
  };
  return {
    line: safely((text) => parser.line(text)),
    errorLine: safely((text) => parser.errorLine?.(text) ?? []),
    end: () => safely(() => parser.end?.() ?? [])(''),
    showsRaw: parser.showsRaw === true,
    ...(parser.answered ? { answered: () => parser.answered?.() ?? true } : {}),
  };
}

/** A fresh parser for one run. Throws for a preset without one (ask hasParser first). */
export function createParser(preset: AgentPresetId, options: ParserOptions): OutputParser {
  const format = parserFor(preset, options.driver);
  if (format === null) throw new Error(`The ${preset} preset has no structured output to parse.`);
  return guarded(parsers[format](options));
}
