// Faults, in the order they run: crashes (crashes.mjs), concurrency that does not trust the
// lock (concurrency.mjs), git changing logs/history under a consolidation (git-ops.mjs), and
// a disk or folders that refuse (disk.mjs). Each case runs in repositories of its own with
// the build installed as plain git hooks, and ends with a commit and the whole check.

import { caseResult } from './common.mjs';
import { clockStepBack, fourAtOnce, pidNamespace, stoppedPastLock } from './concurrency.mjs';
import { killAtEveryStep, randomKills, sharedShardWriterKilled } from './crashes.mjs';
import {
  diskFull,
  historyPathBlocked,
  readOnlyActive,
  readOnlyHistory,
  writerOnFullDisk,
} from './disk.mjs';
import { gitDuringConsolidation, sparseCheckout } from './git-ops.mjs';

const SIZES = {
  full: {
    randomKills: 120,
    writerEntries: 400,
    crashPoints: Number.POSITIVE_INFINITY,
    sharedKills: 40,
    sharedEntries: 4000,
    fourRounds: 30,
    fourWriterEntries: 3000,
    stopRounds: 4,
    nsRounds: 8,
    clockRounds: 5,
    gitRounds: 4,
    sparseCommits: 8,
    enospcLevels: 40,
  },
  ci: {
    randomKills: 16,
    writerEntries: 150,
    crashPoints: 12,
    sharedKills: 6,
    sharedEntries: 600,
    fourRounds: 3,
    fourWriterEntries: 400,
    stopRounds: 1,
    nsRounds: 2,
    clockRounds: 1,
    gitRounds: 1,
    sparseCommits: 2,
    enospcLevels: 6,
  },
};

const CASES = [
  ['sigkill-random', randomKills],
  ['sigkill-every-step', killAtEveryStep],
  ['sigkill-writer-mid-line', sharedShardWriterKilled],
  ['four-at-once', fourAtOnce],
  ['stopped-past-lock', stoppedPastLock],
  ['pid-namespace', pidNamespace],
  ['clock-step-back', clockStepBack],
  ['git-during-consolidation', gitDuringConsolidation],
  ['sparse-checkout', sparseCheckout],
  ['disk-full-consolidation', diskFull],
  ['disk-full-writer', writerOnFullDisk],
  ['read-only-history', readOnlyHistory],
  ['read-only-active', readOnlyActive],
  ['history-path-blocked', historyPathBlocked],
];

/** Every fault case, in order. */
export async function faults(build, size, progress = () => {}) {
  const s = SIZES[size];
  const cases = [];
  for (const [name, run] of CASES) {
    if (process.env.TORTURE_CASE && !process.env.TORTURE_CASE.split(',').includes(name)) continue;
    progress(`${name}…`);
    try {
      cases.push(await run(build, s, progress));
    } catch (error) {
      const failures = [`the case crashed: ${error.stack ?? error}`];
      cases.push(caseResult(name, 'crashed', {}, { lost: 0, altered: 0 }, failures, 0));
    }
  }
  return cases;
}
