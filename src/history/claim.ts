// Step 1 of the protocol, claim: move the shards of `logs/active/` into a new claim set.
import { type Dirent, mkdirSync, readdirSync, renameSync, rmdirSync } from 'node:fs';
import { join } from 'node:path';
import * as messages from '../messages.js';
import { CLAIMING_PREFIX, newSetId } from './claim-sets.js';
import { ACTIVE, CLAIMED } from './paths.js';
import { assertNoLinks, ensureFolder } from './safe-folders.js';

/** Told about each file of `logs/active/` that is left alone, and why. */
export type SkipHandler = (file: string, reason: string) => void;

/** The regular `*.jsonl` files of `logs/active/`; anything else is reported once, never moved. */
export function pendingShards(root: string, onSkip?: SkipHandler): string[] {
  assertNoLinks(root, ACTIVE);
  let entries: Dirent[];
  try {
    entries = readdirSync(join(root, ACTIVE), { withFileTypes: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return [];
    throw error;
  }
  const names: string[] = [];
  for (const entry of entries) {
    if (!entry.name.endsWith('.jsonl')) continue;
    if (entry.isFile()) names.push(entry.name);
    else onSkip?.(join(ACTIVE, entry.name), messages.shardNotRegular);
  }
  return names.sort();
}

/**
 * Moves every pending shard into a new claim set and returns its id (`undefined` when
 * there was none). The shards go into a hidden folder first, which becomes the set by one
 * rename once they are all inside: no run ever batches a set that is still filling up.
 */
export function claimShards(root: string, onSkip?: SkipHandler): string | undefined {
  return claimInto(root, ACTIVE, pendingShards(root, onSkip), onSkip);
}

/**
 * v1 left its claims loose in `logs/active/.claimed/` (`<shard>~<run>.jsonl`) when it was
 * killed: they become a claim set like any other.
 */
export function adoptLooseClaims(root: string, onSkip?: SkipHandler): string | undefined {
  let entries: Dirent[];
  try {
    entries = readdirSync(join(root, CLAIMED), { withFileTypes: true });
  } catch {
    return undefined;
  }
  const loose = entries.filter((e) => e.isFile() && e.name.endsWith('.jsonl')).map((e) => e.name);
  return claimInto(root, CLAIMED, loose.sort(), onSkip);
}

function claimInto(
  root: string,
  from: string,
  shards: readonly string[],
  onSkip: SkipHandler | undefined,
): string | undefined {
  if (shards.length === 0) return undefined;
  const claimed = ensureFolder(root, CLAIMED);
  const id = newSetId(root);
  const filling = join(claimed, `${CLAIMING_PREFIX}${id}`);
  mkdirSync(filling);
  let moved = 0;
  for (const name of shards) {
    try {
      renameSync(join(root, from, name), join(filling, name));
      moved++;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // ENOENT: another run claimed this shard, or (for the folder) adopted our unfinished
      // set; the shard then stays where it is, for the next run.
      if (code === 'ENOENT') continue;
      onSkip?.(join(from, name), messages.shardNotClaimed(code ?? String(error)));
    }
  }
  if (moved === 0) {
    try {
      rmdirSync(filling);
    } catch {
      // adopted meanwhile, or not empty: the next run sees it
    }
    return undefined;
  }
  try {
    renameSync(filling, join(claimed, id));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    // Another run adopted it as a set already.
  }
  return id;
}
