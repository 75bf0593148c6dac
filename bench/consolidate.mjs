// Consolidation (SPEC §5; issues 11 and 15), each run one child process of the real CLI
// (`audit-hooks consolidate --json`), wall time from spawn to exit and peak RSS:
//
//   million  1,000,000 pending entries in 4 shards: throughput and peak memory
//   today    1,000 new entries into a history whose today already holds 100,000, against
//            into an empty one (v2 never reads the history: the ratio should be ~1), beside
//            v1's design, which read today's partition, added, sorted and rewrote it
//
// A manual consolidation keeps its claim set until a commit holds the batch (SPEC §5), so
// between runs the set and the batch it published are removed: every run starts from the
// same state, not from a growing list of unreleased sets.
//
// Also runnable as the child process of the v1 baseline:
//   node bench/consolidate.mjs full-rewrite <history file> <shard folder>
import {
  existsSync,
  linkSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  truncateSync,
  unlinkSync,
} from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import {
  flushToDisk,
  generateHistory,
  todayStart,
  writeShardFiles,
  writeShards,
} from './history.mjs';
import { BIN, makeRepo, removeRepo } from './repo.mjs';
import { measure, median } from './timing.mjs';

const SHARDS = 4;

/** One consolidation by the real CLI; checks that it consumed what was pending. */
export function timeConsolidate(root, expected, args = ['consolidate', '--json']) {
  const run = measure(BIN, args, { cwd: root });
  const result = JSON.parse(run.stdout);
  if (result.entries !== expected.entries || result.shards !== expected.shards) {
    throw new Error(`consolidate did not consume the shards: ${run.stdout.slice(0, 500)}`);
  }
  return { ...run, result };
}

/** Back to the state before a manual consolidation: no claim set, no new batch file. */
function undo(root, result) {
  rmSync(join(root, 'logs', 'active', '.claimed'), { recursive: true, force: true });
  for (const file of result.batches) rmSync(join(root, file));
}

/**
 * Consolidates `entries` pending entries (default 1M) `runs` times (after one untimed run):
 * median wall time, entries per second, and the largest peak RSS.
 */
export function benchMillion({ entries = 1_000_000, runs = 3, log } = {}) {
  const root = makeRepo({ commit: true });
  try {
    // The shards are written once, aside, and hard-linked into logs/active/ before each run
    // (a claim renames them; consolidation never changes a shard's bytes).
    const aside = join(root, 'pending');
    const t0 = performance.now();
    const made = writeShardFiles(aside, entries, SHARDS);
    const shardDir = join(aside, 'logs', 'active');
    const names = readdirSync(shardDir).filter((name) => name.endsWith('.jsonl'));
    mkdirSync(join(root, 'logs', 'active'), { recursive: true });
    flushToDisk();
    log?.(
      `  ${entries.toLocaleString('en-US')} pending entries (${(made.bytes / 1e6).toFixed(0)} MB) written in ${(performance.now() - t0).toFixed(0)} ms`,
    );
    const samples = [];
    for (let i = 0; i <= runs; i++) {
      for (const name of names) linkSync(join(shardDir, name), join(root, 'logs', 'active', name));
      const run = timeConsolidate(root, { entries, shards: SHARDS });
      undo(root, run.result);
      if (i > 0) samples.push(run); // the first: warm-up
      log?.(
        `  consolidate ${entries.toLocaleString('en-US')}: ${run.ms.toFixed(0)} ms, ${(run.rssKiB / 1024).toFixed(0)} MiB`,
      );
    }
    const ms = median(samples.map((run) => run.ms));
    return {
      entries,
      bytes: made.bytes,
      ms,
      perSecond: (entries / ms) * 1000,
      rssMB: (Math.max(...samples.map((run) => run.rssKiB)) * 1024) / 1e6,
    };
  } finally {
    removeRepo(root);
  }
}

/**
 * 1,000 new entries (the real writer, 4 sessions) into a history whose today holds
 * `todayEntries` (in batches of 1,000, as commits made them) and into an empty one,
 * interleaved; then v1's full rewrite of a one-file today of the same size.
 */
