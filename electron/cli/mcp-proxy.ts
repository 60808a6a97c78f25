import type { Socket } from 'node:net';

/**
 * `council mcp` of a remote session's agent, on its host (issue 17): the tools must answer from the
 * home's state (sessions, locks, radar, inboxes), which is not on the host. With COUNCIL_AUTHORITY
 * set, `council mcp` is this relay: it opens the socket the run's ssh forwards home, asks for the
 * session's MCP server (one JSON line, hosts/authority.ts), and from then on passes the MCP stdio
 * stream both ways unchanged; the home runs the real `council mcp` for the session
 * (hosts/authority-mcp.ts).
 *
 * Home unreachable (no socket, nobody serving it, the connection gone mid-session): every request
 * the agent sends is answered at once with an error saying so — a tool call as a tool result flagged
 * as an error (what a model reads), anything else as a JSON-RPC error — never left hanging. The next
 * request tries the socket again; a new server at home is first initialized as the agent initialized
 * this one (its answer kept from the agent).
 */

type Message = { id?: unknown; method?: unknown; councilError?: unknown };

const REINIT_ID = 'council-proxy-reinitialize';

function parse(line: string): Message | null {
  try {
    const value = JSON.parse(line) as unknown;
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Message) : null;
  } catch {
    return null;
  }
}

export function unreachableText(why: string): string {
  return `council's home cannot be reached over the SSH connection (${why}): council's tools answer from home; try again once the connection is back`;
}

export async function runMcpProxy(socket: string, session: string): Promise<void> {
  const { connect } = await import('node:net');
  const out = (value: unknown): void => void process.stdout.write(`${JSON.stringify(value)}\n`);
  let conn: Socket | null = null;
  let ready = false;
  let why = 'not connected yet';
  let initialize: string | null = null;
  let initialized: string | null = null;
  let inputEnded = false;
  /** Requests sent home and not answered yet (answered with the error if the connection goes). */
  const inFlight = new Map<string, Message>();
  /** Lines waiting for the connection to open. */
  let queued: string[] = [];

  const refuse = (message: Message, reason: string): void => {
    if (message.id === undefined || message.id === null || typeof message.method !== 'string') return;
    const text = unreachableText(reason);
    if (message.method === 'tools/call') out({ jsonrpc: '2.0', id: message.id, result: { content: [{ type: 'text', text }], isError: true } });
    else out({ jsonrpc: '2.0', id: message.id, error: { code: -32000, message: text } });
  };

  const lost = (reason: string): void => {
    why = reason;
    conn = null;
    ready = false;
    // (every request queued is in flight too: answered once, below)
    queued = [];
    for (const m of inFlight.values()) refuse(m, reason);
    inFlight.clear();
    if (inputEnded) process.exit(0);
  };

  const send = (line: string): void => {
    const m = parse(line);
    if (m && m.id !== undefined && typeof m.method === 'string') inFlight.set(JSON.stringify(m.id), m);
    if (ready && conn) conn.write(`${line}\n`);
    else queued.push(line);
  };

  const open = (replay: boolean): void => {
    const c = connect(socket);
    conn = c;
    let pending = '';
    let settled = false;
    let said: string | null = null;
    const end = (reason: string): void => {
      if (settled) return;
      settled = true;
      if (conn === c) lost(reason);
    };
    c.setEncoding('utf8');
    c.on('connect', () => {
      c.write(`${JSON.stringify({ v: 1, session, kind: 'mcp' })}\n`);
      if (replay && initialize) {
        const m = JSON.parse(initialize) as Record<string, unknown>;
        c.write(`${JSON.stringify({ ...m, id: REINIT_ID })}\n`);
        if (initialized) c.write(`${initialized}\n`);
      }
      ready = true;
      for (const line of queued.splice(0)) c.write(`${line}\n`);
    });
    c.on('data', (chunk: string) => {
      pending += chunk;
      let nl: number;
      while ((nl = pending.indexOf('\n')) !== -1) {
        const line = pending.slice(0, nl);
        pending = pending.slice(nl + 1);
        const m = parse(line);
        if (m && typeof m.councilError === 'string') {
          said = m.councilError;
          continue;
        }
        if (m && m.id === REINIT_ID) continue;
        if (m && m.id !== undefined && m.method === undefined) inFlight.delete(JSON.stringify(m.id));
        process.stdout.write(`${line}\n`);
      }
    });
    c.on('error', (err: NodeJS.ErrnoException) => {
      end(err.code === 'ENOENT' ? 'the socket is not there: the SSH connection to home is down' : err.code === 'ECONNREFUSED' ? 'home refused the connection: council at home is not serving this run' : err.message);
    });
    c.on('close', () => end(said ?? 'home closed the connection'));
  };

  open(false);
  process.stdin.setEncoding('utf8');
  let input = '';
  process.stdin.on('data', (chunk: string) => {
    input += chunk;
    let nl: number;
    while ((nl = input.indexOf('\n')) !== -1) {
      const line = input.slice(0, nl).replace(/\r$/, '');
      input = input.slice(nl + 1);
      if (!line.trim()) continue;
      const m = parse(line);
      if (m?.method === 'initialize' && initialize === null) initialize = line;
      if (m?.method === 'notifications/initialized' && initialized === null) initialized = line;
      if (conn === null) {
        // Lost earlier: try home again for this message (a new server there, initialized first).
        if (m && typeof m.method === 'string' && m.id !== undefined && m.method !== 'initialize') {
          send(line);
          open(true);
        } else if (m) refuse(m, why);
        continue;
      }
      send(line);
    }
  });
  process.stdin.on('end', () => {
    inputEnded = true;
    if (conn) conn.end();
    else process.exit(0);
  });
  await new Promise<void>(() => undefined);
}
