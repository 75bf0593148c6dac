// The §5 invariants under concurrency and crashes: real processes, real kills.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { consolidate } from '../../src/history/consolidate.js';
import { BIN, captureOutput, makeRepo, ROOT, type TempRepo, testEnv } from '../helpers/git-repo.js';
import {
  countLabels,
  historyEntries,
  isInSpecOrder,
  pendingEntries,
  readHistory,
  walk,
} from '../helpers/history.js';

const WRITER = join(ROOT, 'tests', 'fixtures', 'flat-out-writer.mjs');

let repo: TempRepo;
afterEach(() => repo?.cleanup());

function startWriter(root: string, session: string, count: number, label = session): ChildProcess {
  return spawn(process.execPath, [WRITER, root, session, String(count), label], {
    stdio: 'inherit',
  });
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve(child.exitCode);
    else child.once('exit', (code) => resolve(code));
  });
}

function startConsolidate(root: string, args: string[] = []): ChildProcess {
  return spawn(process.execPath, [BIN, 'consolidate', ...args], {
    cwd: root,
    env: testEnv(),
    stdio: ['ignore', 'ignore', 'pipe'],
  });
}

function expectEachLabelOnce(entries: ReturnType<typeof historyEntries>, labels: string[]): void {
  const counts = countLabels(entries);
  const missing = labels.filter((label) => !counts.has(label));
  const repeated = [...counts].filter(([, n]) => n > 1);
  expect({ missing: missing.slice(0, 5), missingCount: missing.length, repeated }).toEqual({
    missing: [],
    missingCount: 0,
    repeated: [],
  });
  expect(counts.size).toBe(labels.length);
}

function labelsOf(writers: Array<[string, number]>): string[] {
  return writers.flatMap(([label, count]) =>
    Array.from({ length: count }, (_, i) => `${label}:${i}`),
  );
}

function expectNoTempFiles(root: string): void {
  const strays = walk(join(root, 'logs')).filter((file) => /\.jsonl\.\d+$/.test(file));
  expect(strays).toEqual([]);
}

/** Shards whose entries spread over many days, so one run rewrites many partitions. */
function seedShards(root: string, shards: number, perShard: number, prefix = 'seed'): string[] {
  const dir = join(root, 'logs', 'active');
  mkdirSync(dir, { recursive: true });
  const labels: string[] = [];
  for (let s = 0; s < shards; s++) {
    const lines: string[] = [];
    for (let i = 0; i < perShard; i++) {
      const day = 1 + ((i * 7 + s) % 28);
      lines.push(
        JSON.stringify({
          id: `${prefix}${s}-${i}`,
          timestamp: `2026-02-${String(day).padStart(2, '0')}T10:00:${String(i % 60).padStart(2, '0')}.000Z`,
          session_id: `${prefix}${s}`,
          seq: i + 1,
          writer: `${prefix}${s}`,
          i,
          payload: 'p'.repeat(150),
        }),
      );
      labels.push(`${prefix}${s}:${i}`);
    }
    writeFileSync(join(dir, `20260201T000000_${prefix}${s}.jsonl`), `${lines.join('\n')}\n`);
  }
  return labels;
}

