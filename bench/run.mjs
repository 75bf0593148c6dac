// `npm run bench` (builds first): every performance figure of issue 7 in ONE table, each a
// median of several runs with its target beside it, printed and written to
// docs/BENCHMARKS.md (generated: edit this script, not that file). Figures that are
// compared are ratios from the same run, because this machine's speed is not constant.
//
//   append         bench/append.mjs       AuditLog.log() vs pino, appendFileSync, raw writeSync
//   consolidation  bench/consolidate.mjs  1,000 new entries into 0 … 1M; full-rewrite baseline
//   tail           bench/tail.mjs         `tail -n 20` at 10k vs 1M (run as it is, table parsed)
//   commit         bench/commit.mjs       what the post-commit hook adds to `git commit`
//   CLI start      bench/start.mjs        --version, log, tail -n 1, the idle hook vs node -e 0
//
// Environment (all optional):
//   BENCH_ONLY            some parts, e.g. `append,commit` (default: all; no doc is written)
//   BENCH_SIZES           consolidation history sizes (default `0,10k,100k,1M`)
//   BENCH_BASELINE_SIZES  sizes at which to time the full-rewrite baseline (default `1M`)
//   BENCH_RUNS            timed consolidations per size (default 7)
//   BENCH_BASELINE_RUNS   timed baseline runs per size, after one untimed (default 5)
//   BENCH_NEW             new entries per consolidation (default 1000)
//   BENCH_DAYS            days the history spans, ending yesterday (default 365)
//   BENCH_ROUNDS          rounds of the append, commit and start parts (default 21)
//   BENCH_STRICT=1        exit 1 when a target is missed
//   BENCH_RSS=self        measure peak RSS inside the child instead of with /usr/bin/time
// and TAIL_BENCH_* for bench/tail.mjs.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { benchAppend } from './append.mjs';
import { benchCommit } from './commit.mjs';
import { timeConsolidate, timeFullRewrite, timeLibraryConsolidate } from './consolidate.mjs';
import { count, markdownTable, megabytes } from './format.mjs';
import { flushToDisk, generateHistory, writeShards } from './history.mjs';
import { makeRepo, ROOT, removeRepo, requireBuild } from './repo.mjs';
import { benchStart } from './start.mjs';
import { median } from './timing.mjs';

const DOC = join(ROOT, 'docs', 'BENCHMARKS.md');
const TAIL_BENCH = join(ROOT, 'bench', 'tail.mjs');
const SHARDS = 4;

const TARGET = {
  appendVsPino: 1.0,
  appendVsRaw: 0.5,
  consolidateVsEmpty: 1.3,
  consolidateRssMB: 100,
  speedUp: 50,
  tailRatio: 1.2,
  hookVsNode: 1.5,
};

const list = (name, fallback) =>
  (process.env[name] ?? fallback).split(',').filter(Boolean).map(count);

const only = process.env.BENCH_ONLY?.split(',').filter(Boolean);
const runs = count(process.env.BENCH_RUNS ?? '7');
const baselineRuns = count(process.env.BENCH_BASELINE_RUNS ?? '5');
const fresh = count(process.env.BENCH_NEW ?? '1000');
const days = count(process.env.BENCH_DAYS ?? '365');
const rounds = count(process.env.BENCH_ROUNDS ?? '21');

requireBuild();

const log = (text) => process.stderr.write(`${text}\n`);
const ms = (value) =>
  value >= 1000 ? `${(value / 1000).toFixed(2)} s` : `${value.toFixed(value < 100 ? 1 : 0)} ms`;
const perSecond = (value) => `${Math.round(value).toLocaleString('en-US')} entries/s`;
const times = (value) => `${value.toFixed(2)}×`;
const entries = (value) => value.toLocaleString('en-US');

/** One line of the table. `target` and `ok` are absent for reference figures. */
const rows = [];
let missed = false;
function row(part, subject, figure, against = '', ratio = '', target = '', ok = undefined) {
  if (ok === false) missed = true;
  rows.push([
    part,
    subject,
    figure,
    against,
    ratio,
    target,
    ok === undefined ? '' : ok ? 'met' : 'MISSED',
  ]);
}
const notes = [];
const floor = { baselineMs: undefined, nodeMs: undefined };

