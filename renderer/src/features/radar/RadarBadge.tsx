import { openRadar } from '../../app/navigation';
import { badgeText, badgeTitle } from '../../models/radar-model';
import { useSessionRadar } from '../../app/stores/radar-store';

/** "⚠ conflicts with 3f2a" on a session's card and view; opens the radar focused on the session. */
export function RadarBadge({ sessionId }: { sessionId: string }) {
  const entry = useSessionRadar(sessionId);
  const text = badgeText(entry);
  if (entry === undefined || text === null) return null;
  const title = badgeTitle(entry);
  return (
    <button type="button" className="radar-badge" data-testid={`radar-badge-${sessionId}`} title={title} aria-label={title} onClick={() => openRadar(sessionId)}>
      <span aria-hidden="true">⚠ </span>
      {text}
    </button>
  );
}
