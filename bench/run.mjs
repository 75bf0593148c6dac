// `npm run bench` (builds first): every row of issue 15's table — and the rows issues 11,
// 14 and 16 ask for — measured side by side in ONE run, each as users feel it (a child
// process of the real CLI, or a real `git commit` through the installed hooks), with its
// target beside it; printed, and written to docs/BENCHMARKS.md (generated: edit this
// script, not that file). What is compared is a ratio within the same run, because this
// machine's speed is not constant (it is shared).
//
//   commit         bench/commit.mjs       idle commit vs a lefthook no-op job; 1,000 pending
//   log            bench/start.mjs        one `log --hook` call, payload on stdin, vs node -e 0
//   consolidation  bench/consolidate.mjs  1M pending; 1,000 into today of 100k vs empty; v1
//   tail           bench/tail.mjs         tail -n 20 --session X (3 matches), 1M vs 10k
//   verify         bench/verify.mjs       verify at 100k and 1M; verify --history, 1,000 commits
//   append         bench/append.mjs       AuditLog.log() vs pino's synchronous destination
//   view           bench/view.mjs         first paint of the view, 100k vs 1k entries
//
// Environment (all optional):
//   BENCH_ONLY      some parts, e.g. `log,commit` (default: all; then no doc is written)
//   BENCH_ROUNDS    rounds of the commit, log and append parts (default 15)
//   BENCH_RUNS      runs of the child-process rows (default 5; the million row: 3)
//   BENCH_MILLION   pending entries of the throughput row (default 1M)
//   BENCH_STRICT=1  exit 1 when a target is missed

import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { benchAppend } from './append.mjs';
import { benchCommit, PENDING } from './commit.mjs';
import { benchMillion, benchToday } from './consolidate.mjs';
import { count, markdownTable, megabytes } from './format.mjs';
import { HISTORY_DAYS, makeHistoryRepo, PER_COMMIT } from './histories.mjs';
import { ROOT, removeRepo, requireBuild } from './repo.mjs';
import { benchStart } from './start.mjs';
import { benchTail, TAIL_QUERIES } from './tail.mjs';
import { benchVerify } from './verify.mjs';

const DOC = join(ROOT, 'docs', 'BENCHMARKS.md');

/** The targets of issue 15 (and 11, 14, 16). */
export const TARGET = {
  idleOverNoopMs: 10,
  logVsNode: 1.15,
  pendingVsNode: 2.0,
  millionRssMB: 300,
  millionPerSecond: 150_000,
  todayRatio: 1.2,
  tailSessionRatio: 2,
  verifyMs: 3000,
  verifyRssMB: 500,
  // Linear: the cost per entry at 1M at most this much above the cost per entry at 100k.
  verifyPerEntryRatio: 1.2,
  historyMs: 3000,
  appendVsPino: 0.95,
};

const only = process.env.BENCH_ONLY?.split(',').filter(Boolean);
const rounds = count(process.env.BENCH_ROUNDS ?? '15');
const runs = count(process.env.BENCH_RUNS ?? '5');
const million = count(process.env.BENCH_MILLION ?? '1M');

requireBuild();

const log = (text) => process.stderr.write(`${text}\n`);
const ms = (value) =>
  value >= 1000 ? `${(value / 1000).toFixed(2)} s` : `${value.toFixed(value < 100 ? 1 : 0)} ms`;
/** A difference: `+7.5 ms`, `−7.5 ms` (a minus sign, not `+-`). */
const delta = (value) => `${value < 0 ? '−' : '+'}${ms(Math.abs(value))}`;
const times = (value) => `${value.toFixed(2)}×`;
const n = (value) => Math.round(value).toLocaleString('en-US');
const mb = (value) => `${value.toFixed(0)} MB`;

const rows = [];
const misses = [];
/** One line of the table; `ok` is absent for reference figures. */
function row(what, figure, against = '', ratio = '', target = '', ok = undefined) {
  if (ok === false) misses.push(what);
  rows.push([what, figure, against, ratio, target, ok === undefined ? '' : ok ? 'met' : 'MISSED']);
}
const notes = [];

