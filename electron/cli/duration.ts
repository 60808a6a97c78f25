import { invalidInput } from '../core/errors';

const UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** "90s", "30m", "2h", "7d", or a bare number of minutes → milliseconds. */
export function parseDuration(text: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*$/i.exec(text);
  if (!match?.[1]) throw invalidInput(`"${text}" is not a duration: use e.g. 90s, 30m, 2h or 7d`);
  const unit = (match[2] || 'm').toLowerCase();
  return Math.round(Number(match[1]) * (UNITS[unit] ?? 60_000));
}

/** Seconds as given on the command line (may be fractional) → milliseconds. */
export function parseSeconds(text: string, what: string): number {
  // A plain decimal only: Number() would also take "" and " " as 0, "0x10" as 16 and "1e2" as 100.
  const value = /^\s*\d+(?:\.\d+)?\s*$/.test(text) ? Number(text) : NaN;
  if (!Number.isFinite(value) || value < 0 || value > 86_400) {
    throw invalidInput(`${what} must be a number of seconds from 0 to 86400, not "${text}"`);
  }
  return Math.round(value * 1000);
}

/** Milliseconds in words, in the largest unit that fits: "45 seconds", "30 minutes", "1.5 hours", "7 days". */
export function formatDuration(ms: number): string {
  const units: [number, string][] = [
    [86_400_000, 'day'],
    [3_600_000, 'hour'],
    [60_000, 'minute'],
    [1000, 'second'],
  ];
  for (const [size, name] of units) {
    if (ms >= size || size === 1000) {
      const value = Math.round((ms / size) * 10) / 10;
      return `${value} ${name}${value === 1 ? '' : 's'}`;
    }
  }
  return `${ms} ms`;
}
