import { readSync } from 'node:fs';

/** Bytes read from disk at a time when reading a file backwards. */
export const CHUNK_BYTES = 64 * 1024;
const SPARE_BYTES = 16 * 1024;
const SKIPPING_BYTES = 1024 * 1024;

/**
 * The lines of an open file from the last to the first, without their `\n` (empty lines
 * skipped). Reads fixed-size chunks at decreasing offsets, so a caller that stops early
 * pays only for what it consumed, however large the file.
 */
export function* linesBackward(
  fd: number,
  size: number,
  chunkBytes: number = CHUNK_BYTES,
  mayContain?: (bytes: Uint8Array) => boolean,
): Generator<Buffer, void, undefined> {
  // Room after the chunk for the carry: the lines a chunk completes are checked in place,
  // not copied (that copy was a third of a filtered read of a large history).
  let buffer = takeBuffer(Math.min(chunkBytes, size) + SPARE_BYTES);
  try {
    yield* readBackward(
      fd,
      size,
      chunkBytes,
      mayContain,
      () => buffer,
      (bigger) => {
        give(buffer);
        buffer = takeBuffer(bigger);
        return buffer;
      },
    );
  } finally {
    give(buffer);
  }
}

// Buffers of files read before: a filtered read goes through a thousand batch files, and
// fresh buffers for each cost page faults and garbage collection. Each reader holds its
// own while it runs (readers of one day are interleaved), and gives it back at the end.
const spare: Buffer[] = [];

function takeBuffer(size: number): Buffer {
  const index = spare.findIndex((buffer) => buffer.length >= size);
  if (index !== -1) return spare.splice(index, 1)[0] as Buffer;
  return Buffer.allocUnsafe(size);
}

function give(buffer: Buffer): void {
  if (spare.length < 8 && !spare.includes(buffer)) spare.push(buffer);
}

function* readBackward(
  fd: number,
  size: number,
  chunkBytes: number,
  mayContain: ((bytes: Uint8Array) => boolean) | undefined,
  current: () => Buffer,
  grow: (size: number) => Buffer,
): Generator<Buffer, void, undefined> {
  let buffer = current();
  // The end of a line whose start lies in a chunk not read yet.
  let carry: Buffer = Buffer.alloc(0);
  let position = size;
  // A filter that matches little skips most chunks: it starts with larger reads, and after
  // each skip reads twice as much, up to SKIPPING_BYTES (fewer reads and scans through a
  // large history).
  let step = mayContain === undefined ? chunkBytes : chunkBytes * 4;
  while (position > 0) {
    const length = Math.min(step, position);
    if (buffer.length < length + SPARE_BYTES) buffer = grow(length + SPARE_BYTES);
    position -= length;
    readFully(fd, buffer, length, position);
    let end = length;
    if (mayContain !== undefined) {
      // The whole lines this chunk completes (its first newline on, with the carry): when
      // none can hold what the caller wants, skip them without splitting them.
      const first = buffer.indexOf(0x0a);
      if (first !== -1 && first < length) {
        let whole: Buffer;
        if (carry.length <= SPARE_BYTES) {
          buffer.set(carry, length);
          whole = buffer.subarray(first + 1, length + carry.length);
        } else whole = Buffer.concat([buffer.subarray(first + 1, length), carry]);
        if (!mayContain(whole)) {
          carry = Buffer.from(buffer.subarray(0, first));
          step = Math.min(step * 2, Math.max(chunkBytes, SKIPPING_BYTES));
          continue;
        }
      }
    }
    for (let i = buffer.lastIndexOf(0x0a, end - 1); i !== -1 && end > 0; ) {
      // The buffer is reused for the next chunk: each line is a copy.
      const line = Buffer.concat([buffer.subarray(i + 1, end), carry]);
      carry = Buffer.alloc(0);
      if (line.length > 0) yield line;
      end = i;
      i = end === 0 ? -1 : buffer.lastIndexOf(0x0a, end - 1);
    }
    carry = Buffer.concat([buffer.subarray(0, end), carry]);
  }
  if (carry.length > 0) yield carry;
}

function readFully(fd: number, buffer: Buffer, length: number, position: number): void {
  let done = 0;
  while (done < length) {
    const read = readSync(fd, buffer, done, length - done, position + done);
    // The file shrank under us (it was replaced by rename, so this fd still sees the
    // old content; a truncation in place is not something audit-hooks ever does).
    if (read === 0) {
      buffer.fill(0x0a, done, length);
      return;
    }
    done += read;
  }
}