async function commitPart() {
  const r = await benchCommit({ rounds, log });
  row('`git commit` (lefthook), no hooks', ms(r.bare));
  row(
    '`git commit`, lefthook with a no-op job in pre- and post-commit',
    delta(r.noop.overBare),
    'no hooks',
  );
  row(
    '`git commit`, nothing pending (in-commit mode: both steps installed)',
    delta(r.idle.overNoop),
    'the lefthook no-op jobs',
    '',
    `≤ +${TARGET.idleOverNoopMs} ms`,
    r.idle.overNoop <= TARGET.idleOverNoopMs,
  );
  const ratio = r.pending.overIdle / r.node;
  row(
    `\`git commit\` with ${n(PENDING)} entries pending, over an idle commit`,
    delta(r.pending.overIdle),
    `\`node -e 0\`: ${ms(r.node)}`,
    times(ratio),
    `≤ ${TARGET.pendingVsNode.toFixed(1)}×`,
    ratio <= TARGET.pendingVsNode,
  );
  notes.push(
    `Commit: four repositories side by side — no hooks; lefthook with one no-op job (\`true\`) in pre-commit and post-commit; \`audit-hooks install\` (lefthook, in-commit mode, both steps); the same with ${n(PENDING)} entries written by the real writer into 4 shards before each commit (untimed). Each round changes and stages one file in each (untimed) and times \`git commit -q -m …\`, in rotating order, 2 warm-up rounds, median of ${rounds}; "+" figures are medians of the round-by-round differences. ` +
      'Each repository has `node_modules/.bin/audit-hooks` linked to dist/bin.cjs, the bin package.json names (what the installed command finds first); the commits run with node_modules/.bin off PATH, as from a terminal (inside an npm script lefthook’s hook script would find lefthook’s Node.js wrapper first and run it twice per hook). ' +
      'The pending commit is checked: HEAD holds a batch of exactly those entries, no shard and no claim is left.',
  );
}

function logPart() {
  const r = benchStart({ rounds });
  const [hook, ...others] = r.commands;
  const ratio = hook.ms / r.node;
  row(
    'one `audit-hooks log --hook --agent claude-code` call, payload on stdin',
    ms(hook.ms),
    `\`node -e 0\`: ${ms(r.node)}`,
    times(ratio),
    `≤ ${TARGET.logVsNode}×`,
    ratio <= TARGET.logVsNode,
  );
  for (const command of others) {
    row(
      `\`audit-hooks ${command.name}\``,
      ms(command.ms),
      '`node -e 0`',
      times(command.ms / r.node),
    );
  }
  notes.push(
    `Log: \`node dist/bin.cjs …\` (the bin package.json names) as child processes in one repository, interleaved with \`node -e 0\`, 2 warm-up rounds, median of ${rounds}. The hook call gets a Claude Code PostToolUse payload (~0.6 KB) on stdin, maps it onto the common schema, applies the size budget and appends one entry to the session's shard, as every agent tool call does.`,
  );
}

async function consolidationPart() {
  const m = benchMillion({ entries: million, runs: Math.min(runs, 3), log });
  row(
    `consolidate ${n(m.entries)} pending entries (${megabytes(m.bytes)} in 4 shards)`,
    `${ms(m.ms)}, ${n(m.perSecond)} entries/s`,
    '',
    '',
    `≥ ${n(TARGET.millionPerSecond)} entries/s`,
    m.perSecond >= TARGET.millionPerSecond,
  );
  row(
    `consolidate ${n(m.entries)} pending: peak RSS`,
    mb(m.rssMB),
    '',
    '',
    `< ${TARGET.millionRssMB} MB`,
    m.rssMB < TARGET.millionRssMB,
  );
  const t = await benchToday({ runs, log });
  const ratio = t.fullMs / t.emptyMs;
  row(
    `consolidate ${n(t.fresh)} new entries into a history whose today holds ${n(t.todayEntries)}`,
    `${ms(t.fullMs)}, ${mb(t.rssMB)}`,
    `into an empty history: ${ms(t.emptyMs)}`,
    times(ratio),
    `≤ ${TARGET.todayRatio}×`,
    ratio <= TARGET.todayRatio,
  );
  row(
    `the same in v1's design (read, sort and rewrite today's ${n(t.todayEntries)})`,
    `${ms(t.v1Ms)}, ${mb(t.v1RssMB)}`,
    `v2: ${ms(t.fullMs)}`,
    `v2 ${times(t.v1Ms / t.fullMs)} faster`,
  );
  notes.push(
    `Consolidation: \`node dist/bin.cjs consolidate --json\` as a child process (a manual consolidation: claim, batch, publish), wall time from spawn to exit, peak RSS from GNU time; one untimed run, then the median. The ${n(m.entries)} pending entries are written once (untimed) and hard-linked into logs/active/ before each run. ` +
      `The ${n(t.fresh)} new entries are written by the real writer into 4 shards before each run (untimed); today's ${n(t.todayEntries)} are batch files of 1,000, as commits made them; the two repositories alternate run by run. ` +
      'A manual consolidation keeps its claim set until a commit holds the batch, so after each run the set and the batch it published are removed: every run starts from the same state. ' +
      'v1’s design, in its own child process: read today’s one-file partition, add the new entries, dedupe by id, sort in §3 order, rewrite it with write-file-atomic (fsync).',
  );
}

