import { appendFileSync, writeSync } from 'node:fs';
import type { Command } from 'commander';
import { PRE_TOOL_DEADLINE_MS, type StatusHookKind } from '../core/agents/hooks/command';
import { probeNonce, probeReason } from '../core/agents/hooks/probe';
import { recordHookStatus } from '../core/agents/hooks/status';
import { isHookAgent, HOOK_AGENTS } from '../core/agents/hook-payload';
import { decideLockHook, guardShellCall } from '../core/agents/lock-hook';

/**
 * `council hook pre-tool --agent claude|codex|gemini`: the lock hook each agent CLI runs before
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

const oneLine = (reason: string): string => reason.replace(/\s+/g, ' ').trim() || 'the council lock hook refused this edit';
const messageOf = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** Writes the answer once (the deadline and the decision may race) and ends the process. */
function answer(reason: string | null): void {
  if (decided !== null) return;
  decided = reason === null ? 'allow' : 'deny';
  if (reason === null) process.exit(0);
  const text = oneLine(reason);
  process.stderr.write(`${text}\n`);
  process.stdout.write(`${JSON.stringify({ decision: 'block', reason: text })}\n`, () => process.exit(2));
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
        writeSync(1, `${JSON.stringify({ decision: 'block', reason: text })}\n`);
      } catch {
        // the exit status alone still denies
      }
    }
    process.exitCode = 2;
  });
}

function readStdin(): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    process.stdin.on('data', (chunk: Buffer) => chunks.push(chunk));
    process.stdin.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    process.stdin.on('error', reject);
  });
}

/**
 * COUNCIL_HOOK_LOG=<file>: appends every payload a hook receives to that file, one JSON line each
 * ({kind, agent, payload}), to see what a CLI version really sends. Best effort: never fails a hook.
 */
function logPayload(kind: string, agent: string | undefined, payload: string): void {
  const file = process.env.COUNCIL_HOOK_LOG;
  if (!file) return;
  try {
    appendFileSync(file, `${JSON.stringify({ kind, agent: agent ?? null, payload })}\n`);
  } catch {
    // a diagnostic, nothing more
  }
}

export async function preToolHook(agent: string | undefined): Promise<void> {
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
    const decision = await decideLockHook(agent, payload);
    clearTimeout(timer);
    answer(decision.decision === 'allow' ? null : decision.reason);
  } catch (err) {
    clearTimeout(timer);
    answer(`the council lock hook could not check this edit, so it is refused: ${messageOf(err)}`);
  }
}

/** How long a status hook may take before it gives up (and lets the agent go on). */
const STATUS_DEADLINE_MS = 5_000;

/**
 * `council hook post-tool|notify|stop|prompt --agent …`: writes what the agent just did to its
 * session's context. It FAILS OPEN and says nothing — exit 0 with no output, always and quickly,
 * whatever goes wrong (a status hook must never stop an agent, and every CLI reads a hook's stdout:
 * Claude adds a UserPromptSubmit hook's output to the prompt, a Stop hook's JSON can keep the turn
 * going). The one exception: after a shell command that changed a file another session holds, that
 * file is put back and the agent told, with {"decision":"block","reason"} on stdout.
 * COUNCIL_HOOK_DEBUG=1 writes errors to stderr.
 */
export async function statusHook(kind: StatusHookKind, agent: string | undefined): Promise<void> {
  const finish = (err?: unknown) => {
    if (err !== undefined && process.env.COUNCIL_HOOK_DEBUG === '1') {
      process.stderr.write(`council hook ${kind}: ${err instanceof Error ? err.message : String(err)}\n`, () => process.exit(0));
      return;
    }
    process.exit(0);
  };
  const value = Number(process.env.COUNCIL_HOOK_DEADLINE_MS);
  const timer = setTimeout(() => finish(new Error('gave up at the deadline')), Number.isFinite(value) && value > 0 ? value : STATUS_DEADLINE_MS);
  try {
    const input = await readStdin();
    logPayload(kind, agent, input);
    if (!agent || !isHookAgent(agent)) throw new Error(`unknown agent "${agent ?? ''}" (expected ${HOOK_AGENTS.join(', ')})`);
    const payload: unknown = JSON.parse(input);
    // After a shell command: a file another session holds that it changed is put back, and the
    // agent is told (all three CLIs show a post-tool hook's {"decision":"block","reason"} to the
    // model; tests/agents/shell-locks.test.ts). The session is then blocked, not "working".
    const undone = kind === 'post-tool' ? await guardShellCall(agent, payload) : null;
    if (undone === null) await recordHookStatus(agent, kind, payload);
    clearTimeout(timer);
    if (undone !== null) {
      process.stdout.write(`${JSON.stringify({ decision: 'block', reason: undone })}\n`, () => finish());
      return;
    }
    finish();
  } catch (err) {
    clearTimeout(timer);
    finish(err);
  }
}

const STATUS_HOOKS: [StatusHookKind, string][] = [
  ['post-tool', "after an edit: the session is working on that file (and no longer blocked); never blocks the agent"],
  ['notify', 'the agent waits for the user (a permission prompt, a question): the session is waiting; never blocks the agent'],
  ['stop', "the agent's turn ended: the session is done; never blocks the agent"],
  ['prompt', 'a prompt starts a turn: the session is working again; never blocks the agent'],
];

export function hookCommands(program: Command): void {
  const hook = program.command('hook').description("agent CLIs' hooks (they read the hook's JSON on stdin)");
  hook
    .command('pre-tool')
    .description('before an edit: lock the files it touches for this session, or refuse it when another session holds one (fails closed)')
    .option('-a, --agent <name>', `which CLI sends the payload: ${HOOK_AGENTS.join('|')}`)
    .action(async (opts: { agent?: string }) => {
      await preToolHook(opts.agent);
    });
  for (const [kind, description] of STATUS_HOOKS) {
    hook
      .command(kind)
      .description(description)
      .option('-a, --agent <name>', `which CLI sends the payload: ${HOOK_AGENTS.join('|')}`)
      .action(async (opts: { agent?: string }) => {
        await statusHook(kind, opts.agent);
      });
  }
}
