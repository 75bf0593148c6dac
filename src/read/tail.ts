import { compareEntryLines, type EntryLine } from '../history/entry-line.js';
import { commitRecords } from '../history/show.js';
import { detectRepoRoot, type Entry } from '../writer/index.js';
import { historyBackward } from './history-backward.js';
import { liveFiles } from './live-files.js';
import { parseSince } from './parse-since.js';
import type { WarningHandler } from './read-warning.js';
import { readShard } from './shard-reader.js';

/** Options of {@link tail} (and of `follow`'s first screen). */
export interface TailOptions {
  /** Any folder inside the worktree (default: `process.cwd()`). */
  cwd?: string;
  /** How many of the newest entries (default 10; 0 = all). */
  n?: number;
  /** Only this session's entries. */
  session?: string | undefined;
  /** Only entries at or after this time: a Date, or `--since` text (`15m`, `2h`, ISO time). */
  since?: Date | string | undefined;
  /** Only the entries of this commit (full sha): of the batch files it added, or stamped with it (§13). */
  commit?: string | undefined;
  /** Told about each unreadable or invalid file that was skipped (the rest is still read). */
  onWarning?: WarningHandler;
}

/** The last N entries of the history and the live shards, merged, oldest first (§3 order). */
export async function tail(options: TailOptions = {}): Promise<Entry[]> {
  return tailRecords(options).map((record) => record.entry);
}

/** {@link tail}, keeping each entry's line exactly as stored (for `--json`). */
export function tailRecords(options: TailOptions = {}): EntryLine[] {
  const root = detectRepoRoot(options.cwd ?? process.cwd());
  const n = options.n ?? 10;
  const warn = options.onWarning ?? (() => {});
  if (options.commit !== undefined) {
    // A commit's entries are in git already: no need to read the live shards or the history.
    const { records } = commitRecords(root, options.commit);
    const filter = entryFilter({ ...options, commit: undefined });
    return lastUnique(
      records.filter((record) => filter.accepts(record)),
      n,
    );
  }
  const filter = entryFilter(options, root);
  // Active shards, then claimed ones, then the history, each opened before the next is
  // listed: an entry that a consolidation moves meanwhile (rename into .claimed/, write
  // the partitions, delete the claim) is always found at one of its later places.
  const live: EntryLine[] = [];
  for (const file of liveFiles(root, warn)) {
    for (const record of readShard(file, warn)) if (filter.accepts(record)) live.push(record);
  }
  const history = lastOfHistory(root, n, filter, warn);
  // The history's copy first: it wins over a shard's copy of the same id.
  return lastUnique([...history, ...live], n);
}

/** Which entries a read keeps. */
export interface EntryFilter {
  /** Instant (ms) of `--since`, if any. */
  since: number | undefined;
  accepts(record: EntryLine): boolean;
}

/** The filter for `--session` and `--since`. */
export function entryFilter(
  options: Pick<TailOptions, 'session' | 'since' | 'commit'>,
  root?: string,
): EntryFilter {
  const since =
    options.since === undefined
      ? undefined
      : options.since instanceof Date
        ? options.since.getTime()
        : parseSince(options.since);
  const session = options.session;
  const commit = options.commit;
  const ids =
    commit === undefined || root === undefined
      ? undefined
      : new Set(commitRecords(root, commit).records.map((record) => record.entry.id));
  return {
    since,
    accepts: (record) =>
      (since === undefined || record.instant >= since) &&
      (session === undefined || record.entry.session_id === session) &&
      (commit === undefined ||
        record.entry.commit === commit ||
        ids?.has(record.entry.id) === true),
  };
}

/**
 * The newest `n` accepted entries of the history (all when `n` is 0), newest first.
 * Partitions are read backwards, so this costs what `n` needs, not the history's size.
 */
export function lastOfHistory(
  root: string,
  n: number,
  filter: EntryFilter,
  warn: WarningHandler,
): EntryLine[] {
  const found: EntryLine[] = [];
  const ids = new Set<string>();
  const records = historyBackward(root, { notBefore: filter.since, warn });
  for (const record of records) {
    if (!filter.accepts(record) || ids.has(record.entry.id)) continue;
    ids.add(record.entry.id);
    found.push(record);
    if (n > 0 && found.length >= n) break;
  }
  return found;
}

/** The last `n` (all when 0) of `records` in §3 order, each id once (its first copy kept). */
export function lastUnique(records: Iterable<EntryLine>, n: number): EntryLine[] {
  const byId = new Map<string, EntryLine>();
  for (const record of records) if (!byId.has(record.entry.id)) byId.set(record.entry.id, record);
  const sorted = [...byId.values()].sort(compareEntryLines);
  return n > 0 ? sorted.slice(-n) : sorted;
}
