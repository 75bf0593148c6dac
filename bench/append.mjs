// Append throughput (issue 7): `AuditLog.log()` against its peers, side by side in one
// process, on the same entries: pino's synchronous file destination, `fs.appendFileSync`,
// and a kept-open `fs.writeSync` of a line serialized beforehand (the raw limit: one
// write(2) per line and nothing else). Each writer gets the same number of entries, into
// its own fresh file, round after round in rotating order, after a warm-up; the figure
// is the median of the rounds.
//
// AuditLog does more per entry than its peers: it validates the entry, adds the envelope
// (UUID, timestamp, session, seq), serializes, writes once, and stats the shard's path
// once, to notice a consolidation that claimed the shard meanwhile (SPEC §4). The
// `legacy` row is the same writer without shards (`logPath`), so without that stat.
//
// Standalone: `npm run build && node bench/append.mjs`. Environment (all optional):
//   APPEND_BENCH_ENTRIES  entries per writer per round (default 10000)
//   APPEND_BENCH_ROUNDS   timed rounds, median reported (default 9)
import { randomUUID } from 'node:crypto';
import {
  appendFileSync,
  closeSync,
  constants,
  existsSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { payload } from './history.mjs';
import { median } from './timing.mjs';

const WRITER = new URL('../dist/writer.js', import.meta.url);

/** The entry shapes: the caller's fields, and what the written line weighs. */
export const SHAPES = {
  '~200 B': (n) => payload(n),
  // A tool call with its output attached: ~4 KB once serialized.
  '~4 KB': (n) => ({ ...payload(n), output: outputText(n, 3800) }),
};

function outputText(n, length) {
  const line = `PASS tests/unit/case-${n % 97}.test.ts (12 ms) ✓ writes one line per entry\n`;
  return line.repeat(Math.ceil(length / line.length)).slice(0, length);
}

export const WRITERS = ['AuditLog', 'legacy', 'pino', 'appendFileSync', 'raw'];

/**
 * Times each writer on `entries` entries of each shape, `rounds` times (plus `warmup`),
 * and returns `{ shape, writer, perSecond, samples, bytesPerLine }` per pair.
 */
export async function benchAppend({ entries = 10_000, rounds = 9, warmup = 2, log } = {}) {
  if (!existsSync(WRITER)) throw new Error('dist/writer.js is missing: run `npm run build` first');
  const { AuditLog } = await import(WRITER.href);
  const { default: pino } = await import('pino');

  // Construction and close() are not timed, as pino's are not.
  const timeAuditLog = (writer, list) => {
    const started = performance.now();
    for (const entry of list) writer.log(entry);
    const ms = performance.now() - started;
    writer.close();
    return { ms, file: writer.shardFile };
  };
  const writers = {
    AuditLog: (dir, list) => timeAuditLog(new AuditLog({ repoRoot: dir }), list),
    legacy: (dir, list) => timeAuditLog(new AuditLog({ logPath: join(dir, 'legacy.jsonl') }), list),
    pino(dir, list) {
      const file = join(dir, 'pino.log');
      const dest = pino.destination({ dest: file, sync: true });
      const logger = pino(dest);
      const started = performance.now();
      for (const entry of list) logger.info(entry);
      const ms = performance.now() - started;
      dest.destroy();
      return { ms, file };
    },
    appendFileSync(dir, list) {
      const file = join(dir, 'append.jsonl');
      const started = performance.now();
      for (const entry of list) appendFileSync(file, `${JSON.stringify(entry)}\n`);
      return { ms: performance.now() - started, file };
    },
    raw(dir, _list, lines) {
      const file = join(dir, 'raw.jsonl');
      const fd = openSync(file, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT, 0o644);
      const started = performance.now();
      for (const line of lines) writeSync(fd, line);
      const ms = performance.now() - started;
      closeSync(fd);
      return { ms, file };
    },
  };

  const results = [];
  for (const [shape, make] of Object.entries(SHAPES)) {
    const list = Array.from({ length: entries }, (_, n) => make(n));
    // What AuditLog writes for these entries, serialized beforehand: the raw writer's lines.
    const timestamp = new Date().toISOString();
    const lines = list.map((entry, n) =>
      Buffer.from(
        `${JSON.stringify({ id: randomUUID(), timestamp, session_id: 'a1b2c3d4', seq: n + 1, ...entry })}\n`,
      ),
    );
    const bytesPerLine = Math.round(lines.reduce((sum, line) => sum + line.length, 0) / entries);
    const samples = Object.fromEntries(WRITERS.map((name) => [name, []]));
    for (let round = 0; round < warmup + rounds; round++) {
      for (let i = 0; i < WRITERS.length; i++) {
        const name = WRITERS[(i + round) % WRITERS.length];
        const dir = mkdtempSync(join(tmpdir(), 'audit-hooks-append-bench-'));
        try {
          const { ms, file } = writers[name](dir, list, lines);
          if (round === 0) checkLines(file, entries, name);
          if (round >= warmup) samples[name].push((entries / ms) * 1000);
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      }
    }
    for (const name of WRITERS) {
      results.push({
        shape,
        writer: name,
        perSecond: median(samples[name]),
        samples: samples[name],
      });
    }
    log?.(
      `append ${shape} (${bytesPerLine} B/line): ${WRITERS.map((name) => `${name} ${Math.round(median(samples[name])).toLocaleString('en-US')}/s`).join(', ')}`,
    );
    for (const row of results) if (row.shape === shape) row.bytesPerLine = bytesPerLine;
  }
  return results;
}

function checkLines(file, expected, name) {
  const text = readFileSync(file, 'utf8');
  const count = text.split('\n').length - 1;
  if (count !== expected || !text.endsWith('\n')) {
    throw new Error(`${name} wrote ${count} lines, not ${expected}`);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const results = await benchAppend({
    entries: Number(process.env.APPEND_BENCH_ENTRIES ?? 10_000),
    rounds: Number(process.env.APPEND_BENCH_ROUNDS ?? 9),
    log: (text) => process.stderr.write(`${text}\n`),
  });
  for (const shape of Object.keys(SHAPES)) {
    const rows = results.filter((row) => row.shape === shape);
    const of = (name) => rows.find((row) => row.writer === name).perSecond;
    process.stdout.write(`${shape} (${rows[0].bytesPerLine} B/line)\n`);
    for (const row of rows) {
      process.stdout.write(
        `  ${row.writer.padEnd(15)} ${Math.round(row.perSecond).toLocaleString('en-US').padStart(10)} entries/s  ${(row.perSecond / of('pino')).toFixed(2)}× pino  ${(row.perSecond / of('raw')).toFixed(2)}× raw\n`,
      );
    }
  }
}
