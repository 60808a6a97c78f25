import type { Command } from 'commander';
import { isHookAgent, HOOK_AGENTS } from '../core/agents/hook-payload';
import { decideLockHook } from '../core/agents/lock-hook';

/**
 * `council hook pre-tool --agent claude|codex|gemini`: the lock hook each agent CLI runs before
 * an edit, with the tool call as JSON on stdin.
 *
 * It FAILS CLOSED: a malformed payload, an unknown agent, any exception, or no answer within the
 * deadline all deny the edit. (A hook that crashes or times out counts as "allow" in all three
 * CLIs, see tests/agents/*.test.ts, so we must never leave that to them.)
 *
 * Allow: exit 0, no output. Deny: exit 2, the reason on stderr AND stdout
 * `{"decision":"block","reason":…}`. Exit 2 alone is understood by all three CLIs (tests/agents),
 * but Claude then shows the model "PreToolUse:Write hook error: [<command line>]: <reason>"; with
 * the JSON on stdout as well it shows the reason alone (tests/agents/hook-claude.test.ts). Codex
 * shows "Command blocked by PreToolUse hook: <reason>", Gemini "Tool execution blocked: <reason>"
 * (measured with exit 2 + stderr and with exit 0 + JSON; not yet with both at once).
 */

/** How long the hook may take before it denies on its own (the CLIs' own timeouts are longer). */
const DEFAULT_DEADLINE_MS = 10_000;

function deadlineMs(): number {
  const value = Number(process.env.COUNCIL_HOOK_DEADLINE_MS);
  return Number.isFinite(value) && value > 0 ? value : DEFAULT_DEADLINE_MS;
}

let answered = false;

/** Writes the answer once (the deadline and the decision may race) and ends the process. */
function answer(reason: string | null): void {
  if (answered) return;
  answered = true;
  if (reason === null) process.exit(0);
  const oneLine = reason.replace(/\s+/g, ' ').trim() || 'the council lock hook refused this edit';
  process.stderr.write(`${oneLine}\n`);
  process.stdout.write(`${JSON.stringify({ decision: 'block', reason: oneLine })}\n`, () => process.exit(2));
}

function readStdin(): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    process.stdin.on('data', (chunk: Buffer) => chunks.push(chunk));
    process.stdin.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    process.stdin.on('error', reject);
  });
}

export async function preToolHook(agent: string | undefined): Promise<void> {
  const timer = setTimeout(() => answer('the council lock hook did not answer in time; try the edit again in a moment'), deadlineMs());
  try {
    if (!agent || !isHookAgent(agent)) throw new Error(`unknown agent "${agent ?? ''}" (expected ${HOOK_AGENTS.join(', ')})`);
    const input = await readStdin();
    let payload: unknown;
    try {
      payload = JSON.parse(input);
    } catch {
      throw new Error('the hook input is not valid JSON');
    }
    const decision = await decideLockHook(agent, payload);
    clearTimeout(timer);
    answer(decision.decision === 'allow' ? null : decision.reason);
  } catch (err) {
    clearTimeout(timer);
    answer(`the council lock hook could not check this edit, so it is refused: ${err instanceof Error ? err.message : String(err)}`);
  }
}

export function hookCommands(program: Command): void {
  const hook = program.command('hook').description("agent CLIs' hooks (they read the hook's JSON on stdin)");
  hook
    .command('pre-tool')
    .description('before an edit: lock the files it touches for this session, or refuse it when another session holds one (fails closed)')
    .option('-a, --agent <name>', `which CLI sends the payload: ${HOOK_AGENTS.join('|')}`)
    .action(async (opts: { agent?: string }) => {
      await preToolHook(opts.agent);
    });
}
