import { askAuthority, AUTHORITY_ENV } from '../core/agents/hooks/authority-client';
import type { HookAnswer } from '../core/hosts/authority-hook';
import { runFailOpenHook } from './hook-output';
import { logPayload, readStdin } from './hook-pre-tool';

/**
 * A context hook of a remote session's agent (issue 17), on its host: `council hook digest|notice`
 * with COUNCIL_AUTHORITY set. There is no repository here to read, so the hook sends its stdin home
 * through the socket the run's ssh forwards (hosts/authority.ts), where the home runs the same hook
 * for the session (hosts/authority-hook.ts), and prints what it printed. It FAILS OPEN like the
 * local hook: home unreachable, a refusal, a hook that failed there, or the deadline, and it exits 0
 * with nothing printed (COUNCIL_HOOK_DEBUG=1 says why on stderr).
 */

/** Whether this process is a remote session's hook (its answers come from home). */
export function answeredAtHome(): string | null {
  return process.env[AUTHORITY_ENV]?.trim() || null;
}

/** The whole hook at home takes at most 7 s (HOME_HOOK_LIMIT_MS); the CLIs give it 10 s. */
const REMOTE_DEADLINE_MS = 8_500;

export async function remoteHook(kind: string, agent: string | undefined, socket: string): Promise<void> {
  await runFailOpenHook(kind, REMOTE_DEADLINE_MS, async () => {
    const stdin = await readStdin();
    logPayload(kind, agent, stdin);
    const session = process.env.COUNCIL_SESSION_ID?.trim() ?? '';
    const answer = await askAuthority<HookAnswer>(socket, { v: 1, session, kind: 'hook', hook: kind, agent: agent ?? '', stdin }, REMOTE_DEADLINE_MS - 500);
    if (answer.error) throw new Error(`home: ${answer.error}`);
    const said = typeof answer.stderr === 'string' && answer.stderr.trim() ? `: ${answer.stderr.trim()}` : '';
    if (answer.code !== 0) throw new Error(`the ${kind} hook at home ended with ${answer.code}${said}`);
    if (typeof answer.stdout === 'string' && answer.stdout) return answer.stdout;
    // Nothing to tell; with COUNCIL_HOOK_DEBUG=1 here, why (what the hook at home said).
    if (said) throw new Error(`home${said}`);
    return null;
  });
}
