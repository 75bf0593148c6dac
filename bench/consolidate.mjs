// The consolidation benchmark's parts (SPEC §5, cost): a generated history, shards made by
// the real writer, one timed run of the real CLI in a child process, and the original
// full-rewrite design as the baseline. bench/run.mjs puts them together and prints the table.
//
// Also runnable on its own as the baseline's child process:
//   node bench/consolidate.mjs full-rewrite <history file> <shard folder>
import { execFileSync, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  statSync,
  truncateSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const BIN = join(ROOT, 'dist', 'bin.js');
const GNU_TIME = '/usr/bin/time';
const DAY_MS = 86_400_000;

/** Environment for git and the CLI: no user config, no hook location variables. */
export function benchEnv() {
  const env = { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' };
  for (const name of ['GIT_DIR', 'GIT_WORK_TREE', 'GIT_INDEX_FILE', 'AUDIT_HOOKS_SESSION']) {
    delete env[name];
  }
  return env;
}

/** A fresh git repository in a temp folder; with `commit`, one empty commit (HEAD exists). */
export function makeRepo({ commit = false } = {}) {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'audit-hooks-bench-')));
  execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: root, env: benchEnv() });
  if (commit) {
    execFileSync(
      'git',
      ['-c', 'user.name=Bench', '-c', 'user.email=bench@example.test'].concat([
        'commit',
        '-q',
        '--allow-empty',
        '-m',
        'initial',
      ]),
      { cwd: root, env: benchEnv() },
    );
  }
  return root;
}

export function removeRepo(root) {
  rmSync(root, { recursive: true, force: true });
}

/** `YYYY-MM-DD` of a UTC midnight. */
function dayName(ms) {
  return new Date(ms).toISOString().slice(0, 10);
}

/** Midnight UTC of today. */
export function todayStart(now = Date.now()) {
  return Math.floor(now / DAY_MS) * DAY_MS;
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

/** The caller's fields of a realistic entry (a tool call of an agent): ~230 bytes with the envelope. */
export function payload(n) {
  const [tool, command] = TOOLS[n % TOOLS.length];
  return {
    event: 'tool_use',
    tool,
    command,
    exit_code: n % 17 === 0 ? 1 : 0,
    model: MODELS[n % MODELS.length],
  };
}

/**
 * Writes a history of `count` entries spread evenly over the `days` days before today,
 * as sorted daily partitions in `<root>/logs/history/` (what consolidation maintains).
 * With `singleFile`, the same entries also go, in order, to that one file: the input of
 * the full-rewrite baseline. Streams one day at a time, so memory stays flat.
 */
export function generateHistory(root, count, { days = 365, singleFile } = {}) {
  const dir = join(root, 'logs', 'history');
  mkdirSync(dir, { recursive: true });
  const single = singleFile === undefined ? undefined : openSync(singleFile, 'w');
  const first = todayStart() - days * DAY_MS;
  let written = 0;
  let bytes = 0;
  try {
    for (let day = 0; day < days && written < count; day++) {
      const inDay = Math.floor(count / days) + (day < count % days ? 1 : 0);
      if (inDay === 0) continue;
      const start = first + day * DAY_MS;
      const step = DAY_MS / inDay;
      // A handful of agent sessions per day, each with its own seq.
      const sessions = Array.from({ length: 6 }, () => randomUUID().slice(0, 8));
      const seqs = new Array(sessions.length).fill(0);
      let text = '';
      for (let k = 0; k < inDay; k++) {
        // Strictly increasing instants: the partition is in §3 order by instant alone.
        const instant = start + Math.floor(k * step + Math.random() * (step - 1));
        const s = (k * 7 + day) % sessions.length;
        seqs[s]++;
        text += `${JSON.stringify({
          id: randomUUID(),
          timestamp: new Date(instant).toISOString(),
          session_id: sessions[s],
          seq: seqs[s],
          ...payload(written + k),
        })}\n`;
      }
      const fd = openSync(join(dir, `${dayName(start)}.jsonl`), 'w');
      try {
        writeSync(fd, text);
      } finally {
        closeSync(fd);
      }
      if (single !== undefined) writeSync(single, text);
      written += inDay;
      bytes += Buffer.byteLength(text);
    }
  } finally {
    if (single !== undefined) closeSync(single);
  }
  return { entries: written, bytes };
}

/**
 * Logs `count` new entries with the real writer (`audit-hooks` AuditLog), as `sessions`
 * agents would: one shard each in `logs/active/`, timestamps of now (after the history).
 */
export async function writeShards(root, count, sessions = 4) {
  const { AuditLog } = await import('../dist/index.js');
  const logs = Array.from({ length: sessions }, () => new AuditLog({ repoRoot: root }));
  for (let n = 0; n < count; n++) logs[n % sessions].log(payload(n));
  for (const log of logs) log.close();
}

/**
 * Runs `node <script> ...args` in `cwd` and returns its wall time (ms, spawn to exit, as
 * a post-commit hook pays it) and peak RSS (KiB): from GNU time when this machine has it,
 * else from the child's own `process.resourceUsage().maxRSS` at exit.
 */
export function measure(script, args, cwd) {
  const out = join(tmpdir(), `audit-hooks-bench-rss-${process.pid}-${randomUUID()}`);
  const [command, argv] =
    existsSync(GNU_TIME) && process.env.BENCH_RSS !== 'self'
      ? [GNU_TIME, ['-f', '%M', '-o', out, process.execPath, script, ...args]]
      : [process.execPath, ['--input-type=module', '-e', rssWrapper(script, out), ...args]];
  const started = performance.now();
  const child = spawnSync(command, argv, { cwd, env: benchEnv(), encoding: 'utf8' });
  const ms = performance.now() - started;
  let rssKiB = Number.NaN;
  try {
    rssKiB = Number.parseInt(readFileSync(out, 'utf8').trim().split('\n').at(-1), 10);
    unlinkSync(out);
  } catch {
    // reported below through the exit status
  }
  if (child.status !== 0) {
    throw new Error(
      `${script} ${args.join(' ')} exited ${child.status}: ${child.stderr || child.stdout}`,
    );
  }
  return { ms, rssKiB, stdout: child.stdout, stderr: child.stderr };
}

// Without GNU time: run the script inside a wrapper that records its own peak RSS at exit.
function rssWrapper(script, out) {
  return [
    `import { writeFileSync } from 'node:fs';`,
    `process.on('exit', () => writeFileSync(${JSON.stringify(out)}, String(process.resourceUsage().maxRSS)));`,
    `process.argv = [process.execPath, ${JSON.stringify(script)}, ...process.argv.slice(1)];`,
    `await import(${JSON.stringify(pathToFileURL(script).href)});`,
  ].join('\n');
}

/**
 * One consolidation by the real CLI (by default the post-commit hook's command, with
 * `--json`); checks it consumed what was pending.
 */
export function timeConsolidate(root, expected, args = ['consolidate', '--hook', '--json']) {
  const run = measure(BIN, args, root);
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
    root,
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
