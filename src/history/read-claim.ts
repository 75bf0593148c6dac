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

/** The chunked line splitter of both readers below: a buffer that grows for a long line. */
class LineChunks {
  private buffer: Buffer;
  /** Bytes of an unfinished line at the start of `buffer`. */
  held = 0;
  /** File offset of buffer[0]. */
  private position = 0;
  private lineNumber = 1;

  constructor(private readonly fd: number) {
    this.buffer = Buffer.allocUnsafe(chunkFor(fd));
  }

  /** The file offset up to which it has read. */
  get end(): number {
    return this.position + this.held;
  }

  /** Reads on after what it holds; 0 at the end of the file (as it is now). */
  read(): number {
    if (this.held === this.buffer.length) {
      // One line longer than the buffer: grow it (rare; bounded by the line).
      const bigger = Buffer.allocUnsafe(this.buffer.length * 2);
      this.buffer.copy(bigger, 0, 0, this.held);
      this.buffer = bigger;
    }
    const { buffer, held } = this;
    return readSync(this.fd, buffer, held, buffer.length - held, this.end);
  }

  /** Gives each line the last `read` bytes complete to `onLine`; false once it said stop. */
  emit(read: number, onLine: (line: ClaimLine) => boolean | undefined): boolean {
    const end = this.held + read;
    const filled = this.buffer.subarray(0, end);
    let start = 0;
    for (;;) {
      const newline = filled.indexOf(0x0a, start);
      if (newline === -1) break;
      const more = onLine({
        line: this.lineNumber++,
        offset: this.position + start,
        bytes: filled.subarray(start, newline),
        partial: false,
      });
      if (more === false) return false;
      start = newline + 1;
    }
    this.held = end - start;
    if (this.held > 0) this.buffer.copy(this.buffer, 0, start, end);
    this.position += start;
    return true;
  }

  /** The unfinished line it holds, given as partial. */
  partial(): ClaimLine {
    return {
      line: this.lineNumber,
      offset: this.position,
      bytes: this.buffer.subarray(0, this.held),
      partial: true,
    };
  }
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
  const chunks = new LineChunks(fd);
  let stableSince = Date.now();
  let lastSize = -1;
  for (;;) {
    const read = chunks.read();
    if (read === 0) {
      if (chunks.held === 0) return;
      const size = fstatSync(fd).size;
      if (size !== lastSize) {
        lastSize = size;
        stableSince = Date.now();
      }
      if (size > chunks.end) continue; // it grew: read on
      if (Date.now() - stableSince < settleMs) {
        await sleep(Math.min(10, settleMs));
        continue;
      }
      onLine(chunks.partial());
      return;
    }
    chunks.emit(read, (line) => {
      onLine(line);
      return undefined;
    });
  }
}

/**
 * Calls `onLine` for every line of the file open at `fd`, in chunks, synchronously; a last
 * line without its newline is given as partial at once (for files nobody writes to: the
 * history). `onLine` may return false to stop.
 */
export function eachLine(fd: number, onLine: (line: ClaimLine) => boolean | undefined): void {
  const chunks = new LineChunks(fd);
  for (;;) {
    const read = chunks.read();
    if (read === 0) {
      if (chunks.held > 0) onLine(chunks.partial());
      return;
    }
    if (!chunks.emit(read, onLine)) return;
  }
}
