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

/** Every line of every history partition, parsed, by file. */
export function readHistory(root: string): Map<string, StoredEntry[]> {
  const dir = join(root, 'logs', 'history');
  const out = new Map<string, StoredEntry[]>();
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir).sort()) {
    const text = readFileSync(join(dir, name), 'utf8');
    out.set(
      name,
      text
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line) as StoredEntry),
    );
  }
  return out;
}

/** All history entries in file order. */
export function historyEntries(root: string): StoredEntry[] {
  return [...readHistory(root).values()].flat();
}

/** Entries of every `.jsonl` file below logs/active (shards and claims), parsed leniently. */
export function pendingEntries(root: string): StoredEntry[] {
  return walk(join(root, 'logs', 'active'))
    .filter((file) => file.endsWith('.jsonl'))
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
