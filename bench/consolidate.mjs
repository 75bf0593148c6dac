// The consolidation benchmark's parts (SPEC §5, cost): one timed run of the real CLI in a
// child process, and the original full-rewrite design as the baseline. bench/run.mjs puts
// them together with a generated history and shards (bench/history.mjs) and prints the table.
//
// Also runnable on its own as the child processes that time the algorithms alone (both
// print the milliseconds of the work itself, without node's start-up and module loading):
//   node bench/consolidate.mjs full-rewrite <history file> <shard folder>
//   node bench/consolidate.mjs library <worktree root>
import { existsSync, readdirSync, readFileSync, statSync, truncateSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { BIN } from './repo.mjs';
import { measure } from './timing.mjs';

/**
 * One consolidation by the real CLI (by default the post-commit hook's command, with
 * `--json`); checks it consumed what was pending.
 */
export function timeConsolidate(root, expected, args = ['consolidate', '--hook', '--json']) {
  const run = measure(BIN, args, { cwd: root });
  const result = JSON.parse(run.stdout);
  if (result.entries !== expected.entries || result.shards !== expected.shards) {
    throw new Error(`consolidate did not consume the shards: ${run.stdout}`);
  }
  return { ...run, result };
}

/**
 * One consolidation through the library's `consolidate()` in a child process, which reports
 * the time of the call alone (`workMs`): the algorithm without node's start-up.
 */
export function timeLibraryConsolidate(root, expected) {
  const run = measure(fileURLToPath(import.meta.url), ['library', root], { cwd: root });
  const result = JSON.parse(run.stdout);
  if (result.entries !== expected.entries || result.shards !== expected.shards) {
    throw new Error(`consolidate() did not consume the shards: ${run.stdout}`);
  }
  return { ...run, result, workMs: result.workMs };
}

/**
 * One run of the full-rewrite baseline in a child process, restoring its input after;
 * `workMs` is the time of the algorithm alone, as the child measured it.
 */
export function timeFullRewrite(root, historyFile) {
  const size = existsSync(historyFile) ? statSync(historyFile).size : 0;
  const run = measure(
    fileURLToPath(import.meta.url),
    ['full-rewrite', historyFile, join(root, 'logs', 'active')],
    { cwd: root },
  );
  // The new entries are today's, so they sorted to the end: cut them off again.
  truncateSync(historyFile, size);
  return { ...run, workMs: JSON.parse(run.stdout).workMs };
}

function compareStrings(a, b) {
  return a < b ? -1 : a > b ? 1 : 0;
}

function toRecord(line) {
  const entry = JSON.parse(line);
  return { entry, line, instant: Date.parse(entry.timestamp) };
}

/**
 * The original design, for comparison: read the whole one-file history, add the shards'
 * entries, dedupe by id, sort everything in §3 order, rewrite the file with
 * write-file-atomic, delete the shards.
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
  if (mode === 'full-rewrite') {
    const [historyFile, activeDir] = args;
    const { default: writeFileAtomic } = await import('write-file-atomic');
    const started = performance.now();
    await fullRewrite(historyFile, activeDir, writeFileAtomic);
    console.log(JSON.stringify({ workMs: performance.now() - started }));
  } else if (mode === 'library') {
    const { consolidate } = await import('../dist/index.js');
    const started = performance.now();
    const result = await consolidate({ cwd: args[0], hook: true });
    const workMs = performance.now() - started;
    console.log(JSON.stringify({ ...result, workMs }));
  }
}
