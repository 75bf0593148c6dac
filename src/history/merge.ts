import { AuditHooksError } from '../errors.js';
import { readTextIfExists } from '../files.js';
import * as messages from '../messages.js';
import { type EntryLine, parseLine, sortUnique, splitLines } from './entry-line.js';
import { writeAtomic } from './partition.js';

function readSide(path: string): EntryLine[] {
  const text = readTextIfExists(path);
  if (text === undefined) return [];
  const { lines, partial } = splitLines(text);
  if (partial !== undefined) lines.push(partial);
  const records: EntryLine[] = [];
  lines.forEach((line, index) => {
    if (line.trim() === '') return;
    const parsed = parseLine(line);
    if ('problem' in parsed) {
      throw new AuditHooksError(messages.mergeSideInvalid(path, index + 1, parsed.problem));
    }
    records.push(parsed.record);
  });
  return records;
}

/**
 * Git merge driver for history partitions: writes to `ours` the union of both sides by
 * id, in §3 order. Throws (so git reports an ordinary conflict) if a side cannot be read.
 */
export async function mergeHistory(ours: string, theirs: string): Promise<{ entries: number }> {
  // Ours first: where both sides hold an id, ours is kept.
  const merged = sortUnique([...readSide(ours), ...readSide(theirs)]);
  await writeAtomic(ours, merged.map((record) => `${record.line}\n`).join(''));
  return { entries: merged.length };
}
