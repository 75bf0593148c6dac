// How consolidation drops the copies of entries it already wrote without reading earlier
// batches (SPEC §5). A copy can only come from a writer that re-appended its line because
// the shard was claimed between its write and its check (SPEC §4), so it duplicates one of
// the last lines of a claimed shard. Each run records the ids (and a fingerprint of the
// bytes) of the last TAIL_LINES lines of every shard it claimed; a later run drops an entry
// whose id and bytes are on that list, and quarantines one whose id is there with other
// bytes. The list of a released set is kept for LEDGER_DAYS (and at least LEDGER_KEEP
// sets), so its cost follows recent new entries, never the size of the history.
import { createHash } from 'node:crypto';
import { linkSync, readFileSync, statSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { listNames } from '../files.js';
import type { ClaimSet } from './claim-sets.js';
import { RUN_PREFIX } from './claim-sets.js';
import { LEDGER } from './paths.js';
import { ensureFolder } from './safe-folders.js';

/** Lines at the end of each claimed shard whose ids are remembered. */
export const TAIL_LINES = 4096;
const LEDGER_DAYS = 7;
const LEDGER_KEEP = 32;
export const TAIL_IDS = 'tail.ids';

/** id → fingerprint of the line's bytes, of entries consolidated recently. */
export type Ledger = Map<string, string>;

/** A short fingerprint of a line's bytes (sha-1, 16 hex: enough to tell copies from others). */
export function fingerprint(bytes: Uint8Array): string {
  // One-shot hashing where Node has it (20.12+): a third of createHash's cost per line.
  oneShot ??=
    (process.getBuiltinModule?.('node:crypto') as { hash?: OneShot } | undefined)?.hash ?? null;
  const hex = oneShot?.('sha1', bytes, 'hex') ?? createHash('sha1').update(bytes).digest('hex');
  return hex.slice(0, 16);
}

type OneShot = (algorithm: string, data: Uint8Array, encoding: 'hex') => string;
let oneShot: OneShot | null | undefined;

/** The ids of released sets still remembered, plus those of the decided sets given. */
export function loadLedger(root: string, decided: readonly ClaimSet[]): Ledger {
  const ledger: Ledger = new Map();
  const dir = join(root, LEDGER);
  for (const name of listNames(dir)) if (name.endsWith('.ids')) readInto(ledger, join(dir, name));
  for (const set of decided) addSetTail(ledger, set);
  return ledger;
}

/** Adds the tail ids of a decided set to `ledger` (nothing for a set not decided yet). */
export function addSetTail(ledger: Ledger, set: ClaimSet): void {
  if (set.manifest === undefined) return;
  readInto(ledger, join(set.dir, `${RUN_PREFIX}${set.manifest.run}`, TAIL_IDS));
}

function readInto(ledger: Ledger, file: string): void {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  for (const line of text.split('\n')) {
    if (line === '') continue;
    // `["<id>","<print>"]`: read without JSON.parse when nothing in it is escaped (the
    // ledger holds days of commits' ids, and is read by every consolidation).
    const split = line.indexOf('","');
    if (
      line.startsWith('["') &&
      line.endsWith('"]') &&
      split !== -1 &&
      !line.includes('\\') &&
      line.indexOf('"', 2) === split
    ) {
      ledger.set(line.slice(2, split), line.slice(split + 3, -2));
      continue;
    }
    const [id, print] = JSON.parse(line) as [string, string];
    ledger.set(id, print);
  }
}

/** The text of a tail.ids file. */
export function serializeTail(tail: ReadonlyArray<readonly [string, string]>): string {
  let out = '';
  for (const pair of tail) out += `${JSON.stringify(pair)}\n`;
  return out;
}

/** Keeps a set's tail ids past its release (a link: the set's folder is deleted next). */
export function rememberReleased(root: string, set: ClaimSet): void {
  if (set.manifest === undefined) return;
  const from = join(set.dir, `${RUN_PREFIX}${set.manifest.run}`, TAIL_IDS);
  const dir = ensureFolder(root, LEDGER);
  try {
    linkSync(from, join(dir, `${set.id}.ids`));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EEXIST' && code !== 'ENOENT') throw error;
  }
  prune(dir);
}

function prune(dir: string): void {
  const names = listNames(dir).filter((name) => name.endsWith('.ids'));
  const cutoff = Date.now() - LEDGER_DAYS * 86_400_000;
  for (const name of names.slice(0, Math.max(0, names.length - LEDGER_KEEP))) {
    const path = join(dir, name);
    try {
      if (statSync(path).mtimeMs < cutoff) unlinkSync(path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
}
