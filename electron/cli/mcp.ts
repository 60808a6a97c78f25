import type { Command } from 'commander';
import { invalidInput } from '../core/errors';
import type { GlobalOptions } from './commands';
import { repoPath } from './core-call';

/**
 * `council mcp [--session ID]`: the council's MCP server for one session's agent, on stdin/stdout
 * (mcp-server.ts). Agents' CLIs start it per session (Claude Code's --mcp-config, Codex's
 * mcp_servers, Gemini CLI's and opencode's settings), with COUNCIL_SESSION_ID in its environment.
 *
 * The server and the MCP SDK live in their own bundle (out/cli/mcp.cjs, scripts/build-cli.mjs),
 * loaded only here: no other verb, and no hook, pays for them.
 */
export function mcpCommand(program: Command): void {
  program
    .command('mcp')
    .description("serve the council's tools to one session's agent over MCP (stdio): peers, locks, conflicts, messages, status, merge")
    .option('-s, --session <id>', 'the session the tools act for (default: $COUNCIL_SESSION_ID)')
    .action(async (options: { session?: string }) => {
      // A failure (no session, an unknown one) is main()'s to report, on stderr, with its exit
      // status; nothing has been written to stdout, which belongs to the MCP protocol.
      const { repo } = program.opts<GlobalOptions>();
      const session = (options.session ?? process.env.COUNCIL_SESSION_ID ?? '').trim();
      if (!session) throw invalidInput('council mcp serves one session: pass --session ID or set COUNCIL_SESSION_ID (the app sets it for every agent it starts)');
      // A remote session's agent on its host (issue 17): the server is the home's, reached through
      // the socket its run's ssh forwards; this process only relays (./mcp-proxy.ts).
      const home = process.env.COUNCIL_AUTHORITY?.trim();
      if (home) {
        const { runMcpProxy } = await import('./mcp-proxy');
        await runMcpProxy(home, session);
        return;
      }
      const { runMcpServer } = await import('./mcp-server');
      await runMcpServer({ repo: repoPath(repo), session });
    });
}
