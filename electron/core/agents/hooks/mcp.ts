import type { CouncilCommand, LaunchContext } from '../types';
import { tomlString } from './codex';

/**
 * `council mcp` installed for one session's agent (issue 15): the council's tools inside the
 * agent's own CLI, as an MCP server named `council` beside the user's own (nothing of the user's
 * configuration is written or replaced, and their MCP servers keep working). Each CLI takes it its
 * own way: Claude Code `--mcp-config '<json>'` (without --strict-mcp-config), Codex `-c
 * mcp_servers.council.…` overrides, Gemini CLI `mcpServers` in the session's own settings.json
 * (hooks/gemini.ts), Qwen Code the same in its session's own settings.json (hooks/qwen.ts), Copilot
 * CLI `--additional-mcp-config '<json>'` (added to ~/.copilot/mcp-config.json's servers for this run),
 * opencode the `mcp` key of the config it is given.
 *
 * Turned off for a preset by COUNCIL_MCP=off in its environment (settings: agents.<preset>.env),
 * or for every agent in council's own environment.
 */

/** The server's name in every CLI: Claude Code then names its tools `mcp__council__<tool>`. */
export const MCP_SERVER_NAME = 'council';

export interface McpServerSpec {
  command: string;
  args: string[];
  env: Record<string, string>;
}

/** How the session's agent starts `council mcp` for it (null: turned off). */
export function councilMcpServer(ctx: Pick<LaunchContext, 'council' | 'session' | 'repoRoot' | 'env' | 'override'>): McpServerSpec | null {
  const off = (value: string | undefined): boolean => value !== undefined && /^(off|0|false|no)$/i.test(value.trim());
  if (off(ctx.override.env?.COUNCIL_MCP) || off(ctx.env.COUNCIL_MCP)) return null;
  return mcpServerFor(ctx.council, ctx.session.id, ctx.repoRoot);
}

export function mcpServerFor(council: CouncilCommand, sessionId: string, repoRoot: string): McpServerSpec {
  const [command, ...rest] = council.argv as [string, ...string[]];
  return { command, args: [...rest, '--repo', repoRoot, 'mcp', '--session', sessionId], env: { ...council.env, COUNCIL_SESSION_ID: sessionId } };
}

/** Claude Code: `--mcp-config '<json>'` (merged with the user's own servers; no --strict-mcp-config). */
export function claudeMcpArgs(server: McpServerSpec | null): string[] {
  if (!server) return [];
  return ['--mcp-config', JSON.stringify({ mcpServers: { [MCP_SERVER_NAME]: { type: 'stdio', command: server.command, args: server.args, env: server.env } } })];
}

/** Claude Code's permission rule that lets the agent use every council tool without asking (a headless agent cannot be asked). */
export const CLAUDE_MCP_PERMISSION = `mcp__${MCP_SERVER_NAME}`;

/** How long Codex waits for `council mcp` to start (its default, 10 s, is short on a loaded machine). */
export const CODEX_MCP_STARTUP_TIMEOUT_SEC = 30;

/**
 * Codex: `-c mcp_servers.council.*` overrides (a session-flags layer over the user's config.toml).
 *
 * `required=true`: Codex 0.169 starts MCP servers in the background and does not wait for them
 * before its first model request; its `tool_search` (through which a model that supports it, e.g.
 * gpt-5.5, reaches MCP tools) then searches only the servers ready by then, so an agent's first
 * search for council's tools could come back empty (seen: tests/mcp/codex-mcp.test.ts before this).
 * A required server is waited for; one that cannot start stops Codex with its own message naming
 * `council` ("required MCP servers failed to initialize: council: …"), as the lock hooks would deny
 * every write anyway. COUNCIL_MCP=off turns the server off.
 */
export function codexMcpArgs(server: McpServerSpec | null): string[] {
  if (!server) return [];
  const key = `mcp_servers.${MCP_SERVER_NAME}`;
  const env = Object.entries(server.env).map(([name, value]) => `${JSON.stringify(name)}=${tomlString(value)}`);
  return [
    '-c',
    `${key}.command=${tomlString(server.command)}`,
    '-c',
    `${key}.args=[${server.args.map(tomlString).join(',')}]`,
    '-c',
    `${key}.env={${env.join(',')}}`,
    '-c',
    `${key}.required=true`,
    '-c',
    `${key}.startup_timeout_sec=${CODEX_MCP_STARTUP_TIMEOUT_SEC}`,
  ];
}

/** Gemini CLI: the `mcpServers` entry merged into the session's settings.json. */
export function geminiMcpServers(server: McpServerSpec | null): Record<string, unknown> {
  if (!server) return {};
  return { [MCP_SERVER_NAME]: { command: server.command, args: server.args, env: server.env, trust: true } };
}

/** opencode: the `mcp` entry of its config (a local server, its command as one array). */
export function opencodeMcp(server: McpServerSpec | null): Record<string, unknown> {
  if (!server) return {};
  return { [MCP_SERVER_NAME]: { type: 'local', command: [server.command, ...server.args], environment: server.env, enabled: true } };
}

/** Qwen Code (a Gemini CLI fork): the same `mcpServers` entry, merged into the session's settings.json. */
export const qwenMcpServers = geminiMcpServers;

/**
 * Copilot CLI: `--additional-mcp-config '<json>'`, which adds to the servers of the user's
 * ~/.copilot/mcp-config.json for this run only. `tools: ["*"]`: every council tool.
 */
export function copilotMcpArgs(server: McpServerSpec | null): string[] {
  if (!server) return [];
  return ['--additional-mcp-config', JSON.stringify({ mcpServers: { [MCP_SERVER_NAME]: { type: 'local', command: server.command, args: server.args, env: server.env, tools: ['*'] } } })];
}
