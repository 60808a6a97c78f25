import { spawn } from 'node:child_process';
import type { Socket } from 'node:net';
import type { Session } from '../../../shared/models';
import { councilCommand } from '../agents/council-command';
import { AUTHORITY_ENV } from '../agents/hooks/authority-client';
import { swapRoot } from './authority-hook';

/**
 * Council's MCP server for a remote session's agent (issue 17), served at home. The agent's CLI on
 * the host starts `council mcp` there, which finds COUNCIL_AUTHORITY and only relays its stdio
 * through the socket the run's ssh forwards home (cli/mcp-proxy.ts); here the home runs the real
 * `council mcp --session ID` for that session — the same server a local agent gets, reading the
 * home's sessions, locks, radar and inboxes — in the session's folder at home (its mirror), and
 * joins the two. The MCP stdio stream is one JSON message a line: each line from the host has the
 * host's worktree path read as the home's, each line back the reverse, so the model sees its own
 * paths. The server ends when the connection does (and the connection when the server does).
 */

/** Relays one connection (its first line, the request, already read; `rest` what came after it). */
export function serveMcpAtHome(session: Session, repoRoot: string, conn: Socket, rest: string): void {
  const place = session.host;
  const fail = (why: string): void => {
    // Nothing has started: the proxy on the host answers its agent with this (cli/mcp-proxy.ts).
    conn.end(`${JSON.stringify({ councilError: why })}\n`);
  };
  if (!place) return fail(`session ${session.id} is not a remote session`);
  let council: ReturnType<typeof councilCommand>;
  try {
    council = councilCommand();
  } catch (err) {
    return fail((err as Error).message);
  }
  const [program, ...pre] = council.argv as [string, ...string[]];
  const env: NodeJS.ProcessEnv = { ...process.env, ...council.env, COUNCIL_SESSION_ID: session.id };
  delete env[AUTHORITY_ENV];
  const child = spawn(program, [...pre, '--repo', repoRoot, 'mcp', '--session', session.id], { cwd: session.worktreePath, env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-2000)));
  child.stdin.on('error', () => undefined);
  const lines = (write: (line: string) => void, swap: (line: string) => string): ((chunk: string) => void) => {
    let pending = '';
    return (chunk) => {
      pending += chunk;
      let nl: number;
      while ((nl = pending.indexOf('\n')) !== -1) {
        write(`${swap(pending.slice(0, nl))}\n`);
        pending = pending.slice(nl + 1);
      }
    };
  };
  const toServer = lines((line) => child.stdin.write(line), (line) => swapRoot(line, place.path, session.worktreePath));
  const toHost = lines((line) => conn.write(line), (line) => swapRoot(line, session.worktreePath, place.path));
  child.stdout.setEncoding('utf8').on('data', toHost);
  conn.on('data', (chunk: string | Buffer) => toServer(String(chunk)));
  conn.on('end', () => child.stdin.end());
  conn.on('close', () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  });
  child.on('error', (err) => fail(`council's MCP server could not start at home: ${err.message}`));
  child.on('close', (code) => {
    if (conn.destroyed) return;
    if (code === 0) conn.end();
    else conn.end(`${JSON.stringify({ councilError: `council's MCP server at home ended (exit ${code}): ${stderr.trim().split('\n').pop() ?? ''}` })}\n`);
  });
  if (rest) toServer(rest);
}
