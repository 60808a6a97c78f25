import { useNow } from '../lib/clock';
import { formatElapsed, formatRelative, formatTimestamp } from '../lib/format';

/**
 * Ticking time labels. Each is its own tiny component on the shared clock, so the second hand
 * re-renders these spans only, never the cards or rows around them.
 */
export function Elapsed({ since, label }: { since: string; label?: string }) {
  const now = useNow();
  const text = formatElapsed(since, now);
  return (
    <time className="elapsed" dateTime={since} title={`Created ${formatTimestamp(since)}`} aria-label={label ? `${label} ${text}` : undefined}>
      {text}
    </time>
  );
}

export function Relative({ at }: { at: string }) {
  const now = useNow();
  return (
    <time dateTime={at} title={formatTimestamp(at)}>
      {formatRelative(at, now)}
    </time>
  );
}
