// Claim sets: the unit of the consolidation protocol (SPEC §5).
//
//   logs/active/.claimed/
//     .claiming-<set>/      shards being moved in (not a set yet: nobody batches it)
//     <set>/                a claim set: the shards one consolidation took
//       <shard>.jsonl
//       run-<token>/        one run's output: staged batch files, quarantine, tail ids
//       manifest.json       the decision: which run's output is this set's batch
//     .released-<set>/      a set whose batches a commit holds, being deleted
//
// Every step is one rename or one link, so a set is always in exactly one state, whatever
// process dies or stops where: a folder appears as a set only with all its shards inside;
// its manifest is linked into place once (the first run to decide wins, later runs adopt
// that decision); a set disappears by one rename when a commit holds its batches.
import { randomBytes } from 'node:crypto';
import { readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { listNames } from '../files.js';
import { CLAIMED, compactStamp, instantOfStamp, LEDGER } from './paths.js';
import { kindOf } from './safe-folders.js';

/** The recorded decision of a claim set: what its batch is. */
export interface Manifest {
  version: 2;
  set: string;
  /** The run whose staged files are the batch (`run-<token>/` in the set). */
  run: string;
  /** Made at this instant (ms since the epoch). */
  made: number;
  /** Stamped on every entry (post-commit mode), if any. */
  commit?: string;
  /** Batch files, relative to the worktree root (`logs/history/<day>/<name>.jsonl`). */
  batches: BatchRecord[];
  /** Quarantine files, relative to the worktree root. */
  quarantine: QuarantineRecord[];
  shards: number;
  entries: number;
  duplicates: number;
  sessions: string[];
}

export interface BatchRecord {
  path: string;
  entries: number;
  bytes: number;
}

export interface QuarantineRecord {
  path: string;
  lines: number;
}

/** A claim set as found on disk. */
export interface ClaimSet {
  id: string;
  /** Absolute path of its folder. */
  dir: string;
  manifest: Manifest | undefined;
  /** Why its manifest cannot be read (a hand edit, a disk error): the set is left alone. */
  damaged?: string;
}

export const CLAIMING_PREFIX = '.claiming-';
export const RELEASED_PREFIX = '.released-';
export const MANIFEST = 'manifest.json';
export const RUN_PREFIX = 'run-';

/**
 * A new set id: sorts after every set this worktree has made (claimed, being claimed,
 * released and remembered), even when the clock stepped back, and is unique across
 * processes and containers. The order matters: a writer's re-appended copy always lands in
 * a set claimed after the one holding the original, and copies are recognised by the
 * tails of the sets that sort before (ledger.ts).
 */
export function newSetId(root: string, now = Date.now()): string {
  let latest = 0;
  const stamps = [...listNames(join(root, CLAIMED)), ...listNames(join(root, LEDGER))].map(
    (name) => /(\d{8}T\d{9}Z)-[0-9a-f]{10}/.exec(name)?.[1],
  );
  for (const stamp of stamps)
    if (stamp !== undefined) latest = Math.max(latest, instantOfStamp(stamp));
  return `${compactStamp(Math.max(now, latest + 1))}-${randomBytes(5).toString('hex')}`;
}

/**
 * The claim sets of a worktree, oldest first. Folders a killed (or stopped) claim left
 * under `.claiming-` become sets here: a claimer that resumes later finds its folder gone
 * and its remaining shards stay in `logs/active/` for the next run.
 */
export function listClaimSets(root: string): ClaimSet[] {
  const claimed = join(root, CLAIMED);
  const sets: ClaimSet[] = [];
  for (const name of listNames(claimed)) {
    const path = join(claimed, name);
    if (name.startsWith(CLAIMING_PREFIX)) {
      if (kindOf(path) !== 'folder') continue;
      const id = name.slice(CLAIMING_PREFIX.length);
      try {
        renameSync(path, join(claimed, id));
      } catch (error) {
        // Its claimer (or another run) published it meanwhile.
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
      continue;
    }
    if (name.startsWith(RELEASED_PREFIX)) {
      rmSync(path, { recursive: true, force: true });
    }
  }
  for (const name of listNames(claimed)) {
    if (name.startsWith('.')) continue;
    const dir = join(claimed, name);
    if (kindOf(dir) !== 'folder') continue;
    try {
      sets.push({ id: name, dir, manifest: readManifest(dir) });
    } catch (error) {
      // One damaged set must not stop the others (SPEC §5.5): it is reported, and waits.
      sets.push({
        id: name,
        dir,
        manifest: undefined,
        damaged: (error as Error).message.split('\n')[0] ?? '',
      });
    }
  }
  return sets;
}

/** The set's manifest, or `undefined` while no run has decided its batch yet. */
export function readManifest(dir: string): Manifest | undefined {
  let text: string;
  try {
    text = readFileSync(join(dir, MANIFEST), 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw error;
  }
  return JSON.parse(text) as Manifest;
}

/** The shard files of a set (`*.jsonl` directly inside it), sorted by name. */
export function claimsOf(set: ClaimSet): string[] {
  return listNames(set.dir).filter((name) => name.endsWith('.jsonl'));
}

/**
 * Releases a set: one rename takes it out of every later run's sight, then its folder is
 * deleted (a deletion that fails is finished by the next run). Returns false when another
 * run released it first.
 */
export function releaseSet(root: string, set: ClaimSet): boolean {
  const gone = join(root, CLAIMED, `${RELEASED_PREFIX}${set.id}`);
  try {
    renameSync(set.dir, gone);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
  rmSync(gone, { recursive: true, force: true });
  return true;
}
