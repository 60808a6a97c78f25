import type { CouncilErrorData } from '../../../shared/errors';

/**
 * Errors as the screens word them. A host older than the renderer (the browser host or the app's
 * core before a feature landed) answers a command it does not serve with `invalid-input` "unknown
 * command …": that is not the user's mistake nor a failure of the feature, so it is said plainly,
 * once, instead of as a red error.
 */
const UNKNOWN = /^unknown command\b/;

export function isUnknownCommand(error: CouncilErrorData): boolean {
  if (error.code !== 'invalid-input') return false;
  return UNKNOWN.test(error.message) || (typeof error.details?.command === 'string' && error.message.includes('unknown command'));
}

/** "The conflict radar is not available from this council yet: it does not serve radar.get. …" */
export function unavailableText(feature: string, command: string): string {
  return `${feature} is not available from this council yet: it does not serve "${command}". Update council, then restart the app (or council serve).`;
}

/** The message to show for a failed command: the unavailable wording, or "Could not …: <message>". */
export function failureText(error: CouncilErrorData, doing: string, feature: string, command: string): string {
  if (isUnknownCommand(error)) return unavailableText(feature, command);
  return `Could not ${doing}: ${error.message}`;
}
