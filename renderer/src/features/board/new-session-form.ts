import type { AgentPresetId, AgentPresetInfo, RunMode } from '../../../../shared/agents';
import type { CommandInput } from '../../../../shared/contract';
import { isPresetId } from '../../models/run-model';

/** The new-session dialog's logic, pure: the default preset, what each preset says, validation. */
export const MAX_COUNT = 50;

/** The agent the dialog starts with: the settings' default when it is usable here, else none. */
export function initialPreset(presets: readonly AgentPresetInfo[], defaultAgent: string | null): AgentPresetId | null {
  if (!isPresetId(defaultAgent)) return null;
  return presets.find((preset) => preset.id === defaultAgent)?.available ? defaultAgent : null;
}

/** Why the default agent is not preselected (shown under the picker), or null. */
export function defaultAgentProblem(presets: readonly AgentPresetInfo[], defaultAgent: string | null): string | null {
  if (defaultAgent === null) return null;
  const preset = presets.find((p) => p.id === defaultAgent);
  if (preset === undefined) return `The default agent in the settings, "${defaultAgent}", is not a known preset.`;
  if (!preset.available) return `The default agent, ${preset.label}, is not available: ${preset.problem ?? 'not found'}`;
  return null;
}

/** The line under a preset's name: its version when found, or why it cannot run. */
export function presetStatus(preset: AgentPresetInfo): string {
  if (!preset.available) {
    // The core names the preset first ("Claude Code (preset claude): …"); the option already does.
    const problem = preset.problem ?? `${preset.binary} was not found`;
    const named = `${preset.label} (preset ${preset.id}): `;
    return problem.startsWith(named) ? problem.slice(named.length) : problem;
  }
  return preset.version !== null ? `${preset.binary} ${preset.version}` : `${preset.binary} (version unknown)`;
}

/** The mode to use with a preset: the one asked for when it supports it, else the first it has. */
export function modeFor(preset: AgentPresetInfo | undefined, wanted: RunMode): RunMode {
  if (preset === undefined || preset.modes.length === 0 || preset.modes.includes(wanted)) return wanted;
  return preset.modes[0]!;
}

export interface NewSessionForm {
  task: string;
  /** A preset id, or a free label when the presets could not be listed; '' for none. */
  agent: string;
  base: string;
  count: string;
  mode: RunMode;
  /** An added host's SSH name (issue 17); '' or absent: this machine. */
  host?: string;
}

/**
 * What an interactive agent on a host depends on (issue 17), or null for this machine or a headless
 * run: with tmux there its terminal outlives a dropped connection; without, it ends with it.
 * `tmux`: the host's last check found it (undefined: that check did not look for it).
 */
export function hostTerminalNote(host: string, mode: RunMode, tmux: boolean | undefined): string | null {
  if (host === '' || mode !== 'interactive') return null;
  if (tmux === true) return `Its terminal on ${host} is held by tmux: a dropped connection leaves the agent running there, and council attaches again by itself.`;
  if (tmux === false) return `${host} has no tmux: an interactive agent there ends when the connection drops (install tmux there to keep it running).`;
  return `${host}'s last check did not look for tmux: without it, an interactive agent there ends when the connection drops (check the host again in Settings → Machines).`;
}

/** The mode the dialog sends: `modeFor` (an agent on a host runs either way, issue 17). */
export function modeWhere(preset: AgentPresetInfo | undefined, wanted: RunMode): RunMode {
  return modeFor(preset, wanted);
}

export type CreateInput = CommandInput<'sessions.create'>;

/** The command's input, or what is wrong with the form. */
export function buildCreateInput(repo: string, form: NewSessionForm): { ok: true; input: CreateInput } | { ok: false; error: string } {
  const task = form.task.trim();
  if (task === '') return { ok: false, error: 'Describe the task: every session needs one.' };
  const count = Number(form.count.trim());
  if (form.count.trim() === '' || !Number.isInteger(count) || count < 1 || count > MAX_COUNT) {
    return { ok: false, error: `Count must be a whole number from 1 to ${MAX_COUNT}.` };
  }
  const agent = form.agent.trim();
  const base = form.base.trim();
  const host = form.host ?? '';
  return {
    ok: true,
    input: {
      repo,
      task,
      agent: agent === '' ? null : agent,
      ...(base === '' ? {} : { base }),
      count,
      ...(isPresetId(agent) ? { mode: form.mode } : {}),
      ...(host === '' ? {} : { host }),
    },
  };
}

/** The submit button's words. */
export function submitLabel(form: NewSessionForm): string {
  const n = Number(form.count);
  const many = Number.isInteger(n) && n > 1;
  if (isPresetId(form.agent.trim())) return many ? `Start ${n} × ${form.agent.trim()} (best of ${n})` : `Start ${form.agent.trim()}`;
  return many ? `Create ${n} sessions` : 'Create session';
}
