// `audit-hooks verify` (SPEC §11): every history file parses, is in §3 order, every entry
// sits under its UTC day, no stray temp file, no link, each id once across the history.
//
// Batch files are never rewritten to repair them: the committed trail is what it is, and
// `verify --history` would (rightly) call a rewrite tampering. `--fix` only redacts secrets
// in them (SPEC §12) and deletes what an interrupted v1 write left behind; v1 partitions
// are still repaired in place as v1 did. What cannot be repaired without rewriting the
// trail is explained, with the git commands that would do it.
import { isUtf8 } from 'node:buffer';
import { createHash } from 'node:crypto';
import {
  closeSync,
  lstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  unlinkSync,
} from 'node:fs';
import { basename, join } from 'node:path';
import { listNames } from '../files.js';
import { gitMaybe } from '../git/git.js';
import * as messages from '../messages.js';
import { loadRedactionRules } from '../redact/config.js';
import type { RedactionRules } from '../redact/redact.js';
import { findSecretsInLine } from '../redact/redact-line.js';
import { redactor } from '../redact/redactor.js';
import { detectRepoRoot } from '../writer/index.js';
import { compareEntryLines, type EntryLine, parseLine, partitionDay } from './entry-line.js';
import { type HistoryFile, historyFiles } from './history-files.js';
import { IdColumn, IdIndex } from './id-index.js';
import { acquireLock } from './lock.js';
import { writeAtomic } from './partition.js';
import {
  ACTIVE,
  BATCH_NAME,
  HISTORY,
  LOCK,
  PARTITION_TEMP_NAME,
  partitionFile,
  QUARANTINE,
} from './paths.js';
import { quarantineRecord } from './quarantine-record.js';
import { eachLine } from './read-claim.js';
import { ensureSelfIgnoringFolder } from './safe-folders.js';
import { type LineRedactor, lineRedactor, onlyRedactedSince } from './verify-history.js';

/** Options of {@link verify}. */
export interface VerifyOptions {
  cwd?: string;
  /** Redact secrets in batch files; repair v1 partitions; delete v1's stray temp files. */
  fix?: boolean;
}

/** One problem in the history, at `file:line` (line 0: the file as a whole). */
export interface Finding {
  file: string;
  line: number;
  problem: string;
}

/** What verify found (and, with `fix`, what it changed). */
export interface VerifyResult {
  root: string;
  /** History files checked (batch files and v1 partitions). */
  files: number;
  entries: number;
  findings: Finding[];
  /** Not problems: the same entry (same id, same bytes) in two files; readers keep one. */
  notes: Finding[];
  /** Files rewritten, deleted or moved to quarantine by `fix`, relative to the root. */
  fixed: string[];
  /** With `fix`: what a check after the repair still finds (empty when all was fixed). */
  remaining: Finding[];
  /** How to repair what `fix` does not (batch files are never rewritten). */
  advice: string[];
  /** How many findings `fix` repairs (the others are edited batch files: see `advice`). */
  fixable: number;
}

/** Checks (and with `fix`, repairs what may be repaired) the history of `logs/history/`. */
export async function verify(options: VerifyOptions = {}): Promise<VerifyResult> {
  const root = detectRepoRoot(options.cwd ?? process.cwd());
  // Secrets are findings too, and --fix redacts them like consolidation would (§12).
  const rules = loadRedactionRules(root);
  const first = check(root, rules);
  if (!options.fix || first.findings.length === 0) return first;
  ensureSelfIgnoringFolder(root, ACTIVE);
  const lock = await acquireLock(join(root, LOCK));
  try {
    const result = check(root, rules);
    if (result.findings.length === 0) return result;
    await repair(root, result, redactor(rules));
    const after = check(root, rules);
    return { ...result, remaining: after.findings, advice: after.advice };
  } finally {
    lock.release();
  }
}

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Where each id was first seen: file index, line, byte offset and length, in typed columns,
 * with the ids themselves in an IdColumn and found through an IdIndex (a Map of a million
 * ids cost ~1 s and ~100 MB more).
 */
class Seen {
  private readonly ids = new IdColumn();
  private readonly index = new IdIndex((row) => this.ids.get(row));
  private size = 0;
  private file = new Int32Array(1024);
  private line = new Int32Array(1024);
  private offset = new Float64Array(1024);
  private length = new Int32Array(1024);

