import path from 'node:path';
import type { AgentPreset, LaunchContext } from '../types';
import { detectProgram, findProgram } from './detect';
import { agentEnv, resolveProgram } from './launch';

/**
 * Auto-Claude (github.com/AndyMik90/Auto-Claude), its own CLI run on the session's task: it
 * writes a spec for the task and builds it with Claude Code. It has no single installed command:
 * point the preset at its backend's `spec_runner.py` (agents.auto-claude.path) or put an
 * `auto-claude` wrapper on PATH. We run it with `--task "<task>" --project-dir <worktree>`, as
 * its CLI-USAGE guide documents, and its own worktree isolation off (`--direct`): the session
 * already is the isolated worktree. Built from its documentation; it cannot run on this machine
 * (it needs Python packages from PyPI and a Claude login). Locks: Claude Code inside it reads the
 * worktree's own `.claude/settings.json` only, so they are advisory.
 */

const SPEC = { id: 'auto-claude', label: 'Auto-Claude', binary: 'auto-claude', install: 'clone github.com/AndyMik90/Auto-Claude and set agents.auto-claude.path to apps/backend/spec_runner.py' };

function command(ctx: LaunchContext): { command: string; prefix: string[] } {
  const target = ctx.override.path ?? 'auto-claude';
  if (target.endsWith('.py')) return { command: resolveProgram({ ...SPEC, binary: 'python3', install: 'install Python 3.10+' }, { ...ctx, override: {} }), prefix: [path.resolve(target)] };
  return { command: resolveProgram(SPEC, ctx), prefix: [] };
}

export const autoClaudePreset: AgentPreset = {
  id: 'auto-claude',
  label: 'Auto-Claude',
  binary: 'auto-claude',
  locks: 'advisory',
  noMcp: "Auto-Claude runs its own pipeline and takes no MCP servers from council: its agent does not get council's tools (peers, claims, conflicts, messages)",
  modes: ['interactive', 'headless'],
  unverified: 'Auto-Claude needs Python packages from PyPI (and a Claude login), which cannot be had where council is tested: its command line and failure paths are tested with a stand-in (tests/support/auto-claude-stand-in.mjs), never the real Auto-Claude',
  async detect({ env, override, locateOnly }) {
    const spec = { ...SPEC, versionArgs: ['--help'] };
    if (!override.path?.endsWith('.py')) return detectProgram(spec, { env, override, locateOnly });
    const python = findProgram('python3', env);
    if (!python) return { path: null, version: null, problem: 'Auto-Claude (preset auto-claude): python3 is not on PATH, and the configured spec_runner.py needs it.' };
    const found = await detectProgram({ ...spec, binary: 'python3', install: 'install Python 3.10+' }, { env, override: { ...override, path: python }, locateOnly });
    return { ...found, path: override.path, version: null, problem: found.problem };
  },
  launch(ctx) {
    const { command: program, prefix } = command(ctx);
    const worktree = ctx.session.worktreePath;
    const args = [...prefix, '--task', ctx.task, '--project-dir', worktree, '--direct', ...(ctx.mode === 'headless' ? ['--auto-continue'] : []), ...(ctx.override.args ?? [])];
    return Promise.resolve({ command: program, args, env: agentEnv(ctx), cwd: worktree, parser: null });
  },
};
