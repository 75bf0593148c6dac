import { readSync } from 'node:fs';

const BUFFER_BYTES = 256 * 1024;

/** Lines and bytes of a file. */
export interface LineCount {
  /** Complete lines (`\n` bytes). */
  complete: number;
  /** True when the last line has no `\n` yet. */
  partial: boolean;
  bytes: number;
}

/** Counts the lines of an open file by their `\n` bytes, in a fixed buffer (nothing is parsed). */
export function countLines(fd: number): LineCount {
  const buffer = Buffer.allocUnsafe(BUFFER_BYTES);
  let complete = 0;
  let bytes = 0;
  let last = 0x0a;
  for (;;) {
    const read = readSync(fd, buffer, 0, BUFFER_BYTES, bytes);
    if (read === 0) break;
    bytes += read;
    last = buffer[read - 1] as number;
    for (let i = buffer.indexOf(0x0a); i !== -1 && i < read; i = buffer.indexOf(0x0a, i + 1)) {
      complete++;
    }
  }
  return { complete, partial: last !== 0x0a, bytes };
}
