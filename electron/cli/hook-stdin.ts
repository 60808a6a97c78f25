import { fstatSync, readFileSync, readSync } from 'node:fs';

/**
 * The whole of a hook's stdin, without process.stdin where it can: the agent CLIs hand a hook its
 * payload on a pipe or a socket pair, and process.stdin (a net.Socket and the streams under it)
 * cost ~8 ms of a hook process's CPU. A plain blocking read on fd 0 is not an option: a CLI that
 * left stdin open would hold the hook past its deadline, and a read waiting in libuv's thread pool
 * keeps the process from exiting (Node joins the pool at exit).
 *
 * So fd 0 is made non-blocking (libuv's own pipe open, uv_pipe_open, sets O_NONBLOCK on it, as
 * process.stdin does; Node restores stdio's flags at exit) and read with readSync until its end,
 * yielding to the event loop for a millisecond whenever nothing is there yet: the caller's
 * deadline timer still fires. A regular file is read at once. Anything else (a terminal), or any
 * surprise on the way, goes through process.stdin as before.
 */
export function readHookStdin(): Promise<string> {
  return readNonBlocking() ?? readStream();
}

function readStream(): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    process.stdin.on('data', (chunk: Buffer) => chunks.push(chunk));
    process.stdin.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    process.stdin.on('error', reject);
  });
}

interface PipeBinding {
  Pipe: new (type: number) => { open(fd: number): number };
  constants: { SOCKET: number };
}

/** fd 0 switched to non-blocking mode; false when that could not be done. */
function nonBlockingStdin(): boolean {
  const quiet = process.noDeprecation;
  try {
    process.noDeprecation = true; // process.binding warns under --pending-deprecation
    const { Pipe, constants } = (process as unknown as { binding(name: string): PipeBinding }).binding('pipe_wrap');
    return new Pipe(constants.SOCKET).open(0) === 0;
  } catch {
    return false;
  } finally {
    process.noDeprecation = quiet;
  }
}

function readNonBlocking(): Promise<string> | null {
  let kind: 'file' | 'stream';
  try {
    const stat = fstatSync(0);
    if (stat.isFile()) kind = 'file';
    else if (stat.isFIFO() || stat.isSocket()) kind = 'stream';
    else return null;
  } catch {
    return null;
  }
  if (kind === 'file') {
    try {
      return Promise.resolve(readFileSync(0, 'utf8'));
    } catch {
      return null;
    }
  }
  if (!nonBlockingStdin()) return null;
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const buffer = Buffer.allocUnsafe(64 * 1024);
    const step = (): void => {
      for (;;) {
        let n: number;
        try {
          n = readSync(0, buffer, 0, buffer.length, null);
        } catch (err) {
          const code = (err as NodeJS.ErrnoException).code;
          if (code === 'EAGAIN' || code === 'EWOULDBLOCK') setTimeout(step, 1);
          else if (code === 'EINTR') setImmediate(step);
          else reject(err as Error);
          return;
        }
        if (n === 0) {
          resolve(Buffer.concat(chunks).toString('utf8'));
          return;
        }
        chunks.push(Buffer.from(buffer.subarray(0, n)));
      }
    };
    step();
  });
}
