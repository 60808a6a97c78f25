import { deliverDigest, digestInputOf, digestView } from '../core/coordination/digest-input';
import { checkDigest, hookInput } from './hook-digest-lean';
import { contextAnswer, runFailOpenHook } from './hook-output';

/**
 * `council hook digest --agent claude|codex|gemini|qwen|copilot`: run by the agent CLIs when a
 * conversation starts (Claude Code's and Codex's SessionStart, Gemini CLI's SessionStart) and
 * before each prompt (UserPromptSubmit; Gemini's BeforeAgent; Copilot's userPromptSubmitted). It
 * prints the session's digest of its peers (council/digest.ts) as
 * `{"hookSpecificOutput":{"hookEventName":…,"additionalContext":…}}` (Copilot CLI:
 * `{"additionalContext":…}`), which they add to the model's context, or nothing when nothing
 * changed since this conversation was last told (core/coordination/digest-input.ts deliverDigest).
 *
 * It FAILS OPEN, quickly: any error, a payload it does not understand, a session it cannot find,
 * or its deadline, and it exits 0 with no output (a digest must never stop an agent).
 * COUNCIL_HOOK_DEBUG=1 writes errors to stderr. It is on the lean entry (hot.ts): no commander, no
 * git, no zod. When nothing it is made of changed (digest-state.ts digestInputsKey: file versions
 * only), it answers from that alone; otherwise it reads the peers view's records with zod-free
 * checks (core/coordination/digest-input.ts). bench/measure-digest-hook.ts measures both cases
 * against `node -e 0` (target 1.2×).
 */

/** How long it may take before it gives up (and lets the prompt go on without a digest). */
const DIGEST_DEADLINE_MS = 3_000;

/** The event name each CLI expects back in hookSpecificOutput. */
function eventName(payload: Record<string, unknown>): string {
  const name = payload.hook_event_name;
  return typeof name === 'string' && name ? name : 'UserPromptSubmit';
}

export async function digestHook(agent: string | undefined): Promise<void> {
  await runFailOpenHook('digest', DIGEST_DEADLINE_MS, async () => {
    const input = await hookInput(agent);
    const check = checkDigest(agent, input);
    if (check.kind === 'nothing') return null;
    // Something may have changed: the peers view as a digest needs it (the contexts, the locks, the stored radar).
    const { state, sessionId, conversation, fresh, inputs, versions, payload } = check;
    const text = await deliverDigest(state, { sessionId, conversation, fresh, inputs }, digestInputOf(digestView(state, sessionId, versions)));
    return text === null ? null : contextAnswer(agent ?? '', eventName(payload), text);
  });
}
