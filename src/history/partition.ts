import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import { relative } from 'node:path';
import { AuditHooksError } from '../errors.js';
import * as messages from '../messages.js';
import { compareEntryLines, type EntryLine, parseLine, splitLines } from './entry-line.js';

/** A history partition as read from disk. */
export interface Partition {
  records: EntryLine[];
  /** True when the records are in §3 order with no repeated id. */
  sorted: boolean;
}

/**
 * Reads a partition for rewriting. A line that is not a valid entry stops it: rewriting
 * would drop that line, so the caller must not write this partition (`verify --fix` can).
 */
export function readPartition(path: string, root?: string): Partition {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { records: [], sorted: true };
    if (code === 'EISDIR') throw new AuditHooksError(messages.partitionNotFile(show(path, root)));
    throw error;
  }
  // Decoding leniently would turn a bad byte into U+FFFD, and the rewrite would then
  // change a committed entry without a word.
  let text: string;
  try {
    text = UTF8.decode(bytes);
  } catch {
    const line = firstInvalidLine(bytes);
    throw new AuditHooksError(messages.corruptPartition(show(path, root), line, messages.notUtf8));
  }
  const { lines, partial } = splitLines(text);
  if (partial !== undefined) lines.push(partial);
  const records: EntryLine[] = [];
  let sorted = true;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line.trim() === '') continue;
    const parsed = parseLine(line);
    if ('problem' in parsed) {
      throw new AuditHooksError(messages.corruptPartition(show(path, root), i + 1, parsed.problem));
    }
    const previous = records.at(-1);
    if (previous !== undefined && compareEntryLines(previous, parsed.record) >= 0) sorted = false;
    records.push(parsed.record);
  }
  return { records, sorted };
}

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function firstInvalidLine(bytes: Buffer): number {
  let start = 0;
  for (let line = 1; ; line++) {
    const end = bytes.indexOf(0x0a, start);
    const stop = end === -1 ? bytes.length : end;
    try {
      UTF8.decode(bytes.subarray(start, stop));
    } catch {
      return line;
    }
    if (end === -1) return line;
    start = end + 1;
  }
}

function show(path: string, root: string | undefined): string {
  return root === undefined ? path : relative(root, path);
}

/** Replaces a file atomically: temp file in the same folder, fsync, rename (write-file-atomic). */
export async function writeAtomic(path: string, content: string): Promise<void> {
  // Loaded only when something is written, so the hook's common no-op path stays light.
  const { default: writeFileAtomic } = await import('write-file-atomic');
  // write-file-atomic writes with one `fs.write` and ignores a short count, which is what
  // a nearly full disk returns: it would then rename a cut-short file over the partition.
  // So the bytes go into its temp file here, all of them or an error (ENOSPC), before its
  // fsync and rename; it writes nothing itself.
  const data = Buffer.from(content, 'utf8');
  await writeFileAtomic(path, Buffer.alloc(0), {
    fsync: true,
    tmpfileCreated: (tmpfile) => writeAll(tmpfile, data),
  });
}

function writeAll(file: string, data: Buffer): void {
  const fd = openSync(file, 'r+');
  try {
    for (let offset = 0; offset < data.length; ) {
      const written = writeSync(fd, data, offset, data.length - offset, offset);
      if (written <= 0) throw new Error(`could not write ${file}: no progress (disk full?)`);
      offset += written;
    }
  } finally {
    closeSync(fd);
  }
}
