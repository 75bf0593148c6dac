import { closeSync, fstatSync, readSync } from 'node:fs';
import type { EntryLine } from '../history/entry-line.js';
import * as messages from '../messages.js';
import { decodeLine } from './decode-line.js';
import { type LiveFile, openRegular } from './live-files.js';
import type { WarningHandler } from './read-warning.js';

/**
 * Reads a shard's complete lines, and later only what was appended since. The descriptor
 * stays open, so when a consolidation renames (claims) and then deletes the shard, the
 * lines it still holds can be read to the end.
 */
export class ShardReader {
  /** Bytes consumed: up to and including the last complete line. */
  private offset = 0;
  private lineNumber = 0;
  private fd: number | undefined;

  private constructor(
    public file: LiveFile,
    fd: number,
    /** `dev:ino`: the same shard under its claimed name has the same identity. */
    readonly identity: string,
  ) {
    this.fd = fd;
  }

  /** Opens a shard (never through a symbolic link); `undefined` if gone or unreadable. */
  static open(file: LiveFile, warn: WarningHandler): ShardReader | undefined {
    const fd = openRegular(file.path, file.file, warn);
    if (fd === undefined) return undefined;
    const stat = fstatSync(fd);
    return new ShardReader(file, fd, `${stat.dev}:${stat.ino}`);
  }

  /**
   * The valid entries of the complete lines appended since the last call. A trailing line
   * without its newline is left for the next call (a write may be in flight).
   */
  readNew(warn: WarningHandler): EntryLine[] {
    if (this.fd === undefined) return [];
    const size = fstatSync(this.fd).size;
    if (size <= this.offset) return [];
    const data = Buffer.allocUnsafe(size - this.offset);
    let length = 0;
    while (length < data.length) {
      const read = readSync(this.fd, data, length, data.length - length, this.offset + length);
      if (read === 0) break;
      length += read;
    }
    const end = data.lastIndexOf(0x0a, length - 1);
    if (end === -1) return [];
    this.offset += end + 1;

    const records: EntryLine[] = [];
    let invalid = 0;
    let first: { line: number; problem: string } | undefined;
    for (let start = 0; start <= end; ) {
      const stop = data.indexOf(0x0a, start);
      this.lineNumber++;
      const parsed = decodeLine(data.subarray(start, stop));
      start = stop + 1;
      if (parsed === undefined) continue;
      if ('problem' in parsed) {
        invalid++;
        first ??= { line: this.lineNumber, problem: parsed.problem };
        continue;
      }
      records.push(parsed.record);
    }
    if (first !== undefined) {
      warn({
        file: this.file.file,
        message: messages.invalidLines(this.file.file, invalid, first, false),
      });
    }
    return records;
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

/** All complete, valid entries of a shard (for a one-off read such as `tail`). */
export function readShard(file: LiveFile, warn: WarningHandler): EntryLine[] {
  const reader = ShardReader.open(file, warn);
  if (reader === undefined) return [];
  try {
    return reader.readNew(warn);
  } finally {
    reader.close();
  }
}
