import { mkdirSync, readdirSync, readFileSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { loadRedactionRules } from '../redact/config.js';
import { type RedactionRules, redactEntry } from '../redact/redact.js';
import { redactor } from '../redact/redactor.js';
import { detectRepoRoot } from '../writer/index.js';
import {
  compareEntryLines,
  type EntryLine,
  parseLine,
  partitionDay,
  splitLines,
} from './entry-line.js';
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

function names(dir: string): string[] {
  try {
    return readdirSync(dir).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

function check(root: string, rules: RedactionRules): VerifyResult {
  const findings: Finding[] = [];
  const firstSeen = new Map<string, string>();
  let partitions = 0;
  let entries = 0;
  for (const name of names(join(root, HISTORY))) {
    const file = join(HISTORY, name);
    if (TEMP_NAME.test(name)) {
      findings.push({ file, line: 0, problem: 'stray temp file left by an interrupted write' });
      continue;
    }
    const day = PARTITION_NAME.exec(name)?.[1];
    if (day === undefined) continue;
    partitions++;
    const { lines, partial } = splitLines(readFileSync(join(root, file), 'utf8'));
    if (partial !== undefined) lines.push(partial);
    let previous: EntryLine | undefined;
    lines.forEach((text, index) => {
      const line = index + 1;
      if (text.trim() === '') return;
      const parsed = parseLine(text);
      if ('problem' in parsed) {
        findings.push({ file, line, problem: `not a valid entry (${parsed.problem})` });
        return;
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
    });
  }
  return { root, partitions, entries, findings, fixed: [], remaining: findings };
}

async function repair(
  root: string,
  result: VerifyResult,
  transform: (line: EntryLine) => EntryLine,
): Promise<void> {
  const byDay = new Map<string, Located[]>();
  const seen = new Map<string, string>();
  const unreadable: Array<{ file: string; line: number; text: string; problem: string }> = [];
  const partitionNames = names(join(root, HISTORY)).filter((name) => PARTITION_NAME.test(name));
  for (const name of partitionNames) {
    const file = join(HISTORY, name);
    const { lines, partial } = splitLines(readFileSync(join(root, file), 'utf8'));
    if (partial !== undefined) lines.push(partial);
    lines.forEach((text, index) => {
      if (text.trim() === '') return;
      const parsed = parseLine(text);
      if ('problem' in parsed) {
        unreadable.push({ file, line: index + 1, text, problem: parsed.problem });
        return;
      }
      const first = seen.get(parsed.record.entry.id);
      if (first !== undefined) {
        // The first copy stays; a copy with other content is kept in quarantine.
        if (first !== text)
          unreadable.push({
            file,
            line: index + 1,
            text,
            problem: 'duplicate id with other content',
          });
        return;
      }
      seen.set(parsed.record.entry.id, text);
      const record = transform(parsed.record);
      const day = partitionDay(record);
      const list = byDay.get(day) ?? [];
      list.push({ record, file, line: index + 1 });
      byDay.set(day, list);
    });
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
      unreadable
        .map(
          (item) =>
            `${JSON.stringify({ source: item.file, line: item.line, problem: item.problem, text: item.text })}\n`,
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
  for (const name of partitionNames) {
    const day = PARTITION_NAME.exec(name)?.[1] as string;
    if (!byDay.has(day)) {
      unlinkSync(join(root, HISTORY, name));
      result.fixed.push(join(HISTORY, name));
    }
  }
  for (const name of names(join(root, HISTORY)).filter((n) => TEMP_NAME.test(n))) {
    unlinkSync(join(root, HISTORY, name));
    result.fixed.push(join(HISTORY, name));
  }
}
