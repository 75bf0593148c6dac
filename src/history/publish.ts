// Step 3 of the protocol, publish: put a decided set's batch files into `logs/history/`
// (and its quarantine into `logs/quarantine/`) with link(2), which creates a name atomically
// and fails if it exists. So a batch file appears whole or not at all, and nothing already
// in `logs/history/` — ours, or what git put there — is ever overwritten (SPEC §5.1, §5.7).
// A file that went missing (git reset --hard, git stash -u, git clean) is linked again.
import {
  closeSync,
  constants,
  copyFileSync,
  linkSync,
  lstatSync,
  openSync,
  readSync,
  unlinkSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import * as messages from '../messages.js';
import { type ClaimSet, type Manifest, RUN_PREFIX } from './claim-sets.js';
import { HISTORY, QUARANTINE } from './paths.js';
import { ensureFolder, ensureSelfIgnoringFolder } from './safe-folders.js';

/** What publishing a set did. */
export interface Published {
  /** Batch files linked into the history by this call (relative to the root). */
  linked: string[];
  /** Batch files that are there (linked now or before), relative to the root. */
  present: string[];
  /** Messages about files that could not be published (the set is then not released). */
  problems: string[];
}

/** Publishes the batch files and quarantine of `set` as its manifest decided them. */
export function publishSet(root: string, set: ClaimSet, manifest: Manifest): Published {
  const run = join(set.dir, `${RUN_PREFIX}${manifest.run}`);
  const result: Published = { linked: [], present: [], problems: [] };
  for (const batch of manifest.batches) {
    const staged = join(run, 'history', batch.path.slice(HISTORY.length + 1));
    ensureFolder(root, dirname(batch.path));
    const outcome = publishCopy(staged, join(root, batch.path));
    if (outcome === 'linked') result.linked.push(batch.path);
    if (outcome === 'linked' || outcome === 'same') result.present.push(batch.path);
    if (outcome === 'other') result.problems.push(messages.batchNameTaken(batch.path));
  }
  publishQuarantine(root, set, manifest);
  return result;
}

/** Publishes the quarantine files of `set`; true when each is in `logs/quarantine/`. */
export function publishQuarantine(root: string, set: ClaimSet, manifest: Manifest): boolean {
  if (manifest.quarantine.length === 0) return true;
  ensureSelfIgnoringFolder(root, QUARANTINE);
  const run = join(set.dir, `${RUN_PREFIX}${manifest.run}`);
  return manifest.quarantine.every((file) => {
    const staged = join(run, 'quarantine', file.path.slice(QUARANTINE.length + 1));
    const outcome = publishCopy(staged, join(root, file.path));
    return outcome === 'linked' || outcome === 'same';
  });
}

/**
 * Publishes a copy of `from` at `to`, unless `to` exists (see {@link linkNoClobber}). The copy
 * (a reflink where the file system has them) is made beside `from`, then linked into place
 * and its temporary name removed, all before the file is staged: the published file shares
 * no inode with the run's copy, so releasing the set later changes nothing git has looked
 * at (a shared inode's link count and ctime would change, and git would see the file as
 * modified: `git status` re-reads it, `git sparse-checkout` leaves it behind).
 */
export function publishCopy(from: string, to: string): 'linked' | 'same' | 'other' | 'gone' {
  const temp = join(
    dirname(from),
    `.publish-${process.pid}-${Math.random().toString(36).slice(2)}`,
  );
  try {
    copyFileSync(from, temp, constants.COPYFILE_FICLONE);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'gone';
    throw error;
  }
  try {
    return linkNoClobber(temp, to);
  } finally {
    try {
      unlinkSync(temp);
    } catch {
      // gone with its set
    }
  }
}

/**
 * Links `from` to `to` unless `to` exists: `linked`, `same` (already there with the same
 * bytes), `other` (another file holds the name), `gone` (the staged file went away: the set
 * was released meanwhile).
 */
function linkNoClobber(from: string, to: string): 'linked' | 'same' | 'other' | 'gone' {
  try {
    linkSync(from, to);
    return 'linked';
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return 'gone';
    if (code !== 'EEXIST') throw error;
  }
  try {
    return sameFile(from, to) ? 'same' : 'other';
  } catch (error) {
    // The set was released meanwhile (by a commit's post-commit step, in a run that went
    // ahead without the lock): its folder, and `from` with it, is gone.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'gone';
    throw error;
  }
}

function sameFile(a: string, b: string): boolean {
  let sa: ReturnType<typeof lstatSync>;
  let sb: ReturnType<typeof lstatSync>;
  try {
    sa = lstatSync(a);
    sb = lstatSync(b);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw error;
    return false;
  }
  if (!sa.isFile() || !sb.isFile()) return false;
  if (sa.ino === sb.ino && sa.dev === sb.dev) return true;
  return sa.size === sb.size && sameBytes(a, b, sa.size);
}

function sameBytes(a: string, b: string, size: number): boolean {
  const fa = openSync(a, 'r');
  const fb = openSync(b, 'r');
  try {
    const ba = Buffer.allocUnsafe(Math.min(size, 1024 * 1024) || 1);
    const bb = Buffer.allocUnsafe(ba.length);
    for (let offset = 0; offset < size; ) {
      const na = readSync(fa, ba, 0, ba.length, offset);
      const nb = readSync(fb, bb, 0, bb.length, offset);
      if (na !== nb || na === 0 || !ba.subarray(0, na).equals(bb.subarray(0, nb))) return false;
      offset += na;
    }
    return true;
  } finally {
    closeSync(fa);
    closeSync(fb);
  }
}