  get(id: string): { file: number; line: number; offset: number; length: number } | undefined {
    const row = this.index.get(id);
    if (row === -1) return undefined;
    return {
      file: this.file[row] as number,
      line: this.line[row] as number,
      offset: this.offset[row] as number,
      length: this.length[row] as number,
    };
  }

  add(id: string, file: number, line: number, offset: number, length: number): void {
    const row = this.size++;
    if (row === this.file.length) {
      const n = this.file.length * 2;
      this.file = grown(new Int32Array(n), this.file);
      this.line = grown(new Int32Array(n), this.line);
      this.offset = grown(new Float64Array(n), this.offset);
      this.length = grown(new Int32Array(n), this.length);
    }
    this.ids.set(row, id);
    this.index.add(id, row);
    this.file[row] = file;
    this.line[row] = line;
    this.offset[row] = offset;
    this.length[row] = length;
  }
}

function grown<T extends Int32Array | Float64Array>(to: T, from: T): T {
  to.set(from as never);
  return to;
}

function check(root: string, rules: RedactionRules): VerifyResult {
  const result: VerifyResult = {
    root,
    files: 0,
    entries: 0,
    findings: [],
    notes: [],
    fixed: [],
    remaining: [],
    advice: [],
    fixable: 0,
  };
  for (const name of listNames(join(root, HISTORY))) {
    if (PARTITION_TEMP_NAME.test(name)) {
      result.findings.push({ file: join(HISTORY, name), line: 0, problem: messages.strayTempFile });
    }
  }
  const redact = lineRedactor(root);
  const files = historyFiles(root, (warning) =>
    result.findings.push({ file: warning.file, line: 0, problem: warning.message }),
  );
  const seen = new Seen();
  const editedBatches = new Set<string>();
  for (const [index, file] of files.entries()) {
    if (!isRegularFile(file.path)) {
      result.findings.push({
        file: file.file,
        line: 0,
        problem: messages.historyNotRegular(file.file),
      });
      continue;
    }
    result.files++;
    const before = result.findings.length;
    if (file.kind === 'batch') checkName(root, file, result, redact);
    checkFile(files, index, file, rules, seen, result);
    if (file.kind === 'batch' && result.findings.length > before) {
      const onlySecrets = result.findings
        .slice(before)
        .every((finding) => finding.problem.startsWith('unredacted secret'));
      if (!onlySecrets) editedBatches.add(file.file);
    }
  }
  if (editedBatches.size > 0) result.advice.push(messages.batchAdvice([...editedBatches]));
  result.remaining = result.findings;
  result.fixable = result.findings.filter(
    (finding) =>
      !editedBatches.has(finding.file) || finding.problem.startsWith('unredacted secret'),
  ).length;
  return result;
}

// A batch file is named after the sha-256 of its bytes: a name that no longer matches
// says the file was changed after it was written. Compared with the version the commit
// that added it holds, a change that is only what the redaction rules make of it (what
// `verify --fix` does) is a note; anything else is a finding. A file no commit holds yet
// can only be judged by its markers.
function checkName(
  root: string,
  file: HistoryFile,
  result: VerifyResult,
  redact: LineRedactor,
): void {
  const named = BATCH_NAME.exec(basename(file.file))?.[2];
  const bytes = readFileSync(file.path);
  if (named === undefined || createHash('sha256').update(bytes).digest('hex').startsWith(named))
    return;
  const added = gitMaybe(root, ['log', '--diff-filter=A', '--format=%H', '-1', '--', file.file]);
  const commit = added?.trim();
  const original =
    commit === undefined || commit === ''
      ? undefined
      : gitMaybe(root, ['show', `${commit}:${file.file}`]);
  if (original !== undefined && Buffer.from(original).equals(bytes)) {
    result.findings.push({ file: file.file, line: 0, problem: messages.batchNameWrongFromStart });
    return;
  }
  const redacted =
    original === undefined
      ? bytes.includes(REDACTED_FIELD)
      : onlyRedactedSince(original, bytes.toString('utf8'), redact);
  if (redacted) {
    result.notes.push({ file: file.file, line: 0, problem: messages.batchRedactedSinceWritten });
  } else {
    result.findings.push({ file: file.file, line: 0, problem: messages.batchEditedSinceWritten });
  }
}

