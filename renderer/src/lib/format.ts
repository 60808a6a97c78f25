/** Formatting for the screens: pure functions, tested in tests/renderer/format.test.ts. */

export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : pluralForm}`;
}

const pad = (n: number): string => String(n).padStart(2, '0');

/** Time since a moment, compact and ticking-friendly: "42s", "3m 05s", "2h 07m", "4d 3h". */
export function formatElapsed(fromIso: string, now: number): string {
  const from = Date.parse(fromIso);
  if (Number.isNaN(from)) return '—';
  const seconds = Math.max(0, Math.floor((now - from) / 1000));
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m ${pad(seconds % 60)}s`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours}h ${pad(minutes % 60)}m`;
  return `${Math.floor(hours / 24)}d ${hours % 24}h`;
}

/** "just now", "5 min ago", "3 h ago", "2 days ago". */
export function formatRelative(iso: string, now: number): string {
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return '—';
  const seconds = Math.round((now - at) / 1000);
  if (seconds < 10) return 'just now';
  if (seconds < 60) return `${seconds} s ago`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours} h ago`;
  const days = Math.floor(hours / 24);
  return days === 1 ? '1 day ago' : `${days} days ago`;
}

/** A local date and time for tooltips and history lists. */
export function formatTimestamp(iso: string): string {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return iso;
  return `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())} ${pad(at.getHours())}:${pad(at.getMinutes())}:${pad(at.getSeconds())}`;
}

/** Size in KB as the diff viewer states it ("Too large to show (600 KB)"). */
export function formatKilobytes(bytes: number): string {
  return `${Math.max(1, Math.round(bytes / 1024)).toLocaleString('en-US')} KB`;
}

/** A size as the diff states it: "812 B", "14.2 KB", "1.2 MB". */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/** The last segment of a path, for headings. */
export function baseName(path: string): string {
  const trimmed = path.replace(/[\\/]+$/, '');
  const index = Math.max(trimmed.lastIndexOf('/'), trimmed.lastIndexOf('\\'));
  return index === -1 ? trimmed : trimmed.slice(index + 1);
}

export function capitalize(text: string): string {
  return text.length === 0 ? text : text[0]!.toUpperCase() + text.slice(1);
}

/**
 * A progress text as a fraction, when it says one: "2/5", "3 of 4", "40%". Free text ("writing
 * tests") has none, and is shown as text only.
 */
export function progressFraction(progress: string | null): number | null {
  if (progress === null) return null;
  const percent = /(\d+(?:\.\d+)?)\s*%/.exec(progress);
  if (percent) return clamp(Number(percent[1]) / 100);
  const ratio = /(\d+)\s*(?:\/|of)\s*(\d+)/.exec(progress);
  if (ratio && Number(ratio[2]) > 0) return clamp(Number(ratio[1]) / Number(ratio[2]));
  return null;
}

const clamp = (value: number): number => Math.min(1, Math.max(0, value));
