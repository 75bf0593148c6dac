import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { consolidate } from '../../src/history/consolidate.js';
import { AuditLog } from '../../src/writer/index.js';
import { makeRepo, type TempRepo, tempDir } from '../helpers/git-repo.js';
import {
  historyEntries,
  isInSpecOrder,
  pendingEntries,
  readHistory,
  snapshotLogs,
  walk,
} from '../helpers/history.js';

let repo: TempRepo;
afterEach(() => repo?.cleanup());

function entry(id: string, timestamp: string, extra: object = {}) {
  return { id, timestamp, session_id: 's', seq: 1, ...extra };
}

function writeShard(root: string, name: string, lines: Array<string | object>): string {
  const dir = join(root, 'logs', 'active');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, name);
  writeFileSync(
    path,
    lines.map((line) => `${typeof line === 'string' ? line : JSON.stringify(line)}\n`).join(''),
  );
  return path;
}

describe('consolidate', () => {
  it('moves every entry into daily UTC partitions, sorted and unique, and removes the shards', async () => {
    repo = makeRepo();
    const a = new AuditLog({ repoRoot: repo.root, sessionId: 'alpha' });
    const b = new AuditLog({ repoRoot: repo.root, sessionId: 'beta' });
    // 00:30+02:00 is 22:30Z the day before: the partition follows the instant.
    a.log({ event: 'late', timestamp: '2026-11-24T00:30:00.000+02:00' });
    b.log({ event: 'early', timestamp: '2026-11-23T22:00:00.000Z' });
    a.log({ event: 'noon', timestamp: '2026-11-24T12:00:00.000Z' });
    b.log({ event: 'same-instant', timestamp: '2026-11-24T12:00:00.000Z' });
    a.close();
    b.close();

    const result = await consolidate({ cwd: repo.root });

    expect(result).toMatchObject({ shards: 2, entries: 4, duplicates: 0, quarantined: [] });
    expect(result.partitions.sort()).toEqual([
      'logs/history/2026-11-23.jsonl',
      'logs/history/2026-11-24.jsonl',
    ]);
    const history = readHistory(repo.root);
    expect(history.get('2026-11-23.jsonl')?.map((e) => e.event)).toEqual(['early', 'late']);
    // Same instant: session_id breaks the tie (alpha < beta).
    expect(history.get('2026-11-24.jsonl')?.map((e) => e.event)).toEqual(['noon', 'same-instant']);
    expect(pendingEntries(repo.root)).toEqual([]);
    expect(
      readdirSync(join(repo.root, 'logs', 'active')).filter((n) => n.endsWith('.jsonl')),
    ).toEqual([]);
  });

  it('merges into existing partitions in order and drops copies of entries it already holds', async () => {
    repo = makeRepo();
    writeShard(repo.root, '20261124T000000_one.jsonl', [
      entry('b', '2026-11-24T10:00:00.000Z'),
      entry('d', '2026-11-24T12:00:00.000Z'),
    ]);
    await consolidate({ cwd: repo.root });
    writeShard(repo.root, '20261124T000001_two.jsonl', [
      entry('a', '2026-11-24T09:00:00.000Z'),
      entry('b', '2026-11-24T10:00:00.000Z'), // a writer's re-append after a claim
      entry('c', '2026-11-24T11:00:00.000Z'),
    ]);

    const result = await consolidate({ cwd: repo.root });

    expect(result).toMatchObject({ entries: 2, duplicates: 1 });
    const entries = historyEntries(repo.root);
    expect(entries.map((e) => e.id)).toEqual(['a', 'b', 'c', 'd']);
    expect(isInSpecOrder(entries)).toBe(true);
  });

  it('rewrites only the partitions that receive entries', async () => {
    repo = makeRepo();
    writeShard(repo.root, '20261124T000000_one.jsonl', [
      entry('old', '2026-10-01T10:00:00.000Z'),
      entry('new', '2026-11-24T10:00:00.000Z'),
    ]);
    await consolidate({ cwd: repo.root });
    const untouched = join(repo.root, 'logs', 'history', '2026-10-01.jsonl');
    const before = statSync(untouched);
    writeShard(repo.root, '20261124T000001_two.jsonl', [
      entry('newer', '2026-11-24T11:00:00.000Z'),
    ]);

    const result = await consolidate({ cwd: repo.root });

    expect(result.partitions).toEqual(['logs/history/2026-11-24.jsonl']);
    const after = statSync(untouched);
    expect(after.ino).toBe(before.ino);
    expect(after.mtimeMs).toBe(before.mtimeMs);
  });

  it('changes no byte and prints nothing on a second run with nothing new', async () => {
    repo = makeRepo();
    const log = new AuditLog({ repoRoot: repo.root });
    for (let i = 0; i < 5; i++) log.log({ i });
    log.close();
    const first = repo.cli(['consolidate']);
    expect(first.status).toBe(0);
    expect(first.stdout).toMatch(
      /^audit-hooks: consolidated 5 entries from 1 shard into logs\/history\/\d{4}-\d{2}-\d{2}\.jsonl\n$/,
    );
    const snapshot = snapshotLogs(repo.root);

    const second = repo.cli(['consolidate']);

    expect(second.status).toBe(0);
    expect(second.stdout).toBe('');
    expect(second.stderr).toBe('');
    expect(snapshotLogs(repo.root)).toBe(snapshot);
  });

  it('reports its work as JSON with --json', () => {
    repo = makeRepo();
    writeShard(repo.root, '20261124T000000_one.jsonl', [entry('a', '2026-11-24T10:00:00.000Z')]);
    const run = repo.cli(['consolidate', '--json']);
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({
      shards: 1,
      entries: 1,
      partitions: ['logs/history/2026-11-24.jsonl'],
      quarantined: [],
    });
  });

  it('quarantines lines that are not entries, with their shard and line number, and consolidates the rest', () => {
    repo = makeRepo();
    const shard = '20261124T000000_bad.jsonl';
    const dir = join(repo.root, 'logs', 'active');
    mkdirSync(dir, { recursive: true });
    const good = JSON.stringify(entry('good', '2026-11-24T10:00:00.000Z'));
    writeFileSync(
      join(dir, shard),
      Buffer.concat([
        Buffer.from(`${good}\n`),
        Buffer.from('not json\n'),
        Buffer.from('[1,2,3]\n'),
        Buffer.from('{"id":"x","timestamp":"yesterday"}\n'),
        Buffer.from('{"id":"u","timestamp":"2026-11-24T10:00:00Z","t":"'),
        Buffer.from([0xff, 0xfe]),
        Buffer.from('"}\n'),
        Buffer.from(`${JSON.stringify(entry('good', '2026-11-24T10:00:00.000Z', { other: 1 }))}\n`),
        Buffer.from('{"id":"half'),
      ]),
    );

    const run = repo.cli(['consolidate']);

    expect(run.status).toBe(0);
    expect(run.stdout).toContain('consolidated 1 entry from 1 shard');
    expect(run.stderr).toMatch(
      /^audit-hooks: warning: quarantined 6 lines that are not valid entries into logs\/quarantine\/\S+; inspect/,
    );
    expect(historyEntries(repo.root).map((e) => e.id)).toEqual(['good']);
    const quarantineFiles = walk(join(repo.root, 'logs', 'quarantine'));
    expect(quarantineFiles).toHaveLength(1);
    const records = readFileSync(quarantineFiles[0] as string, 'utf8')
      .trim()
      .split('\n')
      .map(
        (line) =>
          JSON.parse(line) as {
            source: string;
            line: number;
            problem: string;
            text?: string;
            base64?: string;
          },
      );
    expect(records.map((r) => r.line)).toEqual([2, 3, 4, 5, 6, 7]);
    expect(new Set(records.map((r) => r.source))).toEqual(new Set([`logs/active/${shard}`]));
    expect(records[0]?.text).toBe('not json');
    // Invalid UTF-8 is kept byte for byte.
    expect(
      Buffer.from(records[3]?.base64 ?? '', 'base64').includes(Buffer.from([0xff, 0xfe])),
    ).toBe(true);
    expect(records[4]?.problem).toMatch(/same id and other content/);
    expect(records[5]).toMatchObject({
      text: '{"id":"half',
      problem: expect.stringMatching(/incomplete last line/),
    });
  });

  it('accepts CRLF line endings and a byte-order mark', async () => {
    repo = makeRepo();
    const dir = join(repo.root, 'logs', 'active');
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, '20261124T000000_win.jsonl'),
      `\uFEFF${JSON.stringify(entry('a', '2026-11-24T10:00:00.000Z'))}\r\n${JSON.stringify(entry('b', '2026-11-24T11:00:00.000Z'))}\r\n`,
    );
    const result = await consolidate({ cwd: repo.root });
    expect(result).toMatchObject({ entries: 2, quarantined: [] });
    const text = readFileSync(join(repo.root, 'logs', 'history', '2026-11-24.jsonl'), 'utf8');
    expect(text).not.toMatch(/\r|\uFEFF/);
  });

  it('waits for a line still being written to a just-claimed shard instead of quarantining it', async () => {
    repo = makeRepo();
    const path = writeShard(repo.root, '20261124T000000_live.jsonl', [
      entry('first', '2026-11-24T10:00:00.000Z'),
    ]);
    const line = `${JSON.stringify(entry('second', '2026-11-24T10:00:01.000Z'))}\n`;
    const fd = openSync(path, 'a');
    writeSync(fd, line.slice(0, 20));
    const running = consolidate({ cwd: repo.root, settleMs: 2_000 });
    await sleep(150);
    writeSync(fd, line.slice(20)); // lands in the claimed inode, as a slow writer's would
    closeSync(fd);

    const result = await running;

    expect(result.quarantined).toEqual([]);
    expect(historyEntries(repo.root).map((e) => e.id)).toEqual(['first', 'second']);
  });

  it('refuses to rewrite a partition it cannot read, and keeps the new entries pending', async () => {
    repo = makeRepo();
    const partition = join(repo.root, 'logs', 'history', '2026-11-24.jsonl');
    mkdirSync(join(repo.root, 'logs', 'history'), { recursive: true });
    const corrupt = `${JSON.stringify(entry('kept', '2026-11-24T09:00:00.000Z'))}\nhand-edited garbage\n`;
    writeFileSync(partition, corrupt);
    writeShard(repo.root, '20261124T000000_one.jsonl', [entry('new', '2026-11-24T10:00:00.000Z')]);

    const run = repo.cli(['consolidate']);

    expect(run.status).toBe(1);
    expect(run.stderr).toBe(
      'audit-hooks: logs/history/2026-11-24.jsonl:2 is not a valid entry (not valid JSON (Unexpected token \'h\', "hand-edited garbage" is not valid JSON)); nothing was consolidated: run `audit-hooks verify --fix`, then consolidate again\n',
    );
    expect(readFileSync(partition, 'utf8')).toBe(corrupt);
    expect(pendingEntries(repo.root).map((e) => e.id)).toEqual(['new']);
  });

  it('in hook mode warns, exits 0 and keeps the entries for the next run', async () => {
    repo = makeRepo();
    // A directory where the partition should be: the rewrite must fail.
    mkdirSync(join(repo.root, 'logs', 'history', '2026-11-24.jsonl'), { recursive: true });
    writeShard(repo.root, '20261124T000000_one.jsonl', [entry('a', '2026-11-24T10:00:00.000Z')]);

    const run = repo.cli(['consolidate', '--hook']);

    expect(run.status).toBe(0);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(
      /^audit-hooks: warning: did not consolidate \(logs\/history\/2026-11-24\.jsonl is not a regular file; .*\); the entries stay in logs\/active for the next commit\n$/,
    );
    expect(pendingEntries(repo.root).map((e) => e.id)).toEqual(['a']);

    const outsideHook = repo.cli(['consolidate']);
    expect(outsideHook.status).toBe(1);

    // Once the obstacle is gone, the next run finishes the job.
    await import('node:fs').then((fs) =>
      fs.rmSync(join(repo.root, 'logs', 'history', '2026-11-24.jsonl'), { recursive: true }),
    );
    expect(repo.cli(['consolidate', '--hook']).status).toBe(0);
    expect(historyEntries(repo.root).map((e) => e.id)).toEqual(['a']);
    expect(pendingEntries(repo.root)).toEqual([]);
  });

  it('in hook mode leaves the worktree untouched while a merge is in progress', () => {
    repo = makeRepo();
    writeFileSync(join(repo.root, 'f.txt'), 'base\n');
    repo.git('add', 'f.txt');
    repo.git('commit', '-qm', 'base');
    repo.git('checkout', '-qb', 'other');
    writeFileSync(join(repo.root, 'f.txt'), 'other\n');
    repo.git('commit', '-qam', 'other');
    repo.git('checkout', '-q', 'main');
    writeFileSync(join(repo.root, 'f.txt'), 'main\n');
    repo.git('commit', '-qam', 'main');
    expect(() => repo.git('merge', 'other')).toThrow(); // conflict: MERGE_HEAD stays
    writeShard(repo.root, '20261124T000000_one.jsonl', [entry('a', '2026-11-24T10:00:00.000Z')]);
    const snapshot = snapshotLogs(repo.root);

    const run = repo.cli(['consolidate', '--hook']);

    expect(run.status).toBe(0);
    expect(run.stdout + run.stderr).toBe('');
    expect(snapshotLogs(repo.root)).toBe(snapshot);
    repo.git('merge', '--abort');
    expect(repo.cli(['consolidate', '--hook']).stdout).toContain('consolidated 1 entry');
  });

  it('in hook mode skips a rebase in a linked worktree too', () => {
    repo = makeRepo();
    const worktree = join(tempDir(), 'wt');
    repo.git('worktree', 'add', '-q', '-b', 'wt', worktree);
    // What git keeps in the worktree's own git folder while a rebase stops.
    const gitDir = repo.git('-C', worktree, 'rev-parse', '--absolute-git-dir');
    mkdirSync(join(gitDir, 'rebase-merge'));
    writeShard(worktree, '20261124T000000_one.jsonl', [entry('a', '2026-11-24T10:00:00.000Z')]);

    const run = repo.cli(['consolidate', '--hook'], { cwd: worktree });

    expect(run.status).toBe(0);
    expect(existsSync(join(worktree, 'logs', 'history'))).toBe(false);
    expect(pendingEntries(worktree).map((e) => e.id)).toEqual(['a']);
  });

  it('never follows a symlink in logs/active', async () => {
    repo = makeRepo();
    const outside = join(tempDir(), 'precious.jsonl');
    const content = `${JSON.stringify(entry('outside', '2026-11-24T10:00:00.000Z'))}\n`;
    writeFileSync(outside, content);
    mkdirSync(join(repo.root, 'logs', 'active'), { recursive: true });
    symlinkSync(outside, join(repo.root, 'logs', 'active', '20261124T000000_link.jsonl'));
    writeShard(repo.root, '20261124T000000_one.jsonl', [entry('a', '2026-11-24T10:00:00.000Z')]);

    await consolidate({ cwd: repo.root });

    expect(readFileSync(outside, 'utf8')).toBe(content);
    expect(historyEntries(repo.root).map((e) => e.id)).toEqual(['a']);
  });

  it('outside a git repository fails with a clear line', () => {
    repo = makeRepo();
    const outside = tempDir();
    const run = repo.cli(['consolidate'], { cwd: outside });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/^audit-hooks: Not in a git repository: .*\n$/);
  });
});