const REDACTED_FIELD = Buffer.from('"redacted":[');

function checkFile(
  files: readonly HistoryFile[],
  index: number,
  file: HistoryFile,
  rules: RedactionRules,
  seen: Seen,
  result: VerifyResult,
): void {
  const where = file.file;
  let previous: EntryLine | undefined;
  const fd = openSync(file.path, 'r');
  try {
    // Every entry of the file falls on its day: a range of instants, checked as numbers.
    const dayStart = Date.parse(`${file.day}T00:00:00.000Z`);
    const dayEnd = dayStart + 86_400_000;
    eachLine(fd, ({ line, offset, bytes }) => {
      // isUtf8 and a plain decode cost a fifth of the fatal TextDecoder.
      if (!isUtf8(bytes)) {
        result.findings.push({
          file: where,
          line,
          problem: `not a valid entry (${messages.notUtf8})`,
        });
        return;
      }
      let text = bytes.toString('utf8');
      if (line === 1 && text.startsWith('\uFEFF')) text = text.slice(1);
      if (text.endsWith('\r')) text = text.slice(0, -1);
      if (text.trim() === '') return;
      const parsed = parseLine(text);
      if ('problem' in parsed) {
        result.findings.push({
          file: where,
          line,
          problem: `not a valid entry (${parsed.problem})`,
        });
        return;
      }
      const record = parsed.record;
      result.entries++;
      const id = record.entry.id;
      const first = seen.get(id);
      if (first === undefined) seen.add(id, index, line, offset, bytes.length);
      else {
        const firstFile = files[first.file] as HistoryFile;
        const at = `${firstFile.file}:${first.line}`;
        const same = bytesAt(firstFile.path, first.offset, first.length).equals(bytes);
        if (first.file === index) {
          // Within one file: a v1 partition that --fix can repair, or an edited batch; a
          // copy --fix drops, or two contents it keeps both of.
          result.findings.push({
            file: where,
            line,
            problem: same
              ? `duplicate id ${id} (first at ${at})`
              : messages.idWithOtherContent(id, at),
          });
        } else if (same) {
          result.notes.push({ file: where, line, problem: messages.sameEntryTwice(id, at) });
        } else {
          result.findings.push({ file: where, line, problem: messages.idWithOtherContent(id, at) });
        }
      }
      const day =
        record.instant >= dayStart && record.instant < dayEnd ? file.day : partitionDay(record);
      if (day !== file.day) {
        result.findings.push({
          file: where,
          line,
          problem:
            file.kind === 'partition'
              ? `belongs in ${partitionFile(day)}`
              : `belongs under ${join(HISTORY, day)}/, not ${join(HISTORY, file.day)}/`,
        });
      }
      if (previous !== undefined && compareEntryLines(previous, record) > 0) {
        result.findings.push({
          file: where,
          line,
          problem: 'out of order (sorts before the line above)',
        });
      }
      if (rules.enabled) {
        // On the line's text: every copy of a duplicate key is looked at (§12).
        for (const secret of findSecretsInLine(record.line, rules)) {
          result.findings.push({
            file: where,
            line,
            problem: `unredacted secret (${secret.rule} at ${secret.path})`,
          });
        }
      }
      previous = record;
      return undefined;
    });
  } finally {
    closeSync(fd);
  }
}

function bytesAt(path: string, offset: number, length: number): Buffer {
  const buffer = Buffer.alloc(length);
  const fd = openSync(path, 'r');
  try {
    readSync(fd, buffer, 0, length, offset);
  } finally {
    closeSync(fd);
  }
  return buffer;
}

function isRegularFile(path: string): boolean {
  try {
    return lstatSync(path).isFile();
  } catch {
    return false;
  }
}

// The line's bytes as they were: as text when they are UTF-8, else as base64.

interface Located {
  record: EntryLine;
  file: string;
  line: number;
}

