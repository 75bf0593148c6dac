import { closeSync, fstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { EntryLine } from '../history/entry-line.js';
import { HISTORY, PARTITION_NAME } from '../history/paths.js';
import * as messages from '../messages.js';
import { decodeLine } from './decode-line.js';
import { openRegular } from './live-files.js';
import type { WarningHandler } from './read-warning.js';
import { linesBackward } from './reverse-lines.js';

const DAY_MS = 86_400_000;

/** A history partition file. */
export interface PartitionFile {
  /** `YYYY-MM-DD` (UTC). */
  day: string;
  /** Absolute path. */
  path: string;
  /** Path relative to the worktree root. */
  file: string;
}

/** The partitions of a worktree's history, oldest day first (by name: opening checks the type). */
export function partitionFiles(root: string, warn: WarningHandler): PartitionFile[] {
  let names: string[];
  try {
    names = readdirSync(join(root, HISTORY));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    if (code !== 'ENOENT' && code !== 'ENOTDIR') {
      warn({ file: HISTORY, message: messages.unreadable(HISTORY, code) });
    }
    return [];
  }
  const partitions: PartitionFile[] = [];
  for (const name of names) {
    const day = PARTITION_NAME.exec(name)?.[1];
    if (day === undefined) continue;
    // Links and folders are reported when (and only if) a reader gets to them.
    const file = join(HISTORY, name);
    partitions.push({ day, path: join(root, file), file });
  }
  return partitions.sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
}

/** Options of {@link historyBackward} and {@link partitionBackward}. */
export interface BackwardOptions {
  /** Stop at the first entry older than this instant (ms since the epoch). */
  notBefore?: number | undefined;
  warn: WarningHandler;
}

/**
 * The entries of one partition, newest first, read backwards from its end: a partition is
 * in §3 order, so the reader stops where the caller stops (or at `notBefore`) and never
 * reads the rest. Invalid lines are skipped and reported once, when the reading ends.
 */
export function* partitionBackward(
  partition: PartitionFile,
  options: BackwardOptions,
): Generator<EntryLine, void, undefined> {
  const fd = openRegular(partition.path, partition.file, options.warn);
  if (fd === undefined) return;
  let invalid = 0;
  let first: { problem: string } | undefined;
  try {
    for (const bytes of linesBackward(fd, fstatSync(fd).size)) {
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
        file: partition.file,
        message: messages.invalidLines(partition.file, invalid, first, true),
      });
    }
  }
}

/**
 * The entries of the whole history, newest first: partitions from the newest day back,
 * each read backwards, stopping at `notBefore` (older days are not even opened).
 */
export function* historyBackward(
  root: string,
  options: BackwardOptions,
): Generator<EntryLine, void, undefined> {
  const partitions = partitionFiles(root, options.warn);
  for (let i = partitions.length - 1; i >= 0; i--) {
    const partition = partitions[i] as PartitionFile;
    if (options.notBefore !== undefined && dayEnd(partition.day) <= options.notBefore) return;
    yield* partitionBackward(partition, options);
  }
}

function dayEnd(day: string): number {
  return Date.parse(`${day}T00:00:00.000Z`) + DAY_MS;
}
