// Reading what consolidation left on disk, for assertions.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

export interface StoredEntry {
  id: string;
  timestamp: string;
  session_id: string;
  seq: number;
  [field: string]: unknown;
}

/**
 * Every line of every history file, parsed, by path relative to logs/history: v2 batch
 * files (`2026-11-27/<batch>.jsonl`) and v1 partitions (`2026-11-24.jsonl`), sorted.
 */
export function readHistory(root: string): Map<string, StoredEntry[]> {
  const dir = join(root, 'logs', 'history');
  const out = new Map<string, StoredEntry[]>();
  for (const file of walk(dir).sort()) {
    if (!file.endsWith('.jsonl')) continue;
    const text = readFileSync(file, 'utf8');
    out.set(
      relative(dir, file),
      text
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line) as StoredEntry),
    );
  }
  return out;
}

/** The batch files of the history (v2 layout), relative to the worktree root, sorted. */
export function batchFiles(root: string): string[] {
  return walk(join(root, 'logs', 'history'))
    .map((file) => relative(root, file))
    .filter((file) =>
      /^logs\/history\/\d{4}-\d{2}-\d{2}\/\d{8}T\d{9}Z-[0-9a-f]{20}\.jsonl$/.test(file),
    )
    .sort();
}

/** All history entries in file order (by day, then in the order batches were made). */
export function historyEntries(root: string): StoredEntry[] {
  return [...readHistory(root).values()].flat();
}

/** All history entries in §3 order (what readers show). */
export function sortedHistory(root: string): StoredEntry[] {
  return historyEntries(root).sort(compareSpec);
}

function compareSpec(a: StoredEntry, b: StoredEntry): number {
  const ta = Date.parse(a.timestamp);
  const tb = Date.parse(b.timestamp);
  return (
    ta - tb ||
    (a.session_id < b.session_id ? -1 : a.session_id > b.session_id ? 1 : 0) ||
    a.seq - b.seq ||
    (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  );
}

/** Entries of every `.jsonl` file below logs/active (shards and claims), parsed leniently. */
export function pendingEntries(root: string): StoredEntry[] {
  return walk(join(root, 'logs', 'active'))
    .filter((file) => file.endsWith('.jsonl') && !/[\\/]run-[0-9a-f]+[\\/]/.test(file))
    .flatMap((file) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .flatMap((line) => {
          try {
            return [JSON.parse(line) as StoredEntry];
          } catch {
            return [];
          }
        }),
    );
}

/** Files below `dir`, recursively (absolute paths). */
export function walk(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? walk(path) : [path];
  });
}

/** A fingerprint of what consolidation publishes: logs/history and logs/quarantine. */
export function snapshotPublished(root: string): string {
  const hash = createHash('sha256');
  for (const dir of ['history', 'quarantine']) {
    for (const file of walk(join(root, 'logs', dir)).sort()) {
      hash.update(`${relative(root, file)}\0${statSync(file).ino}\0`);
      hash.update(readFileSync(file));
    }
  }
  return hash.digest('hex');
}

/** A fingerprint of every file below `root/logs` (paths, bytes, inodes). */
export function snapshotLogs(root: string): string {
  const hash = createHash('sha256');
  for (const file of walk(join(root, 'logs')).sort()) {
    hash.update(`${relative(root, file)}\0${statSync(file).ino}\0`);
    hash.update(readFileSync(file));
  }
  return hash.digest('hex');
}

/** §3 order as the tests understand it, independent of the implementation. */
export function isInSpecOrder(entries: StoredEntry[]): boolean {
  for (let i = 1; i < entries.length; i++) {
    const a = entries[i - 1] as StoredEntry;
    const b = entries[i] as StoredEntry;
    const key = (e: StoredEntry) => [Date.parse(e.timestamp), e.session_id, e.seq, e.id] as const;
    const [ta, sa, qa, ia] = key(a);
    const [tb, sb, qb, ib] = key(b);
    const cmp =
      ta - tb || (sa < sb ? -1 : sa > sb ? 1 : 0) || qa - qb || (ia < ib ? -1 : ia > ib ? 1 : 0);
    if (cmp >= 0) return false;
  }
  return true;
}

/** Counts of each `${writer}:${i}` label in the entries. */
export function countLabels(entries: StoredEntry[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const entry of entries) {
    const label = `${String(entry.writer)}:${String(entry.i)}`;
    counts.set(label, (counts.get(label) ?? 0) + 1);
  }
  return counts;
}
