import { type Entry, timestampInstant } from '../writer/index.js';

/** An entry with its sort key and the exact line it came from (written back unchanged). */
export interface EntryLine {
  entry: Entry;
  /** The JSON text without the newline. */
  line: string;
  /** Milliseconds since the epoch of `entry.timestamp`. */
  instant: number;
}

/** The result of reading one line: a record, or why the line is not a valid entry. */
export type ParsedLine = { record: EntryLine } | { problem: string };

/** Parses one JSONL line (without its newline) into a record, or says what is wrong with it. */
export function parseLine(line: string): ParsedLine {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    return { problem: `not valid JSON (${(error as Error).message})` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { problem: 'not a JSON object' };
  }
  const entry = value as Entry;
  if (typeof entry.id !== 'string' || entry.id === '') return { problem: 'no string `id`' };
  const instant = timestampInstant(entry.timestamp);
  if (instant === undefined) {
    return { problem: '`timestamp` is not an ISO 8601 date-time with an offset' };
  }
  return { record: { entry, line, instant } };
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A `session_id` value as §3 order compares it. */
export function sessionOf(value: unknown): string {
  return typeof value === 'string' ? value : String(value ?? '');
}

/** A `seq` value as §3 order compares it. */
export function seqOf(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

/** The one order of entries everywhere: instant, session_id, seq, id (strings by code unit). */
export function compareEntryLines(a: EntryLine, b: EntryLine): number {
  return (
    a.instant - b.instant ||
    compareStrings(sessionOf(a.entry.session_id), sessionOf(b.entry.session_id)) ||
    seqOf(a.entry.seq) - seqOf(b.entry.seq) ||
    compareStrings(a.entry.id, b.entry.id)
  );
}

/** `YYYY-MM-DD`: the UTC date of the entry's instant, which names its history partition. */
export function partitionDay(item: EntryLine): string {
  return new Date(item.instant).toISOString().slice(0, 10);
}

/** Sorts by §3 order and keeps the first record of each id. */
export function sortUnique(records: Iterable<EntryLine>): EntryLine[] {
  const byId = new Map<string, EntryLine>();
  for (const record of records) if (!byId.has(record.entry.id)) byId.set(record.entry.id, record);
  return [...byId.values()].sort(compareEntryLines);
}

/** The valid entries of a JSONL text, in file order (blank and invalid lines skipped). */
export function* parseRecords(text: string): Generator<EntryLine> {
  const { lines, partial } = splitLines(text);
  if (partial !== undefined) lines.push(partial);
  for (const line of lines) {
    if (line.trim() === '') continue;
    const parsed = parseLine(line);
    if ('record' in parsed) yield parsed.record;
  }
}

/** Splits file content into lines; `partial` is a trailing piece with no newline. */
export function splitLines(text: string): { lines: string[]; partial: string | undefined } {
  // A byte-order mark or CRLF endings (an editor on Windows) must not make entries invalid.
  const lines = (text.startsWith('\uFEFF') ? text.slice(1) : text).split('\n');
  const last = lines.pop();
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line.endsWith('\r')) lines[i] = line.slice(0, -1);
  }
  return { lines, partial: last === '' ? undefined : last };
}
