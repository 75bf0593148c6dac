// The files of a worktree's history: v2 batch files (`logs/history/<day>/<batch>.jsonl`)
// and v1 daily partitions (`logs/history/<day>.jsonl`, still read, never written).
import { type Dirent, readdirSync } from 'node:fs';
import { join } from 'node:path';
import * as messages from '../messages.js';
import type { WarningHandler } from '../read/read-warning.js';
import { BATCH_NAME, DAY_NAME, HISTORY, instantOfStamp, PARTITION_NAME } from './paths.js';

const DAY_MS = 86_400_000;

/** One file of the history. */
export interface HistoryFile {
  kind: 'batch' | 'partition';
  /** `YYYY-MM-DD` (UTC): every entry of the file falls on this day. */
  day: string;
  /** Absolute path. */
  path: string;
  /** Relative to the worktree root. */
  file: string;
  /** No entry of the file is later than this (ms): a batch's name says it, a partition's day ends. */
  last: number;
}

/** The instant a day ends (ms), exclusive. */
export function dayEnd(day: string): number {
  return Date.parse(`${day}T00:00:00.000Z`) + DAY_MS;
}

/**
 * Every history file, by day, then by `last`, then by name: the order batches were made.
 * Links and other odd entries are listed when their names fit (readers refuse to open a
 * link, and say so); a day folder that is a link is reported here and not entered. With
 * `fromDay`, days before it are left out unread (a reader of recent days need not list a
 * year of day folders).
 */
export function historyFiles(
  root: string,
  warn: WarningHandler = () => {},
  fromDay?: string,
): HistoryFile[] {
  const files: HistoryFile[] = [];
  for (const entry of entries(root, HISTORY, warn)) {
    if (fromDay !== undefined && entry.name < fromDay) continue;
    const partition = PARTITION_NAME.exec(entry.name)?.[1];
    if (partition !== undefined) {
      const file = join(HISTORY, entry.name);
      files.push({
        kind: 'partition',
        day: partition,
        path: join(root, file),
        file,
        last: dayEnd(partition) - 1,
      });
      continue;
    }
    if (!DAY_NAME.test(entry.name)) continue;
    const dayDir = join(HISTORY, entry.name);
    if (entry.isSymbolicLink()) {
      warn({ file: dayDir, message: messages.notFollowed(dayDir) });
      continue;
    }
    if (!entry.isDirectory()) continue;
    for (const batch of entries(root, dayDir, warn)) {
      const stamp = BATCH_NAME.exec(batch.name)?.[1];
      if (stamp === undefined) continue;
      const file = join(dayDir, batch.name);
      files.push({
        kind: 'batch',
        day: entry.name,
        path: join(root, file),
        file,
        last: instantOfStamp(stamp),
      });
    }
  }
  return files.sort(
    (a, b) =>
      (a.day < b.day ? -1 : a.day > b.day ? 1 : 0) ||
      a.last - b.last ||
      (a.file < b.file ? -1 : a.file > b.file ? 1 : 0),
  );
}

function entries(root: string, dir: string, warn: WarningHandler): Dirent[] {
  try {
    return readdirSync(join(root, dir), { withFileTypes: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    if (code !== 'ENOENT' && code !== 'ENOTDIR')
      warn({ file: dir, message: messages.unreadable(dir, code) });
    return [];
  }
}
