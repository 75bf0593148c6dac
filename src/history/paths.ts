import { join } from 'node:path';

/** Where everything lives, relative to a worktree root. */
export const ACTIVE = join('logs', 'active');
/** Shards renamed here by a consolidation that is reading them (or was killed reading them). */
export const CLAIMED = join('logs', 'active', '.claimed');
export const HISTORY = join('logs', 'history');
export const QUARANTINE = join('logs', 'quarantine');
export const LOCK = join('logs', 'active', '.consolidate.lock');

/** `YYYY-MM-DD.jsonl`: a history partition. */
export const PARTITION_NAME = /^(\d{4}-\d{2}-\d{2})\.jsonl$/;
/** What write-file-atomic leaves behind when killed: `<file>.<uint32>`. */
export const TEMP_NAME = /^.+\.jsonl\.\d+$/;

export function partitionFile(day: string): string {
  return join(HISTORY, `${day}.jsonl`);
}
