// The end-state check: compares what is on disk (and in git) with what writers acknowledged,
// and says exactly what was lost, altered, duplicated, rewritten or left behind.
// Independent of src/: it re-implements the §3 order and the §5 layout rules it checks.
//
//   logs/history/<UTC day>/<stamp of the last entry>-<sha-256 of the bytes, 20 hex>.jsonl
//   logs/active/*.jsonl                 shards
//   logs/active/.claimed/<set>/*.jsonl  claims (their run-*/ folders hold a run's output)
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { expectedEntry } from './payload.mjs';

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const BATCH = /^(\d{8}T\d{9}Z)-([0-9a-f]{20})\.jsonl$/;
const PARTITION = /^(\d{4}-\d{2}-\d{2})\.jsonl$/;
/** What a killed writer of a temp file leaves: write-file-atomic's and the batch writer's. */
const TEMP = /(\.jsonl\.\d+$|(^|\/)\.tmp-[^/]*$)/;
const COMMIT_STAMP = /,"commit":"[0-9a-f]{40}"(?=}$)/;

/**
 * Everything below `dir`, recursively (absolute paths): folders with a trailing `/`,
 * symbolic links, FIFOs and the like with a trailing `@` (never read or followed).
 */
export function walk(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return [`${path}/`, ...walk(path)];
    return entry.isFile() ? [path] : [`${path}@`];
  });
}

/** Regular files below `dir`. */
export function files(dir) {
  return walk(dir).filter((path) => !path.endsWith('/') && !path.endsWith('@'));
}

/** Splits bytes into lines (without `\n`); `partial` is set for a last line without one. */
export function splitLines(bytes) {
  const lines = [];
  let start = 0;
  while (start < bytes.length) {
    const end = bytes.indexOf(0x0a, start);
    if (end === -1) {
      lines.push({ bytes: bytes.subarray(start), partial: true });
      break;
    }
    lines.push({ bytes: bytes.subarray(start, end), partial: false });
    start = end + 1;
  }
  return lines;
}

/** A line's entry, or undefined: strict UTF-8, BOM and CR tolerated, object with id and date. */
export function parseEntry(bytes) {
  let text;
  try {
    text = UTF8.decode(bytes);
  } catch {
    return undefined;
  }
  if (text.startsWith('\uFEFF')) text = text.slice(1);
  if (text.endsWith('\r')) text = text.slice(0, -1);
  let value;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  if (typeof value.id !== 'string' || value.id === '') return undefined;
  if (typeof value.timestamp !== 'string' || Number.isNaN(Date.parse(value.timestamp))) {
    return undefined;
  }
  return { entry: value, text };
}

/** §3 order: instant, session_id, seq, id (strings by code unit). */
export function compareEntries(a, b) {
  const str = (x, y) => (x < y ? -1 : x > y ? 1 : 0);
  return (
    Date.parse(a.timestamp) - Date.parse(b.timestamp) ||
    str(String(a.session_id ?? ''), String(b.session_id ?? '')) ||
    (Number.isFinite(a.seq) ? a.seq : 0) - (Number.isFinite(b.seq) ? b.seq : 0) ||
    str(a.id, b.id)
  );
}

/** `20261127T153303123Z`: an instant as a batch name carries it. */
export function compactStamp(instant) {
  return new Date(instant).toISOString().replaceAll(/[-:.]/g, '');
}

