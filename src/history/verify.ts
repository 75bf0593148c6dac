import { lstatSync, mkdirSync, readFileSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { listNames } from '../files.js';
import * as messages from '../messages.js';
import { loadRedactionRules } from '../redact/config.js';
import { type RedactionRules, redactEntry } from '../redact/redact.js';
import { redactor } from '../redact/redactor.js';
import { detectRepoRoot } from '../writer/index.js';
import { compareEntryLines, type EntryLine, parseLine, partitionDay } from './entry-line.js';
import { acquireLock } from './lock.js';
import { writeAtomic } from './partition.js';
import { HISTORY, LOCK, PARTITION_NAME, partitionFile, QUARANTINE, TEMP_NAME } from './paths.js';

/** Options of {@link verify}. */
export interface VerifyOptions {
  cwd?: string;
  /** Repair order, duplicates and misplaced entries; quarantine unparseable lines. */
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
  partitions: number;
  entries: number;
  findings: Finding[];
  /** Files rewritten, deleted or moved to quarantine by `fix`, relative to the root. */
  fixed: string[];
  /** With `fix`: what a check after the repair still finds (empty when all was fixed). */
  remaining: Finding[];
}

interface Located {
  record: EntryLine;
  file: string;
  line: number;
}

/** Checks (and with `fix`, repairs) every partition of `logs/history/` (SPEC §11). */
export async function verify(options: VerifyOptions = {}): Promise<VerifyResult> {
  const root = detectRepoRoot(options.cwd ?? process.cwd());
  // Secrets are findings too, and --fix redacts them like consolidation would (§12).
  const rules = loadRedactionRules(root);
  if (!options.fix) return check(root, rules);
  mkdirSync(join(root, 'logs', 'active'), { recursive: true });
  const lock = await acquireLock(join(root, LOCK));
  try {
    const result = check(root, rules);
    if (result.findings.length === 0) return result;
    await repair(root, result, redactor(rules));
    return { ...result, remaining: check(root, rules).findings };
  } finally {
    lock.release();
  }
}

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

interface PartitionLine {
  line: number;
  /** The line as read (no BOM at the start of the file, no CR); undefined if not UTF-8. */
  text: string | undefined;
  bytes: Buffer;
}

// Decoded strictly: read leniently, a bad byte becomes U+FFFD and the line looks sound.
function partitionLines(path: string): PartitionLine[] {
  const data = readFileSync(path);
  const lines: PartitionLine[] = [];
  for (let start = 0, line = 1; start < data.length; line++) {
    const newline = data.indexOf(0x0a, start);
    const end = newline === -1 ? data.length : newline;
    const bytes = data.subarray(start, end);
    let text: string | undefined;
    try {
      text = UTF8.decode(bytes);
      if (line === 1 && text.startsWith('\uFEFF')) text = text.slice(1);
      if (text.endsWith('\r')) text = text.slice(0, -1);
    } catch {
      text = undefined;
    }
    lines.push({ line, text, bytes });
    start = end + 1;
  }
  return lines;
}

function isRegularFile(path: string): boolean {
  return lstatSync(path).isFile();
}

function check(root: string, rules: RedactionRules): VerifyResult {
  const findings: Finding[] = [];
  const firstSeen = new Map<string, string>();
  let partitions = 0;
  let entries = 0;
  for (const name of listNames(join(root, HISTORY))) {
    const file = join(HISTORY, name);
    if (TEMP_NAME.test(name)) {
      findings.push({ file, line: 0, problem: 'stray temp file left by an interrupted write' });
      continue;
    }
    const day = PARTITION_NAME.exec(name)?.[1];
    if (day === undefined) continue;
    if (!isRegularFile(join(root, file))) {
      findings.push({ file, line: 0, problem: messages.partitionNotFile(file) });
      continue;
    }
    partitions++;
    let previous: EntryLine | undefined;
    for (const { line, text } of partitionLines(join(root, file))) {
      if (text === undefined) {
        findings.push({ file, line, problem: `not a valid entry (${messages.notUtf8})` });
        continue;
      }
      if (text.trim() === '') continue;
      const parsed = parseLine(text);
      if ('problem' in parsed) {
        findings.push({ file, line, problem: `not a valid entry (${parsed.problem})` });
        continue;
      }
      const record = parsed.record;
      entries++;
      const where = `${file}:${line}`;
      const first = firstSeen.get(record.entry.id);
      if (first !== undefined) {
        findings.push({
          file,
          line,
          problem: `duplicate id ${record.entry.id} (first at ${first})`,
        });
      } else {
        firstSeen.set(record.entry.id, where);
      }
      if (partitionDay(record) !== day) {
        findings.push({ file, line, problem: `belongs in ${partitionFile(partitionDay(record))}` });
      }
      if (previous !== undefined && compareEntryLines(previous, record) > 0) {
        findings.push({ file, line, problem: 'out of order (sorts before the line above)' });
      }
      if (rules.enabled) {
        for (const secret of redactEntry(record.entry, rules).findings) {
          findings.push({
            file,
            line,
            problem: `unredacted secret (${secret.rule} at ${secret.path})`,
          });
        }
      }
      previous = record;
    }
  }
  return { root, partitions, entries, findings, fixed: [], remaining: findings };
}

// The line's bytes as they were: as text when they are UTF-8, else as base64.
function quarantineRecord(item: { file: string; line: number; bytes: Buffer; problem: string }) {
  const where = { source: item.file, line: item.line, problem: item.problem };
  try {
    return { ...where, text: UTF8.decode(item.bytes) };
  } catch {
    return { ...where, base64: item.bytes.toString('base64') };
  }
}

async function repair(
  root: string,
  result: VerifyResult,
  transform: (line: EntryLine) => EntryLine,
): Promise<void> {
  const byDay = new Map<string, Located[]>();
  const seen = new Map<string, string>();
  const unreadable: Array<{ file: string; line: number; bytes: Buffer; problem: string }> = [];
  // A partition that is not a regular file (a folder) is reported, never touched.
  const partitionNames = listNames(join(root, HISTORY)).filter(
    (name) => PARTITION_NAME.test(name) && isRegularFile(join(root, HISTORY, name)),
  );
  for (const name of partitionNames) {
    const file = join(HISTORY, name);
    for (const { line, text, bytes } of partitionLines(join(root, file))) {
      if (text === undefined) {
        unreadable.push({ file, line, bytes, problem: messages.notUtf8 });
        continue;
      }
      if (text.trim() === '') continue;
      const parsed = parseLine(text);
      if ('problem' in parsed) {
        unreadable.push({ file, line, bytes, problem: parsed.problem });
        continue;
      }
      const first = seen.get(parsed.record.entry.id);
      if (first !== undefined) {
        // The first copy stays; a copy with other content is kept in quarantine.
        if (first !== text) {
          unreadable.push({ file, line, bytes, problem: 'duplicate id with other content' });
        }
        continue;
      }
      seen.set(parsed.record.entry.id, text);
      const record = transform(parsed.record);
      const day = partitionDay(record);
      const list = byDay.get(day) ?? [];
      list.push({ record, file, line });
      byDay.set(day, list);
    }
  }

  // Outputs first: the quarantine, then every partition whose bytes change; deletions last.
  if (unreadable.length > 0) {
    const file = join(
      QUARANTINE,
      `verify-${new Date().toISOString().replaceAll(/[:.]/g, '')}.jsonl`,
    );
    mkdirSync(join(root, QUARANTINE), { recursive: true });
    await writeAtomic(
      join(root, file),
      unreadable.map((item) => `${JSON.stringify(quarantineRecord(item))}\n`).join(''),
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
  for (const name of partitionNames) {
    const day = PARTITION_NAME.exec(name)?.[1] as string;
    if (!byDay.has(day)) {
      unlinkSync(join(root, HISTORY, name));
      result.fixed.push(join(HISTORY, name));
    }
  }
  for (const name of listNames(join(root, HISTORY)).filter((n) => TEMP_NAME.test(n))) {
    unlinkSync(join(root, HISTORY, name));
    result.fixed.push(join(HISTORY, name));
  }
}
