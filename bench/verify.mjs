// Checking the history (SPEC §11, §14; issue 15): `audit-hooks verify` on committed
// histories of 100,000 and 1,000,000 entries (its cost must grow linearly, its memory stay
// bounded), and `audit-hooks verify --history` over the 1,000 commits that made the larger
// one. Each run is one child process of the CLI: wall time and peak RSS.
//
// Standalone: `npm run build && node bench/verify.mjs` (makes its own histories). Environment:
//   VERIFY_BENCH_SIZES  history sizes (default `100k,1M`)
//   VERIFY_BENCH_RUNS   timed runs per size, median reported (default 3)
import { fileURLToPath } from 'node:url';
import { count } from './format.mjs';
import { makeHistoryRepo } from './histories.mjs';
import { BIN, removeRepo, requireBuild } from './repo.mjs';
import { measure, median } from './timing.mjs';

function run(root, args, expect) {
  const result = measure(BIN, args, { cwd: root });
  if (!expect.test(result.stdout)) {
    throw new Error(`${args.join(' ')} printed: ${result.stdout}${result.stderr}`);
  }
  return result;
}

/**
 * `verify` on each history, and `verify --history` on the largest, `runs` times after one
 * warm-up, interleaved. Returns `{ verify: [{ size, ms, rssMB }], history: { size,
 * commits, ms, rssMB } }`.
 */
export function benchVerify(histories, { runs = 3 } = {}) {
  const largest = histories.at(-1);
  const samples = histories.map(() => ({ ms: [], rss: [] }));
  const walk = { ms: [], rss: [] };
  for (let i = 0; i <= runs; i++) {
    histories.forEach((history, h) => {
      const result = run(history.root, ['verify'], /history is sound/);
      if (i === 0) return;
      samples[h].ms.push(result.ms);
      samples[h].rss.push(result.rssKiB);
    });
    const result = run(largest.root, ['verify', '--history'], /only grew/);
    if (i === 0) continue;
    walk.ms.push(result.ms);
    walk.rss.push(result.rssKiB);
  }
  const peak = (list) => (Math.max(...list) * 1024) / 1e6;
  return {
    verify: histories.map((history, h) => ({
      size: history.size,
      ms: median(samples[h].ms),
      rssMB: peak(samples[h].rss),
    })),
    history: {
      size: largest.size,
      commits: largest.commits,
      ms: median(walk.ms),
      rssMB: peak(walk.rss),
    },
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  requireBuild();
  const sizes = (process.env.VERIFY_BENCH_SIZES ?? '100k,1M').split(',').filter(Boolean).map(count);
  const histories = [];
  const log = (text) => process.stderr.write(`${text}\n`);
  try {
    for (const size of sizes) histories.push(await makeHistoryRepo(size, { log }));
    const result = benchVerify(histories, { runs: count(process.env.VERIFY_BENCH_RUNS ?? '3') });
    for (const row of result.verify) {
      process.stdout.write(
        `verify ${row.size.toLocaleString('en-US').padStart(10)} entries: ${row.ms.toFixed(0)} ms, ${row.rssMB.toFixed(0)} MB\n`,
      );
    }
    const h = result.history;
    process.stdout.write(
      `verify --history, ${h.commits} commits / ${h.size.toLocaleString('en-US')} entries: ${h.ms.toFixed(0)} ms, ${h.rssMB.toFixed(0)} MB\n`,
    );
  } finally {
    for (const history of histories) removeRepo(history.root);
  }
}
