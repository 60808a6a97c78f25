import type { WebContents } from 'electron';
import { eventChannel, events, type EventName, type EventPayload } from '../../shared/contract';

/**
 * Pushes one contract event to a renderer. The payload is checked against the event's schema here,
 * so a malformed event is a loud bug in main rather than a silent surprise in the UI. Sending to a
 * destroyed web contents throws in Electron, so it is skipped (returns false).
 */
export function sendEvent<E extends EventName>(
  target: Pick<WebContents, 'send' | 'isDestroyed'>,
  name: E,
  payload: EventPayload<E>,
): boolean {
  if (target.isDestroyed()) return false;
  target.send(eventChannel(name), events[name].parse(payload));
  return true;
}
