import { prepareGeminiHome } from '../hooks/gemini';
import { councilMcpServer, geminiMcpServers } from '../hooks/mcp';
import { hookCommandLine } from '../hooks/command';
import { programPreset, agentEnv, modelArgs, overrideArgs, resolveProgram, resumeId, taskText } from './launch';
import type { AgentPreset, Launch, LaunchContext } from '../types';
import type { ProgramSpec } from './detect';

/**
 * Gemini CLI (`gemini`). Interactive: `gemini -i "<task>"` (its TUI, the task as the first
 * prompt). Headless: `gemini -p … --output-format stream-json --yolo --skip-trust`. Resume:
 * `--resume <id>` (a session UUID, as its stream-json `init` event reports it).
 *
 * Gemini takes hooks only from settings files, so each launch (re)builds the session's own
 * GEMINI_CLI_HOME under ctx.privateDir: links to everything in the user's ~/.gemini, and their
 * settings.json with our hooks merged in (see ../hooks/gemini.ts). HOME itself is unchanged.
 *
 * The task is passed as `--prompt=<task>` / `--prompt-interactive=<task>`, so a task that starts
 * with "-" stays the option's value.
 */

const SPEC: ProgramSpec = { label: 'Gemini CLI', id: 'gemini', binary: 'gemini', install: 'npm i -g @google/gemini-cli', versionTimeoutMs: 15_000 };

export const geminiPreset: AgentPreset = programPreset(SPEC, {
  resumes: true,
  locks: 'enforced',
  async launch(ctx: LaunchContext): Promise<Launch> {
    const command = resolveProgram(SPEC, ctx);
    const task = taskText(ctx);
    const inherited = agentEnv(ctx);
    // The user's own Gemini home: their GEMINI_CLI_HOME when they set one, else their home folder.
    const userGeminiHome = inherited.GEMINI_CLI_HOME?.trim() || ctx.userHome;
    const geminiHome = prepareGeminiHome({ privateDir: ctx.privateDir, userGeminiHome, council: ctx.council, mcpServers: geminiMcpServers(councilMcpServer(ctx)), choices: { digest: ctx.override.digest !== false } });
    const args: string[] = [];
    if (ctx.mode === 'headless') args.push(`--prompt=${task ?? ''}`, '--output-format', 'stream-json', '--yolo', '--skip-trust');
    else if (task !== null) args.push(`--prompt-interactive=${task}`);
    const resume = resumeId(ctx);
    if (resume) args.push(`--resume=${resume}`);
    args.push(...modelArgs(ctx), ...overrideArgs(ctx));
    return { command, args, env: agentEnv(ctx, { GEMINI_CLI_HOME: geminiHome }), cwd: ctx.session.worktreePath, parser: null, lockHook: hookCommandLine(ctx.council, 'pre-tool', 'gemini') };
  },
});
