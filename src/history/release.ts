// Step 5 of the protocol, release: a claim set is deleted only once HEAD holds every batch
// file it made. So an aborted commit (empty message, a failing commit-msg hook, nothing to
// commit) or a batch thrown away (git reset --hard, git stash -u) loses nothing: the set
// is still there, and the next commit publishes and stages it again.

import { headHolds, indexHolds, restoreFromHead } from '../git/index-ops.js';
import { type ClaimSet, releaseSet } from './claim-sets.js';
import { rememberReleased } from './ledger.js';
import { publishQuarantine } from './publish.js';

/** What {@link releaseHeld} did. */
export interface Released {
  /** Sets released. */
  sets: number;
  /** Batch files put back into the index (after `git commit -o`). */
  restored: string[];
}

/**
 * Releases the decided sets whose batch files HEAD holds. With `repairIndex` (the
 * post-commit step of in-commit mode) it first puts back into the index any of those files
 * that the index lacks: `git commit -o <path>` commits from a temporary index, so the real
 * one never got the batch, and the file would look deleted and untracked.
 */
export function releaseHeld(
  root: string,
  sets: readonly ClaimSet[],
  env: NodeJS.ProcessEnv,
  options: { repairIndex: boolean },
): Released {
  const decided = sets.filter((set) => set.manifest !== undefined);
  const result: Released = { sets: 0, restored: [] };
  if (decided.length === 0) return result;
  const paths = decided.flatMap((set) => set.manifest?.batches.map((batch) => batch.path) ?? []);
  const held = headHolds(root, paths, env);
  // A set is done once HEAD holds its batch files and its quarantine is in place (a set
  // of bad lines only has no batch file: its quarantine is all it made).
  const releasable = decided.filter(
    (set) =>
      (set.manifest?.batches ?? []).every((batch) => held.has(batch.path)) &&
      quarantinePublished(root, set),
  );
  if (options.repairIndex) {
    const ours = releasable.flatMap((set) => set.manifest?.batches.map((b) => b.path) ?? []);
    const inIndex = indexHolds(root, ours, env);
    result.restored = ours.filter((path) => !inIndex.has(path));
    restoreFromHead(root, result.restored, env);
  }
  for (const set of releasable) {
    rememberReleased(root, set);
    if (releaseSet(root, set)) result.sets++;
  }
  return result;
}

function quarantinePublished(root: string, set: ClaimSet): boolean {
  return set.manifest !== undefined && publishQuarantine(root, set, set.manifest);
}
