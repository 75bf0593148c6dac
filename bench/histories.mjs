// The committed histories the reading benchmarks share (tail, verify, verify --history):
// repositories whose `logs/history/` was made by commits of 1,000 entries each over 250 days
// (so 1,000,000 entries are 1,000 commits), with one rare session (3 entries: on the first,
// a middle and the last day) and two small live shards of today.
import { performance } from 'node:perf_hooks';
import { flushToDisk, generateCommittedHistory, writeLiveShards } from './history.mjs';
import { identityEnv, makeRepo } from './repo.mjs';

export const RARE_SESSION = 'rare-session-x';
export const HISTORY_DAYS = 250;
export const PER_COMMIT = 1000;

/** A repository holding a committed history of `size` entries: `{ size, root, bytes, commits }`. */
export async function makeHistoryRepo(size, { log } = {}) {
  const started = performance.now();
  const root = makeRepo();
  const made = await generateCommittedHistory(
    root,
    size,
    {
      days: HISTORY_DAYS,
      perBatch: PER_COMMIT,
      rare: { session: RARE_SESSION, days: [0, Math.floor(HISTORY_DAYS / 2), HISTORY_DAYS - 1] },
    },
    identityEnv(),
  );
  writeLiveShards(root);
  flushToDisk();
  log?.(
    `history of ${size.toLocaleString('en-US')} entries (${(made.bytes / 1e6).toFixed(0)} MB, ${made.commits} commits) made in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  return { size, root, ...made };
}