let histories;
async function historiesFor(sizes) {
  histories ??= new Map();
  for (const size of sizes) {
    if (!histories.has(size)) histories.set(size, await makeHistoryRepo(size, { log }));
  }
  return sizes.map((size) => histories.get(size));
}

async function tailPart() {
  const list = await historiesFor([10_000, million]);
  const r = benchTail(list, { runs });
  const [small, large] = r.session;
  const ratio = large.ms / small.ms;
  row(
    `\`${TAIL_QUERIES.session.args.join(' ').replace(/--session \S+/, '--session X')}\` (3 matches), history of ${n(large.size)}`,
    `${ms(large.ms)}, ${mb(large.rssMB)}`,
    `history of ${n(small.size)}: ${ms(small.ms)}`,
    times(ratio),
    `≤ ${TARGET.tailSessionRatio}×`,
    ratio <= TARGET.tailSessionRatio,
  );
  const [plainSmall, plainLarge] = r.plain;
  row(
    `\`tail -n 20\`, history of ${n(plainLarge.size)}`,
    `${ms(plainLarge.ms)}, ${mb(plainLarge.rssMB)}`,
    `history of ${n(plainSmall.size)}: ${ms(plainSmall.ms)}`,
    times(plainLarge.ms / plainSmall.ms),
  );
  const [statusSmall, statusLarge] = r.status;
  row(
    `\`status\`, history of ${n(statusLarge.size)}`,
    `${ms(statusLarge.ms)}, ${mb(statusLarge.rssMB)}`,
    `history of ${n(statusSmall.size)}: ${ms(statusSmall.ms)}`,
    times(statusLarge.ms / statusSmall.ms),
  );
  notes.push(
    `Tail and verify: committed histories made by commits of ${n(PER_COMMIT)} entries each over ${HISTORY_DAYS} days (git fast-import), plus two small live shards; session X has one entry on the first, a middle and the last day, so \`--session X\` looks through the whole history. Each run is one child process of the CLI; one untimed run, then the median of ${runs}, the sizes interleaved.`,
  );
}

async function verifyPart() {
  const list = await historiesFor([100_000, million]);
  const r = benchVerify(list, { runs: Math.min(runs, 3) });
  const [small, large] = r.verify;
  const perEntry = large.ms / large.size / (small.ms / small.size);
  row(
    `\`verify\`, ${n(large.size)} entries`,
    `${ms(large.ms)}, ${mb(large.rssMB)}`,
    '',
    '',
    `≤ ${ms(TARGET.verifyMs)}, < ${TARGET.verifyRssMB} MB`,
    large.ms <= TARGET.verifyMs && large.rssMB < TARGET.verifyRssMB,
  );
  row(
    '`verify`: cost per entry at 1M over at 100k (linear)',
    times(perEntry),
    `${n(small.size)} entries: ${ms(small.ms)}, ${mb(small.rssMB)}`,
    '',
    `≤ ${TARGET.verifyPerEntryRatio}×`,
    perEntry <= TARGET.verifyPerEntryRatio,
  );
  row(
    `\`verify --history\`, ${n(r.history.commits)} commits holding ${n(r.history.size)} entries`,
    `${ms(r.history.ms)}, ${mb(r.history.rssMB)}`,
    '',
    '',
    `< ${ms(TARGET.historyMs)}`,
    r.history.ms < TARGET.historyMs,
  );
}

