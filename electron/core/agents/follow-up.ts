import { CouncilError } from '../errors';
import type { AgentManager } from './manager';
import { isLive } from './run-store';

/** Between the text and the Enter that submits it: a TUI that takes a burst of input as a paste would
 * otherwise take the Enter as part of it (a new line in its prompt, not a submit). */
const SUBMIT_AFTER_MS = 80;

/**
 * A follow-up prompt for a session's agent (issue 14, item 2). A running interactive agent gets it
 * in its terminal, typed and submitted as a person would. Anything else is refused with what to do:
 * resuming a finished or headless agent with a new prompt is not built yet.
 */
export async function sendFollowUp(manager: AgentManager, ref: string, text: string): Promise<{ delivered: 'terminal' }> {
  const session = manager.council.session(ref);
  const line = text.replace(/\r\n?/g, '\n').trim();
  if (line === '') throw new CouncilError('invalid-input', 'the follow-up is empty: write what the agent should do next');
  if (manager.write(session.id, line)) {
    await new Promise((resolve) => setTimeout(resolve, SUBMIT_AFTER_MS));
    if (manager.write(session.id, '\r')) return { delivered: 'terminal' };
  }
  const run = manager.store.latest(session.id);
  const why =
    run === null
      ? `session ${session.id} has no agent yet: start one (the session's task is its first prompt)`
      : isLive(run) && run.mode === 'headless'
        ? `session ${session.id}'s agent runs headless and reads no input: wait until it ends`
        : isLive(run)
          ? `session ${session.id}'s agent runs in another process (its terminal is there)`
          : `session ${session.id}'s agent has ended: resuming it with a follow-up is not built yet; start it again or resume it from the app`;
  throw new CouncilError('conflict', `the follow-up was not sent: ${why}`);
}
