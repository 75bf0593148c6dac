// Reads a claimed shard line by line, in chunks: memory follows the chunk, not the file
// (a shard may hold a million entries, or 600 MB of garbage).
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/** One line of a claim: its bytes without the newline, where it starts, and its number. */
export interface ClaimLine {
  /** 1-based. */
  line: number;
  /** Byte offset of the line's first byte in the file. */
  offset: number;
  /** Valid only during the callback (a view of the read buffer). */
  bytes: Buffer;
  /** True for a last line without its newline (its writer stopped mid-write). */
  partial: boolean;
}

const CHUNK = 4 * 1024 * 1024;
const MIN_CHUNK = 64 * 1024;

// A small file gets a buffer its size (a commit's shards are small; 4 MiB each made work
// for the garbage collector); a line longer than the buffer still grows it.
function chunkFor(fd: number): number {
  let size = CHUNK;
  try {
    size = fstatSync(fd).size + 1;
  } catch {
    // read as usual
  }
  return Math.min(CHUNK, Math.max(MIN_CHUNK, size));
}
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);

/** Opens a claim for reading: a regular file, never through a link; throws otherwise. */
export function openClaim(path: string): number {
  const fd = openSync(path, OPEN_FLAGS);
  if (!fstatSync(fd).isFile()) {
    closeSync(fd);
    throw Object.assign(new Error(`${path} is not a regular file`), { code: 'EISDIR' });
  }
  return fd;
}

/**
 * Calls `onLine` for every line of the file open at `fd`. A last line without its newline
 * may belong to a writer whose write is in flight: the file is re-read until it ends in a
 * newline or stops growing for `settleMs`; only then is the line given as partial.
 */
export async function readClaimLines(
  fd: number,
  settleMs: number,
  onLine: (line: ClaimLine) => void,
): Promise<void> {
  let buffer = Buffer.allocUnsafe(chunkFor(fd));
  let carry = 0; // bytes of an unfinished line at the start of `buffer`
  let position = 0; // file offset of buffer[0]
  let lineNumber = 1;
  let stableSince = Date.now();
  let lastSize = -1;
  for (;;) {
    if (carry === buffer.length) {
      // One line longer than the buffer: grow it (rare; bounded by the line).
      const bigger = Buffer.allocUnsafe(buffer.length * 2);
      buffer.copy(bigger, 0, 0, carry);
      buffer = bigger;
    }
    const read = readSync(fd, buffer, carry, buffer.length - carry, position + carry);
    if (read === 0) {
      if (carry === 0) return;
      const size = fstatSync(fd).size;
      if (size !== lastSize) {
        lastSize = size;
        stableSince = Date.now();
      }
      if (size > position + carry) continue; // it grew: read on
      if (Date.now() - stableSince < settleMs) {
        await sleep(Math.min(10, settleMs));
        continue;
      }
      onLine({
        line: lineNumber,
        offset: position,
        bytes: buffer.subarray(0, carry),
        partial: true,
      });
      return;
    }
    const end = carry + read;
    const filled = buffer.subarray(0, end);
    let start = 0;
    for (;;) {
      const newline = filled.indexOf(0x0a, start);
      if (newline === -1) break;
      onLine({
        line: lineNumber++,
        offset: position + start,
        bytes: buffer.subarray(start, newline),
        partial: false,
      });
      start = newline + 1;
    }
    carry = end - start;
    if (carry > 0) buffer.copy(buffer, 0, start, end);
    position += start;
  }
}

/**
 * Calls `onLine` for every line of the file open at `fd`, in chunks, synchronously; a last
 * line without its newline is given as partial at once (for files nobody writes to: the
 * history). `onLine` may return false to stop.
 */
export function eachLine(fd: number, onLine: (line: ClaimLine) => boolean | undefined): void {
  let buffer = Buffer.allocUnsafe(chunkFor(fd));
  let carry = 0;
  let position = 0;
  let lineNumber = 1;
  for (;;) {
    if (carry === buffer.length) {
      const bigger = Buffer.allocUnsafe(buffer.length * 2);
      buffer.copy(bigger, 0, 0, carry);
      buffer = bigger;
    }
    const read = readSync(fd, buffer, carry, buffer.length - carry, position + carry);
    if (read === 0) {
      if (carry > 0) {
        onLine({
          line: lineNumber,
          offset: position,
          bytes: buffer.subarray(0, carry),
          partial: true,
        });
      }
      return;
    }
    const end = carry + read;
    const filled = buffer.subarray(0, end);
    let start = 0;
    for (;;) {
      const newline = filled.indexOf(0x0a, start);
      if (newline === -1) break;
      const more = onLine({
        line: lineNumber++,
        offset: position + start,
        bytes: filled.subarray(start, newline),
        partial: false,
      });
      if (more === false) return;
      start = newline + 1;
    }
    carry = end - start;
    if (carry > 0) buffer.copy(buffer, 0, start, end);
    position += start;
  }
}
