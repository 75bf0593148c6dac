import { join } from 'node:path';

// Where everything lives, relative to a worktree root (SPEC §5 layout).

/** Session shards: local, self-ignoring (`.gitignore` holding `*`). */
export const ACTIVE = join('logs', 'active');
/** Claim sets: one folder per consolidation, kept until a commit holds its batches. */
export const CLAIMED = join('logs', 'active', '.claimed');
/** Ids at the tail of released claim sets: how re-appended copies are recognised later. */
export const LEDGER = join('logs', 'active', '.ledger');
/** The committed trail: `<UTC day>/<batch>.jsonl`, each file written once. */
export const HISTORY = join('logs', 'history');
/** Lines that were not valid entries: local, self-ignoring. */
export const QUARANTINE = join('logs', 'quarantine');
export const LOCK = join('logs', 'active', '.consolidate.lock');
/** Left by the pre-commit job of post-commit mode: the commit was not made with --no-verify. */
export const VERIFIED_MARKER = join('logs', 'active', '.pre-commit-ran');

/** `YYYY-MM-DD`: a day folder of the history. */
export const DAY_NAME = /^\d{4}-\d{2}-\d{2}$/;
/**
 * `<time of its last entry>-<sha-256 of its bytes, 20 hex>.jsonl`: a batch file. The name
 * sorts in the order batches were made and no two different batches share it.
 */
export const BATCH_NAME = /^(\d{8}T\d{9}Z)-([0-9a-f]{20})\.jsonl$/;
/** `YYYY-MM-DD.jsonl`: a v1 daily partition (read, never written). */
export const PARTITION_NAME = /^(\d{4}-\d{2}-\d{2})\.jsonl$/;
/** What write-file-atomic left behind when v1 was killed rewriting a partition. */
export const PARTITION_TEMP_NAME = /^\d{4}-\d{2}-\d{2}\.jsonl\.\d+$/;

/** `20261127T153303123Z`: an instant as it appears in batch and claim-set names. */
export function compactStamp(instant: number): string {
  return new Date(instant).toISOString().replaceAll(/[-:.]/g, '');
}

/** The instant a batch name carries (its last entry's), in ms since the epoch. */
export function instantOfStamp(stamp: string): number {
  const iso = `${stamp.slice(0, 4)}-${stamp.slice(4, 6)}-${stamp.slice(6, 8)}T${stamp.slice(9, 11)}:${stamp.slice(11, 13)}:${stamp.slice(13, 15)}.${stamp.slice(15, 18)}Z`;
  return Date.parse(iso);
}

/** `logs/history/<day>/<name>`, relative to the worktree root. */
export function batchFile(day: string, name: string): string {
  return join(HISTORY, day, name);
}

/** `logs/history/<day>.jsonl`: a v1 partition, relative to the worktree root. */
export function partitionFile(day: string): string {
  return join(HISTORY, `${day}.jsonl`);
}
