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
 * Why a mode cannot be used on a host, or null. The core starts a remote agent headless only
 * (sessions.launch refuses `run: here` with a host; the run itself refuses any other mode there).
 */
export function hostModeProblem(host: string, mode: RunMode): string | null {
  if (host === '' || mode === 'headless') return null;
  return `An agent on ${host} runs headless for now: an interactive terminal over SSH is not built yet.`;
}

/** The mode the dialog sends: `modeFor`, and headless on a host (the only mode that runs there). */
export function modeWhere(preset: AgentPresetInfo | undefined, wanted: RunMode, host: string): RunMode {
  if (host === '') return modeFor(preset, wanted);
  // A preset without a headless mode keeps its own, and buildCreateInput says why it cannot run there.
  return modeFor(preset, 'headless');
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
  if (host !== '' && isPresetId(agent)) {
    const problem = hostModeProblem(host, form.mode);
    if (problem !== null) return { ok: false, error: problem };
  }
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
