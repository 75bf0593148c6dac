// Shared by the benchmarks: realistic entries, generated histories in the v2 layout (batch
// files under `logs/history/<day>/`, named as consolidation names them), the v1 one-file
// history of the full-rewrite baseline, and live shards.
import { execFileSync, spawn } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
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

/** The line of an entry as the writer would write it: the envelope, then payload(n). */
export function entryLine(instant, session, seq, n) {
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

/** `20261127T153303123Z`, as src/history/paths.ts stamps batch names. */
export function compactStamp(instant) {
  return new Date(instant).toISOString().replaceAll(/[-:.]/g, '');
}

/** `<stamp of the last entry>-<sha-256 of the bytes, 20 hex>.jsonl`: a batch file's name. */
export function batchName(text, lastInstant) {
  const sha = createHash('sha256').update(text).digest('hex').slice(0, 20);
  return `${compactStamp(lastInstant)}-${sha}.jsonl`;
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
 * The batches of a history of `count` entries, as consolidations would have made them:
 * spread evenly over the `days` days that end with `endDay` (default: yesterday), each
 * day's entries cut into batches of at most `perBatch` (one batch per commit), sorted in
 * §3 order (the entries of a day spread over its first `spanMs`). A handful of sessions per day, each with its own seq; with
 * `rare: { session, days }`, the first entry of each of those days (0 = the first day) is
 * that session's. Calls
 * `onBatch({ day, name, text, entries })` for each, in the order they were made; the text
 * of one batch at a time is in memory.
 */
export function eachBatch(
  count,
  { days = 365, perBatch = 1000, endDay, rare, spanMs = DAY_MS - 1000 } = {},
  onBatch,
) {
  const last = endDay ?? todayStart() - DAY_MS;
  const first = last - (days - 1) * DAY_MS;
  let written = 0;
  let bytes = 0;
  let batches = 0;
  for (let day = 0; day < days && written < count; day++) {
    const inDay = Math.floor(count / days) + (day < count % days ? 1 : 0);
    if (inDay === 0) continue;
    const start = first + day * DAY_MS;
    const dayName = new Date(start).toISOString().slice(0, 10);
    const step = spanMs / inDay;
    const sessions = Array.from({ length: 6 }, () => randomUUID().slice(0, 8));
    const seqs = new Array(sessions.length).fill(0);
    // `rare`: one entry of this session on each of these days (a filter that matches little).
    let rareSeq = 0;
    const rareToday = rare?.days.includes(day) === true;
    for (let from = 0; from < inDay; from += perBatch) {
      const to = Math.min(inDay, from + perBatch);
      let text = '';
      let instant = start;
      for (let k = from; k < to; k++) {
        // Strictly increasing instants: the batch is in §3 order by instant alone.
        instant = start + Math.floor(k * step + Math.random() * (step - 1));
        const s = (k * 7 + day) % sessions.length;
        text +=
          rareToday && k === 0
            ? entryLine(instant, rare.session, ++rareSeq, written + k)
            : entryLine(instant, sessions[s], ++seqs[s], written + k);
      }
      onBatch({ day: dayName, name: batchName(text, instant), text, entries: to - from });
      bytes += Buffer.byteLength(text);
      batches++;
    }
    written += inDay;
  }
  return { entries: written, bytes, batches };
}

/**
 * Writes a history of `count` entries as batch files under `<root>/logs/history/<day>/`
 * (see {@link eachBatch}). With `singleFile`, the same entries also go, in order, to that
 * one file: the input of v1's full-rewrite baseline.
 */
export function generateHistory(root, count, { singleFile, ...options } = {}) {
  const dir = join(root, 'logs', 'history');
  mkdirSync(dir, { recursive: true });
  const single = singleFile === undefined ? undefined : openSync(singleFile, 'w');
  const made = new Set();
  try {
    return eachBatch(count, options, ({ day, name, text }) => {
      if (!made.has(day)) {
        mkdirSync(join(dir, day), { recursive: true });
        made.add(day);
      }
      writeFile(join(dir, day, name), text);
      if (single !== undefined) writeSync(single, text);
    });
  } finally {
    if (single !== undefined) closeSync(single);
  }
}

/**
 * A repository at `root` whose history is made by commits: one commit per batch file (as
 * in-commit mode makes them), written with `git fast-import` (seconds for a million
 * entries), then checked out. Returns what eachBatch returns, with `commits`.
 */
export async function generateCommittedHistory(root, count, options = {}, env = process.env) {
  const child = spawn('git', ['fast-import', '--quiet', '--done'], {
    cwd: root,
    env,
    stdio: ['pipe', 'ignore', 'inherit'],
  });
  const exited = new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`git fast-import exited ${code}`)),
    );
  });
  const chunks = [];
  let pending = 0;
  const flush = async () => {
    if (chunks.length === 0) return;
    const data = Buffer.concat(chunks.splice(0));
    pending = 0;
    if (!child.stdin.write(data))
      await new Promise((resolve) => child.stdin.once('drain', resolve));
  };
  let mark = 0;
  let when = 1_700_000_000;
  const batches = [];
  const made = eachBatch(count, options, (batch) => batches.push(batch));
  // fast-import wants the data now: feed it batch by batch (a few MB each time).
  for (const batch of batches) {
    mark++;
    const data = Buffer.from(batch.text);
    const path = `logs/history/${batch.day}/${batch.name}`;
    const message = `work ${mark}\n`;
    chunks.push(
      Buffer.from(
        `commit refs/heads/main\nmark :${mark}\ncommitter Bench <bench@example.test> ${when++} +0000\ndata ${Buffer.byteLength(message)}\n${message}${mark > 1 ? `from :${mark - 1}\n` : ''}M 100644 inline ${path}\ndata ${data.length}\n`,
      ),
      data,
      Buffer.from('\n'),
    );
    pending += data.length;
    batch.text = undefined;
    if (pending > 8 * 1024 * 1024) await flush();
  }
  chunks.push(Buffer.from('done\n'));
  await flush();
  child.stdin.end();
  await exited;
  execFileSync('git', ['checkout', '-q', '-f', 'main'], { cwd: root, env, stdio: 'ignore' });
  return { ...made, commits: batches.length };
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

/**
 * `count` pending entries in `sessions` shards of `<root>/logs/active/`, written directly
 * in large writes (what the writer would have written, faster to make): for the
 * consolidation of a million entries.
 */
export function writeShardFiles(root, count, sessions = 4) {
  const active = join(root, 'logs', 'active');
  mkdirSync(active, { recursive: true });
  const now = Date.now() - count; // one entry per ms, ending now
  const stamp = compactStamp(now).slice(0, 15);
  let bytes = 0;
  for (let s = 0; s < sessions; s++) {
    const session = `bench${s}`;
    const fd = openSync(join(active, `${stamp}_${session}.jsonl`), 'w');
    try {
      let text = '';
      let seq = 0;
      for (let n = s; n < count; n += sessions) {
        text += entryLine(now + n, session, ++seq, n);
        if (text.length > 1 << 20) {
          bytes += writeSync(fd, text);
          text = '';
        }
      }
      bytes += writeSync(fd, text);
    } finally {
      closeSync(fd);
    }
  }
  return { entries: count, bytes };
}

/** Flushes written files to disk now, so that their writeback does not land in a timed run. */
export function flushToDisk() {
  try {
    execFileSync('sync');
  } catch {
    // no `sync` on this system: the first (untimed) run absorbs most of it
  }
}
