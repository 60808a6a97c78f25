import type { CommandInput, CommandName, CommandOutput, EventName, EventPayload } from '../../shared/contract';
import type { Result } from '../../shared/errors';

/**
 * `window.api`, as the preload exposes it (electron/preload/index.ts; a type test keeps the two
 * identical). Derived from shared/contract.ts, never written out by hand.
 */
export interface CouncilApi {
  invoke<C extends CommandName>(command: C, input: CommandInput<C>): Promise<Result<CommandOutput<C>>>;
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
}

declare global {
  interface Window {
    /** Absent when the page is not running under the app's preload (e.g. opened as a plain file). */
    readonly api?: CouncilApi;
  }
}
