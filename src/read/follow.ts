import { type FSWatcher, lstatSync, statSync, watch } from 'node:fs';
import { join } from 'node:path';
import { compareEntryLines, type EntryLine } from '../history/entry-line.js';
import { type HistoryFile, historyFiles } from '../history/history-files.js';
import { ACTIVE, CLAIMED, HISTORY } from '../history/paths.js';
import { detectRepoRoot, type Entry } from '../writer/index.js';
import { fileBackward, historyBackward } from './history-backward.js';
import { liveFiles } from './live-files.js';
import type { ReadWarning, WarningHandler } from './read-warning.js';
import { ShardReader } from './shard-reader.js';
import {
  type EntryFilter,
  entryFilter,
  lastUnique,
  type TailOptions,
  type TailRecord,
} from './tail.js';
import { WorktreeWatch } from './worktrees.js';

/** Options of {@link follow}. */
export interface FollowOptions extends TailOptions {
  /** How often to look for changes while a folder cannot be watched (ms, default 250). */
  pollMs?: number;
  /** How often to look anyway while watching, in case an event was missed (ms, default 1000). */
  safetyPollMs?: number;
}

/** Receives each entry once: its parsed form and its line exactly as stored. */
export type EntryHandler = (entry: Entry, line: string, worktree?: string) => void;

// Entries a writer makes carry the time of writing. One that reaches the history without
// ever being seen in a shard (a shard created and consolidated between two looks) is
// newer than the previous look; the margin covers clock steps and slow file systems.
const MARGIN_MS = 5 * 60_000;
const WATCHED = [ACTIVE, CLAIMED, HISTORY];

/**
 * `tail`, then every entry appended afterwards to any shard (also shards created later,
 * and entries that a consolidation moved into the history meanwhile), each id exactly
 * once, until `signal` aborts. Resolves then; rejects if reading fails.
 */
export async function follow(
  options: FollowOptions,
  onEntry: EntryHandler,
  signal: AbortSignal,
): Promise<void> {
  await new Follower(options, onEntry).run(signal);
}

