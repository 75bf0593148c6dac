import { closeSync, fstatSync } from 'node:fs';
import { compareEntryLines, type EntryLine } from '../history/entry-line.js';
import { dayEnd, type HistoryFile, historyFiles } from '../history/history-files.js';
import * as messages from '../messages.js';
import { decodeLine } from './decode-line.js';
import { openRegular } from './live-files.js';
import type { WarningHandler } from './read-warning.js';
import { linesBackward } from './reverse-lines.js';

/** Options of {@link historyBackward} and {@link fileBackward}. */
export interface BackwardOptions {
  /** Stop at the first entry older than this instant (ms since the epoch). */
  notBefore?: number | undefined;
  warn: WarningHandler;
  /** False for bytes that cannot hold a wanted entry: those lines are not even parsed. */
  mayMatch?: ((bytes: Uint8Array) => boolean) | undefined;
}

/**
 * The entries of one history file, newest first, read backwards from its end: every file is
 * in §3 order, so the reader stops where the caller stops (or at `notBefore`) and never
 * reads the rest. Invalid lines are skipped and reported once, when the reading ends.
 */
export function* fileBackward(
  file: Pick<HistoryFile, 'path' | 'file'>,
  options: BackwardOptions,
): Generator<EntryLine, void, undefined> {
  const fd = openRegular(file.path, file.file, options.warn);
  if (fd === undefined) return;
  let invalid = 0;
  let first: { problem: string } | undefined;
  const mayMatch = options.mayMatch;
  try {
    for (const bytes of linesBackward(fd, fstatSync(fd).size, undefined, mayMatch)) {
      if (mayMatch !== undefined && !mayMatch(bytes)) continue;
      const parsed = decodeLine(bytes);
      if (parsed === undefined) continue;
      if ('problem' in parsed) {
        invalid++;
        first ??= { problem: parsed.problem };
        continue;
      }
      if (options.notBefore !== undefined && parsed.record.instant < options.notBefore) return;
      yield parsed.record;
    }
  } finally {
    closeSync(fd);
    if (first !== undefined) {
      options.warn({
        file: file.file,
        message: messages.invalidLines(file.file, invalid, first, true),
      });
    }
  }
}

/**
 * The entries of the whole history, newest first (§3 order, reversed): days from the newest
 * back, and within a day the batch files merged. A batch is opened only once the merge
 * reaches the time of its last entry (its name says it), and older days are not even
 * listed past `notBefore`: the cost follows what the caller takes, not the history's size.
 */
export function* historyBackward(
  root: string,
  options: BackwardOptions,
): Generator<EntryLine, void, undefined> {
  const fromDay =
    options.notBefore === undefined
      ? undefined
      : new Date(options.notBefore).toISOString().slice(0, 10);
  const files = historyFiles(root, options.warn, fromDay);
  const byDay = new Map<string, HistoryFile[]>();
  for (const file of files) {
    const list = byDay.get(file.day);
    if (list === undefined) byDay.set(file.day, [file]);
    else list.push(file);
  }
  for (const day of [...byDay.keys()].sort().reverse()) {
    if (options.notBefore !== undefined && dayEnd(day) <= options.notBefore) return;
    yield* mergeBackward(byDay.get(day) as HistoryFile[], options);
  }
}

interface Cursor {
  reader: Generator<EntryLine, void, undefined>;
  record: EntryLine;
}

/** Several files' entries, newest first, opening each file only when it may hold the next. */
function* mergeBackward(
  files: readonly HistoryFile[],
  options: BackwardOptions,
): Generator<EntryLine, void, undefined> {
  const waiting = [...files].sort((a, b) => b.last - a.last);
  const heap: Cursor[] = [];
  let next = 0;
  try {
    for (;;) {
      while (next < waiting.length) {
        const top = heap[0];
        const file = waiting[next] as HistoryFile;
        if (top !== undefined && file.last < top.record.instant) break;
        next++;
        const reader = fileBackward(file, options);
        const first = reader.next();
        if (!first.done) push(heap, { reader, record: first.value });
      }
      const top = pop(heap);
      if (top === undefined) return;
      yield top.record;
      const following = top.reader.next();
      if (!following.done) push(heap, { reader: top.reader, record: following.value });
    }
  } finally {
    for (const cursor of heap) cursor.reader.return();
  }
}

// A max-heap by §3 order: the newest record on top.
function newer(a: Cursor, b: Cursor): boolean {
  return compareEntryLines(a.record, b.record) > 0;
}

function push(heap: Cursor[], item: Cursor): void {
  heap.push(item);
  for (let i = heap.length - 1; i > 0; ) {
    const parent = (i - 1) >> 1;
    if (!newer(heap[i] as Cursor, heap[parent] as Cursor)) break;
    [heap[i], heap[parent]] = [heap[parent] as Cursor, heap[i] as Cursor];
    i = parent;
  }
}

function pop(heap: Cursor[]): Cursor | undefined {
  const top = heap[0];
  const last = heap.pop();
  if (top === undefined || last === undefined || heap.length === 0) return top;
  heap[0] = last;
  for (let i = 0; ; ) {
    const left = 2 * i + 1;
    const right = left + 1;
    let best = i;
    if (left < heap.length && newer(heap[left] as Cursor, heap[best] as Cursor)) best = left;
    if (right < heap.length && newer(heap[right] as Cursor, heap[best] as Cursor)) best = right;
    if (best === i) break;
    [heap[i], heap[best]] = [heap[best] as Cursor, heap[i] as Cursor];
    i = best;
  }
  return top;
}
