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
import { execFileSync, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  realpathSync,
  rmSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'dist', 'bin.js');
const GNU_TIME = '/usr/bin/time';
const DAY_MS = 86_400_000;
const TARGET_RATIO = 1.2;
const OLD_DESIGN = '0.10 s → 1.07 s, 309 MB';

function count(text) {
  const match = /^(\d+(?:\.\d+)?)([kKmM]?)$/.exec(text.trim());
  if (match === null) throw new Error(`not a size: ${JSON.stringify(text)} (e.g. 10000, 10k, 1M)`);
  const scale = { '': 1, k: 1e3, m: 1e6 }[match[2].toLowerCase()];
  return Math.round(Number(match[1]) * scale);
}

const sizes = (process.env.TAIL_BENCH_SIZES ?? '10k,1M').split(',').filter(Boolean).map(count);
const runs = count(process.env.TAIL_BENCH_RUNS ?? '9');
const days = count(process.env.TAIL_BENCH_DAYS ?? '365');
const n = count(process.env.TAIL_BENCH_N ?? '20');

if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run \`npm run build\` first`);

const log = (text) => process.stderr.write(`${text}\n`);
const seconds = (ms) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`);
const megabytes = (bytes) => `${(bytes / 1e6).toFixed(bytes < 1e7 ? 1 : 0)} MB`;
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** Environment for git and the CLI: no user config, no hook location variables, no colour. */
function benchEnv() {
  const env = {
    ...process.env,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    NO_COLOR: '1',
  };
  for (const name of ['GIT_DIR', 'GIT_WORK_TREE', 'GIT_INDEX_FILE', 'AUDIT_HOOKS_SESSION']) {
    delete env[name];
  }
  return env;
}

function makeRepo() {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'audit-hooks-tail-bench-')));
  execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: root, env: benchEnv() });
  return root;
}

const TOOLS = [
  ['Bash', 'npm test -- tests/unit/writer.test.ts'],
  ['Bash', 'git diff --stat HEAD~1 -- src'],
  ['Read', 'src/history/consolidate.ts'],
  ['Edit', 'src/commands/merge-driver.ts'],
  ['Grep', 'compareEntryLines --type ts'],
  ['Bash', 'npx tsc --noEmit -p tsconfig.json'],
];
const MODELS = ['claude-sonnet-4-5', 'gpt-5-codex', 'gemini-2.5-pro'];

/** A realistic entry: an agent's tool call, ~230 bytes with the envelope. */
function entry(instant, session, seq, k) {
  const [tool, command] = TOOLS[k % TOOLS.length];
  return JSON.stringify({
    id: randomUUID(),
    timestamp: new Date(instant).toISOString(),
    session_id: session,
    seq,
    event: 'tool_use',
    tool,
    command,
    exit_code: k % 17 === 0 ? 1 : 0,
    model: MODELS[k % MODELS.length],
  });
}

/**
 * `count` entries spread evenly over the `days` days before today, as sorted daily
 * partitions (what consolidation maintains), written one day at a time; plus two small
 * live shards of today, as agents at work would have.
 */
function generate(root, total) {
  const dir = join(root, 'logs', 'history');
  mkdirSync(dir, { recursive: true });
  const first = Math.floor(Date.now() / DAY_MS) * DAY_MS - days * DAY_MS;
  let written = 0;
  let bytes = 0;
  for (let day = 0; day < days && written < total; day++) {
    const inDay = Math.floor(total / days) + (day < total % days ? 1 : 0);
    if (inDay === 0) continue;
    const start = first + day * DAY_MS;
    const step = DAY_MS / inDay;
    const sessions = Array.from({ length: 6 }, () => randomUUID().slice(0, 8));
    const seqs = new Array(sessions.length).fill(0);
    const lines = [];
    for (let k = 0; k < inDay; k++) {
      // Strictly increasing instants: the partition is in §3 order.
      const instant = start + Math.floor(k * step + Math.random() * (step - 1));
      const s = (k * 7 + day) % sessions.length;
      lines.push(entry(instant, sessions[s], ++seqs[s], written + k));
    }
    const text = `${lines.join('\n')}\n`;
    const fd = openSync(join(dir, `${new Date(start).toISOString().slice(0, 10)}.jsonl`), 'w');
    try {
      writeSync(fd, text);
    } finally {
      closeSync(fd);
    }
    written += inDay;
    bytes += Buffer.byteLength(text);
  }
  const active = join(root, 'logs', 'active');
  mkdirSync(active, { recursive: true });
  for (const session of ['a1b2c3d4', 'e5f6a7b8']) {
    const now = Date.now();
    const text = Array.from({ length: 5 }, (_, k) =>
      entry(now - (5 - k) * 1000, session, k + 1, k),
    );
    const stamp = new Date(now)
      .toISOString()
      .replace(/\.\d{3}Z$/, '')
      .replaceAll(/[-:]/g, '');
    const fd = openSync(join(active, `${stamp}_${session}.jsonl`), 'w');
    writeSync(fd, `${text.join('\n')}\n`);
    closeSync(fd);
  }
  return { entries: written, bytes };
}

/** One run of the CLI: wall time (spawn to exit) and peak RSS (KiB) of the child. */
function measure(args, cwd) {
  const out = join(tmpdir(), `audit-hooks-tail-bench-rss-${process.pid}-${randomUUID()}`);
  const [command, argv] =
    existsSync(GNU_TIME) && process.env.BENCH_RSS !== 'self'
      ? [GNU_TIME, ['-f', '%M', '-o', out, process.execPath, BIN, ...args]]
      : [process.execPath, ['--input-type=module', '-e', rssWrapper(out), ...args]];
  const started = performance.now();
  const child = spawnSync(command, argv, { cwd, env: benchEnv(), encoding: 'utf8' });
  const ms = performance.now() - started;
  let rssKiB = Number.NaN;
  try {
    rssKiB = Number.parseInt(readFileSync(out, 'utf8').trim().split('\n').at(-1), 10);
    unlinkSync(out);
  } catch {
    // reported through the exit status below
  }
  if (child.status !== 0 || child.stderr !== '') {
    throw new Error(`tail ${args.join(' ')} exited ${child.status}: ${child.stderr}`);
  }
  const lines = child.stdout.split('\n').filter(Boolean).length;
  if (lines !== n) throw new Error(`tail -n ${n} printed ${lines} lines`);
  return { ms, rssKiB };
}

// Without GNU time: run the CLI inside a wrapper that records its own peak RSS at exit.
function rssWrapper(out) {
  return [
    `import { writeFileSync } from 'node:fs';`,
    `process.on('exit', () => writeFileSync(${JSON.stringify(out)}, String(process.resourceUsage().maxRSS)));`,
    `process.argv = [process.execPath, ${JSON.stringify(BIN)}, ...process.argv.slice(1)];`,
    `await import(${JSON.stringify(pathToFileURL(BIN).href)});`,
  ].join('\n');
}

const rows = [];
const started = performance.now();
for (const size of sizes) {
  const root = makeRepo();
  try {
    const t0 = performance.now();
    const history = generate(root, size);
    try {
      execFileSync('sync');
    } catch {
      // no `sync` here: the warm-up run absorbs most of the writeback
    }
    log(
      `history of ${size.toLocaleString('en-US')} entries (${megabytes(history.bytes)}, ${Math.min(days, size)} partitions) generated in ${seconds(performance.now() - t0)}`,
    );
    const args = ['tail', '-n', String(n)];
    measure(args, root); // warm-up: file cache, the CLI's first load
    const times = [];
    const rss = [];
    for (let i = 0; i < runs; i++) {
      const run = measure(args, root);
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
    rmSync(root, { recursive: true, force: true });
  }
}

const reference = rows[0];
let missed = false;
const table = [
  [
    'history',
    'size',
    `tail -n ${n} (median of ${runs})`,
    'min–max',
    `vs ${reference.size.toLocaleString('en-US')} (target ≤ ${TARGET_RATIO}×)`,
    'peak RSS',
  ],
];
for (const row of rows) {
  const ratio = row.ms / reference.ms;
  const ok = row === reference || ratio <= TARGET_RATIO;
  if (!ok) missed = true;
  table.push([
    row.size.toLocaleString('en-US'),
    megabytes(row.bytes),
    seconds(row.ms),
    `${seconds(row.min)}–${seconds(row.max)}`,
    row === reference ? '1.00× (reference)' : `${ratio.toFixed(2)}× ${ok ? 'ok' : 'MISSED'}`,
    `${row.rssMB.toFixed(0)} MB`,
  ]);
}
const widths = table[0].map((_, col) => Math.max(...table.map((line) => line[col].length)));
const render = (line) => `| ${line.map((cell, col) => cell.padEnd(widths[col])).join(' | ')} |`;
process.stdout.write(
  [
    '',
    `\`node dist/bin.js tail -n ${n}\` on histories over ${days} days (plus two live shards); wall time and peak RSS of the child process. Old design (read everything), 10k → 1M: ${OLD_DESIGN}.`,
    render(table[0]),
    `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`,
    ...table.slice(1).map(render),
    '',
    `Node ${process.version}, ${process.platform}/${process.arch}; total bench time ${seconds(performance.now() - started)}.`,
    missed ? 'The target was MISSED.' : 'Target met.',
    '',
  ].join('\n'),
);
if (missed && process.env.BENCH_STRICT === '1') process.exitCode = 1;
