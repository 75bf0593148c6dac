// Consolidation (SPEC §5): the protocol's steps, in order, for each way it runs.
//
//   claim     logs/active/*.jsonl → logs/active/.claimed/<set>/       (claim.ts)
//   batch     <set> → its batch files, decided once                     (batch.ts)
//   publish   batch files → logs/history/<day>/, never overwriting      (publish.ts)
//   stage     git add -f of those files, into the index being committed (../git/index-ops.ts)
//   release   delete a set once HEAD holds its batch files              (release.ts)
//
//   pre-commit  (in-commit mode)   release, claim, batch, publish, stage
//   post-commit (in-commit mode)   release (and repair the index after `git commit -o`)
//   post-commit (post-commit mode) release, claim, batch with a commit stamp, publish
//   manual `audit-hooks consolidate`: release, claim, batch, publish

import { unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { AuditHooksError } from '../errors.js';
import { listNames } from '../files.js';
import { indexHasChanges, stage } from '../git/index-ops.js';
import {
  findWorktreeRoot,
  operationInProgress,
  readHead,
  worktreeGitDir,
} from '../git/worktree.js';
import * as messages from '../messages.js';
import { CLAIM_CHECK_MS, detectRepoRoot, monotonicNow } from '../writer/index.js';
import { decideBatch } from './batch.js';
import { adoptLooseClaims, claimShards, pendingShards, type SkipHandler } from './claim.js';
import { type ClaimSet, listClaimSets } from './claim-sets.js';
import type { EntryLine } from './entry-line.js';
import { addSetTail, type Ledger, loadLedger } from './ledger.js';
import { acquireLock, type Lock } from './lock.js';
import { ACTIVE, CLAIMED, LOCK, VERIFIED_MARKER } from './paths.js';
import { publishSet } from './publish.js';
import { releaseHeld } from './release.js';
import { assertNoLinks, ensureSelfIgnoringFolder, kindOf } from './safe-folders.js';

/** Where in a commit this consolidation runs. */
export type Step = 'manual' | 'pre-commit' | 'post-commit';
/** When the trail is committed (SPEC §5): with the commit it belongs to, or with the next. */
export type Mode = 'in-commit' | 'post-commit';
export const MODES: readonly Mode[] = ['in-commit', 'post-commit'];

/** Options of {@link consolidate}. */
export interface ConsolidateOptions {
  /** Any folder inside the worktree (default: `process.cwd()`). */
  cwd?: string;
  /** Run as a git hook: nothing during a rebase, merge, cherry-pick or revert. */
  hook?: boolean;
  /** Which step (default `manual`). */
  step?: Step;
  /** Which mode the hooks were installed in (default `in-commit`). */
  mode?: Mode;
  /** The hook's environment, with git's GIT_INDEX_FILE (default `process.env`). */
  env?: NodeJS.ProcessEnv;
  /** Stamp this commit on entries without one; post-commit mode stamps HEAD by default. */
  commit?: string | false;
  /** How long a claimed shard's unterminated last line must stay unchanged before it counts as abandoned (ms). */
  settleMs?: number;
  /** How long to wait for another consolidation of this worktree before going ahead anyway (ms). */
  lockWaitMs?: number;
  /** Batch files are cut into parts of at most this many bytes (default 32 MiB). */
  maxBatchBytes?: number;
  /** Do nothing unless the pre-commit job of post-commit mode left its marker (no --no-verify). */
  requireMarker?: boolean;
}

/** A line that was not a valid entry, moved to `logs/quarantine/`. */
export interface QuarantinedLine {
  file: string;
  lines: number;
}

/** What a consolidation did. */
export interface ConsolidateResult {
  /** The worktree root. */
  root: string;
  /** Shards consumed. */
  shards: number;
  /** Entries written into new batch files. */
  entries: number;
  /** Sessions those entries came from. */
  sessions: string[];
  /** Copies of entries dropped (same id, same bytes). */
  duplicates: number;
  /** Batch files this run made (relative to the root). */
  batches: string[];
  /** Batch files staged into the commit being made (pre-commit step). */
  staged: string[];
  /** Claim sets released because HEAD holds their batches. */
  released: number;
  /** Batch files put back into the index after `git commit -o`. */
  restored: string[];
  quarantined: QuarantinedLine[];
  /** Shards and files left alone, with the reason (one warning each). */
  warnings: string[];
  /** Set when the step left the worktree alone, and why (`rebase`, `no-verify`, …). */
  skipped?: string;
}

// A commit should not wait long on another consolidation of the same worktree; correctness
// does not depend on the lock (see batch.ts), so past this wait the run goes ahead.
const HOOK_LOCK_WAIT_MS = 2_000;
const MANUAL_LOCK_WAIT_MS = 30_000;
const MAX_BATCH_BYTES = 32 * 1024 * 1024;

/** Runs the consolidation step `options.step` in the worktree of `options.cwd`. */
export async function consolidate(options: ConsolidateOptions = {}): Promise<ConsolidateResult> {
  const cwd = options.cwd ?? process.cwd();
  const env = options.env ?? process.env;
  const root = options.hook ? findWorktreeRoot(cwd, env) : detectRepoRoot(cwd);
  const step = options.step ?? 'manual';
  const mode = options.mode ?? 'in-commit';
  const result: ConsolidateResult = {
    root,
    shards: 0,
    entries: 0,
    sessions: [],
    duplicates: 0,
    batches: [],
    staged: [],
    released: 0,
    restored: [],
    quarantined: [],
    warnings: [],
  };
  if (options.hook) {
    const operation = operationInProgress(worktreeGitDir(root, env));
    if (operation !== undefined) return { ...result, skipped: operation };
  }
  const postCommitMode = step === 'post-commit' && mode === 'post-commit';
  if (options.requireMarker && !takeMarker(root)) {
    return { ...result, skipped: 'no-verify' };
  }
  assertNoLinks(root, CLAIMED);
  if (!hasWork(root)) return result;
  // Shards must never reach a commit, whatever the repository's ignore rules say (§4).
  ensureSelfIgnoringFolder(root, ACTIVE);

  const lock = await tryLock(
    root,
    options.hook ? HOOK_LOCK_WAIT_MS : MANUAL_LOCK_WAIT_MS,
    options.lockWaitMs,
  );
  try {
    const onSkip: SkipHandler = (file, reason) => result.warnings.push(`${file}: ${reason}`);
    adoptLooseClaims(root, onSkip);
    const found = listClaimSets(root);
    for (const set of found) {
      if (set.damaged !== undefined) {
        result.warnings.push(messages.damagedClaimSet(join(CLAIMED, set.id), set.damaged));
      }
    }
    const released = releaseHeld(root, found, env, {
      repairIndex: step === 'post-commit' && mode === 'in-commit',
    });
    result.released = released.sets;
    result.restored = released.restored;
    if (step === 'post-commit' && mode === 'in-commit') return result;

    // A commit with nothing staged ends in "nothing to commit" whatever the hook stages
    // (git decides before it runs the hook): leave the worktree as it is then.
    if (step === 'pre-commit' && !indexHasChanges(root, env))
      return { ...result, skipped: 'nothing to commit' };

    // Secrets never cross into git (§12): a bad configuration stops the run before any
    // shard is claimed.
    const redact = await loadRedactor(root);
    claimShards(root, onSkip);
    const sets = listClaimSets(root);
    const seenAt = monotonicNow();
    await decideAll(root, sets, result, {
      seenAt,
      redact,
      onSkip,
      settleMs: options.settleMs ?? 250,
      maxBatchBytes: options.maxBatchBytes ?? MAX_BATCH_BYTES,
      commit:
        options.commit === false
          ? undefined
          : (options.commit ?? (postCommitMode ? readHead(root, env) : undefined)),
    });
    const present: string[] = [];
    for (const set of sets) {
      if (set.manifest === undefined) continue;
      const published = publishSet(root, set, set.manifest);
      present.push(...published.present);
      for (const problem of published.problems) result.warnings.push(problem);
    }
    if (step === 'pre-commit') {
      stage(root, present, env);
      result.staged = present;
    }
  } finally {
    lock?.release();
  }
  return result;
}

/** True when there are shards or claim sets: anything for a step to do. */
function hasWork(root: string): boolean {
  if (pendingShards(root).length > 0) return true;
  return listNames(join(root, CLAIMED)).some((name) => !name.startsWith('.released-'));
}

async function decideAll(
  root: string,
  sets: ClaimSet[],
  result: ConsolidateResult,
  options: {
    /** When the sets were listed (monotonic ms): their claims were all complete by then. */
    seenAt: number;
    redact: (record: EntryLine) => EntryLine;
    onSkip: SkipHandler;
    settleMs: number;
    maxBatchBytes: number;
    commit: string | undefined;
  },
): Promise<void> {
  const sessions = new Set<string>();
  // Each set is decided against the ids of the released sets and of every other decided
  // set: a copy re-appended after their claim lands in a later set (one that sorts after
  // them, see newSetId), and dropping a copy whichever set holds the other is never a
  // loss. Built once, grown as sets are decided (reloading it per set cost the square).
  let ledger: Ledger | undefined;
  for (const set of sets) {
    if (set.manifest !== undefined || set.damaged !== undefined) continue;
    await waitOutClaimChecks(options.seenAt);
    ledger ??= loadLedger(root, sets);
    const manifest = await decideBatch(root, set, {
      settleMs: options.settleMs,
      redact: options.redact,
      commit: options.commit,
      ledger,
      maxBatchBytes: options.maxBatchBytes,
      onSkip: options.onSkip,
    });
    set.manifest = manifest;
    if (manifest === undefined) continue;
    addSetTail(ledger, set);
    result.shards += manifest.shards;
    result.entries += manifest.entries;
    result.duplicates += manifest.duplicates;
    result.batches.push(...manifest.batches.map((batch) => batch.path));
    for (const session of manifest.sessions) sessions.add(session);
    for (const file of manifest.quarantine)
      result.quarantined.push({ file: file.path, lines: file.lines });
  }
  result.sessions = [...sessions].sort();
}

/**
 * A writer checks that its shard was not claimed at most once per CLAIM_CHECK_MS (see
 * there, src/writer/audit-log.ts): what it wrote in between, unchecked, reached the file
 * by then. So no claimed shard is read before CLAIM_CHECK_MS have passed since its set was
 * seen (a set is seen only once its claim is complete). Timers wait at least as long as
 * asked on the same monotonic clock; the bound on rounds only keeps a clock that a test
 * froze from waiting forever.
 */
async function waitOutClaimChecks(seenAt: number): Promise<void> {
  for (let round = 0; round < 3; round++) {
    const left = seenAt + CLAIM_CHECK_MS - monotonicNow();
    if (left <= 0) return;
    await sleep(Math.ceil(left) + 1);
  }
}

// Loaded only when there is something to redact: the idle commit step never pays for it.
async function loadRedactor(root: string): Promise<(record: EntryLine) => EntryLine> {
  const { worktreeRedactor } = await import('../redact/redactor.js');
  return worktreeRedactor(root);
}

async function tryLock(
  root: string,
  defaultWait: number,
  waitMs: number | undefined,
): Promise<Lock | undefined> {
  try {
    return await acquireLock(join(root, LOCK), { waitMs: waitMs ?? defaultWait });
  } catch (error) {
    if (error instanceof AuditHooksError) return undefined; // busy: go ahead without it
    throw error;
  }
}

// The pre-commit job of post-commit mode leaves this marker; `git commit --no-verify` skips
// that job, so a post-commit step without the marker consolidates nothing (SPEC §5).
function takeMarker(root: string): boolean {
  const marker = join(root, VERIFIED_MARKER);
  if (kindOf(marker) === 'missing') return false;
  try {
    unlinkSync(marker);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  return true;
}
