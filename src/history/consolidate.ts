import { lstatSync, mkdirSync, readFileSync, renameSync, unlinkSync } from 'node:fs';
import { basename, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { AuditHooksError } from '../errors.js';
import { listNames } from '../files.js';
import {
  findWorktreeRoot,
  operationInProgress,
  readHead,
  worktreeGitDir,
} from '../git/worktree.js';
import * as messages from '../messages.js';
import { decodeLine } from '../read/decode-line.js';
import { detectRepoRoot } from '../writer/index.js';
import { compareEntryLines, type EntryLine, partitionDay } from './entry-line.js';
import { acquireLock } from './lock.js';
import { readPartition, writeAtomic } from './partition.js';
import { ACTIVE, CLAIMED, HISTORY, LOCK, partitionFile, QUARANTINE, TEMP_NAME } from './paths.js';

/** Options of {@link consolidate}. */
export interface ConsolidateOptions {
  /** Any folder inside the worktree (default: `process.cwd()`). */
  cwd?: string;
  /** Hook mode: skip while a rebase, merge, cherry-pick or revert is in progress. */
  hook?: boolean;
  /** How long a claimed shard's unterminated last line must stay unchanged before it counts as abandoned (ms). */
  settleMs?: number;
  /** How long to wait for another consolidation of this worktree (ms). */
  lockWaitMs?: number;
  /**
   * The commit to stamp on entries that have none (SPEC §13). Hook mode stamps HEAD by
   * default; pass `false` to stamp nothing.
   */
  commit?: string | false;
}

/** A line that was not a valid entry, moved to `logs/quarantine/`. */
export interface QuarantinedLine {
  /** The shard it came from, relative to the worktree root. */
  source: string;
  /** 1-based line number in that shard. */
  line: number;
  problem: string;
  /** The quarantine file that holds it, relative to the worktree root. */
  file: string;
}

/** What a consolidation did. */
export interface ConsolidateResult {
  /** The worktree root. */
  root: string;
  /** Shards consumed (including claims a killed run left behind). */
  shards: number;
  /** Entries added to the history. */
  entries: number;
  /** Copies of entries already in the history or seen twice (dropped: same id, same content). */
  duplicates: number;
  /** Partitions rewritten, relative to the root. */
  partitions: string[];
  quarantined: QuarantinedLine[];
  /** Set when hook mode left the worktree alone, e.g. `rebase`. */
  skipped?: string;
}

// A commit should not hang on another worktree process: wait briefly, then leave the
// entries for the next run.
const HOOK_LOCK_WAIT_MS = 5_000;

// `ignoreBOM` keeps a byte-order mark in the text, so a quarantined line keeps its bytes.
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Moves every complete entry of every shard in `logs/active/` into the daily partitions
 * of `logs/history/`, then removes what it consumed. See SPEC §5 for the guarantees.
 */
export async function consolidate(options: ConsolidateOptions = {}): Promise<ConsolidateResult> {
  const cwd = options.cwd ?? process.cwd();
  const root = options.hook ? findWorktreeRoot(cwd) : detectRepoRoot(cwd);
  const result: ConsolidateResult = {
    root,
    shards: 0,
    entries: 0,
    duplicates: 0,
    partitions: [],
    quarantined: [],
  };
  if (options.hook) {
    const operation = operationInProgress(worktreeGitDir(root));
    if (operation !== undefined) return { ...result, skipped: operation };
  }
  // The common case in a hook: nothing pending. Answer without a lock or a write.
  if (pendingShards(root).length === 0 && listClaims(root).length === 0) return result;

  mkdirSync(join(root, ACTIVE), { recursive: true });
  const lock = await acquireLock(join(root, LOCK), {
    waitMs: options.lockWaitMs ?? (options.hook ? HOOK_LOCK_WAIT_MS : 30_000),
  });
  try {
    sweepTempFiles(join(root, HISTORY));
    sweepTempFiles(join(root, QUARANTINE));
    // Secrets never cross into git (§12); a bad configuration stops us before any claim.
    const { worktreeRedactor } = await import('../redact/redactor.js');
    const redact = worktreeRedactor(root);
    claimShards(root);
    const claims = listClaims(root);
    const commit = options.commit ?? (options.hook ? readHead(root) : undefined);
    const prepare = (record: EntryLine): EntryLine => {
      const redacted = redact(record);
      return commit && redacted.entry.commit === undefined
        ? withCommit(redacted, commit)
        : redacted;
    };
    await consume(root, claims, options.settleMs ?? 250, result, prepare, redact);
  } finally {
    lock.release();
  }
  return result;
}

/** Regular `*.jsonl` files in `dir`; symlinks are never followed or moved. */
function regularJsonl(dir: string): string[] {
  return listNames(dir).filter((name) => {
    if (!name.endsWith('.jsonl')) return false;
    try {
      return lstatSync(join(dir, name)).isFile();
    } catch (error) {
      // Claimed by a concurrent run between the listing and this look.
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw error;
    }
  });
}

function pendingShards(root: string): string[] {
  return regularJsonl(join(root, ACTIVE));
}

// Claims are moved into `logs/active/.claimed/` and deleted from it: through a symbolic
// link, that would move shards out of the repository and consume files outside it.
function claimedFolderExists(root: string): boolean {
  try {
    if (lstatSync(join(root, CLAIMED)).isDirectory()) return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
  throw new AuditHooksError(messages.claimedNotFolder(CLAIMED));
}

function listClaims(root: string): string[] {
  return claimedFolderExists(root) ? regularJsonl(join(root, CLAIMED)).sort() : [];
}

// A claim keeps the shard's name (so quarantine can name the source) plus a unique tail.
const CLAIM_SEPARATOR = '~';

function claimShards(root: string): void {
  const shards = pendingShards(root);
  if (shards.length === 0) return;
  if (!claimedFolderExists(root)) mkdirSync(join(root, CLAIMED));
  const run = `${Date.now()}-${process.pid}`;
  shards.forEach((name, index) => {
    const claim = `${basename(name, '.jsonl')}${CLAIM_SEPARATOR}${run}-${index}.jsonl`;
    try {
      renameSync(join(root, ACTIVE, name), join(root, CLAIMED, claim));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  });
}

function sourceOfClaim(claim: string): string {
  const base = claim.slice(0, claim.lastIndexOf(CLAIM_SEPARATOR));
  return join(ACTIVE, `${base || basename(claim, '.jsonl')}.jsonl`);
}

function sweepTempFiles(dir: string): void {
  for (const name of listNames(dir)) {
    if (TEMP_NAME.test(name)) unlinkSync(join(dir, name));
  }
}

interface Rejected {
  line: number;
  problem: string;
  bytes: Buffer;
}

async function consume(
  root: string,
  claims: string[],
  settleMs: number,
  result: ConsolidateResult,
  prepare: (record: EntryLine) => EntryLine,
  redact: (record: EntryLine) => EntryLine,
): Promise<void> {
  const fresh = new Map<string, EntryLine>();
  const origins = new Map<EntryLine, { claim: string; line: number; bytes: Buffer }>();
  const rejectedByClaim = new Map<string, Rejected[]>();
  for (const claim of claims) {
    const rejected: Rejected[] = [];
    const data = await readSettled(join(root, CLAIMED, claim), settleMs);
    for (const item of splitBytes(data)) {
      let parsed = decodeLine(item.bytes);
      let bytes = item.bytes;
      if (parsed === undefined) continue;
      if ('problem' in parsed) {
        const glued = item.partial ? undefined : afterTornLine(item.bytes);
        if (glued === undefined) {
          rejected.push({
            line: item.line,
            problem: item.partial ? messages.partialLine : parsed.problem,
            bytes: item.bytes,
          });
          continue;
        }
        rejected.push({ line: item.line, problem: messages.tornLine, bytes: glued.torn });
        parsed = { record: glued.record };
        bytes = glued.bytes;
      }
      const record = parsed.record;
      const seen = fresh.get(record.entry.id);
      if (seen === undefined) {
        fresh.set(record.entry.id, record);
        origins.set(record, { claim, line: item.line, bytes });
      } else if (sameEntry(seen, record)) result.duplicates++;
      else rejected.push({ line: item.line, problem: messages.conflictingId, bytes });
    }
    if (rejected.length > 0) rejectedByClaim.set(claim, rejected);
  }

  const byDay = new Map<string, EntryLine[]>();
  for (const record of fresh.values()) {
    const day = partitionDay(record);
    const list = byDay.get(day);
    if (list === undefined) byDay.set(day, [record]);
    else list.push(record);
  }

  // Outputs first: partitions, then quarantine; the claims go last.
  for (const day of [...byDay.keys()].sort()) {
    const records = byDay.get(day) as EntryLine[];
    const file = partitionFile(day);
    const existing = readPartition(join(root, file), root);
    const known = new Map(existing.records.map((record) => [record.entry.id, record]));
    const added: EntryLine[] = [];
    for (const record of records) {
      const old = known.get(record.entry.id);
      const ready = prepare(record);
      if (old === undefined) added.push(ready);
      // The history copy went through the same redaction (maybe with older rules).
      else if (sameEntry(redact(old), ready)) result.duplicates++;
      else {
        // Same id, other content: keep the history's copy, quarantine this one.
        const origin = origins.get(record) as { claim: string; line: number; bytes: Buffer };
        const list = rejectedByClaim.get(origin.claim) ?? [];
        list.push({
          line: origin.line,
          problem: messages.conflictingHistoryId,
          bytes: origin.bytes,
        });
        rejectedByClaim.set(origin.claim, list);
      }
    }
    if (added.length === 0) continue;
    added.sort(compareEntryLines);
    const last = existing.records.at(-1);
    const merged =
      existing.sorted && (last === undefined || compareEntryLines(last, added[0] as EntryLine) < 0)
        ? [...existing.records, ...added]
        : [...existing.records, ...added].sort(compareEntryLines);
    mkdirSync(join(root, HISTORY), { recursive: true });
    await writeAtomic(join(root, file), merged.map((record) => `${record.line}\n`).join(''));
    result.entries += added.length;
    result.partitions.push(file);
  }

  for (const [claim, rejected] of rejectedByClaim) {
    const source = sourceOfClaim(claim);
    const file = join(QUARANTINE, claim);
    mkdirSync(join(root, QUARANTINE), { recursive: true });
    const lines = rejected.map((item) => `${JSON.stringify(quarantineRecord(source, item))}\n`);
    await writeAtomic(join(root, file), lines.join(''));
    for (const item of rejected) {
      result.quarantined.push({ source, line: item.line, problem: item.problem, file });
    }
  }

  for (const claim of claims) unlinkSync(join(root, CLAIMED, claim));
  result.shards += claims.length;
}

// A consolidated entry may have gained fields on the way (the commit stamp); two copies
// are the same entry when all else is equal.
function sameEntry(a: EntryLine, b: EntryLine): boolean {
  if (a.line === b.line) return true;
  const { commit: _a, redacted: _ra, ...restA } = a.entry;
  const { commit: _b, redacted: _rb, ...restB } = b.entry;
  return JSON.stringify(restA) === JSON.stringify(restB);
}

// The commit goes into the line as it was written, not into a re-serialization of it: the
// caller's bytes (numbers beyond double precision, escapes, spacing) stay as they were.
function withCommit(record: EntryLine, commit: string): EntryLine {
  const end = record.line.lastIndexOf('}');
  const line = `${record.line.slice(0, end)},"commit":${JSON.stringify(commit)}${record.line.slice(end)}`;
  return { ...record, entry: { ...record.entry, commit }, line };
}

// Every line a writer makes starts like this (the envelope puts `id` first).
const ENTRY_START = Buffer.from('{"id":"');

/**
 * A writer killed mid-line leaves a torn line, and the next line another writer appends to
 * the shard is glued to it. That line is complete (one write), so it is the one suffix of
 * the glued line that parses as an entry: find it, and return it with the torn part.
 */
function afterTornLine(
  bytes: Buffer,
): { torn: Buffer; record: EntryLine; bytes: Buffer } | undefined {
  let start = bytes.indexOf(ENTRY_START, 1);
  for (let tries = 0; start !== -1 && tries < 16; tries++) {
    const rest = bytes.subarray(start);
    const parsed = decodeLine(rest);
    if (parsed !== undefined && 'record' in parsed) {
      return { torn: bytes.subarray(0, start), record: parsed.record, bytes: rest };
    }
    start = bytes.indexOf(ENTRY_START, start + 1);
  }
  return undefined;
}

function quarantineRecord(source: string, item: Rejected): object {
  let text: string | undefined;
  try {
    text = UTF8.decode(item.bytes);
  } catch {
    text = undefined;
  }
  return text === undefined
    ? { source, line: item.line, problem: item.problem, base64: item.bytes.toString('base64') }
    : { source, line: item.line, problem: item.problem, text };
}

interface ByteLine {
  line: number;
  bytes: Buffer;
  partial: boolean;
}

function* splitBytes(data: Buffer): Generator<ByteLine> {
  let start = 0;
  let line = 1;
  while (start < data.length) {
    const end = data.indexOf(0x0a, start);
    if (end === -1) {
      yield { line, bytes: data.subarray(start), partial: true };
      return;
    }
    yield { line, bytes: data.subarray(start, end), partial: false };
    start = end + 1;
    line++;
  }
}

// A writer whose write is in flight may not have finished its line when we read the
// claim: re-read until the file ends in a newline or stops changing for `settleMs`.
async function readSettled(path: string, settleMs: number): Promise<Buffer> {
  let data = readFileSync(path);
  let stableSince = Date.now();
  while (data.length > 0 && data[data.length - 1] !== 0x0a) {
    if (Date.now() - stableSince >= settleMs) break;
    await sleep(Math.min(10, settleMs));
    const again = readFileSync(path);
    if (again.length !== data.length) stableSince = Date.now();
    data = again;
  }
  return data;
}