async function appendPart() {
  const results = await benchAppend({ entries: 10_000, rounds, log });
  const shapes = [...new Set(results.map((r) => r.shape))];
  for (const shape of shapes) {
    const of = (writer) => results.find((r) => r.shape === shape && r.writer === writer);
    const ours = of('AuditLog');
    const part = `append, ${shape} entries (${of('raw').bytesPerLine} B/line)`;
    const pino = of('pino').perSecond;
    const raw = of('raw').perSecond;
    const vsPino = ours.perSecond / pino;
    const vsRaw = ours.perSecond / raw;
    row(
      part,
      '`AuditLog.log()` (sharded)',
      perSecond(ours.perSecond),
      `pino sync: ${perSecond(pino)}`,
      times(vsPino),
      `≥ ${TARGET.appendVsPino.toFixed(1)}×`,
      vsPino >= TARGET.appendVsPino,
    );
    row(
      part,
      '`AuditLog.log()` (sharded)',
      perSecond(ours.perSecond),
      `raw writeSync: ${perSecond(raw)}`,
      times(vsRaw),
      `≥ ${TARGET.appendVsRaw}×`,
      vsRaw >= TARGET.appendVsRaw,
    );
    const legacy = of('legacy').perSecond;
    row(
      part,
      '`AuditLog.log()` legacy (`logPath`: no shard, no stat)',
      perSecond(legacy),
      'pino sync',
      times(legacy / pino),
    );
    const append = of('appendFileSync').perSecond;
    row(
      part,
      '`fs.appendFileSync` (open, write, close)',
      perSecond(append),
      'pino sync',
      times(append / pino),
    );
  }
  notes.push(
    'Append: 10,000 entries per writer per round, each writer into its own fresh file, all in one process, in rotating order; 2 warm-up rounds, then the median of ' +
      `${rounds} rounds. pino logs the same objects with \`pino(pino.destination({ dest, sync: true }))\` (it adds level, time, pid, hostname). ` +
      'The raw limit writes lines serialized beforehand with `fs.writeSync` on a kept-open O_APPEND descriptor. ' +
      '`AuditLog.log()` validates, adds the envelope (UUID, timestamp, session, seq), serializes, writes once and stats the shard path once per entry (SPEC §4: it notices a consolidation that claimed the shard). ' +
      'That stat costs more than its own syscall: on Linux ≥ 6.13 (multigrain timestamps) a write after a stat must give the file a new fine-grained ctime, so the next write dirties the inode; the legacy row is the same writer without it.',
  );
}

