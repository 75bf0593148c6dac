// The writer checks for a claim at most once per CLAIM_CHECK_MS, and consolidation waits
// that long after a claim before it reads (src/writer/audit-log.ts has the argument). A line
// written in that window right after a claim must reach the batch; and under load — writers
// flat out, two of them sharing one session's shard, claims every few milliseconds from
// processes racing each other without the lock — every entry must end up in the history
// exactly once.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { buildSync } from 'esbuild';
import { afterEach, expect, it } from 'vitest';
import { consolidate } from '../../src/history/consolidate.js';
import { AuditLog } from '../../src/writer/index.js';
import { makeRepo, ROOT, startNode, type TempRepo, tempDir } from '../helpers/git-repo.js';
import { historyEntries } from '../helpers/history.js';

let repo: TempRepo | undefined;
afterEach(() => repo?.cleanup());

// Two writer processes share one session's shard; the others have one each.
const SESSIONS = ['alpha', 'alpha', 'bravo', 'charlie'];
const PER_WRITER = 40_000;

function hasShards(root: string): boolean {
  const active = join(root, 'logs', 'active');
  return existsSync(active) && readdirSync(active).some((name) => name.endsWith('.jsonl'));
}

/** Entries of the live shards (logs/active/*.jsonl, not the claims). */
function shardEntries(root: string): Array<{ id: string }> {
  const active = join(root, 'logs', 'active');
  return readdirSync(active)
    .filter((name) => name.endsWith('.jsonl'))
    .flatMap((name) =>
      readFileSync(join(active, name), 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as { id: string }),
    );
}

/** The claim step (src/history/claim.ts) as a module a child process can import. */
function claimModule(): string {
  const out = join(tempDir('audit-hooks-claim-'), 'claim.mjs');
  buildSync({
    entryPoints: [join(ROOT, 'src', 'history', 'claim.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    outfile: out,
    logLevel: 'warning',
  });
  return out;
}

it('a line written right after a claim, before the writer checks again, reaches the batch', async () => {
  const r = makeRepo({ commit: true });
  repo = r;
  const writer = new AuditLog({ repoRoot: r.root, sessionId: 'window' });
  writer.log({ n: 0 });
  await consolidate({ cwd: r.root }); // warm up (loads the redaction rules)
  const claimed = join(r.root, 'logs', 'active', '.claimed');
  const before = new Set(readdirSync(claimed));
  const running = consolidate({ cwd: r.root });
  // Keep writing until the run has claimed the shard: the writer's last check is then at
  // most CLAIM_CHECK_MS old, so the next line goes, unchecked, into the claimed file.
  let n = 1;
  while (readdirSync(claimed).every((name) => before.has(name) || name.startsWith('.'))) {
    writer.log({ n: n++ });
    await nextTurn();
  }
  const marker = writer.log({ marker: true }).id;
  writer.close();
  const result = await running;
  expect(result.shards).toBe(1);
  // In the batch, or (had the writer checked) written again to a fresh shard: never only in
  // the claimed file, which goes when a commit holds the batch.
  const found = [...historyEntries(r.root), ...shardEntries(r.root)].filter(
    (entry) => entry.id === marker,
  );
  expect(found.length).toBeGreaterThan(0);
});

it('writers flat out, claims every few milliseconds: 160,000 entries, none lost, none twice', async () => {
  const r = makeRepo({ commit: true });
  repo = r;
  // Warm up: the first consolidation loads the redaction rules.
  new AuditLog({ repoRoot: r.root, sessionId: 'warmup' }).log({ warm: true });
  await consolidate({ cwd: r.root });

  // Claims come from two processes: one that claims every 3 ms, and one that consolidates
  // in a loop (claim, wait out the writers' window, batch at once), racing each other.
  const stopFile = join(tempDir('audit-hooks-stop-'), 'stop');
  const claimer = startNode('claim-loop.mjs', [claimModule(), r.root, '3', stopFile], {
    cwd: r.root,
  });
  const looper = startNode('consolidate-loop.mjs', [r.root, stopFile], { cwd: r.root });
  const writers = SESSIONS.map((session, index) =>
    startNode('write-entries.mjs', [r.root, session, String(PER_WRITER), '100', `w${index}`], {
      cwd: r.root,
    }),
  );
  await Promise.all([claimer, looper, ...writers].map((child) => child.ready));
  for (const child of [claimer, looper, ...writers]) child.go();

  const written: string[] = [];
  for (const end of await Promise.all(writers.map((writer) => writer.done))) {
    expect({ code: end.code, stderr: end.stderr }).toEqual({ code: 0, stderr: '' });
    written.push(...end.stdout.trim().split('\n').slice(1)); // after the `ready` line
  }
  expect(written).toHaveLength(SESSIONS.length * PER_WRITER);
  writeFileSync(stopFile, '');
  const [claimed, looped] = await Promise.all([claimer.done, looper.done]);
  expect([claimed.code, claimed.stderr, looped.code, looped.stderr]).toEqual([0, '', 0, '']);
  const [runs, dropped] = looped.stdout.trim().split('\n').at(-1)?.split(' ').map(Number) ?? [];
  const claims = Number(claimed.stdout.trim().split('\n').at(-1)) + Number(runs);
  let copiesDropped = Number(dropped);

  // The writers are done: what is left (sets the claimer made, the writers' last lines,
  // re-appended copies) goes too.
  for (let i = 0; i < 5 && (i === 0 || hasShards(r.root)); i++) {
    copiesDropped += (await consolidate({ cwd: r.root })).duplicates;
  }
  expect(hasShards(r.root)).toBe(false);

  const counts = new Map<string, number>();
  for (const entry of historyEntries(r.root)) counts.set(entry.id, (counts.get(entry.id) ?? 0) + 1);
  const lost = written.filter((id) => !counts.has(id));
  const twice = [...counts].filter(([, n]) => n > 1).map(([id]) => id);
  expect({ lost: lost.length, twice: twice.length, firstLost: lost.slice(0, 3) }).toEqual({
    lost: 0,
    twice: 0,
    firstLost: [],
  });
  expect(counts.size).toBe(written.length + 1); // and the warm-up entry
  // The load was real: the writers' shards were claimed many times while they wrote.
  expect(claims).toBeGreaterThanOrEqual(50);
  process.stderr.write(`claim window: ${claims} claims, ${copiesDropped} copies dropped\n`);
}, 180_000);
