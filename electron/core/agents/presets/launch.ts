import { invalidInput, notFound } from '../../errors';
import type { LockEnforcement, RunMode } from '../../../../shared/agents';
import { AGENT_FIELD_DEFAULTS } from '../../../../shared/settings';
import { detectProgram, findProgram, missingProgram, type ProgramSpec } from './detect';
import type { AgentPreset, Launch, LaunchContext } from '../types';

/**
 * What the presets share when they build a launch: the program, the environment, the task as an
 * argument — and the preset itself, for one that is a program found on PATH (or at the settings'
 * path) and asked for its version.
 */

export function programPreset(spec: ProgramSpec, options: { locks: LockEnforcement; noMcp?: string; modes?: RunMode[]; resumes?: boolean; unverified?: string; launch: (ctx: LaunchContext) => Promise<Launch> }): AgentPreset {
  return {
    id: spec.id as AgentPreset['id'],
    label: spec.label,
    binary: spec.binary,
    locks: options.locks,
    modes: options.modes ?? ['interactive', 'headless'],
    ...(options.resumes ? { resumes: true } : {}),
    ...(options.noMcp ? { noMcp: options.noMcp } : {}),
    ...(options.unverified ? { unverified: options.unverified } : {}),
    detect: ({ env, override, locateOnly }) => detectProgram(spec, { env: { ...env, ...override.env }, override, locateOnly }),
    launch: options.launch,
  };
}

/** The program's absolute path (the settings' path wins over PATH), or an error naming the fix. */
export function resolveProgram(spec: ProgramSpec, ctx: LaunchContext): string {
  // A remote session's program is found on its host, not here (issue 17).
  if (ctx.locate) return ctx.locate(spec, ctx.override.path);
  const wanted = ctx.override.path ?? spec.binary;
  const env = { ...ctx.env, ...ctx.override.env };
  const found = findProgram(wanted, env);
  if (found) return found;
  throw notFound(missingProgram(spec, ctx.override.path, env));
}

/**
 * The agent's environment: the user's (ctx.env: HOME, their gateway and keys, COUNCIL_SESSION_ID
 * …) with the settings' extra variables on top, and PWD set to the session's worktree: a CLI that
 * takes its folder from PWD (opencode does) must not work in the folder council was started from
 * (issue 12, item 10; the runner sets it again for whatever it starts). Nothing else of the user's
 * is replaced or dropped.
 */
export function agentEnv(ctx: LaunchContext, extra: Record<string, string> = {}): Record<string, string> {
  return { ...ctx.env, ...(ctx.override.env ?? {}), ...extra, PWD: ctx.session.worktreePath };
}

/** The settings' model for this preset (agents.<preset>.model), as `--model <name>`: the flag
 * Claude Code, Codex, Gemini CLI, opencode and Aider all take. */
export function modelArgs(ctx: LaunchContext): string[] {
  return ctx.override.model ? ['--model', ctx.override.model] : [];
}

/** The settings' extra arguments for this preset. */
export function overrideArgs(ctx: LaunchContext): string[] {
  return [...(ctx.override.args ?? [])];
}

/** The task, required in headless mode (there is nobody to type it), optional in the TUI. */
export function taskText(ctx: LaunchContext): string | null {
  const task = ctx.task.trim() === '' ? null : ctx.task;
  if (task === null && ctx.mode === 'headless') throw invalidInput('a headless agent run needs a task');
  return task;
}

/** The CLI's conversation id to resume, when asked for and known. */
export function resumeId(ctx: LaunchContext): string | null {
  const id = ctx.resume?.agentSessionId?.trim();
  return id ? id : null;
}

/** agents.<id>.modelTimeoutSeconds, in milliseconds. */
export function modelTimeoutMs(ctx: LaunchContext): number {
  // The default is shared with the settings' entries (read here, not at load: the modules import each other).
  return (ctx.override.modelTimeoutSeconds ?? AGENT_FIELD_DEFAULTS.modelTimeoutSeconds) * 1000;
}
