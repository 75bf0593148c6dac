// SPEC §8 through real git: the driver registered as a user's repo would register it,
// `git merge` run for real, and the result read back from the working tree and the commit.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BIN, makeRepo, type TempRepo, testEnv } from '../helpers/git-repo.js';

const PARTITION = 'logs/history/2026-11-24.jsonl';

interface TestEntry {
  id: string;
  timestamp: string;
  session_id: string;
  seq: number;
  [field: string]: unknown;
}

/** A valid UUID v4 whose last digits are `n`, so ids are readable in failures. */
function uuid(n: number): string {
  return `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
}

function entry(n: number, timestamp: string, session: string, seq: number): TestEntry {
  return { id: uuid(n), timestamp, session_id: session, seq, event: 'run', n };
}

function jsonl(entries: TestEntry[]): string {
  return entries.map((item) => `${JSON.stringify(item)}\n`).join('');
}

function ids(text: string): string[] {
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => (JSON.parse(line) as TestEntry).id);
}

let repo: TempRepo | undefined;
afterEach(() => {
  repo?.cleanup();
  repo = undefined;
});

/** A repo on `main` whose history partitions merge with the audit-hooks driver (or not). */
function setUp(options: { driver?: boolean } = {}): TempRepo {
  const made = makeRepo();
  repo = made;
  if (options.driver !== false) {
    writeFileSync(join(made.root, '.gitattributes'), 'logs/history/*.jsonl merge=audit-hooks\n');
    made.git('config', 'merge.audit-hooks.name', 'audit-hooks history union');
    made.git(
      'config',
      'merge.audit-hooks.driver',
      `"${process.execPath}" "${BIN}" merge-driver %O %A %B`,
    );
    made.git('add', '.gitattributes');
    made.git('commit', '-q', '-m', 'merge driver');
  }
  return made;
}

function commitPartition(target: TempRepo, content: string, message: string): void {
  mkdirSync(join(target.root, 'logs', 'history'), { recursive: true });
  writeFileSync(join(target.root, PARTITION), content);
  target.git('add', PARTITION);
  target.git('commit', '-q', '-m', message);
}

/** `base` on main, then `ours` committed on main and `theirs` on branch `agent-b`. */
function diverge(target: TempRepo, sides: { base?: string; ours: string; theirs: string }): void {
  if (sides.base !== undefined) commitPartition(target, sides.base, 'base');
  target.git('checkout', '-q', '-b', 'agent-b');
  commitPartition(target, sides.theirs, 'agent b');
  target.git('checkout', '-q', 'main');
  commitPartition(target, sides.ours, 'agent a');
}

function merge(target: TempRepo) {
  return spawnSync('git', ['merge', '--no-edit', 'agent-b'], {
    cwd: target.root,
    env: testEnv(),
    encoding: 'utf8',
  });
}

function parents(target: TempRepo): string[] {
  return target.git('rev-list', '--parents', '-n', '1', 'HEAD').split(' ').slice(1);
}

const CONFLICT_MARKER = /^(<{7}|={7}|>{7})/m;

// Two agents logging on the same day. Their entries interleave in time; 12:00:00.000 is
// logged by both at once (ties go by session_id), and one entry reached both branches.
const base = [entry(1, '2026-11-24T08:00:00.000Z', 'base', 1)];
const shared = entry(2, '2026-11-24T09:00:00.000Z', 'base', 2);
const agentA = [
  entry(10, '2026-11-24T10:00:00.000Z', 'sess-a', 1),
  entry(11, '2026-11-24T12:00:00.000Z', 'sess-a', 2),
  entry(12, '2026-11-24T14:30:00.000Z', 'sess-a', 3),
];
const agentB = [
  entry(20, '2026-11-24T09:30:00.000Z', 'sess-b', 1),
  entry(21, '2026-11-24T11:00:00.000Z', 'sess-b', 2),
  entry(22, '2026-11-24T12:00:00.000Z', 'sess-b', 3),
  entry(23, '2026-11-24T16:00:00.000Z', 'sess-b', 4),
];
// Written out by hand: (instant, session_id, seq, id).
const expectedOrder = [1, 2, 20, 10, 21, 11, 22, 12, 23].map(uuid);

describe('merge driver (SPEC §8) under git merge', () => {
  it('merges two branches that both appended to one partition: union by id, §3 order, a merge commit', () => {
    const target = setUp();
    diverge(target, {
      base: jsonl(base),
      ours: jsonl([...base, shared, ...agentA]),
      theirs: jsonl([...base, shared, ...agentB]),
    });
    const ours = target.git('rev-parse', 'HEAD');
    const theirs = target.git('rev-parse', 'agent-b');

    const result = merge(target);

    expect(result.stderr).not.toMatch(/CONFLICT/);
    expect(result.status).toBe(0);
    const merged = readFileSync(join(target.root, PARTITION), 'utf8');
    expect(merged).not.toMatch(CONFLICT_MARKER);
    expect(ids(merged)).toEqual(expectedOrder);
    expect(new Set(ids(merged)).size).toBe(ids(merged).length);
    // Every line is one of the entries exactly as written on its branch.
    const written = new Set(jsonl([...base, shared, ...agentA, ...agentB]).split('\n'));
    for (const line of merged.split('\n').filter(Boolean)) expect(written).toContain(line);
    expect(merged.endsWith('\n')).toBe(true);

    expect(parents(target)).toEqual([ours, theirs]);
    expect(target.git('show', `HEAD:${PARTITION}`)).toBe(merged.trimEnd());
    expect(target.git('status', '--porcelain')).toBe('');
  });

  it('merges a partition that both branches created (add/add, no common version)', () => {
    const target = setUp();
    diverge(target, {
      ours: jsonl([shared, ...agentA]),
      theirs: jsonl([shared, ...agentB]),
    });

    const result = merge(target);

    expect(result.status).toBe(0);
    const merged = readFileSync(join(target.root, PARTITION), 'utf8');
    expect(merged).not.toMatch(CONFLICT_MARKER);
    expect(ids(merged)).toEqual(expectedOrder.filter((id) => id !== uuid(1)));
    expect(parents(target)).toHaveLength(2);
    expect(target.git('status', '--porcelain')).toBe('');
  });

  it('orders entries with +02:00 and -05:00 offsets by instant, not by string', () => {
    const target = setUp();
    // 13:30+02:00 is 11:30Z and 06:45-05:00 is 11:45Z: as strings both would sort after 12:00Z.
    const offsetSide = [
      entry(30, '2026-11-24T13:30:00.000+02:00', 'sess-x', 1),
      entry(31, '2026-11-24T06:45:00.000-05:00', 'sess-x', 2),
      entry(32, '2026-11-24T23:59:00.000+02:00', 'sess-x', 3), // 21:59Z
    ];
    const utcSide = [
      entry(40, '2026-11-24T11:00:00.000Z', 'sess-y', 1),
      entry(41, '2026-11-24T12:00:00.000Z', 'sess-y', 2),
      entry(42, '2026-11-24T22:00:00.000Z', 'sess-y', 3),
    ];
    diverge(target, { base: '', ours: jsonl(offsetSide), theirs: jsonl(utcSide) });

    const result = merge(target);

    expect(result.status).toBe(0);
    const merged = readFileSync(join(target.root, PARTITION), 'utf8');
    const byInstant = [40, 30, 31, 41, 32, 42].map(uuid);
    expect(ids(merged)).toEqual(byInstant);
    // The test means something only if string order would have been different.
    const byString = [...offsetSide, ...utcSide]
      .sort((a, b) => (a.timestamp < b.timestamp ? -1 : 1))
      .map((item) => item.id);
    expect(byString).not.toEqual(byInstant);
    // Timestamps are kept as written, offsets included.
    expect(merged).toContain('"2026-11-24T13:30:00.000+02:00"');
  });

  it.each([
    ['theirs', 'agent-b'],
    ['ours', 'main'],
  ])('reports a normal conflict when %s holds an unparseable line, and loses nothing', (side) => {
    const target = setUp();
    const good = jsonl([...base, shared, ...agentA]);
    const broken = `${jsonl([...base, shared, ...agentB])}{"id": "half-written\n`;
    const sides =
      side === 'theirs'
        ? { base: jsonl(base), ours: good, theirs: broken }
        : { base: jsonl(base), ours: broken, theirs: good };
    diverge(target, sides);
    const head = target.git('rev-parse', 'HEAD');

    const result = merge(target);

    expect(result.status).not.toBe(0);
    expect(`${result.stdout}${result.stderr}`).toMatch(/CONFLICT/);
    expect(result.stderr).toMatch(/line \d+ is not a valid entry/);
    expect(target.git('diff', '--name-only', '--diff-filter=U')).toBe(PARTITION);
    const stages = target
      .git('ls-files', '--unmerged', '--', PARTITION)
      .split('\n')
      .map((line) => line.split(/\s+/)[2]);
    expect(stages).toEqual(['1', '2', '3']);
    // Both sides, byte for byte, for whoever resolves it.
    expect(`${target.git('show', `:2:${PARTITION}`)}\n`).toBe(sides.ours);
    expect(`${target.git('show', `:3:${PARTITION}`)}\n`).toBe(sides.theirs);
    expect(target.git('rev-parse', 'HEAD')).toBe(head);
    expect(target.git('rev-parse', '-q', '--verify', 'MERGE_HEAD')).toBe(
      target.git('rev-parse', 'agent-b'),
    );
  });

  it('is what makes the merge clean: without it git conflicts on the same branches', () => {
    const target = setUp({ driver: false });
    diverge(target, {
      base: jsonl(base),
      ours: jsonl([...base, shared, ...agentA]),
      theirs: jsonl([...base, shared, ...agentB]),
    });

    const result = merge(target);

    expect(result.status).not.toBe(0);
    expect(readFileSync(join(target.root, PARTITION), 'utf8')).toMatch(CONFLICT_MARKER);
  });
});