async function appendPart() {
  const results = await benchAppend({ entries: 20_000, rounds: rounds + 6, log });
  for (const shape of [...new Set(results.map((r) => r.shape))]) {
    const of = (writer) => results.find((r) => r.shape === shape && r.writer === writer);
    const ours = of('AuditLog').perSecond;
    const pino = of('pino').perSecond;
    const judged = shape === '~200 B';
    row(
      `\`AuditLog.log()\`, ${shape} entries (${of('raw').bytesPerLine} B/line)`,
      `${n(ours)} entries/s, ${(1e6 / ours).toFixed(1)} µs`,
      `pino sync: ${n(pino)}/s`,
      times(ours / pino),
      judged ? `≥ ${TARGET.appendVsPino}×` : '',
      judged ? ours / pino >= TARGET.appendVsPino : undefined,
    );
    if (judged) {
      const legacy = of('legacy').perSecond;
      row(
        `… the same writer without the claim check (\`logPath\`, legacy mode)`,
        `${n(legacy)} entries/s`,
        '`AuditLog.log()`',
        times(ours / legacy),
      );
    }
  }
  notes.push(
    `Append: 20,000 entries per writer per round, each writer into its own fresh file, all in one process, in rotating order; 2 warm-up rounds, then the median of ${rounds + 6}. pino logs the same objects with \`pino(pino.destination({ dest, sync: true }))\` (it adds level, time, pid, hostname). ` +
      '`AuditLog.log()` validates, adds the envelope (UUID, timestamp, session, seq), serializes, writes once, and checks at most every few milliseconds that its shard was not claimed (SPEC §4; the correctness argument is in src/writer/audit-log.ts).',
  );
}

async function viewPart() {
  const { benchView, VIEW_TARGET_MS } = await import('./view.mjs');
  const r = await benchView({ sizes: [1000, 100_000], runs: Math.min(runs, 5), log });
  const [small, large] = r.results;
  row(
    `\`audit-hooks view\`, first paint of ${n(large.n)} entries (headless Chromium)`,
    ms(large.paint),
    `${n(small.n)} entries: ${ms(small.paint)}`,
    times(large.paint / small.paint),
    `≤ ${ms(VIEW_TARGET_MS)}`,
    large.paint <= VIEW_TARGET_MS,
  );
  notes.push(
    'View: bench/view.mjs (its trails in the v2 layout, 1% live; the built CLI writes the page; Debian’s Chromium through playwright-core reads the page’s own first-paint mark).',
  );
}

const PARTS = {
  commit: commitPart,
  log: logPart,
  consolidation: consolidationPart,
  tail: tailPart,
  verify: verifyPart,
  append: appendPart,
  view: viewPart,
};
for (const name of only ?? []) {
  if (!(name in PARTS)) throw new Error(`BENCH_ONLY: unknown part ${name} (${Object.keys(PARTS)})`);
}
const started = performance.now();
try {
  for (const [name, part] of Object.entries(PARTS)) {
    if (only !== undefined && !only.includes(name)) continue;
    log(`— ${name}`);
    const t0 = performance.now();
    await part();
    log(`  (${ms(performance.now() - t0)})`);
  }
} finally {
  for (const history of histories?.values() ?? []) removeRepo(history.root);
}

const tableText = markdownTable(
  ['What users feel', 'Measured', 'Compared with', 'Ratio', 'Target', 'Result'],
  rows,
);
const machine = `Node ${process.version}, ${process.platform}/${process.arch}, ${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB; total bench time ${ms(performance.now() - started)}`;
const verdict =
  misses.length === 0
    ? 'All targets met.'
    : `Targets missed: ${misses.length} (see the README, "Performance").`;
process.stdout.write(`\n${tableText}\n\n${machine}.\n${verdict}\n`);

if (only === undefined) {
  mkdirSync(join(ROOT, 'docs'), { recursive: true });
  writeFileSync(
    DOC,
    [
      '<!-- Generated by `npm run bench` (bench/run.mjs): edit that script, not this file. -->',
      '# Benchmarks',
      '',
      'Every figure comes from one run of `npm run bench` on one machine; what is compared is compared within that run (the machine is shared and noisy, so absolute times move from run to run). Targets are from issues 11, 14, 15 and 16.',
      '',
      tableText,
      '',
      `${machine}. ${verdict}`,
      '',
      '## How each figure is measured',
      '',
      ...notes.map((note) => `- ${note}`),
      '',
    ].join('\n'),
  );
  log(`wrote ${DOC}`);
}
if (misses.length > 0 && process.env.BENCH_STRICT === '1') process.exitCode = 1;
