import type { AgentPresetId, AgentRun, RunMode } from '../../../shared/agents';
import { isLive, isPresetId } from './run-model';

/**
 * What the follow-up box of a session will do with what is typed, in every state of its agent
 * (the core decides the same way: electron/core/agents/follow-up.ts). Pure; tested in
 * tests/renderer/follow-up-plan.test.ts.
 * - `terminal`: a running interactive agent — typed into its terminal and submitted;
 * - `queue`: a running headless agent reads no input — it is resumed with the follow-up when it ends;
 * - `resume`: an ended agent whose conversation can go on — resumed on it with the follow-up as its prompt;
 * - `start`: no agent yet, or one whose conversation cannot be resumed — a new one starts with it
 *   as its prompt (the person picks the agent and interactive or headless).
 */
export type FollowUpPlan =
  | { kind: 'terminal'; action: string; placeholder: string }
  | { kind: 'queue'; action: string; placeholder: string }
  | { kind: 'resume'; action: string; placeholder: string; preset: AgentPresetId }
  | { kind: 'start'; action: string; placeholder: string; preset: AgentPresetId | null; why: string | null };

/** Presets that can continue their own conversation with a new prompt (they have `resumes` in the core). */
export const RESUMING_PRESETS: readonly AgentPresetId[] = ['claude', 'codex', 'gemini', 'opencode', 'qwen', 'copilot', 'kilo'];

const LABELS: Partial<Record<AgentPresetId, string>> = { claude: 'Claude Code', codex: 'Codex', gemini: 'Gemini CLI', opencode: 'opencode', qwen: 'Qwen Code', copilot: 'Copilot CLI', kilo: 'Kilo Code', aider: 'Aider', ollama: 'Ollama', 'auto-claude': 'Auto-Claude', custom: 'the custom agent' };
export const presetLabel = (preset: AgentPresetId | null): string => (preset === null ? 'an agent' : (LABELS[preset] ?? preset));

export function followUpPlan(run: AgentRun | undefined, sessionAgent: string | null, chosen: AgentPresetId | null = null): FollowUpPlan {
  if (run !== undefined && isLive(run)) {
    return run.mode === 'interactive'
      ? { kind: 'terminal', action: 'Send to the running agent', placeholder: `Tell ${presetLabel(run.preset)} what to do next…` }
      : { kind: 'queue', action: 'Queue for the running agent', placeholder: `${presetLabel(run.preset)} runs headless: it is resumed with this when it ends…` };
  }
  if (run !== undefined && run.agentSessionId !== null && RESUMING_PRESETS.includes(run.preset) && (chosen === null || chosen === run.preset)) {
    return { kind: 'resume', action: `Resume ${presetLabel(run.preset)} with this`, placeholder: `Go on with ${presetLabel(run.preset)}'s conversation…`, preset: run.preset };
  }
  const preset = chosen ?? (isPresetId(sessionAgent) ? sessionAgent : (run?.preset ?? null));
  const why =
    run === undefined
      ? null
      : !RESUMING_PRESETS.includes(run.preset)
        ? `${presetLabel(run.preset)} cannot resume its conversation: a new run starts with this`
        : run.agentSessionId === null
          ? `the last run never reported its conversation id: a new run starts with this`
          : null;
  return { kind: 'start', action: `Start ${presetLabel(preset)} with this`, placeholder: 'What should the agent do?', preset, why };
}

/** What the core said it did, as a notice. */
export function followUpNotice(delivered: 'terminal' | 'resumed' | 'queued' | 'started', mode: RunMode | null): string {
  switch (delivered) {
    case 'terminal':
      return 'Typed into the agent’s terminal';
    case 'queued':
      return 'Queued: the agent is resumed with it when its run ends';
    case 'resumed':
      return `The agent was resumed with it${mode ? ` (${mode})` : ''}`;
    case 'started':
      return `An agent started with it${mode ? ` (${mode})` : ''}`;
  }
}
