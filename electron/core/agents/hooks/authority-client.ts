/**
 * The hook's side of the home authority (issue 17): an agent of a remote session runs its hooks on
 * the host, where there is no repository of locks or context to read. Its environment names a Unix
 * socket (COUNCIL_AUTHORITY) that ssh forwards to the home (`ssh -R`, hosts/authority.ts); the hook
 * sends its request there, one JSON line, and reads one JSON line back. `net` is loaded only then:
 * the lean hook bundle a local hook runs must not pay for it (tests/cli/hot-entry.test.ts).
 */

export const AUTHORITY_ENV = 'COUNCIL_AUTHORITY';

export type AuthorityRequest =
  | { v: 1; session: string; kind: 'pre-tool'; agent: string; payload: unknown }
  | { v: 1; session: string; kind: 'status'; hook: string; agent: string; payload: unknown; blocked?: { path: string; reason: string } }
  /** Any other hook, run at home as it runs locally: its stdin in, its stdout and exit status back (hosts/authority-hook.ts). */
  | { v: 1; session: string; kind: 'hook'; hook: string; agent: string; stdin: string }
  /** Council's MCP server for the session: after this line the connection carries the MCP stream both ways (hosts/authority-mcp.ts). */
  | { v: 1; session: string; kind: 'mcp' };

/** Sends one request; rejects on anything but one JSON answer within `timeoutMs`. */
export async function askAuthority<T>(socket: string, request: AuthorityRequest, timeoutMs: number): Promise<T> {
  const { connect } = await import('node:net');
  return new Promise((resolve, reject) => {
    let input = '';
    let done = false;
    const conn = connect(socket);
    const finish = (err: Error | null, value?: T): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      conn.destroy();
      if (err) reject(err);
      else resolve(value as T);
    };
    const timer = setTimeout(() => finish(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    conn.setEncoding('utf8');
    conn.on('connect', () => conn.write(`${JSON.stringify(request)}\n`));
    conn.on('data', (chunk: string) => {
      input += chunk;
      const nl = input.indexOf('\n');
      if (nl === -1) return;
      try {
        finish(null, JSON.parse(input.slice(0, nl)) as T);
      } catch {
        finish(new Error('the answer is not JSON'));
      }
    });
    conn.on('error', (err: NodeJS.ErrnoException) => finish(new Error(err.code === 'ENOENT' ? 'the socket is not there (the SSH connection to home is down)' : err.code === 'ECONNREFUSED' ? 'home refused the connection (council at home is not serving this run)' : err.message)));
    conn.on('close', () => finish(new Error('home closed the connection without an answer')));
  });
}