async function consolidationPart() {
  const { AuditLog } = await import('../dist/index.js');
  const sizes = list('BENCH_SIZES', '0,10k,100k,1M');
  const baselineSizes = new Set(list('BENCH_BASELINE_SIZES', '1M'));
  const results = [];
  for (const size of sizes) {
    const root = makeRepo({ commit: true });
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
        `history of ${entries(size)} entries (${megabytes(history.bytes)}, ${Math.min(days, size)} partitions) generated in ${ms(performance.now() - t0)}`,
      );
      const once = (args) => {
        writeShards(AuditLog, root, fresh, SHARDS);
        const run = timeConsolidate(root, { entries: fresh, shards: SHARDS }, args);
        // Back to the same history for the next run: today's partition was new.
        for (const file of run.result.partitions) rmSync(join(root, file));
        return run;
      };
      const hook = ['consolidate', '--hook', '--json'];
      const manual = ['consolidate', '--json'];
      once(hook); // warm-up: file cache, the CLI's first load
      const samples = { hook: [], manual: [], rss: [] };
      for (let i = 0; i < runs; i++) {
        // Interleaved: the hook's command and the manual one, run after run.
        const run = once(hook);
        samples.hook.push(run.ms);
        samples.rss.push(run.rssKiB);
        if (size === sizes.at(-1)) samples.manual.push(once(manual).ms);
      }
      log(`  consolidate --hook: ${samples.hook.map(ms).join(', ')}`);
      const baseline = [];
      const baselineRss = [];
      // The algorithms alone: each child times its own work, after node's start-up.
      const work = { baseline: [], ours: [] };
      if (withBaseline) {
        for (let i = 0; i <= baselineRuns; i++) {
          writeShards(AuditLog, root, fresh, SHARDS);
          const run = timeFullRewrite(root, legacy);
          writeShards(AuditLog, root, fresh, SHARDS);
          const ours = timeLibraryConsolidate(root, { entries: fresh, shards: SHARDS });
          for (const file of ours.result.partitions) rmSync(join(root, file));
          if (i === 0) continue; // warm-up, as for our side
          baseline.push(run.ms);
          baselineRss.push(run.rssKiB);
          work.baseline.push(run.workMs);
          work.ours.push(ours.workMs);
        }
        log(`  full rewrite: ${baseline.map(ms).join(', ')}`);
        log(
          `  work alone: full rewrite ${work.baseline.map(ms).join(', ')}; consolidate() ${work.ours.map(ms).join(', ')}`,
        );
      }
      results.push({
        size,
        bytes: history.bytes,
        ms: median(samples.hook),
        min: Math.min(...samples.hook),
        max: Math.max(...samples.hook),
        manualMs: samples.manual.length > 0 ? median(samples.manual) : undefined,
        rssMB: (Math.max(...samples.rss) * 1024) / 1e6,
        baselineMs: baseline.length > 0 ? median(baseline) : undefined,
        baselineMin: baseline.length > 0 ? Math.min(...baseline) : undefined,
        baselineMax: baseline.length > 0 ? Math.max(...baseline) : undefined,
        baselineRssMB: baseline.length > 0 ? (Math.max(...baselineRss) * 1024) / 1e6 : undefined,
        baselineWorkMs: work.baseline.length > 0 ? median(work.baseline) : undefined,
        oursWorkMs: work.ours.length > 0 ? median(work.ours) : undefined,
      });
    } finally {
      removeRepo(root);
    }
  }

  const part = `consolidation, ${entries(fresh)} new entries`;
  const empty = results.find((r) => r.size === 0);
  for (const r of results) {
    const subject = `into ${entries(r.size)} entries (${megabytes(r.bytes)})`;
    const spread = `${ms(r.ms)} (${ms(r.min)}–${ms(r.max)})`;
    if (r === empty) row(part, subject, spread, '', '1.00× (reference)');
    else if (empty === undefined) row(part, subject, spread);
    else {
      const ratio = r.ms / empty.ms;
      row(
        part,
        subject,
        spread,
        'into 0 entries',
        times(ratio),
        `≤ ${TARGET.consolidateVsEmpty}×`,
        ratio <= TARGET.consolidateVsEmpty,
      );
    }
  }
  const rss = Math.max(...results.map((r) => r.rssMB));
  row(
    part,
    'peak RSS, largest of all sizes',
    `${rss.toFixed(0)} MB`,
    '',
    '',
    `< ${TARGET.consolidateRssMB} MB`,
    rss < TARGET.consolidateRssMB,
  );
  for (const r of results) {
    if (r.baselineMs === undefined) continue;
    const speedUp = r.baselineMs / r.ms;
    floor.baselineMs = r.baselineMs;
    row(
      part,
      `original full rewrite into ${entries(r.size)} (${r.baselineRssMB.toFixed(0)} MB RSS)`,
      `${ms(r.baselineMs)} (${ms(r.baselineMin)}–${ms(r.baselineMax)})`,
      `ours: ${ms(r.ms)}`,
      `${speedUp.toFixed(1)}× faster`,
      `≥ ${TARGET.speedUp}×`,
      speedUp >= TARGET.speedUp,
    );
    row(
      part,
      'same, the work alone (timed inside each child after start-up; library `consolidate()`)',
      ms(r.baselineWorkMs),
      `ours: ${ms(r.oursWorkMs)}`,
      `${(r.baselineWorkMs / r.oursWorkMs).toFixed(1)}× faster`,
    );
    const largest = results.at(-1);
    if (largest.manualMs !== undefined && largest === r) {
      row(
        part,
        `same, vs the manual \`consolidate\` (finds the root with \`git rev-parse\`)`,
        ms(r.baselineMs),
        `ours: ${ms(largest.manualMs)}`,
        `${(r.baselineMs / largest.manualMs).toFixed(1)}× faster`,
      );
    }
  }
  notes.push(
    `Consolidation: each run is one child process of the post-commit hook's command (\`node dist/bin.js consolidate --hook --json\`) in a repository with a commit, wall time from spawn to exit, peak RSS from GNU time; ${entries(fresh)} entries written beforehand by the real writer into ${SHARDS} shards (untimed); one untimed warm-up run, then the median of ${runs}. ` +
      `Histories are sorted daily partitions over ${days} days. The baseline is the original design (one history file: read it all, add, dedupe, sort, rewrite with write-file-atomic, fsync), in its own child process, one untimed run, then the median of ${baselineRuns}. ` +
      'For the algorithms-alone row, the baseline child and a child calling the library’s `consolidate({ hook: true })` each time their own work with `performance.now()` (after start-up and imports; the same shards, alternating with the baseline runs).',
  );
}

