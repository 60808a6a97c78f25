import type { AgentPresetId, AgentPresetInfo } from '../../../../shared/agents';
import { AGENT_PRESET_IDS } from '../../../../shared/agents';
import type { Settings } from '../../../../shared/models';
import { invalidInput } from '../../errors';
import type { AgentPreset } from '../types';
import { aiderPreset } from './aider';
import { autoClaudePreset } from './auto-claude';
import { claudePreset } from './claude';
import { codexPreset } from './codex';
import { copilotPreset } from './copilot';
import { customPreset } from './custom';
import { geminiPreset } from './gemini';
import { kiloPreset } from './kilo';
import { ollamaPreset } from './ollama';
import { opencodePreset } from './opencode';
import { qwenPreset } from './qwen';
import { supportStates, type MatrixRow } from './support';
import generatedMatrix from './support-matrix.json';

/** Every preset, in the order the new-session dialog lists them. */
export const PRESETS: Record<AgentPresetId, AgentPreset> = {
  claude: claudePreset,
  codex: codexPreset,
  gemini: geminiPreset,
  opencode: opencodePreset,
  qwen: qwenPreset,
  copilot: copilotPreset,
  kilo: kiloPreset,
  aider: aiderPreset,
  ollama: ollamaPreset,
  'auto-claude': autoClaudePreset,
  custom: customPreset,
};

export function isPresetId(value: string): value is AgentPresetId {
  return (AGENT_PRESET_IDS as readonly string[]).includes(value);
}

/** The preset named `name` (a session's `agent`), or a clear error listing the known ones. */
export function presetFor(name: string | null | undefined): AgentPreset {
  if (!name) throw invalidInput(`no agent preset given (one of ${AGENT_PRESET_IDS.join(', ')})`);
  if (!isPresetId(name)) throw invalidInput(`unknown agent preset "${name}" (expected one of ${AGENT_PRESET_IDS.join(', ')})`);
  return PRESETS[name];
}

/** Detects one preset with the settings' override applied (`locateOnly`: without asking its version). */
export async function detectPreset(preset: AgentPreset, settings: Settings, env: Record<string, string>, options: { locateOnly?: boolean } = {}): Promise<AgentPresetInfo> {
  const override = settings.agents[preset.id] ?? {};
  const found = await preset.detect({ env, override, customTemplate: settings.customCommand, locateOnly: options.locateOnly });
  return {
    id: preset.id,
    label: preset.label,
    binary: override.path ?? preset.binary,
    path: found.path,
    version: found.version,
    available: found.problem === null,
    problem: found.problem,
    warning: found.warning ?? null,
    locks: preset.locksFor?.(override) ?? preset.locks,
    modes: preset.modes,
    noMcp: preset.noMcp ?? null,
    ...(preset.unverified ? { unverified: preset.unverified } : {}),
    support: supportStates(generatedMatrix as MatrixRow[], preset),
  };
}

/** Every preset, detected in parallel (each probe has its own timeout). */
export function detectPresets(settings: Settings, env: Record<string, string>): Promise<AgentPresetInfo[]> {
  return Promise.all(AGENT_PRESET_IDS.map((id) => detectPreset(PRESETS[id], settings, env)));
}
