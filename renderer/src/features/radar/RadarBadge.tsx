import { openRadar } from '../../app/navigation';
import { badgeText, badgeTitle } from '../../models/radar-model';
import { useSessionRadar } from '../../app/stores/radar-store';

/**
 * "⚠ conflicts with 3f2a" on a session's card and view; opens the radar focused on the session.
 * On a board card the words are a plain label (a click there is a click on the card: it opens the
 * session) and the way to the radar is a small button of its own beside them, so a click near the
 * card's middle never lands on the radar by accident.
 */
export function RadarBadge({ sessionId, onCard = false }: { sessionId: string; onCard?: boolean }) {
  const entry = useSessionRadar(sessionId);
  const text = badgeText(entry);
  if (entry === undefined || text === null) return null;
  const title = badgeTitle(entry);
  if (onCard) {
    return (
      <span className="radar-badge-group">
        <span className="radar-badge is-label" data-testid={`radar-badge-${sessionId}`} title={title}>
          <span aria-hidden="true">⚠ </span>
          {text}
        </span>
        <button type="button" className="radar-badge-open" data-testid={`radar-open-${sessionId}`} title={`${title}: open the radar on this session`} aria-label={`Open the radar on session ${sessionId}`} onClick={() => openRadar(sessionId)}>
          <span aria-hidden="true">↗</span>
        </button>
      </span>
    );
  }
  return (
    <button type="button" className="radar-badge" data-testid={`radar-badge-${sessionId}`} title={title} aria-label={title} onClick={() => openRadar(sessionId)}>
      <span aria-hidden="true">⚠ </span>
      {text}
    </button>
  );
}
