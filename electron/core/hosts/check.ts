import type { HostAgent, HostCheck, HostRuntime, HostTool } from '../../../shared/commands/hosts';
import { CouncilError } from '../errors';
import { posixQuote, sshOrThrow, type SshOptions } from './ssh';

/**
 * Checking a host (issue 17): one SSH connection runs a fixed POSIX sh script, sent on stdin to
 * `sh -s` (so the remote login shell — bash, zsh, fish, anything — only ever runs `sh -s`), that
 * prints one `key value` line per fact. It uses shell built-ins and the programs it asks about, so
 * a host with a bare PATH still answers. The facts are judged here, not there.
 */

/** What council needs on a host: `git merge-tree --write-tree` (2.38), the runtime's Node (package.json engines). */
export const MIN_GIT = [2, 38, 0] as const;
export const MIN_NODE = [20, 19, 0] as const;
/** tmux for interactive agents there (remote-tty-side.ts: exact `=name` targets, `prefix None`). */
export const MIN_TMUX = [2, 6, 0] as const;

/** The agent CLIs looked for on the host's PATH (the presets' programs). */
export const AGENT_BINARIES: readonly { preset: string; binary: string }[] = [
  { preset: 'claude', binary: 'claude' },
  { preset: 'codex', binary: 'codex' },
  { preset: 'gemini', binary: 'gemini' },
  { preset: 'opencode', binary: 'opencode' },
  { preset: 'qwen', binary: 'qwen' },
  { preset: 'copilot', binary: 'copilot' },
  { preset: 'kilo', binary: 'kilo' },
  { preset: 'aider', binary: 'aider' },
  { preset: 'ollama', binary: 'ollama' },
];

/** The check script. Nothing in it comes from the user except the quoted program names. */
export function checkScript(): string {
  const agents = AGENT_BINARIES.map((a) => posixQuote(a.binary)).join(' ');
  return [
    'printf "council-check 1\\n"',
    'printf "home %s\\n" "$HOME"',
    'printf "path %s\\n" "$PATH"',
    'if command -v uname >/dev/null 2>&1; then printf "system %s\\n" "$(uname -sm 2>/dev/null)"; fi',
    'if p=$(command -v git 2>/dev/null); then printf "git-path %s\\n" "$p"; printf "git-version %s\\n" "$(git --version 2>&1)"; fi',
    'if p=$(command -v node 2>/dev/null); then printf "node-path %s\\n" "$p"; printf "node-version %s\\n" "$(node --version 2>&1)"; fi',
    'if p=$(command -v tmux 2>/dev/null); then printf "tmux-path %s\\n" "$p"; printf "tmux-version %s\\n" "$(tmux -V 2>&1)"; fi',
    `for a in ${agents}; do if p=$(command -v "$a" 2>/dev/null); then printf "agent %s %s\\n" "$a" "$p"; fi; done`,
    'for d in "$HOME"/.council/runtime/*; do',
    '  if [ -f "$d/runtime.json" ]; then line=; IFS= read -r line < "$d/runtime.json" || [ -n "$line" ]; printf "runtime %s\\t%s\\n" "$d" "$line"; fi',
    'done',
    'printf "council-check-end\\n"',
    '',
  ].join('\n');
}

/** "git version 2.39.5" → [2, 39, 5]; "v20.19.0" → [20, 19, 0]; null when there is no version in it. */
export function parseVersion(text: string): [number, number, number] | null {
  const m = /(\d+)\.(\d+)(?:\.(\d+))?/.exec(text);
  if (!m) return null;
  return [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)];
}

export function atLeast(version: readonly number[], min: readonly number[]): boolean {
  for (let i = 0; i < min.length; i++) {
    const a = version[i] ?? 0;
    const b = min[i] ?? 0;
    if (a !== b) return a > b;
  }
  return true;
}

function tool(path: string | undefined, versionText: string | undefined, min: readonly number[]): HostTool {
  if (!path) return { path: null, version: null, ok: false };
  const version = versionText ? parseVersion(versionText) : null;
  return { path, version: version ? version.join('.') : null, ok: version !== null && atLeast(version, min) };
}