export function sha256(bytes) {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * The history files of `root` (relative to logs/history): v2 batch files, and v1 daily
 * partitions when `allowPartitions`. Anything else there is a finding, unless `expected`
 * (relative names of files a user or git put there) lists it; temp files are findings
 * unless `allowTemp`.
 */
export function historyFiles(root, failures, options = {}) {
  const dir = join(root, 'logs', 'history');
  const found = [];
  const expected = new Set(options.expected ?? []);
  for (const path of walk(dir)) {
    const name = relative(dir, path.replace(/[/@]$/, ''));
    if (expected.has(name) || [...expected].some((e) => name.startsWith(`${e}/`))) continue;
    const parts = name.split('/');
    if (path.endsWith('/')) {
      if (parts.length === 1 && DAY.test(name)) continue;
      failures.push(`stray folder in logs/history: ${name}`);
      continue;
    }
    if (TEMP.test(name)) {
      if (!options.allowTemp) failures.push(`temp file left in logs/history: ${name}`);
      continue;
    }
    if (path.endsWith('@')) {
      failures.push(`not a regular file in logs/history: ${name}`);
      continue;
    }
    if (parts.length === 2 && DAY.test(parts[0]) && BATCH.test(parts[1])) {
      found.push({ name, day: parts[0], kind: 'batch', path });
      continue;
    }
    if (parts.length === 1 && PARTITION.test(name) && options.allowPartitions) {
      found.push({ name, day: PARTITION.exec(name)[1], kind: 'partition', path });
      continue;
    }
    failures.push(`stray file in logs/history: ${name}`);
  }
  return found;
}

/**
 * Reads `logs/history`: every batch whole (final newline, every line an entry on the
 * batch's UTC day, in §3 order), named after its content (the stamp of its last entry, the
 * sha-256 of its bytes), and each id once across all files. `seen` (path → sha-256) carries
 * what earlier checks saw: a path whose bytes changed was rewritten, which never may happen.
 */
export function readHistory(root, failures, options = {}) {
  const byId = new Map();
  for (const file of historyFiles(root, failures, options)) {
    const bytes = readFileSync(file.path);
    const where0 = `logs/history/${file.name}`;
    if (options.seen !== undefined) {
      const hash = sha256(bytes);
      const before = options.seen.get(file.name);
      if (before !== undefined && before !== hash) failures.push(`${where0} was rewritten`);
      options.seen.set(file.name, hash);
    }
    let previous;
    const lines = splitLines(bytes);
    if (file.kind === 'batch') {
      const [, stamp, hash] = BATCH.exec(file.name.split('/')[1]);
      if (lines.length === 0) failures.push(`${where0}: an empty batch file`);
      if (!sha256(bytes).startsWith(hash)) {
        failures.push(`${where0}: its name does not match its bytes (half-written or edited?)`);
      }
      const last = lines.length > 0 ? parseEntry(lines.at(-1).bytes) : undefined;
      if (last !== undefined && compactStamp(Date.parse(last.entry.timestamp)) !== stamp) {
        failures.push(`${where0}: its name does not carry the instant of its last entry`);
      }
    }
    lines.forEach(({ bytes: line, partial }, index) => {
      const where = `${where0}:${index + 1}`;
      if (partial) failures.push(`${where}: no final newline (half-written file?)`);
      const parsed = parseEntry(line);
      if (parsed === undefined) {
        failures.push(`${where}: not a valid entry`);
        return;
      }
      const { entry, text } = parsed;
      if (text !== line.toString('utf8')) failures.push(`${where}: BOM or CR in history`);
      if (new Date(Date.parse(entry.timestamp)).toISOString().slice(0, 10) !== file.day) {
        failures.push(`${where}: entry ${entry.id} is not under its UTC day`);
      }
      if (previous !== undefined && compareEntries(previous, entry) >= 0) {
        failures.push(`${where}: id ${entry.id} is out of §3 order or repeated`);
      }
      previous = entry;
      const other = byId.get(entry.id);
      if (other !== undefined) {
        failures.push(`${where}: id ${entry.id} is in the history twice (also ${other.where})`);
      } else byId.set(entry.id, { entry, line: text, where });
    });
  }
  return byId;
}

/** What is wrong in logs/history right now (whole files, ids once, nothing rewritten since `seen`). */
export function historyFindings(root, seen, options = {}) {
  const failures = [];
  readHistory(root, failures, { ...options, seen });
  return failures;
}

/** Claims and shards: `logs/active/*.jsonl` and the `*.jsonl` of claim sets (not their runs). */
export function pendingFiles(root) {
  const active = join(root, 'logs', 'active');
  return files(active).filter((path) => {
    if (!path.endsWith('.jsonl')) return false;
    const rel = relative(active, path).split('/');
    if (rel.length === 1) return true;
    // .claimed/<set>/<shard>.jsonl, .claimed/.claiming-<set>/<shard>.jsonl, v1 loose claims
    return rel[0] === '.claimed' && (rel.length === 2 || rel.length === 3);
  });
}

/**
 * What git holds of the history: finds a batch file HEAD lacks, one that differs from HEAD,
 * or one that is not tracked (`clean`: the worktree must equal HEAD under logs/).
 */
export function checkCommitted(root, failures, env, expected = []) {
  const theirs = (file) =>
    expected.some(
      (name) => file === `logs/history/${name}` || file.startsWith(`logs/history/${name}/`),
    );
  const git = (...args) =>
    spawnSync('git', args, { cwd: root, env, encoding: 'utf8' }).stdout.trim();
  const untracked = git('ls-files', '-z', '--others', '--', 'logs/history')
    .split('\0')
    .filter(Boolean);
  for (const file of untracked.filter((f) => !theirs(f))) failures.push(`${file} is not committed`);
  const changed = git('diff', '--name-only', '-z', 'HEAD', '--', 'logs/history')
    .split('\0')
    .filter(Boolean);
  for (const file of changed.filter((f) => !theirs(f))) {
    failures.push(`${file} differs from what HEAD holds`);
  }
  return { untracked: untracked.length, changed: changed.length };
}

/** Entries still waiting in shards and claims, by id (every copy). */
export function readPending(root) {
  const byId = new Map();
  for (const path of pendingFiles(root)) {
    for (const { bytes } of splitLines(readFileSync(path))) {
      const parsed = parseEntry(bytes);
      if (parsed === undefined) continue;
      const list = byId.get(parsed.entry.id) ?? [];
      list.push({ entry: parsed.entry, line: parsed.text, where: relative(root, path) });
      byId.set(parsed.entry.id, list);
    }
  }
  return byId;
}

/** Every quarantine record, with its original bytes decoded from `text` or `base64`. */
export function readQuarantine(root, failures) {
  const records = [];
  const dir = join(root, 'logs', 'quarantine');
  for (const path of walk(dir)) {
    if (path.endsWith('/')) continue;
    const name = relative(dir, path);
    if (path.endsWith('@')) {
      failures.push(`not a regular file in logs/quarantine: ${name}`);
      continue;
    }
    if (TEMP.test(name)) continue; // reported (or allowed) by checkRepo
    if (name === '.gitignore') continue; // the folder's own `*`
    splitLines(readFileSync(path)).forEach(({ bytes, partial }, index) => {
      let record;
      try {
        if (partial) throw new Error('no final newline');
        record = JSON.parse(bytes.toString('utf8'));
      } catch (error) {
        failures.push(`logs/quarantine/${name}:${index + 1}: not a record (${error.message})`);
        return;
      }
      const original =
        typeof record.base64 === 'string'
          ? Buffer.from(record.base64, 'base64')
          : typeof record.text === 'string'
            ? Buffer.from(record.text, 'utf8')
            : undefined;
      if (typeof record.source !== 'string' || !Number.isInteger(record.line) || record.line < 1) {
        failures.push(`logs/quarantine/${name}:${index + 1}: no source shard and line number`);
      }
      if (original === undefined) {
        failures.push(`logs/quarantine/${name}:${index + 1}: holds neither text nor base64`);
      }
      records.push({ ...record, file: name, bytes: original ?? Buffer.alloc(0) });
    });
  }
  return records;
}

/** Ledger records of the writers, by kind. */
export function readLedgers(files) {
  const acknowledged = [];
  const inflight = new Map();
  const failed = [];
  for (const file of files) {
    if (!existsSync(file)) continue;
    const text = readFileSync(file, 'utf8');
    for (const line of text.split('\n')) {
      if (line === '') continue;
      let record;
      try {
        record = JSON.parse(line);
      } catch {
        continue; // the writer was killed while writing its own ledger line
      }
      const key = `${record.w}\0${record.i}`;
      if (record.k === 'I') inflight.set(key, record);
      else if (record.k === 'D') {
        inflight.delete(key);
        acknowledged.push(record);
      } else if (record.k === 'F') {
        inflight.delete(key);
        failed.push(record);
      }
    }
  }
  return { acknowledged, inflight: [...inflight.values()], failed };
}

function withoutCommit(line) {
  return line.replace(COMMIT_STAMP, '');
}

/**
 * Checks the end state of `root` against what was acknowledged.
 * options:
 *   ledgers        writer ledger files
 *   seeds          Map id → exact line: entries the runner put in shards (acknowledged)
 *   extraIds       ids that may be in the history although nobody here acknowledged them
 *   allowPending   acknowledged entries may still wait in shards or claims (mid-run)
 *   quarantine     'none' (any record is a finding), 'torn' (only torn in-flight lines), 'any'
 *   allowLock      a lock file may remain (a run is still going, or was just killed)
 *   allowTemp      temp files may remain (a run was just killed: the next one finishes)
 *   seen           Map path → sha-256 of the history files seen by earlier checks (rewrites)
 *   expected       names (relative to logs/history) of files a user or git put there
 *   allowPartitions  v1 daily partitions may be in logs/history
 *   committed      { env }: every batch file is committed, as it is, in HEAD
 */
export function checkRepo(root, options = {}) {
  const failures = [];
  const history = readHistory(root, failures, options);
  const pending = readPending(root);
  const quarantine = readQuarantine(root, failures);
  const ledger = readLedgers(options.ledgers ?? []);
  const seeds = options.seeds ?? new Map();
  const counts = {
    acknowledged: ledger.acknowledged.length + seeds.size,
    consolidated: 0,
    pending: 0,
    lost: 0,
    altered: 0,
    inflight: ledger.inflight.length,
    inflightConsolidated: 0,
    failedWrites: ledger.failed.length,
    quarantined: quarantine.length,
    tornQuarantined: 0,
    shardsLeft: 0,
    foreign: 0,
  };
  const known = new Set();

  const expectLine = (id, line, what) => {
    known.add(id);
    const found = history.get(id);
    if (found !== undefined) {
      counts.consolidated++;
      if (withoutCommit(found.line) !== line) {
        counts.altered++;
        failures.push(`${found.where}: ${what} ${id} was altered`);
      }
      return;
    }
    const waiting = pending.get(id);
    if (waiting !== undefined && options.allowPending) {
      counts.pending++;
      if (!waiting.some((copy) => copy.line === line)) {
        counts.altered++;
        failures.push(`${waiting[0].where}: pending ${what} ${id} was altered`);
      }
      return;
    }
    counts.lost++;
    failures.push(
      `LOST: ${what} ${id} is not in the history${waiting ? ` (it is still pending in ${waiting[0].where})` : ''}`,
    );
  };

  for (const record of ledger.acknowledged) {
    if (record.cli) {
      // Written by `audit-hooks log`: the timestamp is the writer's, the rest is known.
      known.add(record.id);
      const found = history.get(record.id) ?? (options.allowPending && pending.get(record.id)?.[0]);
      if (!found) {
        counts.lost++;
        failures.push(`LOST: entry ${record.id} (${record.w}:${record.i}, via the CLI)`);
        continue;
      }
      if (history.has(record.id)) counts.consolidated++;
      else counts.pending++;
      const { entry } = found;
      const { pad } = expectedEntry({ ...record, ts: entry.timestamp, seq: 1 }, record.p);
      // v2: seq continues across `log` calls of one session (§3), and `log` trims a value
      // over its size budget (§9) to its head, noting the cut.
      if (
        entry.session_id !== record.s ||
        entry.writer !== record.w ||
        entry.i !== record.i ||
        !(entry.pad === pad || isTrimmedPad(entry, pad)) ||
        !(Number.isSafeInteger(entry.seq) && entry.seq >= 1)
      ) {
        counts.altered++;
        failures.push(`entry ${record.id} (via the CLI) was altered`);
      }
      continue;
    }
    expectLine(
      record.id,
      JSON.stringify(expectedEntry(record, record.p)),
      `entry (${record.w}:${record.i})`,
    );
  }
  for (const [id, line] of seeds) expectLine(id, line, 'seeded entry');

  // In flight when its writer was killed: at most once, unaltered, or a torn copy in quarantine.
  const tornCandidates = [];
  for (const record of ledger.inflight) {
    if (record.id === undefined) continue;
    known.add(record.id);
    const line = anySeq(JSON.stringify(expectedEntry({ ...record, seq: record.i + 1 }, record.p)));
    tornCandidates.push(Buffer.from(line));
    const found = history.get(record.id);
    if (found !== undefined) {
      counts.inflightConsolidated++;
      if (anySeq(withoutCommit(found.line)) !== line) {
        counts.altered++;
        failures.push(`${found.where}: in-flight entry ${record.id} was altered`);
      }
    }
  }

  for (const [id, found] of history) {
    if (!known.has(id) && !(options.extraIds ?? new Set()).has(id)) {
      counts.foreign++;
      failures.push(`${found.where}: entry ${id} was never written by anyone`);
    }
  }

  for (const record of quarantine) {
    const bytes = Buffer.from(anySeq(record.bytes.toString('latin1')), 'latin1');
    const torn =
      bytes.length > 0 &&
      tornCandidates.some(
        (line) => line.length > bytes.length && line.subarray(0, bytes.length).equals(bytes),
      );
    if (torn) counts.tornQuarantined++;
    if (options.quarantine === 'torn' && torn) continue;
    if (options.quarantine === 'any') continue;
    failures.push(
      `quarantined ${record.source}:${record.line} (${record.problem}): ${record.bytes.subarray(0, 120).toString('utf8')}${torn ? '' : ' — not a torn in-flight line'}`,
    );
  }

  for (const path of walk(join(root, 'logs'))) {
    const name = relative(root, path.replace(/[/@]$/, ''));
    if (TEMP.test(name) && !options.allowTemp && !name.startsWith('logs/history/')) {
      failures.push(`temp file left behind: ${name}`);
    }
    if (/\.consolidate\.lock(\.break)?$/.test(name) && !options.allowLock) {
      failures.push(`lock file left behind: ${name}`);
    }
    // Once everything is committed, no claim set may be left (nor one being filled or deleted).
    if (!options.allowPending && /^logs\/active\/\.claimed\/[^/]+$/.test(name)) {
      failures.push(`claim set left behind after the final commit: ${name}`);
    }
  }
  counts.shardsLeft = pendingFiles(root).length;
  if (!options.allowPending && counts.shardsLeft > 0) {
    failures.push(`${counts.shardsLeft} shards or claims left in logs/active after the final run`);
  }
  if (options.committed !== undefined) {
    checkCommitted(root, failures, options.committed.env, options.expected);
  }
  return { counts, failures };
}

// A writer's seq continues from its session's shard (§3 v2), so a line's seq depends on
// what other writers of the session wrote before: compared as any seq.
function anySeq(line) {
  return line.replace(
    /^(\{"id":"[^"]*","timestamp":"[^"]*","session_id":"[^"]*","seq":)\d+/,
    '$10',
  );
}

// `audit-hooks log` keeps a string over its budget (4096 bytes by default) as its head and
// a note of the cut (§9).
function isTrimmedPad(entry, pad) {
  return (
    typeof entry.pad === 'string' &&
    entry.pad.endsWith('…') &&
    pad.startsWith(entry.pad.slice(0, -1)) &&
    Array.isArray(entry.trimmed) &&
    entry.trimmed.some((cut) => cut.path === 'pad' && cut.bytes === Buffer.byteLength(pad))
  );
}
