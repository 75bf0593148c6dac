// Reading (SPEC §6, issue 14): `audit-hooks tail -n 20 --session X`, where X has 3 entries in
// the whole history (so tail must look through all of it), on a history of 1,000,000 entries
// against one of 10,000; and plain `tail -n 20` beside it. The histories are made by commits
// (bench/history.mjs), with two small live shards. Each run is one child process of the CLI:
// wall time and peak RSS.
//
// Standalone: `npm run build && node bench/tail.mjs` (makes its own histories). Environment:
//   TAIL_BENCH_SIZES  history sizes, the first the reference (default `10k,1M`)
//   TAIL_BENCH_RUNS   timed runs per size, median reported (default 7)
import { fileURLToPath } from 'node:url';
import { count } from './format.mjs';
import { makeHistoryRepo, RARE_SESSION } from './histories.mjs';
import { BIN, benchEnv, removeRepo, requireBuild } from './repo.mjs';
import { measure, median } from './timing.mjs';

export const TAIL_QUERIES = {
  session: { args: ['tail', '-n', '20', '--session', RARE_SESSION], lines: 3 },
  plain: { args: ['tail', '-n', '20'], lines: 20 },
  // For reference: status counts the history's lines (its bytes are read, nothing parsed).
  status: { args: ['status'], lines: undefined },
};

function tail(root, query) {
  const run = measure(BIN, query.args, { cwd: root, env: benchEnv({ NO_COLOR: '1' }) });
  if (run.stderr !== '') throw new Error(`${query.args.join(' ')} wrote to stderr: ${run.stderr}`);
  const lines = run.stdout.split('\n').filter(Boolean).length;
  if (query.lines !== undefined && lines !== query.lines) {
    throw new Error(`${query.args.join(' ')} printed ${lines} lines, not ${query.lines}`);
  }
  return run;
}

/**
 * Times each query on each history (`{ size, root }`), interleaved run by run, after one
 * warm-up. Returns `{ [query]: [{ size, ms, rssMB }] }`.
 */
export function benchTail(histories, { runs = 7 } = {}) {
  const out = {};
  for (const [name, query] of Object.entries(TAIL_QUERIES)) {
    const samples = histories.map(() => ({ ms: [], rss: [] }));
    for (let i = 0; i <= runs; i++) {
      histories.forEach((history, h) => {
        const run = tail(history.root, query);
        if (i === 0) return;
        samples[h].ms.push(run.ms);
        samples[h].rss.push(run.rssKiB);
      });
    }
    out[name] = histories.map((history, h) => ({
      size: history.size,
      ms: median(samples[h].ms),
      rssMB: (Math.max(...samples[h].rss) * 1024) / 1e6,
    }));
  }
  return out;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  requireBuild();
  const sizes = (process.env.TAIL_BENCH_SIZES ?? '10k,1M').split(',').filter(Boolean).map(count);
  const histories = [];
  try {
    for (const size of sizes) histories.push(await makeHistoryRepo(size));
    const result = benchTail(histories, { runs: count(process.env.TAIL_BENCH_RUNS ?? '7') });
    for (const [name, rows] of Object.entries(result)) {
      for (const row of rows) {
        process.stdout.write(
          `${TAIL_QUERIES[name].args.join(' ').padEnd(40)} ${row.size.toLocaleString('en-US').padStart(10)} entries: ${row.ms.toFixed(0)} ms (${(row.ms / rows[0].ms).toFixed(2)}×), ${row.rssMB.toFixed(0)} MB\n`,
        );
      }
    }
  } finally {
    for (const history of histories) removeRepo(history.root);
  }
}
