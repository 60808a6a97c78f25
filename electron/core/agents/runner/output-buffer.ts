import { createWriteStream, type WriteStream } from 'node:fs';
import type { OutputChunk } from '../../../../shared/agents';

/**
 * One run's output, batched into numbered chunks and kept in a bounded buffer.
 *
 * Agents can print megabytes in a burst; sending every read to every window would flood IPC and
 * the renderer. So writes are coalesced (ARCHITECTURE.md, "Streams", after Hyper): a chunk is
 * flushed after a short interval or as soon as enough is pending, whichever comes first. Chunks are
 * numbered per run without gaps, so a late subscriber takes `snapshot()` and then the chunks with a
 * higher `seq`, and one that fell behind asks `since(seq)` (null: it must start over from a snapshot).
 * Only the most recent chunks are kept, up to a byte cap.
 */

export const DEFAULT_OUTPUT_MAX_BYTES = 2 * 1024 * 1024;
export const DEFAULT_FLUSH_INTERVAL_MS = 16;
export const DEFAULT_FLUSH_BYTES = 64 * 1024;

export interface OutputBufferOptions {
  /** Bytes (UTF-8) of recent output kept for snapshots; older chunks are dropped. Default 2 MiB. */
  maxBytes?: number;
  /** How long a write may wait for more before it is flushed as a chunk. Default 16 ms. */
  flushIntervalMs?: number;
  /** Pending bytes that flush a chunk at once, without waiting for the interval. Default 64 KiB. */
  flushBytes?: number;
  /** Every chunk is also appended to this file, so other processes can show or follow the output. */
  logFile?: string;
}

export interface OutputSnapshot {
  /** The last flushed chunk's seq (0 before the first); the next chunk a subscriber gets is seq + 1. */
  seq: number;
  /** All retained output, oldest first. */
  data: string;
  /** Older output was dropped to respect the byte cap: `data` starts mid-stream. */
  truncated: boolean;
}

export type OutputSubscriber = (chunk: OutputChunk) => void;

interface StoredChunk extends OutputChunk {
  bytes: number;
}

export class OutputBuffer {
  private readonly maxBytes: number;
  private readonly flushIntervalMs: number;
  private readonly flushBytes: number;

  private pending: string[] = [];
  private pendingBytes = 0;
  private timer: NodeJS.Timeout | null = null;

  /** Retained chunks are `chunks[head..]`; the array is compacted now and then, not shifted each time. */
  private chunks: (StoredChunk | undefined)[] = [];
  private head = 0;
  private retainedBytes = 0;
  private lastSeq = 0;
  private dropped = false;
  private total = 0;

  private readonly subscribers = new Set<OutputSubscriber>();
  private log: WriteStream | null = null;
  private logFailure: Error | null = null;
  private closed = false;

  constructor(options: OutputBufferOptions = {}) {
    this.maxBytes = positive(options.maxBytes, DEFAULT_OUTPUT_MAX_BYTES, 'maxBytes');
    this.flushIntervalMs = positive(options.flushIntervalMs, DEFAULT_FLUSH_INTERVAL_MS, 'flushIntervalMs');
    this.flushBytes = positive(options.flushBytes, DEFAULT_FLUSH_BYTES, 'flushBytes');
    if (options.logFile !== undefined) {
      const log = createWriteStream(options.logFile, { flags: 'a' });
      // A log that cannot be written must not take the run down: the live output still works.
      log.on('error', (err) => {
        this.logFailure = err;
        this.log = null;
      });
      this.log = log;
    }
  }

  /** The last flushed chunk's seq (0 before the first). */
  get seq(): number {
    return this.lastSeq;
  }

  /** Bytes (UTF-8) appended so far, flushed or not, retained or not. */
  get totalBytes(): number {
    return this.total;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Why the log file stopped being written, or null. */
  get logError(): Error | null {
    return this.logFailure;
  }

  append(data: string): void {
    if (this.closed) throw new Error('append to a closed output buffer');
    if (data.length === 0) return;
    const bytes = Buffer.byteLength(data);
    this.total += bytes;
    this.pending.push(data);
    this.pendingBytes += bytes;
    if (this.pendingBytes >= this.flushBytes) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), this.flushIntervalMs);
  }

  /**
   * Turns pending output into the next chunk and hands it to every subscriber. A subscriber that
   * throws does not keep the chunk from the others; the first error is rethrown after all have it.
   */
  flush(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.pendingBytes === 0) return;
    const data = this.pending.length === 1 ? (this.pending[0] as string) : this.pending.join('');
    const chunk: StoredChunk = { seq: ++this.lastSeq, data, bytes: this.pendingBytes };
    this.pending = [];
    this.pendingBytes = 0;
    this.retain(chunk);
    this.log?.write(data);

    let failure: { error: unknown } | null = null;
    const delivered: OutputChunk = { seq: chunk.seq, data };
    for (const fn of [...this.subscribers]) {
      try {
        fn(delivered);
      } catch (error) {
        failure ??= { error };
      }
    }
    if (failure) throw failure.error;
  }

  snapshot(): OutputSnapshot {
    let data = '';
    for (let i = this.head; i < this.chunks.length; i++) data += this.chunks[i]?.data ?? '';
    return { seq: this.lastSeq, data, truncated: this.dropped };
  }

  /** The chunks after `seq`, oldest first; null when some of them were already dropped. */
  since(seq: number): OutputChunk[] | null {
    seq = Math.max(0, Math.floor(seq));
    if (seq >= this.lastSeq) return [];
    const first = this.chunks[this.head];
    // Everything up to first.seq - 1 is gone: only a reader that has it can continue from here.
    const firstKept = first ? first.seq : this.lastSeq + 1;
    if (seq < firstKept - 1) return null;
    const out: OutputChunk[] = [];
    for (let i = this.head + (seq - firstKept + 1); i < this.chunks.length; i++) {
      const c = this.chunks[i];
      if (c) out.push({ seq: c.seq, data: c.data });
    }
    return out;
  }

  /** Calls `fn` with every chunk flushed from now on; returns the function that stops that. */
  subscribe(fn: OutputSubscriber): () => void {
    this.subscribers.add(fn);
    return () => {
      this.subscribers.delete(fn);
    };
  }

  /**
   * Flushes what is pending and stops taking output. The buffer stays readable (snapshot, since).
   * Resolves once the log file has everything (never rejects: see `logError`).
   */
  async close(): Promise<void> {
    if (this.closed) return;
    try {
      this.flush();
    } finally {
      this.closed = true;
      const log = this.log;
      this.log = null;
      if (log) await new Promise<void>((resolve) => log.end(resolve).once('error', () => resolve()));
    }
  }

  /** Keeps the newest chunks within maxBytes; the newest chunk is kept whatever its size. */
  private retain(chunk: StoredChunk): void {
    this.chunks.push(chunk);
    this.retainedBytes += chunk.bytes;
    while (this.retainedBytes > this.maxBytes && this.chunks.length - this.head > 1) {
      this.retainedBytes -= this.chunks[this.head]?.bytes ?? 0;
      this.chunks[this.head++] = undefined;
      this.dropped = true;
    }
    if (this.head > 1024 && this.head * 2 > this.chunks.length) {
      this.chunks = this.chunks.slice(this.head);
      this.head = 0;
    }
  }
}

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) throw new Error(`OutputBuffer: ${name} must be a positive number, got ${String(value)}`);
  return value;
}
