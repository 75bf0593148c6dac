import { readFileSync } from 'node:fs';
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
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { records: [], sorted: true };
    if (code === 'EISDIR') throw new AuditHooksError(messages.partitionNotFile(show(path, root)));
    throw error;
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

function show(path: string, root: string | undefined): string {
  return root === undefined ? path : relative(root, path);
}

/** Replaces a file atomically: temp file in the same folder, fsync, rename (write-file-atomic). */
export async function writeAtomic(path: string, content: string): Promise<void> {
  // Loaded only when something is written, so the hook's common no-op path stays light.
  const { default: writeFileAtomic } = await import('write-file-atomic');
  await writeFileAtomic(path, content, { fsync: true });
}
