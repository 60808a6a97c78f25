import type { AgentPresetInfo } from '../../../shared/agents';
import type { Host } from '../../../shared/commands/hosts';

/**
 * The agent presets as they stand on an SSH host (issue 17), for the new-session dialog with that
 * host chosen: from the host's last check (`council host add|check` looks for each agent CLI on the
 * PATH an ssh command gets there), never this machine's detection. The same rule the core follows
 * when it starts the agent there (electron/core/agents/remote-run.ts hostProgram): the host's own
 * program when its check found it; else the settings' program path, run there as given; else
 * unavailable, saying what to do. A program the check does not look for (the custom command, Auto
 * Claude) is left to the host's PATH, unchecked.
 */

/** The programs the host check looks for (electron/core/hosts/check.ts AGENT_BINARIES). */
export const HOST_CHECKED_BINARIES: readonly string[] = ['claude', 'codex', 'gemini', 'opencode', 'qwen', 'copilot', 'kilo', 'aider', 'ollama'];

export interface HostPreset {
  preset: AgentPresetInfo;
  /** What the dialog says beside it. */
  status: string;
}

export function presetsOnHost(presets: readonly AgentPresetInfo[], host: Host, paths: Readonly<Record<string, string | undefined>>): HostPreset[] {
  const name = host.name;
  return presets.map((preset) => {
    // By program, as the core finds it (the Ollama preset runs its driver, e.g. codex).
    const found = host.check.agents.find((agent) => agent.binary === preset.binary);
    const onHost = { ...preset, version: null, warning: null };
    if (found) return { preset: { ...onHost, binary: found.binary, path: found.path, available: true, problem: null }, status: `${found.path} on ${name}` };
    const configured = paths[preset.id];
    if (configured) {
      return { preset: { ...onHost, binary: configured, path: configured, available: true, problem: null }, status: `${configured} on ${name} (the program path in Settings; its last check found no ${preset.binary} on its PATH)` };
    }
    if (!HOST_CHECKED_BINARIES.includes(preset.binary)) {
      return { preset: { ...onHost, path: null }, status: preset.available ? `not checked on ${name}: its program must be on that machine's PATH` : `${preset.problem ?? 'cannot run'}` };
    }
    const problem = `not on ${name}: its last check found no ${preset.binary} on the PATH an ssh command gets there. Install it on ${name}, then check the host again (Settings → Machines)`;
    return { preset: { ...onHost, path: null, available: false, problem }, status: problem };
  });
}
