// Step 2 of the protocol, batch: turn a claim set into its batch files, once.
//
// A run reads the set's shards, drops copies, sorts, redacts and writes the batch files
// and the quarantine into a folder of its own (`run-<token>/`), then links its manifest
// into the set: the first run to do so decides the set's batch, and any other run that
// raced it (a lock broken after a timeout, a run stopped with Ctrl-Z and resumed, one in
// another PID namespace) finds that manifest and adopts it. Only a decided manifest's files
// are ever published, so racing runs can waste work but never write two batches of one
// set. The batch files are named after their content, so the decision is also what a
// redo after a crash publishes: the same bytes under the same name.
import { randomBytes } from 'node:crypto';
import { closeSync, linkSync, mkdirSync, readSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { AuditHooksError } from '../errors.js';
import * as messages from '../messages.js';
import { decodeLine } from '../read/decode-line.js';
import type { SkipHandler } from './claim.js';
import {
  type BatchRecord,
  type ClaimSet,
  claimsOf,
  MANIFEST,
  type Manifest,
  type QuarantineRecord,
  RUN_PREFIX,
  readManifest,
} from './claim-sets.js';
import { type EntryLine, seqOf, sessionOf } from './entry-line.js';
import { EntryTable } from './entry-table.js';
import { IdIndex } from './id-index.js';
import { fingerprint, type Ledger, serializeTail, TAIL_IDS, TAIL_LINES } from './ledger.js';
import { ACTIVE, batchFile, compactStamp, QUARANTINE } from './paths.js';
import { quarantineRecord } from './quarantine-record.js';
import { openClaim, readClaimLines } from './read-claim.js';
import { ensureSelfIgnoringFolder, kindOf } from './safe-folders.js';
import { StagedFile } from './staged-file.js';

/** Options of {@link decideBatch}. */
export interface BatchOptions {
  /** How long a claim's unterminated last line must stay unchanged to count as abandoned (ms). */
  settleMs: number;
  /** Redaction of one entry (SPEC §12); returns the same record when nothing matched. */
  redact: (record: EntryLine) => EntryLine;
  /** Stamped as `commit` on entries without one (post-commit mode). */
  commit?: string | undefined;
  /** Ids recently consolidated (re-appended copies are dropped by it). */
  ledger: Ledger;
  /** A batch file is cut into parts of at most this many bytes (forges refuse huge files). */
  maxBatchBytes: number;
  onSkip: SkipHandler;
}

// Every line the writer makes starts like this (the envelope puts `id` first).
const ENTRY_START = Buffer.from('{"id":"');

/**
 * Decides the batch of `set` and returns its manifest (this run's, or the one another run
 * decided first); `undefined` when the set was released meanwhile.
 */
export async function decideBatch(
  root: string,
  set: ClaimSet,
  options: BatchOptions,
): Promise<Manifest | undefined> {
  if (set.manifest !== undefined) return set.manifest;
  const token = randomBytes(6).toString('hex');
  const runDir = join(set.dir, `${RUN_PREFIX}${token}`);
  try {
    mkdirSync(runDir); // not recursive: a released set is not brought back
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    const manifest = await buildRun(root, set, runDir, token, options);
    try {
      linkSync(join(runDir, MANIFEST), join(set.dir, MANIFEST));
      return manifest;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return undefined;
      if (code !== 'EEXIST') throw error;
      rmSync(runDir, { recursive: true, force: true });
      return readManifest(set.dir);
    }
  } catch (error) {
    rmSync(runDir, { recursive: true, force: true });
    // A run stopped (Ctrl-Z) past its lock wait may resume after another run decided,
    // committed and released this set: its folder is gone, and there is nothing to do.
    if (kindOf(set.dir) === 'missing') return undefined;
    throw error;
  }
}

interface Source {
  /** Absolute path of the claim. */
  path: string;
  /** Where the shard was before it was claimed (for quarantine records and messages). */
  file: string;
  sorted: boolean;
  first: number;
  end: number;
}

async function buildRun(
  root: string,
  set: ClaimSet,
  runDir: string,
  token: string,
  options: BatchOptions,
): Promise<Manifest> {
  const table = new EntryTable();
  const byId = new IdIndex((row) => table.idOf(row));
  const redactedLines = new Map<number, Buffer>();
  const sources: Source[] = [];
  const quarantine = new Quarantine(runDir, set.id);
  let duplicates = 0;

  for (const name of claimsOf(set)) {
    const source: Source = {
      path: join(set.dir, name),
      file: join(ACTIVE, name),
      sorted: true,
      first: table.size,
      end: table.size,
    };
    let fd: number;
    try {
      fd = openClaim(source.path);
    } catch (error) {
      giveBack(root, source, token, error, options.onSkip);
      continue;
    }
    const index = sources.length;
    const rejected: Array<{ line: number; problem: string; bytes: Buffer }> = [];
    try {
      await readClaimLines(fd, options.settleMs, ({ line, offset, bytes, partial }) => {
        let parsed = decodeLine(bytes);
        let start = 0;
        if (parsed === undefined) return;
        if ('problem' in parsed) {
          const glued = partial ? undefined : afterTornLine(bytes);
          if (glued === undefined) {
            rejected.push({
              line,
              problem: partial ? messages.partialLine : parsed.problem,
              bytes: Buffer.from(bytes),
            });
            return;
          }
          rejected.push({
            line,
            problem: messages.tornLine,
            bytes: Buffer.from(bytes.subarray(0, glued.start)),
          });
          parsed = { record: glued.record };
          start = glued.start;
        }
        const record = parsed.record;
        // Line framing is not the caller's data: a byte-order mark that starts the file and
        // a CR before the newline (an editor on Windows) stay out of the batch.
        const from = start;
        if (
          line === 1 &&
          start === 0 &&
          bytes[0] === 0xef &&
          bytes[1] === 0xbb &&
          bytes[2] === 0xbf
        )
          start = 3;
        const end =
          bytes.length > start && bytes[bytes.length - 1] === 0x0d
            ? bytes.length - 1
            : bytes.length;
        const lineBytes = bytes.subarray(start, end);
        // What quarantine keeps: the line as it was, framing and all.
        const raw = () => Buffer.from(bytes.subarray(from));
        const id = record.entry.id;
        const seen = byId.get(id);
        if (seen !== -1) {
          if (readRow(sources, table, seen, index, fd, source).equals(lineBytes)) duplicates++;
          else rejected.push({ line, problem: messages.conflictingId, bytes: raw() });
          return;
        }
        const known = options.ledger.size === 0 ? undefined : options.ledger.get(id);
        if (known !== undefined) {
          if (known === fingerprint(lineBytes)) duplicates++;
          else
            rejected.push({
              line,
              problem: messages.conflictingHistoryId,
              bytes: raw(),
            });
          return;
        }
        const row = table.push({
          instant: record.instant,
          seq: seqOf(record.entry.seq),
          offset: offset + start,
          length: lineBytes.length,
          source: index,
          stamped: record.entry.commit !== undefined,
          id,
          session: sessionOf(record.entry.session_id),
        });
        if (row > source.first && table.compare(row - 1, row) > 0) source.sorted = false;
        byId.add(id, row);
        const redacted = options.redact(record);
        if (redacted.line !== record.line) redactedLines.set(row, Buffer.from(redacted.line));
      });
    } catch (error) {
      // Unreadable halfway (EIO, …): forget its rows and give the shard back.
      closeSync(fd);
      for (let row = source.first; row < table.size; row++) {
        byId.delete(table.idOf(row));
        redactedLines.delete(row);
      }
      table.truncate(source.first);
      giveBack(root, source, token, error, options.onSkip);
      continue;
    }
    closeSync(fd);
    source.end = table.size;
    sources.push(source);
    for (const item of rejected) quarantine.add(source.file, item.line, item.problem, item.bytes);
  }
  byId.clear();

  const order = table.sortedOrder();
  // The last TAIL_LINES rows of each shard (rows of a shard are consecutive).
  const tailStart = sources.map((source) => Math.max(source.first, source.end - TAIL_LINES));
  const tail: Array<[string, string]> = [];
  const batches = writeBatches(
    runDir,
    table,
    order,
    sources,
    redactedLines,
    options,
    (row, bytes) => {
      if (row >= (tailStart[table.sources[row] as number] as number)) {
        tail.push([table.idOf(row), fingerprint(bytes)]);
      }
    },
  );
  // The run's own folder is new: its files are written as the batch files are (temp file,
  // fsync, rename), without loading write-file-atomic (~20 ms on every consolidating commit).
  writeWhole(runDir, TAIL_IDS, serializeTail(tail));
  const quarantined = quarantine.finish();

  const manifest: Manifest = {
    version: 2,
    set: set.id,
    run: token,
    made: Date.now(),
    ...(options.commit === undefined ? {} : { commit: options.commit }),
    batches,
    quarantine: quarantined,
    shards: sources.length,
    entries: table.size,
    duplicates,
    sessions: [...new Set(table.sessions)].sort(),
  };
  writeWhole(runDir, MANIFEST, `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

/** Writes `text` (ending in a newline) as `dir/name`, whole or not at all. */
function writeWhole(dir: string, name: string, text: string): void {
  const file = new StagedFile(dir);
  try {
    if (text !== '') file.writeLine(Buffer.from(text.slice(0, -1)));
    file.finish(() => name);
  } catch (error) {
    file.abort();
    throw error;
  }
}

// A claim that cannot be read (a mode 000 file, a read error) goes back to logs/active
// and is reported: it never holds up the other shards. Should that fail too, it goes to
// logs/quarantine; should that fail as well, the run stops without a decision, so the set
// (and the shard in it) stays, and is never released with a shard nobody read.
function giveBack(
  root: string,
  source: Source,
  token: string,
  error: unknown,
  onSkip: SkipHandler,
): void {
  const code = (error as NodeJS.ErrnoException).code ?? String(error);
  // One suffix, not one more per run: the name must not grow past what a folder holds.
  const base = source.file.slice(ACTIVE.length + 1).replace(/(\.returned-[0-9a-f]+)?\.jsonl$/, '');
  const places: Array<[() => string, string]> = [
    [() => join(root, ACTIVE, `${base}.returned-${token}.jsonl`), messages.shardUnreadable(code)],
    [
      () => join(ensureSelfIgnoringFolder(root, QUARANTINE), `unreadable-${token}-${base}.jsonl`),
      messages.shardMovedToQuarantine(code),
    ],
  ];
  for (const [place, message] of places) {
    try {
      renameSync(source.path, place());
      onSkip(source.file, message);
      return;
    } catch {
      // try the next place
    }
  }
  throw new AuditHooksError(messages.shardLeftInClaim(code));
}

function writeBatches(
  runDir: string,
  table: EntryTable,
  order: Uint32Array,
  sources: readonly Source[],
  redactedLines: ReadonlyMap<number, Buffer>,
  options: BatchOptions,
  onRow: (row: number, originalBytes: Buffer) => void,
): BatchRecord[] {
  const readers = sources.map((source) => new WindowReader(source.path));
  const stamp =
    options.commit === undefined
      ? undefined
      : Buffer.from(`,"commit":${JSON.stringify(options.commit)}`);
  const batches: BatchRecord[] = [];
  let file: StagedFile | undefined;
  let day = '';
  let dayNumber = Number.NaN;
  let dayDir = '';
  let last = 0;
  const close = () => {
    if (file === undefined) return;
    const done = file;
    file = undefined;
    const name = done.finish((sha) => `${compactStamp(last)}-${sha.slice(0, 20)}.jsonl`);
    batches.push({ path: batchFile(day, name), entries: done.lines, bytes: done.size });
  };
  try {
    for (const row of order) {
      const instant = table.instants[row] as number;
      const original = (readers[table.sources[row] as number] as WindowReader).read(
        table.offsets[row] as number,
        table.lengths[row] as number,
      );
      onRow(row, original);
      let bytes: Buffer = redactedLines.get(row) ?? original;
      if (stamp !== undefined && table.stamped[row] === 0) bytes = withStamp(bytes, stamp);
      const number = Math.floor(instant / 86_400_000);
      if (
        number !== dayNumber ||
        (file !== undefined &&
          file.size + bytes.length + 1 > options.maxBatchBytes &&
          file.lines > 0)
      ) {
        close();
        if (number !== dayNumber) {
          dayNumber = number;
          day = new Date(instant).toISOString().slice(0, 10);
          dayDir = join(runDir, 'history', day);
          mkdirSync(dayDir, { recursive: true });
        }
      }
      file ??= new StagedFile(dayDir);
      file.writeLine(bytes);
      last = instant;
    }
    close();
  } catch (error) {
    file?.abort();
    throw error;
  } finally {
    for (const reader of readers) reader.close();
  }
  return batches;
}

// `,"commit":"<sha>"` before the line's closing brace: the caller's bytes stay as they were.
function withStamp(bytes: Buffer, stamp: Buffer): Buffer {
  const end = bytes.lastIndexOf(0x7d);
  return Buffer.concat([bytes.subarray(0, end), stamp, bytes.subarray(end)]);
}

/** Reads lines back from a claim through a window, for the mostly sequential write pass. */
class WindowReader {
  private fd: number | undefined;
  private window = Buffer.alloc(0);
  private start = 0;

  constructor(private readonly path: string) {}

  read(offset: number, length: number): Buffer {
    if (offset < this.start || offset + length > this.start + this.window.length) {
      this.fd ??= openClaim(this.path);
      const size = Math.max(length, 1024 * 1024);
      const buffer = this.window.length >= size ? this.window : Buffer.allocUnsafe(size);
      let got = 0;
      while (got < length) {
        const n = readSync(this.fd, buffer, got, size - got, offset + got);
        if (n === 0) break;
        got += n;
      }
      if (got < length) throw new Error(`${this.path} shrank while it was being consolidated`);
      this.window = buffer.subarray(0, got);
      this.start = offset;
    }
    return this.window.subarray(offset - this.start, offset - this.start + length);
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

// The bytes of a row already in the table (to compare with a copy of its id).
function readRow(
  sources: readonly Source[],
  table: EntryTable,
  row: number,
  currentIndex: number,
  currentFd: number,
  current: Source,
): Buffer {
  const index = table.sources[row] as number;
  const length = table.lengths[row] as number;
  const offset = table.offsets[row] as number;
  const buffer = Buffer.allocUnsafe(length);
  if (index === currentIndex) {
    readSync(currentFd, buffer, 0, length, offset);
    return buffer;
  }
  const path = (sources[index] ?? current).path;
  const fd = openClaim(path);
  try {
    readSync(fd, buffer, 0, length, offset);
  } finally {
    closeSync(fd);
  }
  return buffer;
}

/**
 * A writer killed mid-line leaves a torn line, and the next line another writer appends to
 * the shard is glued to it. That line is complete (one write), so it is the one suffix of
 * the glued line that parses as an entry: find it.
 */
function afterTornLine(bytes: Buffer): { start: number; record: EntryLine } | undefined {
  let start = bytes.indexOf(ENTRY_START, 1);
  for (let tries = 0; start !== -1 && tries < 16; tries++) {
    const parsed = decodeLine(bytes.subarray(start));
    if (parsed !== undefined && 'record' in parsed) return { start, record: parsed.record };
    start = bytes.indexOf(ENTRY_START, start + 1);
  }
  return undefined;
}

/** The lines of a set that were not valid entries, streamed into the run's folder. */
class Quarantine {
  private file: StagedFile | undefined;
  private readonly dir: string;

  constructor(
    runDir: string,
    private readonly setId: string,
  ) {
    this.dir = join(runDir, 'quarantine');
  }

  add(source: string, line: number, problem: string, bytes: Buffer): void {
    if (this.file === undefined) {
      mkdirSync(this.dir);
      this.file = new StagedFile(this.dir);
    }
    this.file.writeLine(
      Buffer.from(JSON.stringify(quarantineRecord(source, line, problem, bytes))),
    );
  }

  finish(): QuarantineRecord[] {
    if (this.file === undefined) return [];
    const lines = this.file.lines;
    const name = this.file.finish(() => `${this.setId}.jsonl`);
    return [{ path: join(QUARANTINE, name), lines }];
  }
}