function tailPart() {
  if (!existsSync(TAIL_BENCH)) {
    // HOOK: bench/tail.mjs (tail -n 20 at 10k vs 1M) is wired in here once it exists.
    row(
      'tail',
      '`tail -n 20`, 1M vs 10k',
      'bench/tail.mjs is missing',
      '',
      '',
      `≤ ${TARGET.tailRatio}×`,
      false,
    );
    return;
  }
  const env = { ...process.env };
  delete env.BENCH_STRICT; // judged here
  const child = spawnSync(process.execPath, [TAIL_BENCH], { env, encoding: 'utf8' });
  process.stderr.write(child.stderr);
  const parsed = child.status === 0 ? parseTailTable(child.stdout) : undefined;
  if (parsed === undefined) {
    row(
      'tail',
      '`tail -n 20`',
      `bench/tail.mjs failed or printed no table (exit ${child.status})`,
      '',
      '',
      `≤ ${TARGET.tailRatio}×`,
      false,
    );
    notes.push(`bench/tail.mjs printed:\n\n\`\`\`\n${child.stdout}${child.stderr}\`\`\``);
    return;
  }
  const [reference, ...others] = parsed.rows;
  const part = `tail, ${parsed.what}`;
  row(part, `history of ${entries(reference.size)}`, reference.figure, '', '1.00× (reference)');
  for (const r of others) {
    const ratio = r.ms / reference.ms;
    row(
      part,
      `history of ${entries(r.size)}${r.rss ? ` (peak RSS ${r.rss})` : ''}`,
      r.figure,
      `history of ${entries(reference.size)}`,
      times(ratio),
      `≤ ${TARGET.tailRatio}×`,
      ratio <= TARGET.tailRatio,
    );
  }
  notes.push(
    `Tail: run by bench/tail.mjs as it is (its own histories, warm-up and median); its note: ${parsed.caption}`,
  );
}

/** Reads the markdown table bench/tail.mjs prints: history size, median time, peak RSS. */
function parseTailTable(text) {
  const lines = text.split('\n');
  const start = lines.findIndex((line) => line.startsWith('|'));
  if (start === -1) return undefined;
  const cells = (line) =>
    line
      .split('|')
      .slice(1, -1)
      .map((cell) => cell.trim());
  const header = cells(lines[start]);
  const sizeCol = header.findIndex((h) => /^history/i.test(h));
  const timeCol = header.findIndex((h) => /^tail/i.test(h));
  const rssCol = header.findIndex((h) => /rss/i.test(h));
  if (sizeCol === -1 || timeCol === -1) return undefined;
  const rows = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('|')) break;
    const row = cells(line);
    const figure = row[timeCol];
    const match = /^([\d.]+)\s*(ms|s)$/.exec(figure);
    if (match === null) return undefined;
    rows.push({
      size: Number(row[sizeCol].replaceAll(',', '')),
      ms: Number(match[1]) * (match[2] === 's' ? 1000 : 1),
      figure,
      rss: rssCol === -1 ? undefined : row[rssCol],
    });
  }
  if (rows.length < 2) return undefined;
  return {
    what: header[timeCol].replace(/\s*\(.*\)$/, ''),
    caption: lines.slice(0, start).join(' ').trim(),
    rows,
  };
}

