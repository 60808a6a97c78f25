import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import path from 'node:path';
import type { Session } from '../../../shared/models';
import type { Council } from '../council';
import { isHookAgent } from '../agents/hook-payload';
import { decideLockHook, recordDenial, type HookDecision } from '../agents/lock-hook';
import type { AuthorityRequest } from '../agents/hooks/authority-client';
import type { StatusHookKind } from '../agents/hooks/command';
import { controlDir } from './control';
import { runHookAtHome } from './authority-hook';
import { serveMcpAtHome } from './authority-mcp';

/**
 * The home's side of a remote run's hooks (issue 17): one authority for locks and context. For each
 * remote run the home serves a Unix socket (beside the ControlMasters, private to this user) that
 * the agent's ssh forwards to the host (`ssh -R`, agents/remote-run.ts). A hook on the host sends
 * one JSON line (hooks/authority-client.ts) and gets one back, decided here by the same code a local
 * hook runs (decideLockHook, recordHookStatus) against the home repository, for this run's session
 * only: a request naming any other session is refused. Paths in the payload name the host's
 * worktree; they are read as the same paths in the session's folder at home (its mirror).
 */

export interface Authority {
  /** The socket at home (what `ssh -R` forwards to). */
  socket: string;
  close(): void;
}

/** Every string in `value` with the host's worktree path replaced by the home's. */
export function toHomePaths(value: unknown, hostRoot: string, homeRoot: string): unknown {
  const escaped = hostRoot.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const pattern = new RegExp(`${escaped}(?=/|$|[^A-Za-z0-9._-])`, 'g');
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return v.includes(hostRoot) ? v.replace(pattern, homeRoot) : v;
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(value);
}

const STATUS_KINDS = new Set(['post-tool', 'notify', 'stop', 'prompt']);

/** Answers one request (never throws: anything unexpected is a denial). */
export async function answerRequest(council: Council, session: Session, line: string): Promise<unknown> {
  let request: Exclude<AuthorityRequest, { kind: 'mcp' }>;
  try {
    request = JSON.parse(line) as typeof request;
  } catch {
    return { decision: 'deny', reason: 'home could not read the hook request (not JSON)' };
  }
  const place = session.host;
  if (!place) return { decision: 'deny', reason: `session ${session.id} is not a remote session` };
  if (request?.session !== session.id) {
    return { decision: 'deny', reason: `this connection serves session ${session.id} only, not ${JSON.stringify(request?.session ?? null)}` };
  }
  if (!isHookAgent(String(request.agent))) return { decision: 'deny', reason: `unknown agent ${JSON.stringify(request.agent)}` };
  if (request.kind === 'hook') {
    // Any other hook (the digest, the notice): the home's own `council hook` run for the host (authority-hook.ts).
    return runHookAtHome(session, String(request.hook), request.agent, typeof request.stdin === 'string' ? request.stdin : '');
  }
  const payload = toHomePaths(request.payload, place.path, session.worktreePath);
  const env = { COUNCIL_SESSION_ID: session.id };
  if (request.kind === 'pre-tool') {
    try {
      // A shell command's guard copies are kept on the host: home answers which files others hold.
      return await decideLockHook(request.agent as never, payload, { council, env, guardOnHost: true });
    } catch (err) {
      return { decision: 'deny', reason: `the council lock hook could not check this edit at home, so it is refused: ${(err as Error).message}` } satisfies HookDecision;
    }
  }
  if (request.kind === 'status' && STATUS_KINDS.has(request.hook)) {
    try {
      // Loaded on first use: the status hook's schemas are not needed for a lock decision.
      // After a shell command the host partly undid (a held file it changed put back): blocked, as locally.
      const blocked = request.hook === 'post-tool' ? request.blocked : undefined;
      if (blocked && typeof blocked.path === 'string' && typeof blocked.reason === 'string') {
        await recordDenial(council, session.id, blocked.path, blocked.reason);
        return { ok: true };
      }
      const { recordHookStatus } = await import('../agents/hooks/status');
      await recordHookStatus(request.agent as never, request.hook as StatusHookKind, payload, { council, env });
      return { ok: true };
    } catch (err) {
      return { ok: false, message: (err as Error).message };
    }
  }
  return { decision: 'deny', reason: `unknown request ${JSON.stringify((request as { kind?: unknown }).kind ?? null)}` };
}

/** Whether a request line asks for the MCP stream (kind "mcp"). */
function isMcpRequest(line: string): boolean {
  try {
    return (JSON.parse(line) as { kind?: unknown } | null)?.kind === 'mcp';
  } catch {
    return false;
  }
}

/** Serves the authority for one remote run of `session`; close() when the run ends. */
export function serveAuthority(council: Council, session: Session): Promise<Authority> {
  const socket = path.join(controlDir(), `a-${randomBytes(6).toString('hex')}`);
  const conns = new Set<Socket>();
  const server: Server = createServer((conn) => {
    conns.add(conn);
    conn.on('close', () => conns.delete(conn));
    conn.on('error', () => undefined);
    conn.setEncoding('utf8');
    let input = '';
    let answered = false;
    conn.on('data', (chunk: string) => {
      input += chunk;
      const nl = input.indexOf('\n');
      if (nl === -1 || answered) {
        if (input.length > 16 * 1024 * 1024) conn.destroy();
        return;
      }
      answered = true;
      const first = input.slice(0, nl);
      if (isMcpRequest(first)) {
        // From here on the connection is an MCP stream, relayed to the home's `council mcp` (authority-mcp.ts).
        conn.removeAllListeners('data');
        const asked = (JSON.parse(first) as { session?: unknown }).session;
        if (asked !== session.id) {
          conn.end(`${JSON.stringify({ councilError: `this connection serves session ${session.id} only, not ${JSON.stringify(asked ?? null)}` })}\n`);
          return;
        }
        serveMcpAtHome(session, council.ws.repo.mainRoot, conn, input.slice(nl + 1));
        return;
      }
      void answerRequest(council, session, input.slice(0, nl)).then((answer) => conn.end(`${JSON.stringify(answer)}\n`));
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(socket, () => {
      server.off('error', reject);
      resolve({
        socket,
        close() {
          server.close();
          for (const c of conns) c.destroy();
          rmSync(socket, { force: true });
        },
      });
    });
  });
}
