import { hookSession } from '../core/agents/lock-hook';
import { isHookAgent, HOOK_AGENTS, normalizedPayload } from '../core/agents/hook-payload';
import { digestInputsKey, readDigestState } from '../core/coordination/digest-state';
import { RepoState } from '../core/state/repo-state';
import { logPayload, readStdin } from './hook-pre-tool';

/**
 * The lean half of `council hook digest` (see ./hook-digest.ts): the payload, the session, its
 * switch, and whether anything the digest is made of changed since this conversation was told
 * (file versions only). It loads no schema, so the lean entry (./hot.ts) can answer the usual
 * prompt — nothing changed — by itself; anything else goes on to the full half.
 */

/** Where the lean entry leaves the hook's stdin for the full CLI when it hands a call over. */
const HANDED_OVER = '__councilDigestHookInput';

export type DigestCheck =
  | { kind: 'nothing' }
  | { kind: 'render'; state: RepoState; sessionId: string; conversation: string; fresh: boolean; inputs: string; payload: Record<string, unknown> };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The hook's stdin: what the lean entry already read (and logged), or the process's own. */
export async function hookInput(agent: string | undefined): Promise<string> {
  const handed = (globalThis as Record<string, unknown>)[HANDED_OVER];
  if (typeof handed === 'string') return handed;
  const input = await readStdin();
  logPayload('digest', agent, input);
  return input;
}

/** Keeps the stdin read for the full CLI, which runs next in this process (bin/council.cjs). */
export function handOver(input: string): void {
  (globalThis as Record<string, unknown>)[HANDED_OVER] = input;
}

/** Throws on anything wrong (the caller fails open). */
export function checkDigest(agent: string | undefined, input: string): DigestCheck {
  if (!agent || !isHookAgent(agent)) throw new Error(`unknown agent "${agent ?? ''}" (expected ${HOOK_AGENTS.join(', ')})`);
  // Copilot CLI's payloads are camelCase (`sessionId`): read as the others' snake_case.
  const payload: unknown = normalizedPayload(agent, JSON.parse(input));
  if (!isObject(payload) || typeof payload.cwd !== 'string' || !payload.cwd) throw new Error('the hook input has no cwd');
  const state = RepoState.open(payload.cwd);
  const session = hookSession({ ws: state }, process.env, payload.cwd);
  if (!session) return { kind: 'nothing' };
  const source = typeof payload.source === 'string' ? payload.source : '';
  const conversation = typeof payload.session_id === 'string' ? payload.session_id : '';
  // A conversation whose context was emptied is told again. Gemini CLI also drops hook context
  // from a saved conversation: resumed, it no longer has the digest (tests/agents/digest-clis.test.ts).
  const fresh = source === 'clear' || source === 'compact' || (agent === 'gemini' && source === 'resume');
  const told = readDigestState(state.paths, session.id);
  if (told.off) return { kind: 'nothing' };
  const inputs = digestInputsKey(state.paths, session.id);
  if (!fresh && told.conversations[conversation || 'default']?.inputs === inputs) return { kind: 'nothing' };
  return { kind: 'render', state, sessionId: session.id, conversation, fresh, inputs, payload };
}

/**
 * The lean entry's `council hook digest`: true when it answered (nothing to tell: the process
 * exits 0 with no output), false when the full CLI must go on (the input is handed over).
 */
export async function leanDigestHook(agent: string | undefined): Promise<boolean> {
  let input = '';
  try {
    input = await readStdin();
    logPayload('digest', agent, input);
    if (checkDigest(agent, input).kind === 'nothing') process.exit(0);
  } catch {
    // the full CLI says why (COUNCIL_HOOK_DEBUG=1), and fails open as well
  }
  handOver(input);
  return false;
}
