import { closeSync, openSync, readSync, statSync } from 'node:fs';

/**
 * Reading a run's output log while another process may be appending to it: from a byte offset to
 * its current end (at most `maxBytes`, the last ones). A missing file reads as empty.
 */
export function readLog(file: string, from = 0, maxBytes = Number.POSITIVE_INFINITY): { text: string; size: number; truncated: boolean } {
  let size: number;
  try {
    size = statSync(file).size;
  } catch {
    return { text: '', size: from, truncated: false };
  }
  const start = Math.max(from, size - maxBytes);
  if (size <= start) return { text: '', size, truncated: false };
  const buffer = Buffer.alloc(size - start);
  const fd = openSync(file, 'r');
  try {
    readSync(fd, buffer, 0, buffer.length, start);
  } finally {
    closeSync(fd);
  }
  // A cut-off start may fall inside a UTF-8 character: begin at the next whole one.
  let skip = 0;
  while (start > from && skip < buffer.length && skip < 4 && ((buffer[skip] ?? 0) & 0xc0) === 0x80) skip++;
  return { text: buffer.subarray(skip).toString('utf8'), size, truncated: start > from };
}
