// Consolidation cost (SPEC §5): consolidating 1,000 new entries into a history of
// 1,000,000 (~230 MB over many days) must take at most 1.3× as long as into an empty
// history, with peak memory under 100 MB. Run with `npm run bench` (builds first).
//
// Environment (all optional):
//   BENCH_SIZES           history sizes, e.g. `0,10k` for a quick run (default `0,10k,1M`)
//   BENCH_BASELINE_SIZES  sizes at which to time the full-rewrite baseline (default `10k,1M`)
//   BENCH_RUNS            timed consolidations per size, median reported (default 7)
//   BENCH_BASELINE_RUNS   timed baseline runs per size (default 3)
//   BENCH_NEW             new entries per consolidation (default 1000)
//   BENCH_DAYS            days the history spans, ending yesterday (default 365)
//   BENCH_STRICT=1        exit 1 when a target is missed
//   BENCH_RSS=self        measure peak RSS inside the child instead of with /usr/bin/time
import { execFileSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  BIN,
  generateHistory,
  makeRepo,
  removeRepo,
  timeConsolidate,
  timeFullRewrite,
  writeShards,
} from './consolidate.mjs';

const TARGET_RATIO = 1.3;
const TARGET_RSS_MB = 100;
const SHARDS = 4;

function count(text) {
  const match = /^(\d+(?:\.\d+)?)([kKmM]?)$/.exec(text.trim());
  if (match === null)
    throw new Error(`not a size: ${JSON.stringify(text)} (e.g. 0, 10000, 10k, 1M)`);
  const scale = { '': 1, k: 1e3, m: 1e6 }[match[2].toLowerCase()];
  return Math.round(Number(match[1]) * scale);
}

function list(name, fallback) {
  return (process.env[name] ?? fallback).split(',').filter(Boolean).map(count);
}

const sizes = list('BENCH_SIZES', '0,10k,1M');
const baselineSizes = new Set(list('BENCH_BASELINE_SIZES', '10k,1M'));
const runs = count(process.env.BENCH_RUNS ?? '7');
const baselineRuns = count(process.env.BENCH_BASELINE_RUNS ?? '3');
const fresh = count(process.env.BENCH_NEW ?? '1000');
const days = count(process.env.BENCH_DAYS ?? '365');

if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run \`npm run build\` first`);

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const log = (text) => process.stderr.write(`${text}\n`);
const seconds = (ms) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`);
const megabytes = (bytes) => `${(bytes / 1e6).toFixed(bytes < 1e7 ? 1 : 0)} MB`;

function flushToDisk() {
  try {
    execFileSync('sync');
  } catch {
    // no `sync` on this system: the first (untimed) run absorbs most of it
  }
}

const rows = [];
const started = performance.now();
for (const size of sizes) {
  const root = makeRepo();
  try {
    const withBaseline = size > 0 && baselineSizes.has(size);
    const legacy = join(root, 'legacy-audit.jsonl');
    const t0 = performance.now();
    const history = generateHistory(root, size, {
      days,
      singleFile: withBaseline ? legacy : undefined,
    });
    // Flush the generated files now, or their writeback lands in the timed runs' fsync.
    flushToDisk();
    log(
      `history of ${size} entries (${megabytes(history.bytes)}, ${Math.min(days, size)} partitions) generated in ${seconds(performance.now() - t0)}`,
    );

    const consolidateOnce = async () => {
      await writeShards(root, fresh, SHARDS);
      const run = timeConsolidate(root, { entries: fresh, shards: SHARDS });
      // Back to the same history for the next run: today's partition was new.
      for (const file of run.result.partitions) rmSync(join(root, file));
      return run;
    };
    await consolidateOnce(); // warm-up: file cache, the CLI's first load
    const times = [];
    const rss = [];
    for (let i = 0; i < runs; i++) {
      const run = await consolidateOnce();
      times.push(run.ms);
      rss.push(run.rssKiB);
    }
    log(`  consolidate: ${times.map(seconds).join(', ')}`);

    const baseline = [];
    const baselineRss = [];
    if (withBaseline) {
      for (let i = 0; i < baselineRuns; i++) {
        await writeShards(root, fresh, SHARDS);
        const run = timeFullRewrite(root, legacy);
        baseline.push(run.ms);
        baselineRss.push(run.rssKiB);
      }
      log(`  full rewrite: ${baseline.map(seconds).join(', ')}`);
    }
    rows.push({
      size,
      bytes: history.bytes,
      ms: median(times),
      min: Math.min(...times),
      max: Math.max(...times),
      rssMB: (Math.max(...rss) * 1024) / 1e6,
      baselineMs: baseline.length > 0 ? median(baseline) : undefined,
      baselineRssMB: baseline.length > 0 ? (Math.max(...baselineRss) * 1024) / 1e6 : undefined,
    });
  } finally {
    removeRepo(root);
  }
}

const empty = rows.find((row) => row.size === 0);
let missed = false;
const table = [
  [
    'history',
    'size',
    `consolidate (median of ${runs})`,
    'min–max',
    `vs empty (≤ ${TARGET_RATIO}×)`,
    `peak RSS (< ${TARGET_RSS_MB} MB)`,
    `full rewrite (median of ${baselineRuns})`,
    'its peak RSS',
    'speed-up',
  ],
];
for (const row of rows) {
  const ratio = empty === undefined ? undefined : row.ms / empty.ms;
  const ratioOk = ratio === undefined || ratio <= TARGET_RATIO;
  const rssOk = row.rssMB < TARGET_RSS_MB;
  if (!ratioOk || !rssOk) missed = true;
  table.push([
    row.size.toLocaleString('en-US'),
    megabytes(row.bytes),
    seconds(row.ms),
    `${seconds(row.min)}–${seconds(row.max)}`,
    ratio === undefined ? '–' : `${ratio.toFixed(2)}× ${ratioOk ? 'ok' : 'MISSED'}`,
    `${row.rssMB.toFixed(0)} MB ${rssOk ? 'ok' : 'MISSED'}`,
    row.baselineMs === undefined ? '–' : seconds(row.baselineMs),
    row.baselineRssMB === undefined ? '–' : `${row.baselineRssMB.toFixed(0)} MB`,
    row.baselineMs === undefined ? '–' : `${(row.baselineMs / row.ms).toFixed(1)}×`,
  ]);
}
const widths = table[0].map((_, col) => Math.max(...table.map((line) => line[col].length)));
const render = (line) => `| ${line.map((cell, col) => cell.padEnd(widths[col])).join(' | ')} |`;
const out = [render(table[0]), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`];
for (const line of table.slice(1)) out.push(render(line));
process.stdout.write(
  [
    '',
    `Consolidating ${fresh} new entries (${SHARDS} shards) with \`node dist/bin.js consolidate\`, history over ${days} days; wall time of the child process, peak RSS of the child.`,
    ...out,
    '',
    `Node ${process.version}, ${process.platform}/${process.arch}; total bench time ${seconds(performance.now() - started)}.`,
    missed ? 'A target was MISSED.' : 'All targets met.',
    '',
  ].join('\n'),
);
if (missed && process.env.BENCH_STRICT === '1') process.exitCode = 1;
