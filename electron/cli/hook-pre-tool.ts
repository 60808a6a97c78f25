import { appendFileSync, writeSync } from 'node:fs';
import { PRE_TOOL_DEADLINE_MS } from '../core/agents/hooks/command';
import { probeNonce, probeReason } from '../core/agents/hooks/probe';
import { isHookAgent, HOOK_AGENTS } from '../core/agents/hook-payload';
import { decideLockHook, type HookDecision } from '../core/agents/lock-hook';
import { askAuthority, AUTHORITY_ENV } from '../core/agents/hooks/authority-client';
import { readHookStdin } from './hook-stdin';
import type { HeldFile } from '../core/agents/shell-guard';

/**
 * `council hook pre-tool --agent claude|codex|gemini|qwen|copilot`: the lock hook each agent CLI runs before
 * an edit, with the tool call as JSON on stdin.
 *
 * It FAILS CLOSED: a malformed payload, an unknown agent, any exception (caught, uncaught, or an
 * unhandled rejection), an exit without a decision, or no answer within the deadline all deny the
 * edit. (A hook that crashes or times out counts as "allow" in all three CLIs, see
 * tests/agents/*.test.ts, so we must never leave that to them; tests/security/ proves each of these
 * with the real CLIs and with this process alone.) What happens before this code runs (no Node, no
 * bundle) is covered by the command line the CLIs run (`… || exit 2`, hooks/command.ts) and by the
 * preflight before an agent starts (hooks/preflight.ts).
 *
 * Allow: exit 0, no output. Deny: exit 2, the reason on stderr AND stdout
 * `{"decision":"block","reason":…}`. Exit 2 alone is understood by all three CLIs (tests/agents),
 * but Claude then shows the model "PreToolUse:Write hook error: [<command line>]: <reason>"; with
 * the JSON on stdout as well it shows the reason alone (tests/agents/hook-claude.test.ts). With
 * both at once, Codex shows the model "Command blocked by PreToolUse hook: <reason>. Command:
 * <the patch>" and Gemini "Tool execution blocked: <reason>" (tests/agents/preset-*.test.ts, the
 * real CLIs through their presets). A denial is also written to the session's context (blocked,
 * on which file, why).
 *
 * The other hooks (post-tool, notify, stop, prompt: statusHook below) report status and FAIL OPEN;
 * post-tool after a shell command also puts back a file another session holds that the command
 * changed, and then answers {"decision":"block","reason":…} so the agent is told
 * (agents/shell-guard.ts). COUNCIL_HOOK_LOG=<file> logs every payload any of them receives (a
 * diagnostic).
 */

/**
 * How long the hook may take before it denies on its own. COUNCIL_HOOK_DEADLINE_MS may shorten it,
 * never lengthen it: past the CLIs' own limit (PRE_TOOL_TIMEOUT_SECONDS) they would kill the hook
 * first, and a killed hook is an "allow".
 */
function deadlineMs(): number {
  const value = Number(process.env.COUNCIL_HOOK_DEADLINE_MS);
  return Number.isFinite(value) && value > 0 ? Math.min(value, PRE_TOOL_DEADLINE_MS) : PRE_TOOL_DEADLINE_MS;
}

/** What this process answered: nothing yet, an allow, or a denial. */
let decided: 'allow' | 'deny' | null = null;

/** The --agent this hook answers for (set first thing in preToolHook). */
let answeringFor: string | undefined;

/**
 * The JSON a denial prints: `{"decision":"block","reason"}`, which Claude Code, Codex, Gemini CLI
 * and Qwen Code read; for Copilot CLI also its own `permissionDecision: "deny"` and reason (with
 * exit 2 alone Copilot tells the model only "hook exited with code 2";
 * tests/agents/preset-copilot.test.ts).
 */
export function denialJson(reason: string, agent: string | undefined = answeringFor): string {
  return JSON.stringify({ decision: 'block', reason, ...(agent === 'copilot' ? { permissionDecision: 'deny', permissionDecisionReason: reason } : {}) });
}

const oneLine = (reason: string): string => reason.replace(/\s+/g, ' ').trim() || 'the council lock hook refused this edit';
const messageOf = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** Writes the answer once (the deadline and the decision may race) and ends the process. */
function answer(reason: string | null): void {
  if (decided !== null) return;
  decided = reason === null ? 'allow' : 'deny';
  if (reason === null) process.exit(0);
  const text = oneLine(reason);
  process.stderr.write(`${text}\n`);
  process.stdout.write(`${denialJson(text)}\n`, () => process.exit(2));
}

/**
 * The last line of defence: an exception nobody caught (in a callback, an event handler), a
 * rejection nobody handled, or an exit nobody decided (a `process.exit(0)` somewhere, an event loop
 * that ran dry) all end as a denial, exit 2. Only an explicit allow exits 0.
 */
