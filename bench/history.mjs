// Shared by the benchmarks: realistic entries, generated histories (sorted daily
// partitions, as consolidation maintains them) and live shards.
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';

const DAY_MS = 86_400_000;

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

/** The line of entry `n` as the writer would write it: the envelope, then payload(n). */
function entryLine(instant, session, seq, n) {
  return `${JSON.stringify({
    id: randomUUID(),
    timestamp: new Date(instant).toISOString(),
    session_id: session,
    seq,
    ...payload(n),
  })}\n`;
}

/** Midnight UTC of today. */
export function todayStart(now = Date.now()) {
  return Math.floor(now / DAY_MS) * DAY_MS;
}

function writeFile(file, text) {
  const fd = openSync(file, 'w');
  try {
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
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
        text += entryLine(instant, sessions[s], ++seqs[s], written + k);
      }
      writeFile(join(dir, `${new Date(start).toISOString().slice(0, 10)}.jsonl`), text);
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
 * Two small live shards of today in `<root>/logs/active/`, `perShard` entries each, as
 * agents at work would have, written directly (not by the writer).
 */
export function writeLiveShards(root, perShard = 5) {
  const active = join(root, 'logs', 'active');
  mkdirSync(active, { recursive: true });
  for (const session of ['a1b2c3d4', 'e5f6a7b8']) {
    const now = Date.now();
    let text = '';
    for (let k = 0; k < perShard; k++) {
      text += entryLine(now - (perShard - k) * 1000, session, k + 1, k);
    }
    const stamp = new Date(now)
      .toISOString()
      .replace(/\.\d{3}Z$/, '')
      .replaceAll(/[-:]/g, '');
    writeFile(join(active, `${stamp}_${session}.jsonl`), text);
  }
}

/**
 * Logs `count` new entries with the real writer (`AuditLog` of the built dist/index.js),
 * as `sessions` agents would: one shard each in `logs/active/`, timestamps of now.
 */
export function writeShards(AuditLog, root, count, sessions = 4) {
  const logs = Array.from({ length: sessions }, () => new AuditLog({ repoRoot: root }));
  for (let n = 0; n < count; n++) logs[n % sessions].log(payload(n));
  for (const log of logs) log.close();
}

/** Flushes written files to disk now, so that their writeback does not land in a timed run. */
export function flushToDisk() {
  try {
    execFileSync('sync');
  } catch {
    // no `sync` on this system: the first (untimed) run absorbs most of it
  }
}
