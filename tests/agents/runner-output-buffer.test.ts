import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { OutputChunk } from '../../shared/agents';
import { OutputBuffer } from '../../electron/core/agents/runner/output-buffer';
import { tempDir } from '../helpers/repo';

// The output buffer on its own: batching, numbering, the byte cap, subscribers, the log file.

/** Resolves with the next chunk the buffer flushes. */
const nextChunk = (buffer: OutputBuffer): Promise<OutputChunk> =>
  new Promise((resolve) => {
    const stop = buffer.subscribe((chunk) => {
      stop();
      resolve(chunk);
    });
  });

/** A buffer that flushes only when told to, so each append+flush is exactly one chunk. */
const manual = (maxBytes: number): OutputBuffer => new OutputBuffer({ maxBytes, flushBytes: 1 << 30, flushIntervalMs: 60_000 });

describe('OutputBuffer', () => {
  it('coalesces small writes into one chunk, flushed by the timer', async () => {
    const buffer = new OutputBuffer();
    const chunks: OutputChunk[] = [];
    buffer.subscribe((chunk) => chunks.push(chunk));
    const next = nextChunk(buffer);
    buffer.append('a');
    buffer.append('b');
    buffer.append('c');
    expect(chunks).toEqual([]);

    expect(await next).toEqual({ seq: 1, data: 'abc' });
    expect(chunks).toEqual([{ seq: 1, data: 'abc' }]);
    await buffer.close();
  });

  it('flushes at once when the pending output reaches flushBytes', async () => {
    const buffer = new OutputBuffer({ flushBytes: 10, flushIntervalMs: 60_000 });
    const chunks: OutputChunk[] = [];
    buffer.subscribe((chunk) => chunks.push(chunk));
    buffer.append('x'.repeat(4));
    expect(chunks).toEqual([]);
    buffer.append('y'.repeat(6));
    expect(chunks).toEqual([{ seq: 1, data: 'xxxxyyyyyy' }]);
    await buffer.close();
  });

  it('numbers chunks 1, 2, 3 … without gaps; a flush with nothing pending makes no chunk', async () => {
    const buffer = manual(1 << 20);
    const seqs: number[] = [];
    buffer.subscribe((chunk) => seqs.push(chunk.seq));
    for (const text of ['a', 'b', 'c']) {
      buffer.append(text);
      buffer.flush();
      buffer.flush();
    }
    expect(seqs).toEqual([1, 2, 3]);
    expect(buffer.seq).toBe(3);
    expect(buffer.snapshot()).toEqual({ seq: 3, data: 'abc', truncated: false });
    expect(buffer.since(0)).toEqual([
      { seq: 1, data: 'a' },
      { seq: 2, data: 'b' },
      { seq: 3, data: 'c' },
    ]);
    expect(buffer.since(2)).toEqual([{ seq: 3, data: 'c' }]);
    expect(buffer.since(3)).toEqual([]);
    await buffer.close();
  });

  it('keeps only the newest chunks within maxBytes, and says so', async () => {
    const buffer = manual(10);
    for (const letter of ['a', 'b', 'c', 'd', 'e']) {
      buffer.append(letter.repeat(4));
      buffer.flush();
    }
    expect(buffer.snapshot()).toEqual({ seq: 5, data: 'ddddeeee', truncated: true });
    expect(buffer.since(3)).toEqual([
      { seq: 4, data: 'dddd' },
      { seq: 5, data: 'eeee' },
    ]);
    // Chunk 3 is gone: a reader that has only up to 2 must start over from a snapshot.
    expect(buffer.since(2)).toBeNull();
    expect(buffer.since(0)).toBeNull();
    expect(buffer.totalBytes).toBe(20);
    await buffer.close();
  });

  it('counts the cap in UTF-8 bytes, and always keeps the newest chunk whole', async () => {
    const buffer = manual(4);
    buffer.append('éé'); // 4 bytes
    buffer.flush();
    expect(buffer.snapshot()).toEqual({ seq: 1, data: 'éé', truncated: false });
    buffer.append('é');
    buffer.flush();
    expect(buffer.snapshot()).toEqual({ seq: 2, data: 'é', truncated: true });
    buffer.append('0123456789');
    buffer.flush();
    expect(buffer.snapshot()).toEqual({ seq: 3, data: '0123456789', truncated: true });
    await buffer.close();
  });

  it('stops delivering to a subscriber that unsubscribed', async () => {
    const buffer = manual(1 << 20);
    const seen: string[] = [];
    const stop = buffer.subscribe((chunk) => seen.push(chunk.data));
    buffer.append('one');
    buffer.flush();
    stop();
    buffer.append('two');
    buffer.flush();
    expect(seen).toEqual(['one']);
    await buffer.close();
  });

  it('delivers to every subscriber even when one throws, then rethrows that error', async () => {
    const buffer = manual(1 << 20);
    const seen: string[] = [];
    buffer.subscribe(() => {
      throw new Error('broken subscriber');
    });
    buffer.subscribe((chunk) => seen.push(chunk.data));
    buffer.append('data');
    expect(() => buffer.flush()).toThrow('broken subscriber');
    expect(seen).toEqual(['data']);
    expect(buffer.snapshot().data).toBe('data');
    await buffer.close();
  });

  it('close flushes what is pending, writes the log file completely, and refuses more output', async () => {
    const log = path.join(tempDir(), 'run.log');
    const buffer = new OutputBuffer({ logFile: log, flushIntervalMs: 60_000 });
    const chunks: OutputChunk[] = [];
    buffer.subscribe((chunk) => chunks.push(chunk));
    buffer.append('first ');
    buffer.flush();
    buffer.append('second');
    await buffer.close();

    expect(chunks).toEqual([
      { seq: 1, data: 'first ' },
      { seq: 2, data: 'second' },
    ]);
    expect(readFileSync(log, 'utf8')).toBe('first second');
    expect(buffer.snapshot()).toEqual({ seq: 2, data: 'first second', truncated: false });
    expect(buffer.logError).toBeNull();
    expect(() => buffer.append('late')).toThrow('closed');
  });

  it('keeps working when its log file cannot be written, and tells why', async () => {
    const log = path.join(tempDir(), 'no-such-folder', 'run.log');
    const buffer = new OutputBuffer({ logFile: log });
    buffer.append('still here');
    await buffer.close();
    expect(buffer.snapshot().data).toBe('still here');
    expect(buffer.logError?.message).toContain('ENOENT');
    expect(existsSync(log)).toBe(false);
  });

  it('rejects a cap that is not a positive number', () => {
    expect(() => new OutputBuffer({ maxBytes: 0 })).toThrow('maxBytes must be a positive number');
  });
});
