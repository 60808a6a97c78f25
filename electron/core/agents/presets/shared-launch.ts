import type { AgentOverride } from '../../../../shared/agents';
import { findProgram } from './detect';
import type { LaunchContext } from '../types';

/** The environment a preset's process gets: the user's (ctx.env) plus the preset's override. */
export function launchEnv(ctx: LaunchContext, extra: Record<string, string> = {}): Record<string, string> {
  return { ...ctx.env, ...extra, ...(ctx.override.env ?? {}) };
}

/** The program to start: the settings' path, else the binary found on PATH (else its bare name,
 * which the runner reports as "not found" naming it). */
export function programPath(binary: string, override: AgentOverride, env: Record<string, string | undefined>): string {
  const wanted = override.path ?? binary;
  return findProgram(wanted, env) ?? wanted;
}