async function commitPart() {
  const r = await benchCommit({ rounds });
  const part = '`git commit` (empty change)';
  // What a hook adds to the commit, next to what starting node alone costs.
  const added = (subject, addedMs, target) => {
    const ratio = addedMs / r.node;
    const judged = target === undefined ? [] : [`≤ ${target}×`, ratio <= target];
    row(part, subject, `+${ms(addedMs)}`, `node -e 0: ${ms(r.node)}`, times(ratio), ...judged);
  };
  row(part, 'no hooks', ms(r.bare));
  added('lefthook alone, one empty job: added', r.lefthook.addedMs);
  added(
    'audit-hooks, nothing to consolidate: added (lefthook + our job)',
    r.idle.addedMs,
    TARGET.hookVsNode,
  );
  added('… of which our job (vs lefthook’s empty job)', r.idle.oursMs);
  added('audit-hooks, 1,000 entries pending: added', r.pending.addedMs);
  notes.push(
    `Commit: four repositories side by side, \`git commit -q --allow-empty\` in each per round (rotating order), 2 warm-up rounds, median of ${rounds}; "added" is the median of the round-by-round difference to the repository without hooks. ` +
      'audit-hooks is installed with `node dist/bin.js install` (lefthook), with `node_modules/.bin/audit-hooks` a symbolic link to dist/bin.js, as in scripts/demo.mjs; the lefthook-alone repository has the same hooks with one post-commit job `true`. ' +
      'lefthook’s share (its hook script probes for the binary, then runs it) is not ours to cut. ' +
      'The commits run with node_modules/.bin removed from PATH, as from a terminal: with it on PATH (inside an npm script) lefthook’s hook script runs lefthook’s Node.js wrapper twice per hook, about +110 ms per commit on this machine.',
  );
}

function startPart() {
  const r = benchStart({ rounds });
  floor.nodeMs = r.node;
  const part = 'CLI start';
  row(part, '`node -e 0`', ms(r.node), '', '1.00× (reference)');
  for (const command of r.commands) {
    const name = command.args[0] === 'log' ? 'log {…}' : command.args.join(' ');
    const what = command.args[0] === 'consolidate' ? `\`${name}\`, nothing pending` : `\`${name}\``;
    row(
      part,
      what,
      `${ms(command.ms)} (+${ms(command.addedMs)})`,
      'node -e 0',
      times(command.ms / r.node),
    );
  }
  notes.push(
    `CLI start: \`node dist/bin.js …\` as child processes, interleaved with \`node -e 0\`, 2 warm-up rounds, median of ${rounds}; \`log\` appends one entry to a shard (it finds the repository with \`git rev-parse\`, SPEC §4), \`tail -n 1\` reads it back.`,
  );
}

const PARTS = {
  append: appendPart,
  consolidation: consolidationPart,
  tail: tailPart,
  commit: commitPart,
  start: startPart,
};
for (const name of only ?? []) {
  if (!(name in PARTS)) throw new Error(`BENCH_ONLY: unknown part ${name} (${Object.keys(PARTS)})`);
}
const started = performance.now();
for (const [name, part] of Object.entries(PARTS)) {
  if (only !== undefined && !only.includes(name)) continue;
  log(`— ${name}`);
  await part();
}

// What bounds the speed-up: a child process of node costs `node -e 0` before any work.
if (floor.baselineMs !== undefined && floor.nodeMs !== undefined) {
  notes.push(
    `Speed-up ceiling: starting node alone (\`node -e 0\`, ${ms(floor.nodeMs)}) is 1/${Math.round(floor.baselineMs / floor.nodeMs)} of the full rewrite (${ms(floor.baselineMs)}), so a consolidation in a child process is at most ${(floor.baselineMs / floor.nodeMs).toFixed(0)}× faster even if it did nothing; ${TARGET.speedUp}× leaves ${ms(floor.baselineMs / TARGET.speedUp - floor.nodeMs)} for loading the CLI and doing the work.`,
  );
}

const tableText = markdownTable(
  ['Benchmark', 'Case', 'Median', 'Compared with', 'Ratio', 'Target', 'Result'],
  rows,
);
const machine = `Node ${process.version}, ${process.platform}/${process.arch}, ${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB; total bench time ${ms(performance.now() - started)}`;
const verdict = missed ? 'A target was MISSED.' : 'All targets met.';
process.stdout.write(`\n${tableText}\n\n${machine}.\n${verdict}\n`);

if (only === undefined) {
  mkdirSync(join(ROOT, 'docs'), { recursive: true });
  writeFileSync(
    DOC,
    [
      '<!-- Generated by `npm run bench` (bench/run.mjs): edit that script, not this file. -->',
      '# Benchmarks',
      '',
      'Every figure is the median of several runs on one machine, in one run of `npm run bench`; what is compared is compared as a ratio within that run (the machine is shared and noisy, so absolute times move from run to run). Targets are from issue 7.',
      '',
      tableText,
      '',
      `${machine}. ${verdict}`,
      '',
      '## How each figure is measured',
      '',
      ...notes.flatMap((note) => [`- ${note}`]),
      '',
    ].join('\n'),
  );
  log(`wrote ${DOC}`);
}
if (missed && process.env.BENCH_STRICT === '1') process.exitCode = 1;
