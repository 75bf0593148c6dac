// Tail cost (SPEC §6): `audit-hooks tail -n 20` reads the history backwards from its
// newest partition, so on a history of 1,000,000 entries it must take at most 1.2× as
// long as on 10,000. (The first design read everything: 0.10 s → 1.07 s and 309 MB.)
// Standalone: builds its own temporary histories, runs the built CLI, prints a table.
// Run with `npm run build && node bench/tail.mjs`.
//
// Environment (all optional):
//   TAIL_BENCH_SIZES  history sizes, first one the reference (default `10k,1M`; e.g. `1k,50k`)
//   TAIL_BENCH_RUNS   timed runs per size, median reported (default 9)
//   TAIL_BENCH_DAYS   days the history spans, ending yesterday (default 365)
//   TAIL_BENCH_N      entries asked for, `-n` (default 20)
//   BENCH_STRICT=1    exit 1 when the target is missed
//   BENCH_RSS=self    measure peak RSS inside the child instead of with /usr/bin/time
import { performance } from 'node:perf_hooks';
import { count, markdownTable, megabytes } from './format.mjs';
import { flushToDisk, generateHistory, writeLiveShards } from './history.mjs';
import { BIN, benchEnv, makeRepo, removeRepo, requireBuild } from './repo.mjs';
import { measure, median } from './timing.mjs';

const TARGET_RATIO = 1.2;
const OLD_DESIGN = '0.10 s → 1.07 s, 309 MB';

const sizes = (process.env.TAIL_BENCH_SIZES ?? '10k,1M').split(',').filter(Boolean).map(count);
const runs = count(process.env.TAIL_BENCH_RUNS ?? '9');
const days = count(process.env.TAIL_BENCH_DAYS ?? '365');
const n = count(process.env.TAIL_BENCH_N ?? '20');

requireBuild();

const log = (text) => process.stderr.write(`${text}\n`);
const seconds = (ms) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`);

/** One run of the CLI: wall time (spawn to exit) and peak RSS (KiB) of the child. */
function tail(args, cwd) {
  const run = measure(BIN, args, { cwd, env: benchEnv({ NO_COLOR: '1' }) });
  if (run.stderr !== '') throw new Error(`tail ${args.join(' ')} wrote to stderr: ${run.stderr}`);
  const lines = run.stdout.split('\n').filter(Boolean).length;
  if (lines !== n) throw new Error(`tail -n ${n} printed ${lines} lines`);
  return run;
}

const rows = [];
const started = performance.now();
for (const size of sizes) {
  const root = makeRepo();
  try {
    const t0 = performance.now();
    const history = generateHistory(root, size, { days });
    writeLiveShards(root);
    flushToDisk();
    log(
      `history of ${size.toLocaleString('en-US')} entries (${megabytes(history.bytes)}, ${Math.min(days, size)} partitions) generated in ${seconds(performance.now() - t0)}`,
    );
    const args = ['tail', '-n', String(n)];
    tail(args, root); // warm-up: file cache, the CLI's first load
    const times = [];
    const rss = [];
    for (let i = 0; i < runs; i++) {
      const run = tail(args, root);
      times.push(run.ms);
      rss.push(run.rssKiB);
    }
    log(`  tail -n ${n}: ${times.map(seconds).join(', ')}`);
    rows.push({
      size,
      bytes: history.bytes,
      ms: median(times),
      min: Math.min(...times),
      max: Math.max(...times),
      rssMB: (Math.max(...rss) * 1024) / 1e6,
    });
  } finally {
    removeRepo(root);
  }
}

const reference = rows[0];
let missed = false;
const header = [
  'history',
  'size',
  `tail -n ${n} (median of ${runs})`,
  'min–max',
  `vs ${reference.size.toLocaleString('en-US')} (target ≤ ${TARGET_RATIO}×)`,
  'peak RSS',
];
const body = [];
for (const row of rows) {
  const ratio = row.ms / reference.ms;
  const ok = row === reference || ratio <= TARGET_RATIO;
  if (!ok) missed = true;
  body.push([
    row.size.toLocaleString('en-US'),
    megabytes(row.bytes),
    seconds(row.ms),
    `${seconds(row.min)}–${seconds(row.max)}`,
    row === reference ? '1.00× (reference)' : `${ratio.toFixed(2)}× ${ok ? 'ok' : 'MISSED'}`,
    `${row.rssMB.toFixed(0)} MB`,
  ]);
}
process.stdout.write(
  [
    '',
    `\`node dist/bin.js tail -n ${n}\` on histories over ${days} days (plus two live shards); wall time and peak RSS of the child process. Old design (read everything), 10k → 1M: ${OLD_DESIGN}.`,
    markdownTable(header, body),
    '',
    `Node ${process.version}, ${process.platform}/${process.arch}; total bench time ${seconds(performance.now() - started)}.`,
    missed ? 'The target was MISSED.' : 'Target met.',
    '',
  ].join('\n'),
);
if (missed && process.env.BENCH_STRICT === '1') process.exitCode = 1;