class Follower {
  private readonly root: string;
  private readonly filter: EntryFilter;
  private readonly warn: WarningHandler;
  private readonly readers = new Map<
    string,
    { reader: ShardReader; worktree: string | undefined }
  >();
  /** With `all`: every worktree's live shards, worktrees added or removed meanwhile included. */
  private readonly worktrees: WorktreeWatch | undefined;
  private readonly seen = new Set<string>();
  /** Every history entry at or after this instant has been seen. */
  private baseline: number;
  /** `ino:size:mtime` of each history file that may hold unseen entries. */
  private readonly partitions = new Map<string, string>();
  private readonly watchers = new Map<string, { watcher: FSWatcher; ino: number }>();
  private timer: NodeJS.Timeout | undefined;
  private soon: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly options: FollowOptions,
    private readonly onEntry: EntryHandler,
  ) {
    this.root = detectRepoRoot(options.cwd ?? process.cwd());
    this.filter = entryFilter(options, this.root);
    this.worktrees = options.all ? new WorktreeWatch(this.root) : undefined;
    const told = new Set<string>();
    // The same skipped file would otherwise be reported on every look.
    this.warn = (warning: ReadWarning) => {
      if (told.has(warning.message)) return;
      told.add(warning.message);
      options.onWarning?.(warning);
    };
    this.baseline = Date.now() - MARGIN_MS;
  }

  run(signal: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const stop = (error?: unknown) => {
        if (this.stopped) return;
        this.stopped = true;
        signal.removeEventListener('abort', onAbort);
        clearTimeout(this.timer);
        clearTimeout(this.soon);
        for (const { watcher } of this.watchers.values()) watcher.close();
        this.watchers.clear();
        for (const { reader } of this.readers.values()) reader.close();
        this.readers.clear();
        if (error === undefined) resolve();
        else reject(error);
      };
      const onAbort = () => stop();
      if (signal.aborted) return stop();
      signal.addEventListener('abort', onAbort);
      const guarded = (fn: () => void) => () => {
        if (this.stopped) return;
        try {
          fn();
        } catch (error) {
          stop(error);
        }
      };
      const look = guarded(() => {
        this.soon = undefined;
        this.look();
      });
      const tick = guarded(() => {
        this.watch(() => {
          if (this.soon === undefined && !this.stopped) this.soon = setTimeout(look, 10);
        });
        this.look();
        // Other worktrees (--all) are not watched, only looked at: look often.
        const interval =
          this.watchers.size === WATCHED.length && this.worktrees === undefined
            ? (this.options.safetyPollMs ?? 1_000)
            : (this.options.pollMs ?? 250);
        this.timer = setTimeout(tick, interval);
      });
      guarded(() => {
        this.start();
        tick();
      })();
    });
  }

  /**
   * The first screen: the last N entries; everything older counts as seen. `-n 0` shows
   * none, as `tail -f -n 0` does: only what comes after.
   */
  private start(): void {
    const startedAt = Date.now();
    const live = this.readLive();
    this.notePartitions(true);
    const n = this.options.n ?? 10;
    if (n === 0) {
      for (const record of historyBackward(this.root, {
        notBefore: this.baseline,
        warn: this.warn,
      })) {
        if (record.instant < this.baseline) break;
        this.seen.add(record.entry.id);
      }
      for (const record of live) this.seen.add(record.entry.id);
      this.baseline = startedAt - MARGIN_MS;
      return;
    }
    const since = this.filter.since;
    const history: EntryLine[] = [];
    const notBefore = since === undefined ? undefined : Math.min(since, this.baseline);
    for (const record of historyBackward(this.root, { notBefore, warn: this.warn })) {
      const enough = history.length >= n;
      if (enough && record.instant < this.baseline) break;
      this.seen.add(record.entry.id);
      if (!enough && this.filter.accepts(record)) history.push(record);
    }
    const accepted = live.filter((record) => this.filter.accepts(record));
    for (const record of live) this.seen.add(record.entry.id);
    for (const record of lastUnique<TailRecord>([...history, ...accepted], n)) {
      this.onEntry(record.entry, record.line, record.worktree);
    }
    this.baseline = startedAt - MARGIN_MS;
  }

  /** One look at the shards and the history; prints what is new, in §3 order. */
  private look(): void {
    const startedAt = Date.now();
    const fresh = [...this.readLive(), ...this.readChangedPartitions()];
    const shown: TailRecord[] = [];
    for (const record of fresh) {
      if (this.seen.has(record.entry.id)) continue;
      this.seen.add(record.entry.id);
      if (this.filter.accepts(record)) shown.push(record);
    }
    for (const record of shown.sort(compareEntryLines)) {
      this.onEntry(record.entry, record.line, record.worktree);
    }
    // Anything that reaches the history later was written after this look began.
    this.baseline = Math.max(this.baseline, startedAt - MARGIN_MS);
  }

  /** New complete lines of every shard, including claimed ones and those just gone. */
  private readLive(): TailRecord[] {
    const records: TailRecord[] = [];
    const present = new Set<string>();
    const worktrees = this.worktrees?.current() ?? [{ path: this.root, label: undefined }];
    for (const worktree of worktrees) {
      const warn =
        worktree.label === undefined
          ? this.warn
          : (warning: ReadWarning) =>
              this.warn({ ...warning, message: `${worktree.label}: ${warning.message}` });
      for (const file of liveFiles(worktree.path, warn)) {
        let identity: string;
        try {
          const stat = lstatSync(file.path);
          identity = `${stat.dev}:${stat.ino}`;
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
          throw error;
        }
        let known = this.readers.get(identity);
        if (known === undefined) {
          const reader = ShardReader.open(file, warn);
          if (reader === undefined) continue;
          known = { reader, worktree: worktree.label };
          this.readers.set(reader.identity, known);
        } else known.reader.file = file;
        present.add(known.reader.identity);
      }
    }
    for (const [identity, { reader, worktree }] of this.readers) {
      for (const record of reader.readNew(this.warn)) {
        records.push(worktree === undefined ? record : { ...record, worktree });
      }
      if (!present.has(identity)) {
        // Consolidated and deleted: the open descriptor still reads what it held.
        reader.close();
        this.readers.delete(identity);
      }
    }
    return records;
  }

  /** Entries newer than the baseline in history files that appeared or changed since the last look. */
  private readChangedPartitions(): EntryLine[] {
    const records: EntryLine[] = [];
    for (const partition of this.notePartitions(false)) {
      for (const record of fileBackward(partition, {
        notBefore: this.baseline,
        warn: this.warn,
      })) {
        if (!this.seen.has(record.entry.id)) records.push(record);
      }
    }
    return records;
  }

  /**
   * Records the history files that may hold new entries (batch files that appeared, v1
   * partitions that git changed); returns those that are new or changed.
   */
  private notePartitions(initial: boolean): HistoryFile[] {
    const firstDay = new Date(this.baseline).toISOString().slice(0, 10);
    const changed: HistoryFile[] = [];
    const names = new Set<string>();
    for (const partition of historyFiles(this.root, this.warn, firstDay)) {
      if (partition.day < firstDay || partition.last < this.baseline) continue;
      let signature: string;
      try {
        const stat = statSync(partition.path);
        signature = `${stat.ino}:${stat.size}:${stat.mtimeMs}`;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
        throw error;
      }
      names.add(partition.file);
      if (this.partitions.get(partition.file) !== signature) {
        this.partitions.set(partition.file, signature);
        if (!initial) changed.push(partition);
      }
    }
    for (const name of this.partitions.keys()) if (!names.has(name)) this.partitions.delete(name);
    return changed;
  }

  /** Watches the three folders where they exist; a folder replaced since is watched anew. */
  private watch(onChange: () => void): void {
    for (const dir of WATCHED) {
      const path = join(this.root, dir);
      let ino: number | undefined;
      try {
        const stat = lstatSync(path);
        if (stat.isDirectory()) ino = stat.ino;
      } catch {
        ino = undefined;
      }
      const current = this.watchers.get(dir);
      if (current !== undefined && current.ino === ino) continue;
      current?.watcher.close();
      this.watchers.delete(dir);
      if (ino === undefined) continue;
      try {
        const watcher = watch(path, { persistent: true }, onChange);
        watcher.on('error', () => {
          watcher.close();
          if (this.watchers.get(dir)?.watcher === watcher) this.watchers.delete(dir);
        });
        this.watchers.set(dir, { watcher, ino });
      } catch {
        // Not watchable here (e.g. too many watches): the poll covers it.
      }
    }
  }
}