export async function benchToday({ fresh = 1000, todayEntries = 100_000, runs = 7, log } = {}) {
  const { AuditLog } = await import('../dist/index.js');
  const full = makeRepo({ commit: true });
  const empty = makeRepo({ commit: true });
  try {
    const v1Today = join(full, 'v1-today.jsonl');
    generateHistory(full, todayEntries, {
      days: 1,
      endDay: todayStart(),
      singleFile: v1Today,
      // Today's batches end before now, so the new entries are the latest.
      spanMs: Date.now() - todayStart() - 60_000,
    });
    flushToDisk();
    const samples = { full: [], empty: [], rss: [] };
    for (let i = 0; i <= runs; i++) {
      for (const [name, root] of i % 2
        ? [
            ['full', full],
            ['empty', empty],
          ]
        : [
            ['empty', empty],
            ['full', full],
          ]) {
        writeShards(AuditLog, root, fresh, SHARDS);
        const run = timeConsolidate(root, { entries: fresh, shards: SHARDS });
        undo(root, run.result);
        if (i === 0) continue;
        samples[name].push(run.ms);
        if (name === 'full') samples.rss.push(run.rssKiB);
      }
    }
    log?.(
      `  into today of ${todayEntries}: ${samples.full.map((v) => v.toFixed(0)).join(', ')} ms; into none: ${samples.empty.map((v) => v.toFixed(0)).join(', ')} ms`,
    );
    const baseline = [];
    const baselineRss = [];
    for (let i = 0; i <= Math.min(runs, 5); i++) {
      writeShards(AuditLog, full, fresh, SHARDS);
      const run = timeFullRewrite(full, v1Today);
      if (i === 0) continue;
      baseline.push(run.ms);
      baselineRss.push(run.rssKiB);
    }
    log?.(`  v1 full rewrite of today: ${baseline.map((v) => v.toFixed(0)).join(', ')} ms`);
    return {
      fresh,
      todayEntries,
      fullMs: median(samples.full),
      emptyMs: median(samples.empty),
      rssMB: (Math.max(...samples.rss) * 1024) / 1e6,
      v1Ms: median(baseline),
      v1RssMB: (Math.max(...baselineRss) * 1024) / 1e6,
    };
  } finally {
    removeRepo(full);
    removeRepo(empty);
  }
}

/** One run of v1's full rewrite in a child process, restoring its input afterwards. */
export function timeFullRewrite(root, historyFile) {
  const size = existsSync(historyFile) ? statSync(historyFile).size : 0;
  const run = measure(
    fileURLToPath(import.meta.url),
    ['full-rewrite', historyFile, join(root, 'logs', 'active')],
    { cwd: root },
  );
  // The new entries are the latest, so they sorted to the end: cut them off again.
  truncateSync(historyFile, size);
  return run;
}

function compareStrings(a, b) {
  return a < b ? -1 : a > b ? 1 : 0;
}

function toRecord(line) {
  const entry = JSON.parse(line);
  return { entry, line, instant: Date.parse(entry.timestamp) };
}

/**
 * v1's design, for comparison: read today's whole partition, add the shards' entries,
 * dedupe by id, sort in §3 order, rewrite the file with write-file-atomic, delete the shards.
 */
export async function fullRewrite(historyFile, activeDir, writeFileAtomic) {
  const records = [];
  const text = existsSync(historyFile) ? readFileSync(historyFile, 'utf8') : '';
  for (const line of text.split('\n')) if (line !== '') records.push(toRecord(line));
  const shards = readdirSync(activeDir).filter((name) => name.endsWith('.jsonl'));
  for (const name of shards) {
    for (const line of readFileSync(join(activeDir, name), 'utf8').split('\n')) {
      if (line !== '') records.push(toRecord(line));
    }
  }
  const byId = new Map();
  for (const record of records) if (!byId.has(record.entry.id)) byId.set(record.entry.id, record);
  const sorted = [...byId.values()].sort(
    (a, b) =>
      a.instant - b.instant ||
      compareStrings(a.entry.session_id, b.entry.session_id) ||
      a.entry.seq - b.entry.seq ||
      compareStrings(a.entry.id, b.entry.id),
  );
  await writeFileAtomic(historyFile, sorted.map((record) => `${record.line}\n`).join(''), {
    fsync: true,
  });
  for (const name of shards) unlinkSync(join(activeDir, name));
  return { entries: sorted.length };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [mode, ...args] = process.argv.slice(2);
  const log = (text) => process.stderr.write(`${text}\n`);
  if (mode === 'full-rewrite') {
    const [historyFile, activeDir] = args;
    const { default: writeFileAtomic } = await import('write-file-atomic');
    await fullRewrite(historyFile, activeDir, writeFileAtomic);
  } else if (mode === 'million') {
    console.log(benchMillion({ entries: Number(args[0] ?? 1e6), runs: Number(args[1] ?? 2), log }));
  } else if (mode === 'today') {
    console.log(await benchToday({ runs: Number(args[0] ?? 5), log }));
  } else {
    process.stderr.write(
      'usage: node bench/consolidate.mjs million [entries] [runs] | today [runs]\n',
    );
    process.exitCode = 2;
  }
}
