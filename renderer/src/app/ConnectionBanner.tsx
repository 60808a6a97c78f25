import { useSyncExternalStore } from 'react';
import { connectionState, onConnectionChange, type ConnectionState } from '../api';

const GET_BACK_IN = 'Open the address `council serve` printed (it ends in /?token=…) in this tab.';

/** What each state of the event connection means to the user, and what to do (nothing when fine). */
function describe(state: ConnectionState, host: string): { text: string; alert: boolean } | null {
  switch (state) {
    case 'reconnecting':
      return { text: 'Lost the connection to the CLI Council host — reconnecting…', alert: false };
    case 'unreachable':
      return {
        text: `The CLI Council server at ${host} is not answering (was \`council serve\` stopped?). Still trying. If you started it again, it printed a new address: open that one.`,
        alert: false,
      };
    case 'token-refused':
      return { text: `The CLI Council server was restarted: it has a new access token, so this page is signed out. ${GET_BACK_IN}`, alert: true };
    case 'no-token':
      return { text: `This page has no access token. ${GET_BACK_IN}`, alert: true };
    default:
      return null;
  }
}

/** Browser host only: says so while the event connection is down, and why, and how to get back in. */
export function ConnectionBanner() {
  const state = useSyncExternalStore(onConnectionChange, connectionState, connectionState);
  const shown = describe(state, window.location.host);
  if (shown === null) return null;
  return (
    <div className={`connection-banner${shown.alert ? ' is-alert' : ''}`} role={shown.alert ? 'alert' : 'status'} data-testid="connection-banner" data-state={state}>
      {shown.text}
    </div>
  );
}