async function repair(
  root: string,
  result: VerifyResult,
  transform: (line: EntryLine) => EntryLine,
): Promise<void> {
  const files = historyFiles(root).filter((file) => isRegularFile(file.path));
  // Batch files: only their secrets are redacted, in place, every other byte kept.
  const withSecrets = new Set(
    result.findings
      .filter((finding) => finding.problem.startsWith('unredacted secret'))
      .map((finding) => finding.file),
  );
  for (const file of files) {
    if (file.kind !== 'batch' || !withSecrets.has(file.file)) continue;
    const text = readFileSync(file.path, 'utf8');
    const lines = text.split('\n');
    const redacted = lines.map((line) => {
      if (line.trim() === '') return line;
      const parsed = parseLine(line);
      return 'record' in parsed ? transform(parsed.record).line : line;
    });
    const next = redacted.join('\n');
    if (next !== text) {
      await writeAtomic(file.path, next);
      result.fixed.push(file.file);
    }
  }
  await repairPartitions(
    root,
    files.filter((file) => file.kind === 'partition'),
    result,
    transform,
  );
  for (const name of listNames(join(root, HISTORY)).filter((n) => PARTITION_TEMP_NAME.test(n))) {
    unlinkSync(join(root, HISTORY, name));
    result.fixed.push(join(HISTORY, name));
  }
}

// v1 partitions, repaired as v1 did: sorted, each id once, every entry in its day's
// partition, what cannot be parsed kept in quarantine.
async function repairPartitions(
  root: string,
  partitions: readonly HistoryFile[],
  result: VerifyResult,
  transform: (line: EntryLine) => EntryLine,
): Promise<void> {
  const touched = partitions.some((partition) =>
    result.findings.some((finding) => finding.file === partition.file),
  );
  if (!touched) return;
  const byDay = new Map<string, Located[]>();
  const seen = new Map<string, string>();
  const unreadable: Array<{ file: string; line: number; bytes: Buffer; problem: string }> = [];
  for (const partition of partitions) {
    const data = readFileSync(partition.path);
    let start = 0;
    for (let line = 1; start < data.length; line++) {
      const newline = data.indexOf(0x0a, start);
      const end = newline === -1 ? data.length : newline;
      const bytes = data.subarray(start, end);
      start = end + 1;
      let text: string;
      try {
        text = UTF8.decode(bytes);
      } catch {
        unreadable.push({ file: partition.file, line, bytes, problem: messages.notUtf8 });
        continue;
      }
      if (line === 1 && text.startsWith('\uFEFF')) text = text.slice(1);
      if (text.endsWith('\r')) text = text.slice(0, -1);
      if (text.trim() === '') continue;
      const parsed = parseLine(text);
      if ('problem' in parsed) {
        unreadable.push({ file: partition.file, line, bytes, problem: parsed.problem });
        continue;
      }
      const first = seen.get(parsed.record.entry.id);
      // A copy is dropped; an entry with the same id and other content is committed data
      // too, so it stays (the finding remains, for a person to decide).
      if (first === text) continue;
      if (first === undefined) seen.set(parsed.record.entry.id, text);
      const record = transform(parsed.record);
      const day = partitionDay(record);
      const list = byDay.get(day) ?? [];
      list.push({ record, file: partition.file, line });
      byDay.set(day, list);
    }
  }
  if (unreadable.length > 0) {
    const file = join(
      QUARANTINE,
      `verify-${new Date().toISOString().replaceAll(/[:.]/g, '')}.jsonl`,
    );
    ensureSelfIgnoringFolder(root, QUARANTINE);
    await writeAtomic(
      join(root, file),
      unreadable
        .map(
          (item) =>
            `${JSON.stringify(quarantineRecord(item.file, item.line, item.problem, item.bytes))}\n`,
        )
        .join(''),
    );
    result.fixed.push(file);
  }
  for (const [day, located] of [...byDay].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const file = partitionFile(day);
    const content = located
      .map((item) => item.record)
      .sort(compareEntryLines)
      .map((record) => `${record.line}\n`)
      .join('');
    let current: string | undefined;
    try {
      current = readFileSync(join(root, file), 'utf8');
    } catch {
      current = undefined;
    }
    if (current === content) continue;
    mkdirSync(join(root, HISTORY), { recursive: true });
    await writeAtomic(join(root, file), content);
    result.fixed.push(file);
  }
  for (const partition of partitions) {
    if (!byDay.has(partition.day)) {
      unlinkSync(partition.path);
      result.fixed.push(partition.file);
    }
  }
}
