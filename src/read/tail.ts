import { resolve } from 'node:path';
import { compareEntryLines, type EntryLine } from '../history/entry-line.js';
import { commitRecords } from '../history/show.js';
import { detectRepoRoot, type Entry } from '../writer/index.js';
import { fileBackward, historyBackward } from './history-backward.js';
import { liveFiles } from './live-files.js';
import { parseSince } from './parse-since.js';
import type { WarningHandler } from './read-warning.js';
import { readShard } from './shard-reader.js';
import { type WorktreeRef, worktreesOf } from './worktrees.js';

/** Options of {@link tail} (and of `follow`'s first screen). */
export interface TailOptions {
  /** Any folder inside the worktree (default: `process.cwd()`). */
  cwd?: string;
  /** How many of the newest entries (default 10; 0 = all). */
  n?: number;
  /** The live shards of every worktree of the repository, with the current branch's history. */
  all?: boolean;
  /** Only this session's entries. */
  session?: string | undefined;
  /** Only entries at or after this time: a Date, or `--since` text (`15m`, `2h`, ISO time). */
  since?: Date | string | undefined;
  /** Only the entries of this commit (full sha): of the batch files it added, or stamped with it (§13). */
  commit?: string | undefined;
  /** Only entries whose `agent` is this. */
  agent?: string | undefined;
  /** Only entries whose `event` is this. */
  event?: string | undefined;
  /** Only entries whose `tool` is this. */
  tool?: string | undefined;
  /** Only entries whose stored line matches this regular expression. */
  grep?: string | RegExp | undefined;
  /** Legacy mode (SPEC §4): read this one file, with no sharding and no git. */
  logPath?: string | undefined;
  /** Told about each unreadable or invalid file that was skipped (the rest is still read). */
  onWarning?: WarningHandler;
}

/** An entry as read, with the worktree of the shard it came from (with `all`). */
export interface TailRecord extends EntryLine {
  /** The label of the worktree whose live shard held it; absent for history entries. */
  worktree?: string;
}

/** The last N entries of the history and the live shards, merged, oldest first (§3 order). */
export async function tail(options: TailOptions = {}): Promise<Entry[]> {
  return tailRecords(options).map((record) => record.entry);
}

/** {@link tail}, keeping each entry's line exactly as stored (for `--json`). */
export function tailRecords(options: TailOptions = {}): TailRecord[] {
  const n = options.n ?? 10;
  const warn = options.onWarning ?? (() => {});
  if (options.logPath !== undefined) {
    const path = resolve(options.cwd ?? process.cwd(), options.logPath);
    const filter = entryFilter(options);
    const found: EntryLine[] = [];
    for (const record of fileBackward(
      { path, file: options.logPath },
      { warn, mayMatch: filter.mayMatch },
    )) {
      if (filter.since !== undefined && record.instant < filter.since) continue;
      if (filter.accepts(record)) found.push(record);
    }
    return lastUnique(found, n);
  }
  const root = detectRepoRoot(options.cwd ?? process.cwd());
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
  // listed: an entry that a consolidation moves meanwhile (rename into .claimed/, publish
  // the batch, release the claim) is always found at one of its later places.
  const live: TailRecord[] = [];
  for (const worktree of options.all ? worktreesOf(root) : [{ path: root, label: undefined }]) {
    for (const file of liveFiles(worktree.path, labelled(warn, worktree))) {
      for (const record of readShard(file, labelled(warn, worktree))) {
        if (filter.accepts(record))
          live.push(
            worktree.label === undefined ? record : { ...record, worktree: worktree.label },
          );
      }
    }
  }
  const history = lastOfHistory(root, n, filter, warn);
  // The history's copy first: it wins over a shard's copy of the same id.
  return lastUnique([...history, ...live], n);
}

/** Warnings about another worktree's files name that worktree. */
function labelled(warn: WarningHandler, worktree: WorktreeRef): WarningHandler {
  if (worktree.label === undefined) return warn;
  return (warning) => warn({ ...warning, message: `${worktree.label}: ${warning.message}` });
}

