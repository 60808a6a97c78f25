import { hookSession } from '../core/agents/lock-hook';
import { isHookAgent, HOOK_AGENTS, normalizedPayload } from '../core/agents/hook-payload';
import { conflictNotice } from '../core/coordination/conflict-notice';
import { contextAnswer, runFailOpenHook } from './hook-output';
import { RepoState } from '../core/state/repo-state';
import { logPayload, readStdin } from './hook-pre-tool';

/**
 * `council hook notice --agent claude|gemini|…`: run after every tool call (Claude Code's
 * PostToolUse, Gemini CLI's AfterTool). When the radar has predicted a conflict between this
 * session and another that this conversation was not told yet, it prints it — what the other
 * session is doing and how to reach it — as `{"hookSpecificOutput":{"hookEventName":…,
 * "additionalContext":…}}`, which those CLIs add to what the model reads next, within the turn
 * (core/coordination/conflict-notice.ts). Otherwise nothing. Like the digest it FAILS OPEN,
 * quickly (COUNCIL_HOOK_DEBUG=1 writes errors to stderr), on the lean entry (hot.ts).
 * bench/measure-notice-hook.ts measures it as a whole process against `node -e 0`.
 */

const NOTICE_DEADLINE_MS = 3_000;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export async function noticeHook(agent: string | undefined): Promise<void> {
  await runFailOpenHook('notice', NOTICE_DEADLINE_MS, async () => {
    const input = await readStdin();
    logPayload('notice', agent, input);
    if (!agent || !isHookAgent(agent)) throw new Error(`unknown agent "${agent ?? ''}" (expected ${HOOK_AGENTS.join(', ')})`);
    const payload: unknown = normalizedPayload(agent, JSON.parse(input));
    if (!isObject(payload) || typeof payload.cwd !== 'string' || !payload.cwd) throw new Error('the hook input has no cwd');
    const state = RepoState.open(payload.cwd);
    const session = hookSession({ ws: state }, process.env, payload.cwd);
    if (!session) return null;
    const conversation = typeof payload.session_id === 'string' ? payload.session_id : '';
    const text = await conflictNotice(state, { sessionId: session.id, conversation });
    if (text === null) return null;
    const event = typeof payload.hook_event_name === 'string' && payload.hook_event_name ? payload.hook_event_name : agent === 'gemini' ? 'AfterTool' : 'PostToolUse';
    return contextAnswer(agent, event, text);
  });
}