/** The script's answer as facts; throws when it is not the script's answer (no sh there, a shell banner in the way). */
export function parseCheck(name: string, stdout: string, now = new Date()): HostCheck {
  const lines = stdout.split('\n');
  const start = lines.indexOf('council-check 1');
  const end = lines.indexOf('council-check-end');
  if (start === -1 || end < start) {
    throw new CouncilError('command-failed', `${name} did not answer council's check (is \`sh\` on its PATH?): run \`ssh ${name} sh -c 'echo ok'\` to see what it says`, { host: name, problem: 'no-answer', stdout: stdout.slice(0, 2000) });
  }
  const facts = new Map<string, string>();
  const agents: HostAgent[] = [];
  const runtimes: HostRuntime[] = [];
  for (const line of lines.slice(start + 1, end)) {
    const space = line.indexOf(' ');
    if (space === -1) continue;
    const key = line.slice(0, space);
    const value = line.slice(space + 1);
    if (key === 'agent') {
      const [binary, ...rest] = value.split(' ');
      const known = AGENT_BINARIES.find((a) => a.binary === binary);
      if (known && rest.length) agents.push({ preset: known.preset, binary: known.binary, path: rest.join(' ') });
    } else if (key === 'runtime') {
      const runtime = parseRuntimeLine(value);
      if (runtime) runtimes.push(runtime);
    } else facts.set(key, value);
  }
  return {
    name,
    home: facts.get('home') ?? '',
    system: facts.get('system')?.trim() || null,
    path: facts.get('path') ?? '',
    git: tool(facts.get('git-path'), facts.get('git-version'), MIN_GIT),
    node: tool(facts.get('node-path'), facts.get('node-version'), MIN_NODE),
    tmux: tool(facts.get('tmux-path'), facts.get('tmux-version'), MIN_TMUX),
    agents,
    runtimes,
    checkedAt: now.toISOString(),
  };
}

/** "<dir>\t<manifest JSON>" → the runtime, or null for a manifest that is not ours. */
function parseRuntimeLine(value: string): HostRuntime | null {
  const tab = value.indexOf('\t');
  if (tab === -1) return null;
  const dir = value.slice(0, tab);
  try {
    const manifest = JSON.parse(value.slice(tab + 1)) as { council?: unknown; version?: unknown; build?: unknown };
    if (manifest.council !== 'runtime' || typeof manifest.version !== 'string' || typeof manifest.build !== 'string') return null;
    return { version: manifest.version, build: manifest.build, dir };
  } catch {
    return null;
  }
}

/** What keeps council from working on the host, each naming the fix; [] when nothing does. */
export function problemsOf(check: HostCheck): string[] {
  const problems: string[] = [];
  const name = check.name;
  const where = `the PATH a non-interactive \`ssh ${name}\` command gets (${check.path || 'empty'})`;
  if (!check.git.path) problems.push(`git is not installed on ${name} (not on ${where}): install git ${MIN_GIT.slice(0, 2).join('.')} or newer there (e.g. \`sudo apt install git\`)`);
  else if (!check.git.ok) problems.push(`git on ${name} is ${check.git.version ?? 'of an unknown version'} (${check.git.path}); council needs ${MIN_GIT.slice(0, 2).join('.')} or newer: update git there`);
  if (!check.node.path) problems.push(`Node.js is not installed on ${name} (no \`node\` on ${where}): install Node ${MIN_NODE.slice(0, 2).join('.')} or newer there, on that PATH (e.g. /usr/local/bin)`);
  else if (!check.node.ok) problems.push(`Node.js on ${name} is ${check.node.version ?? 'of an unknown version'} (${check.node.path}); council needs ${MIN_NODE.slice(0, 2).join('.')} or newer: update Node there`);
  return problems;
}

/**
 * What works less well on the host without tmux (nothing keeps council from running there): an
 * interactive agent there runs on the connection's terminal, so it ends when the connection drops.
 * null when tmux is there.
 */
export function tmuxNote(check: HostCheck): string | null {
  if (check.tmux?.ok) return null;
  const what = check.tmux?.path ? `tmux on ${check.name} is ${check.tmux.version ?? 'of an unknown version'}, older than ${MIN_TMUX.slice(0, 2).join('.')}` : `tmux is not installed on ${check.name}`;
  return `${what}: an interactive agent there ends when the connection drops (install tmux there, e.g. \`sudo apt install tmux\`, to keep it running and attach again)`;
}

/** Checks a host over one SSH connection; throws a clear error when it cannot be reached or lacks git or Node. */
export async function checkHost(name: string, options: SshOptions = {}): Promise<HostCheck> {
  const result = await sshOrThrow(name, ['sh', '-s'], { ...options, stdin: checkScript() });
  const check = parseCheck(name, result.stdout);
  const problems = problemsOf(check);
  if (problems.length) {
    throw new CouncilError('command-failed', `${name} cannot run council yet: ${problems.join('; ')}`, { host: name, problem: 'requirements', problems, check });
  }
  return check;
}
