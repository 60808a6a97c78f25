import { prepareCopilotPlugin } from '../hooks/copilot';
import { hookCommandLine } from '../hooks/command';
import { copilotMcpArgs, councilMcpServer } from '../hooks/mcp';
import { createParser } from '../parsers/index';
import { programPreset, agentEnv, modelArgs, modelTimeoutMs, overrideArgs, resolveProgram, resumeId, taskText } from './launch';
import type { AgentPreset, Launch, LaunchContext } from '../types';
import type { ProgramSpec } from './detect';

/**
 * GitHub Copilot CLI (`copilot`, npm `@github/copilot`). Interactive: `copilot --interactive=<task>`
 * (its TUI, the task as the first prompt; it asks its own permissions). In a folder it has not been
 * told to trust (every new worktree) its TUI first asks "Do you trust the files in this folder?";
 * Copilot keeps that answer in its native state, which council cannot read, so the session shows
 * "working" until the person answers (Claude Code's preset shows that as waiting: not done here). Headless: `copilot
 * --prompt=<task> --output-format json --allow-all-tools` (JSON events, parsed by
 * parsers/copilot.ts). Resume: `--resume=<id>` (the `sessionId` of its final `result` event, or of
 * its hooks' payloads in the TUI).
 *
 * Locks are enforced: our hooks come in as a plugin of the session's own, `--plugin-dir
 * <privateDir>/copilot-plugin` (../hooks/copilot.ts); nothing is written to the user's ~/.copilot,
 * and their login, bring-your-own-model provider (COPILOT_PROVIDER_BASE_URL, COPILOT_MODEL …) and
 * own hooks apply as in their own terminal.
 *
 * A dead model server takes Copilot about 25 s of its own retries to report ("Could not connect to
 * local model provider at <url>"); a server that never answers is stopped after
 * agents.copilot.modelTimeoutSeconds (default 60 s), the reason naming the server.
 *
 * council's MCP server (`council mcp`, ../hooks/mcp.ts) comes in with `--additional-mcp-config
 * '<json>'`, added for this run to the user's own servers (~/.copilot/mcp-config.json, untouched);
 * off with COUNCIL_MCP=off in agents.copilot.env. The digest of the session's peers comes in
 * through the plugin's userPromptSubmitted hook (its top-level `additionalContext`, added to the
 * prompt as a system reminder; not sessionStart, whose context a resume replaces: see
 * ../hooks/copilot.ts); off with agents.copilot.digest false.
 */

const SPEC: ProgramSpec = { label: 'GitHub Copilot CLI', id: 'copilot', binary: 'copilot', install: 'npm i -g @github/copilot', versionTimeoutMs: 15_000 };

export const copilotPreset: AgentPreset = programPreset(SPEC, {
  resumes: true,
  locks: 'enforced',
  async launch(ctx: LaunchContext): Promise<Launch> {
    const command = resolveProgram(SPEC, ctx);
    const task = taskText(ctx);
    const worktree = ctx.session.worktreePath;
    const pluginDir = prepareCopilotPlugin(ctx.privateDir, ctx.council, { digest: ctx.override.digest !== false });
    const args: string[] = [];
    if (ctx.mode === 'headless') args.push(`--prompt=${task ?? ''}`, '--output-format', 'json', '--allow-all-tools');
    else if (task !== null) args.push(`--interactive=${task}`);
    const resume = resumeId(ctx);
    if (resume) args.push(`--resume=${resume}`);
    args.push('--plugin-dir', pluginDir, ...copilotMcpArgs(councilMcpServer(ctx)), ...modelArgs(ctx), ...overrideArgs(ctx));
    const env = agentEnv(ctx);
    const modelServer = env.COPILOT_PROVIDER_BASE_URL?.trim() || null;
    return {
      command,
      args,
      env,
      cwd: worktree,
      parser: ctx.mode === 'headless' ? createParser('copilot', { worktree, modelServer }) : null,
      lockHook: hookCommandLine(ctx.council, 'pre-tool', 'copilot'),
      answerDeadlineMs: modelTimeoutMs(ctx),
      modelServer,
    };
  },
});