/** Which entries a read keeps. */
export interface EntryFilter {
  /** Instant (ms) of `--since`, if any. */
  since: number | undefined;
  accepts(record: EntryLine): boolean;
  /**
   * False only when a line (or a run of lines) cannot hold an accepted entry, judged on
   * its bytes before any parsing: it lacks a value the filters ask for.
   */
  mayMatch(bytes: Uint8Array): boolean;
}

/** The filter for `--session`, `--since`, `--commit`, `--agent`, `--event`, `--tool`, `--grep`. */
export function entryFilter(
  options: Pick<TailOptions, 'session' | 'since' | 'commit' | 'agent' | 'event' | 'tool' | 'grep'>,
  root?: string,
): EntryFilter {
  const since =
    options.since === undefined
      ? undefined
      : options.since instanceof Date
        ? options.since.getTime()
        : parseSince(options.since);
  const { session, commit, agent, event, tool } = options;
  const grep = options.grep === undefined ? undefined : new RegExp(options.grep);
  const ids =
    commit === undefined || root === undefined
      ? undefined
      : new Set(commitRecords(root, commit).records.map((record) => record.entry.id));
  const needles = [session, agent, event, tool].flatMap((value) => needle(value));
  return {
    since,
    accepts: (record) =>
      (since === undefined || record.instant >= since) &&
      (session === undefined || record.entry.session_id === session) &&
      (agent === undefined || record.entry.agent === agent) &&
      (event === undefined || record.entry.event === event) &&
      (tool === undefined || record.entry.tool === tool) &&
      (grep === undefined || grep.test(record.line)) &&
      (commit === undefined ||
        record.entry.commit === commit ||
        ids?.has(record.entry.id) === true),
    mayMatch:
      needles.length === 0
        ? () => true
        : (bytes) =>
            hasEscape(bytes) ||
            needles.every((item) =>
              Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).includes(item),
            ),
  };
}

const ESCAPE = Buffer.from('\\u');

// A writer may spell a value with \u escapes (the caller's bytes are kept): such text is
// always parsed, whatever it seems to lack.
function hasEscape(bytes: Uint8Array): boolean {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // A backslash at all (memchr) first: most chunks of a history have none.
  return buffer.indexOf(0x5c) !== -1 && buffer.includes(ESCAPE);
}

/** The bytes a line must contain to hold this string value: none for a value JSON escapes. */
function needle(value: string | undefined): Buffer[] {
  if (value === undefined || value === '' || JSON.stringify(value) !== `"${value}"`) return [];
  return [Buffer.from(value, 'utf8')];
}

/**
 * The newest `n` accepted entries of the history (all when `n` is 0), newest first.
 * Batch files are read backwards, so this costs what `n` needs, not the history's size;
 * with a filter that matches little, whole chunks that cannot match are skipped unparsed.
 */
export function lastOfHistory(
  root: string,
  n: number,
  filter: EntryFilter,
  warn: WarningHandler,
): EntryLine[] {
  const found: EntryLine[] = [];
  const ids = new Set<string>();
  const records = historyBackward(root, {
    notBefore: filter.since,
    warn,
    mayMatch: filter.mayMatch,
  });
  for (const record of records) {
    if (!filter.accepts(record) || ids.has(record.entry.id)) continue;
    ids.add(record.entry.id);
    found.push(record);
    if (n > 0 && found.length >= n) break;
  }
  return found;
}

/** The last `n` (all when 0) of `records` in §3 order, each id once (its first copy kept). */
export function lastUnique<T extends EntryLine>(records: Iterable<T>, n: number): T[] {
  const byId = new Map<string, T>();
  for (const record of records) if (!byId.has(record.entry.id)) byId.set(record.entry.id, record);
  const sorted = [...byId.values()].sort(compareEntryLines);
  return n > 0 ? sorted.slice(-n) : sorted;
}
