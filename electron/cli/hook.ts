import type { Command } from 'commander';
import type { StatusHookKind } from '../core/agents/hooks/command';
import { recordHookStatus } from '../core/agents/hooks/status';
import { isHookAgent, HOOK_AGENTS } from '../core/agents/hook-payload';
import { guardShellCall } from '../core/agents/lock-hook';
import { logPayload, preToolHook, readStdin } from './hook-pre-tool';
import { askAuthority, AUTHORITY_ENV } from '../core/agents/hooks/authority-client';

/**
 * `council hook …`: the agents' hooks. `pre-tool`, the lock hook, is its own module
 * (./hook-pre-tool.ts): it runs before every edit, so the lean entry (./hot.ts) loads it alone.
 */

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
    // A remote session's hook (issue 17): home records the status (no repository here).
    const authority = process.env[AUTHORITY_ENV]?.trim();
    if (authority) {
      const session = process.env.COUNCIL_SESSION_ID?.trim() ?? '';
      // After a shell command: the guard's copies are on this host (hook-pre-tool.ts copyGuardOnHost).
      const undone = kind === 'post-tool' ? await undoOnHost(session, payload) : null;
      await askAuthority(authority, { v: 1, session, kind: 'status', hook: kind, agent, payload, ...(undone ? { blocked: undone } : {}) }, STATUS_DEADLINE_MS - 500).catch((err: unknown) => {
        // What was undone is told to the agent even when home cannot be reached.
        if (!undone) throw err;
      });
      clearTimeout(timer);
      if (undone) {
        process.stdout.write(`${JSON.stringify(undoneAnswer(agent, undone.reason))}\n`, () => finish());
        return;
      }
      finish();
      return;
    }
    // After a shell command: a file another session holds that it changed is put back, and the
    // agent is told (all three CLIs show a post-tool hook's {"decision":"block","reason"} to the
    // model; tests/agents/shell-locks.test.ts). The session is then blocked, not "working".
    const undone = kind === 'post-tool' ? await guardShellCall(agent, payload) : null;
    if (undone === null) await recordHookStatus(agent, kind, payload);
    clearTimeout(timer);
    if (undone !== null) {
      // Qwen Code appends a PostToolUse hook's hookSpecificOutput.additionalContext to the tool's
      // result (it ignores decision/reason there); Copilot CLI documents a top-level additionalContext.
      process.stdout.write(`${JSON.stringify(undoneAnswer(agent, undone))}\n`, () => finish());
      return;
    }
    finish();
  } catch (err) {
    clearTimeout(timer);
    finish(err);
  }
}

/** What a post-tool hook answers after it undid part of a shell command, as each CLI reads it. */
function undoneAnswer(agent: string, undone: string): Record<string, unknown> {
  // Qwen Code appends a PostToolUse hook's hookSpecificOutput.additionalContext to the tool's
  // result (it ignores decision/reason there); Copilot CLI documents a top-level additionalContext.
  return agent === 'qwen'
    ? { decision: 'block', reason: undone, hookSpecificOutput: { hookEventName: 'PostToolUse', additionalContext: undone } }
    : agent === 'copilot'
      ? { decision: 'block', reason: undone, additionalContext: undone }
      : { decision: 'block', reason: undone };
}

/** A remote session's post-tool guard, on its host: the held files the command changed put back. */
async function undoOnHost(session: string, payload: unknown): Promise<{ path: string; reason: string } | null> {
  const [{ homedir }, guard, { hostWorktree }] = await Promise.all([import('node:os'), import('../core/agents/shell-guard'), import('./hook-pre-tool')]);
  const undone = guard.undoFromCopies(await guard.hostGuardDir(homedir(), session, guard.toolCallId(payload)), hostWorktree(payload));
  if (undone.length === 0) return null;
  return { path: undone[0]!.path, reason: guard.undoneReason(undone, (u) => u.who ?? `session ${u.holder}`) };
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
  hook
    .command('digest')
    .description("when a conversation starts and before each prompt: adds the session's digest of its peers to the agent's context, only when it changed; never blocks the agent")
    .option('-a, --agent <name>', `which CLI sends the payload: ${HOOK_AGENTS.join('|')}`)
    .action(async (opts: { agent?: string }) => {
      const { answeredAtHome, remoteHook } = await import('./hook-remote');
      const home = answeredAtHome();
      if (home) return remoteHook('digest', opts.agent, home);
      const { digestHook } = await import('./hook-digest');
      await digestHook(opts.agent);
    });
  hook
    .command('notice')
    .description('after each tool call: tells the agent a conflict the radar newly predicts between its session and another (who, doing what, how to reach it), once; never blocks the agent')
    .option('-a, --agent <name>', `which CLI sends the payload: ${HOOK_AGENTS.join('|')}`)
    .action(async (opts: { agent?: string }) => {
      const { answeredAtHome, remoteHook } = await import('./hook-remote');
      const home = answeredAtHome();
      if (home) return remoteHook('notice', opts.agent, home);
      const { noticeHook } = await import('./hook-notice');
      await noticeHook(opts.agent);
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