function failClosedOnAnyExit(): void {
  const refuse = (what: string) => (err: unknown) => answer(`the council lock hook failed (${what}: ${messageOf(err)}), so this edit is refused`);
  process.on('uncaughtException', refuse('an uncaught exception'));
  process.on('unhandledRejection', refuse('an unhandled rejection'));
  process.on('exit', () => {
    if (decided === 'allow') return;
    if (decided === null) {
      decided = 'deny';
      const text = 'the council lock hook ended without a decision, so this edit is refused';
      try {
        writeSync(2, `${text}\n`);
        writeSync(1, `${denialJson(text)}\n`);
      } catch {
        // the exit status alone still denies
      }
    }
    process.exitCode = 2;
  });
}

/** The whole of stdin (./hook-stdin.ts: non-blocking reads on fd 0, the deadline still fires). */
export function readStdin(): Promise<string> {
  return readHookStdin();
}

/**
 * COUNCIL_HOOK_LOG=<file>: appends every payload a hook receives to that file, one JSON line each
 * ({kind, agent, payload}), to see what a CLI version really sends. Best effort: never fails a hook.
 */
export function logPayload(kind: string, agent: string | undefined, payload: string): void {
  const file = process.env.COUNCIL_HOOK_LOG;
  if (!file) return;
  try {
    appendFileSync(file, `${JSON.stringify({ kind, agent: agent ?? null, payload })}\n`);
  } catch {
    // a diagnostic, nothing more
  }
}

export async function preToolHook(agent: string | undefined): Promise<void> {
  answeringFor = agent;
  failClosedOnAnyExit();
  const timer = setTimeout(() => answer('the council lock hook did not answer in time; try the edit again in a moment'), deadlineMs());
  try {
    if (!agent || !isHookAgent(agent)) throw new Error(`unknown agent "${agent ?? ''}" (expected ${HOOK_AGENTS.join(', ')})`);
    const input = await readStdin();
    let payload: unknown;
    try {
      payload = JSON.parse(input);
    } catch {
      logPayload('pre-tool', agent, input);
      throw new Error('the hook input is not valid JSON');
    }
    // The preflight's self-test (hooks/probe.ts): answered before anything is read or written.
    const probe = probeNonce(payload);
    if (probe !== null) {
      clearTimeout(timer);
      answer(probeReason(probe));
      return;
    }
    logPayload('pre-tool', agent, input);
    const authority = process.env[AUTHORITY_ENV]?.trim();
    const decision = authority ? await decideAtHome(authority, agent, payload) : await decideLockHook(agent, payload);
    clearTimeout(timer);
    answer(decision.decision === 'allow' ? null : decision.reason);
  } catch (err) {
    clearTimeout(timer);
    answer(`the council lock hook could not check this edit, so it is refused: ${messageOf(err)}`);
  }
}

/**
 * A remote session's hook (issue 17): the decision is the home's, asked through the socket ssh
 * forwards there (COUNCIL_AUTHORITY). Fails closed: no socket, a refusal, no answer in time, or an
 * answer that is not a decision all deny, naming home and the connection.
 */
async function decideAtHome(socket: string, agent: string, payload: unknown): Promise<HookDecision> {
  const session = process.env.COUNCIL_SESSION_ID?.trim() ?? '';
  const refuse = (why: string): HookDecision => ({
    decision: 'deny',
    reason: `council's home cannot be reached over the SSH connection (${why}), so this edit is refused: locks are decided at home; try again once the connection is back`,
  });
  let answer: { decision?: unknown; reason?: unknown; guard?: unknown };
  try {
    answer = await askAuthority(socket, { v: 1, session, kind: 'pre-tool', agent, payload }, Math.max(500, deadlineMs() - 1000));
  } catch (err) {
    return refuse(messageOf(err));
  }
  if (answer.decision === 'allow') {
    // A shell command: the files others hold are copied here first, for the post-tool guard (shell-guard.ts).
    if (Array.isArray(answer.guard)) await copyGuardOnHost(session, payload, answer.guard as HeldFile[]);
    return { decision: 'allow' };
  }
  if (answer.decision === 'deny') return { decision: 'deny', reason: typeof answer.reason === 'string' ? answer.reason : 'home refused this edit' };
  return refuse('home answered something that is not a decision');
}

/** The host's worktree of this session (set for the agent by home), else the payload's folder. */
export function hostWorktree(payload: unknown): string {
  const cwd = (payload as { cwd?: unknown } | null)?.cwd;
  const root = process.env.COUNCIL_WORKTREE?.trim() || (typeof cwd === 'string' ? cwd : '');
  if (!root) throw new Error('neither COUNCIL_WORKTREE nor the payload names the worktree');
  return root;
}

/** Throws when the copies cannot be made: the edit is then refused, as locally. */
async function copyGuardOnHost(session: string, payload: unknown, held: HeldFile[]): Promise<void> {
  const [{ homedir }, guard] = await Promise.all([import('node:os'), import('../core/agents/shell-guard')]);
  guard.copyHeldFiles(await guard.hostGuardDir(homedir(), session, guard.toolCallId(payload)), hostWorktree(payload), held);
}
