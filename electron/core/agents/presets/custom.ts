import { parse } from 'shell-quote';
import { CouncilError } from '../../errors';
import type { AgentPreset, LaunchContext } from '../types';
import { detectProgram } from './detect';
import { agentEnv, resolveProgram } from './launch';

/**
 * Any other agent or script: a command template from the settings, such as
 * `my-agent --dir {worktree} --prompt {task}`. The template is split into arguments the way a
 * shell would (quotes, escapes; shell-quote) but never run through a shell: `{task}` stays one
 * argument whatever it contains, and pipes or redirections are refused with a clear error.
 */

const NO_TEMPLATE =
  "Custom command (preset custom): no command template is set. Set one: `council settings set customCommand 'my-agent --dir {worktree} --prompt {task}'` (in the app: Settings → Agents → Custom agent command).";

export const PLACEHOLDERS = ['task', 'worktree', 'session'] as const;

/** Splits a template into argv and fills in the placeholders. Throws on shell syntax. */
export function expandTemplate(template: string, values: Record<(typeof PLACEHOLDERS)[number], string>): string[] {
  // Placeholders are swapped for tokens first, so a value is never re-parsed as shell syntax.
  const tokens = new Map<string, string>();
  let marked = template;
  for (const name of PLACEHOLDERS) {
    const token = `COUNCILPLACEHOLDER${name.toUpperCase()}`;
    tokens.set(token, values[name]);
    marked = marked.split(`{${name}}`).join(token);
  }
  const parts = parse(marked, (key) => `$${key}`);
  const argv = parts.map((part) => {
    if (typeof part !== 'string') {
      const op = 'comment' in part ? '#' : String((part as { op?: string; pattern?: string }).op ?? (part as { pattern?: string }).pattern ?? '?');
      throw new CouncilError('invalid-input', `the custom agent command is run without a shell, so "${op}" is not supported in it; put that in a script and run the script`);
    }
    let value = part;
    for (const [token, replacement] of tokens) value = value.split(token).join(replacement);
    return value;
  });
  if (argv.length === 0) throw new CouncilError('invalid-input', 'the custom agent command is empty');
  return argv;
}

function template(ctx: Pick<LaunchContext, 'customTemplate'>): string {
  if (!ctx.customTemplate?.trim()) {
    throw new CouncilError('invalid-input', NO_TEMPLATE);
  }
  return ctx.customTemplate;
}

export const customPreset: AgentPreset = {
  id: 'custom',
  label: 'Custom command',
  binary: '(template)',
  locks: 'advisory',
  noMcp: 'a custom command gets no MCP server from council (council cannot know how to install one in it); run `council mcp --session "$COUNCIL_SESSION_ID"` as a stdio MCP server in your tool if it supports MCP',
  modes: ['interactive', 'headless'],
  async detect({ env, override, customTemplate, locateOnly }) {
    if (!customTemplate?.trim()) return { path: null, version: null, problem: NO_TEMPLATE };
    let program: string;
    try {
      program = expandTemplate(customTemplate, { task: '', worktree: '', session: '' })[0] as string;
    } catch (err) {
      return { path: null, version: null, problem: (err as Error).message };
    }
    const found = await detectProgram({ id: 'custom', label: 'Custom command', binary: program, install: 'check the command template in Settings → Agents', versionArgs: ['--version'] }, { env, override, locateOnly });
    // A script need not answer --version: found is enough.
    return found.path ? { path: found.path, version: found.version, problem: null } : found;
  },
  async launch(ctx) {
    const [program, ...args] = expandTemplate(template(ctx), { task: ctx.task, worktree: ctx.session.worktreePath, session: ctx.session.id }) as [string, ...string[]];
    const spec = { id: 'custom', label: 'Custom command', binary: program, install: 'check the command template in Settings → Agents' };
    return { command: resolveProgram(spec, ctx), args: [...args, ...(ctx.override.args ?? [])], env: agentEnv(ctx), cwd: ctx.session.worktreePath, parser: null };
  },
};
