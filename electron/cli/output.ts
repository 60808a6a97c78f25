import { writeSync } from 'node:fs';
import type { CommanderError } from 'commander';
import { EXIT_CODE_BY_ERROR } from '../../shared/error-codes';
import { toErrorData } from '../core/errors';

/** Where an answer's text goes: stdout (1) or stderr (2). */
export type Write = (fd: 1 | 2, text: string) => void;

/** Through process.stdout and process.stderr: what every verb of the full CLI uses. */
export const streamWrite: Write = (fd, text) => void (fd === 1 ? process.stdout : process.stderr).write(text);

/**
 * Straight to the file descriptor, all of it, before going on: for the lean entry (hot.ts), whose
 * verbs write nothing else. For a pipe or a socket (how agents' hooks and scripts run `council`)
 * process.stdout is a net.Socket, and loading net and its streams costs ~3 ms of every `council
 * lock …` (bench/measure-lock-cli.ts). Synchronous, as process.stdout is on Linux for pipes anyway.
 */
export const writeAll: Write = (fd, text) => {
  const bytes = Buffer.from(text, 'utf8');
  for (let offset = 0; offset < bytes.length; ) {
    try {
      offset += writeSync(fd, bytes, offset);
    } catch (err) {
      // A non-blocking descriptor with a full buffer: wait a moment for the reader.
      if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') throw err;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1);
    }
  }
};

/** Where a command's answer goes: JSON (one `Result` object on stdout) or text for a person. */
export interface Output {
  json: boolean;
  /** Prints the success value; `human` renders it as lines of text when not in JSON mode. */
  done(value: unknown, human: () => string): void;
}

export function createOutput(json: boolean, write: Write = streamWrite): Output {
  return {
    json,
    done(value, human) {
      if (json) write(1, JSON.stringify({ ok: true, value }, null, 2) + '\n');
      else {
        const text = human();
        if (text) write(1, text.endsWith('\n') ? text : `${text}\n`);
      }
    },
  };
}

/** Prints a failure and returns the exit status: 2 bad input, 3 refused (conflict or busy), 1 otherwise. */
export function reportFailure(err: unknown, json: boolean, write: Write = streamWrite): number {
  const error = toErrorData(err);
  if (json) write(1, JSON.stringify({ ok: false, error }, null, 2) + '\n');
  else write(2, `council: ${error.message}\n`);
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
