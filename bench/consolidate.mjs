// The consolidation benchmark's parts (SPEC §5, cost): one timed run of the real CLI in a
// child process, and the original full-rewrite design as the baseline. bench/run.mjs puts
// them together with a generated history and shards (bench/history.mjs) and prints the table.
//
// Also runnable on its own as the baseline's child process:
//   node bench/consolidate.mjs full-rewrite <history file> <shard folder>
import { existsSync, readdirSync, readFileSync, statSync, truncateSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
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

/** One run of the full-rewrite baseline in a child process, restoring its input after. */
export function timeFullRewrite(root, historyFile) {
  const size = existsSync(historyFile) ? statSync(historyFile).size : 0;
  const run = measure(
    fileURLToPath(import.meta.url),
    ['full-rewrite', historyFile, join(root, 'logs', 'active')],
    { cwd: root },
  );
  // The new entries are today's, so they sorted to the end: cut them off again.
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
 * The original design, for comparison: read the whole one-file history, add the shards'
 * entries, dedupe by id, sort everything in §3 order, rewrite the file with
 * write-file-atomic, delete the shards.
 */
export async function fullRewrite(historyFile, activeDir) {
  const { default: writeFileAtomic } = await import('write-file-atomic');
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

if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv[2] === 'full-rewrite') {
  const [historyFile, activeDir] = process.argv.slice(3);
  await fullRewrite(historyFile, activeDir);
}