describe('consolidation under load and faults', () => {
  it('loses no entry while writers write flat out and consolidation runs in a loop', async () => {
    repo = makeRepo();
    const writers: Array<[string, number]> = [
      ['w1', 3000],
      ['w2', 3000],
      ['w3', 3000],
    ];
    // Two processes share session `w1`'s shard path pattern: w3 writes as session w1.
    const children = [
      startWriter(repo.root, 'w1', 3000, 'w1'),
      startWriter(repo.root, 'w2', 3000, 'w2'),
      startWriter(repo.root, 'w1', 3000, 'w3'),
    ];
    let done = false;
    const all = Promise.all(children.map(exited)).then((codes) => {
      done = true;
      return codes;
    });
    let runs = 0;
    while (!done) {
      await consolidate({ cwd: repo.root });
      runs++;
    }
    expect(await all).toEqual([0, 0, 0]);
    const last = await consolidate({ cwd: repo.root });

    expect(runs).toBeGreaterThan(1);
    expect(last.quarantined).toEqual([]);
    expect(walk(join(repo.root, 'logs', 'quarantine'))).toEqual([]);
    expect(pendingEntries(repo.root)).toEqual([]);
    const entries = historyEntries(repo.root);
    expectEachLabelOnce(entries, labelsOf(writers));
    for (const partition of readHistory(repo.root).values())
      expect(isInSpecOrder(partition)).toBe(true);
  });

  it('four concurrent consolidations neither lose nor duplicate an entry', async () => {
    repo = makeRepo();
    const labels = seedShards(repo.root, 6, 400);
    const writer = startWriter(repo.root, 'live', 2000);
    const runs = Array.from({ length: 4 }, () => startConsolidate(repo.root));
    const ends = await Promise.all(runs.map((run) => captureOutput(run).closed));
    expect(ends.map((end) => end.stderr)).toEqual(['', '', '', '']);
    expect(await exited(writer)).toBe(0);
    await consolidate({ cwd: repo.root });

    expect(ends.map((end) => end.code)).toEqual([0, 0, 0, 0]);
    expectEachLabelOnce(historyEntries(repo.root), [...labels, ...labelsOf([['live', 2000]])]);
    expect(pendingEntries(repo.root)).toEqual([]);
    expectNoTempFiles(repo.root);
  });

  it('killed with SIGKILL at random points, the next runs finish the job exactly once', async () => {
    repo = makeRepo();
    const labels: string[] = [];
    // Measure one undisturbed run's length to spread the kills over it.
    const probe = makeRepo();
    seedShards(probe.root, 8, 300);
    const started = Date.now();
    expect(
      spawnSync(process.execPath, [BIN, 'consolidate'], { cwd: probe.root, env: testEnv() }).status,
    ).toBe(0);
    const runMs = Math.max(60, Date.now() - started);
    probe.cleanup();

    let killed = 0;
    const trials = 30;
    // A loaded machine stretches runs unevenly (startup dominates a run with nothing to do),
    // so the share of runs the random delay catches varies: keep going past `trials` until
    // more than half of that many runs were killed mid-run, rather than hope it happens.
    for (let trial = 0; trial < trials || (killed <= trials / 2 && trial < trials * 4); trial++) {
      // Each trial adds new shards, so kills hit runs with fresh work and leftovers alike.
      if (trial % 3 === 0) labels.push(...seedShards(repo.root, 8, 300, `t${trial}x`));
      const child = startConsolidate(repo.root);
      const delay = Math.random() * runMs * 1.2;
      await new Promise((resolve) => setTimeout(resolve, delay));
      if (child.kill('SIGKILL')) killed++;
      await exited(child);
    }
    const final = spawnSync(process.execPath, [BIN, 'consolidate'], {
      cwd: repo.root,
      env: testEnv(),
      encoding: 'utf8',
    });
    expect(final.status).toBe(0);
    expect(final.stderr).toBe('');

    expect(killed).toBeGreaterThan(trials / 2);
    expectEachLabelOnce(historyEntries(repo.root), labels);
    expect(pendingEntries(repo.root)).toEqual([]);
    expect(walk(join(repo.root, 'logs', 'quarantine'))).toEqual([]);
    expectNoTempFiles(repo.root);
    for (const partition of readHistory(repo.root).values())
      expect(isInSpecOrder(partition)).toBe(true);
  });

  it('a reader never sees a half-written partition', async () => {
    repo = makeRepo();
    const partition = join(repo.root, 'logs', 'history', '2026-11-24.jsonl');
    // The reader reads for at least 4 s, and then until the rewrites stop (the stop file):
    // on a loaded machine 4 s may hold too few reads and rewrites to prove anything, so the
    // rewrites go on until the reader has read the partition often enough (its progress
    // lines), not for a fixed time.
    const stopFile = join(repo.root, 'stop-reading');
    const reader = spawn(
      process.execPath,
      [
        '-e',
        `
        const fs = require('node:fs');
        const [file, stop] = process.argv.slice(1);
        const end = Date.now() + 4000;
        const limit = Date.now() + 100000; // never outlive a failed test
        let reads = 0, bad = 0;
        while (Date.now() < limit && (Date.now() < end || !fs.existsSync(stop))) {
          let text;
          try { text = fs.readFileSync(file, 'utf8'); } catch { continue; }
          reads++;
          if (text !== '' && !text.endsWith('\\n')) bad++;
          for (const line of text.split('\\n')) if (line !== '') { try { JSON.parse(line); } catch { bad++; } }
          if (reads % 10 === 0) fs.writeSync(1, 'read ' + reads + '\\n');
        }
        console.log(JSON.stringify({ reads, bad }));
        `,
        partition,
        stopFile,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const output = captureOutput(reader);
    const readsSoFar = () => (output.stdout().match(/^read /gm)?.length ?? 0) * 10;
    const readerDone = output.closed;
    let rounds = 0;
    let finished = false;
    void readerDone.then(() => {
      finished = true;
    });
    while (!finished) {
      if (rounds > 3 && readsSoFar() > 100 && !existsSync(stopFile)) writeFileSync(stopFile, '');
      const lines: string[] = [];
      for (let i = 0; i < 500; i++) {
        lines.push(
          JSON.stringify({
            id: `r${rounds}-${i}`,
            timestamp: `2026-11-24T${String(i % 24).padStart(2, '0')}:00:00.000Z`,
            session_id: `r${rounds}`,
            seq: i,
            pad: 'z'.repeat(300),
          }),
        );
      }
      mkdirSync(join(repo.root, 'logs', 'active'), { recursive: true });
      writeFileSync(
        join(repo.root, 'logs', 'active', `20261124T000000_r${rounds}.jsonl`),
        `${lines.join('\n')}\n`,
      );
      await consolidate({ cwd: repo.root });
      rounds++;
    }
    const { stdout } = await readerDone;
    const { reads, bad } = JSON.parse(stdout.trim().split('\n').at(-1) as string) as {
      reads: number;
      bad: number;
    };

    expect(rounds).toBeGreaterThan(3);
    expect(reads).toBeGreaterThan(100);
    expect(bad).toBe(0);
    expectNoTempFiles(repo.root);
  });

  it('recovers a lock left by a dead process, and waits for a live one', async () => {
    repo = makeRepo();
    seedShards(repo.root, 1, 10);
    const lock = join(repo.root, 'logs', 'active', '.consolidate.lock');
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
      encoding: 'utf8',
    });
    writeFileSync(lock, `${dead.stdout} stale-token\n`);

    const recovered = await consolidate({ cwd: repo.root });
    expect(recovered.entries).toBe(10);

    seedShards(repo.root, 1, 10);
    writeFileSync(lock, `${process.pid} live-token\n`);
    const blocked = spawnSync(process.execPath, [BIN, 'consolidate', '--hook'], {
      cwd: repo.root,
      env: testEnv(),
      encoding: 'utf8',
      timeout: 60_000,
    });
    // A live holder in hook mode: the commit goes on, with a warning, and nothing is lost.
    expect(blocked.status).toBe(0);
    expect(blocked.stderr).toMatch(
      /^audit-hooks: warning: did not consolidate \(another consolidation \(pid \d+\) holds/,
    );
    expect(pendingEntries(repo.root)).toHaveLength(10);
  }, 120_000);
});
