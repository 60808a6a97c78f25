import type { CommanderError } from 'commander';
import { EXIT_CODE_BY_ERROR } from '../../shared/errors';
import { toErrorData } from '../core/errors';

/** Where a command's answer goes: JSON (one `Result` object on stdout) or text for a person. */
export interface Output {
  json: boolean;
  /** Prints the success value; `human` renders it as lines of text when not in JSON mode. */
  done(value: unknown, human: () => string): void;
}

export function createOutput(json: boolean): Output {
  return {
    json,
    done(value, human) {
      if (json) process.stdout.write(JSON.stringify({ ok: true, value }, null, 2) + '\n');
      else {
        const text = human();
        if (text) process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
      }
    },
  };
}

/** Prints a failure and returns the exit status: 2 bad input, 3 refused (conflict or busy), 1 otherwise. */
export function reportFailure(err: unknown, json: boolean): number {
  const error = toErrorData(err);
  if (json) process.stdout.write(JSON.stringify({ ok: false, error }, null, 2) + '\n');
  else process.stderr.write(`council: ${error.message}\n`);
  return EXIT_CODE_BY_ERROR[error.code];
}

/**
 * A usage error found by commander (unknown option, missing argument, bad choice…): commander has
 * already said what is wrong on stderr; with `--json` the same answer is also the promised one
 * object on stdout. Always exit 2.
 */
export function reportUsageError(err: CommanderError, json: boolean): number {
  if (json) {
    const message = err.code === 'commander.help' ? 'a command is missing (see the usage on stderr)' : err.message.replace(/^error: /, '');
    process.stdout.write(JSON.stringify({ ok: false, error: { code: 'invalid-input', message } }, null, 2) + '\n');
  }
  return EXIT_CODE_BY_ERROR['invalid-input'];
}

/** A plain left-aligned table. */
export function table(headers: string[], rows: string[][]): string {
  if (rows.length === 0) return '';
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(headers), ...rows.map(line)].join('\n');
}

export function ago(iso: string, now = Date.now()): string {
  const seconds = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (seconds < 60) return `${seconds}s ago`;
  if (seconds < 3600) return `${Math.round(seconds / 60)}m ago`;
  if (seconds < 86400) return `${Math.round(seconds / 3600)}h ago`;
  return `${Math.round(seconds / 86400)}d ago`;
}
