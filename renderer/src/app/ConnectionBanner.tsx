import { useSyncExternalStore } from 'react';
import { connectionState, onConnectionChange } from '../api';

/** Browser host only: says so while the event connection is down (commands wait for it). */
export function ConnectionBanner() {
  const state = useSyncExternalStore(onConnectionChange, connectionState, connectionState);
  if (state !== 'reconnecting') return null;
  return (
    <div className="connection-banner" role="status" data-testid="connection-banner">
      Lost the connection to the CLI Council host — reconnecting…
    </div>
  );
}
