import { hookSession } from '../core/agents/lock-hook';
import { isHookAgent, HOOK_AGENTS, normalizedPayload } from '../core/agents/hook-payload';
import { digestInputsKey, readDigestState } from '../core/coordination/digest-state';
import { RepoState } from '../core/state/repo-state';
import { logPayload, readStdin } from './hook-pre-tool';

/**
 * The first half of `council hook digest` (see ./hook-digest.ts): the payload, the session, its
 * switch, and whether anything the digest is made of changed since this conversation was told
 * (file versions only): the usual prompt — nothing changed — is answered from this alone. Like
 * the rest of the hook, it builds no zod schema (it runs on the lean entry, ./hot.ts).
 */

export type DigestCheck =
  | { kind: 'nothing' }
  | { kind: 'render'; state: RepoState; sessionId: string; conversation: string; fresh: boolean; inputs: string; versions: Map<string, string>; payload: Record<string, unknown> };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The hook's stdin (logged with COUNCIL_HOOK_LOG). */
export async function hookInput(agent: string | undefined): Promise<string> {
  const input = await readStdin();
  logPayload('digest', agent, input);
  return input;
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
  const versions = new Map<string, string>(); // the context files' versions, for the view's records (digest-records.ts)
  const inputs = digestInputsKey(state.paths, session.id, Date.now, versions);
  if (!fresh && told.conversations[conversation || 'default']?.inputs === inputs) return { kind: 'nothing' };
  return { kind: 'render', state, sessionId: session.id, conversation, fresh, inputs, versions, payload };
}
