// Consolidation as a library call and as `audit-hooks consolidate` (SPEC §5): claim sets,
// content-named batch files, never an existing file rewritten.

import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  closeSync,
  existsSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  truncateSync,
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
  batchFiles,
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

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

describe('consolidate', () => {
  it('writes one batch file per UTC day, sorted, each id once, named after its content', async () => {
    repo = makeRepo();
    const a = new AuditLog({ repoRoot: repo.root, sessionId: 'alpha' });
    const b = new AuditLog({ repoRoot: repo.root, sessionId: 'beta' });
    // 00:30+02:00 is 22:30Z the day before: the day follows the instant.
    a.log({ event: 'late', timestamp: '2026-11-24T00:30:00.000+02:00' });
    b.log({ event: 'early', timestamp: '2026-11-23T22:00:00.000Z' });
    a.log({ event: 'noon', timestamp: '2026-11-24T12:00:00.000Z' });
    b.log({ event: 'same-instant', timestamp: '2026-11-24T12:00:00.000Z' });
    a.close();
    b.close();

    const result = await consolidate({ cwd: repo.root });

    expect(result).toMatchObject({ shards: 2, entries: 4, duplicates: 0, quarantined: [] });
    expect(result.sessions).toEqual(['alpha', 'beta']);
    const files = batchFiles(repo.root);
    expect(result.batches.sort()).toEqual(files);
    expect(files.map((file) => file.split('/')[2])).toEqual(['2026-11-23', '2026-11-24']);
    const history = readHistory(repo.root);
    const [day23, day24] = [...history.values()];
    expect(day23?.map((e) => e.event)).toEqual(['early', 'late']);
    // Same instant: session_id breaks the tie (alpha < beta).
    expect(day24?.map((e) => e.event)).toEqual(['noon', 'same-instant']);
    // The name: the time of the last entry, then the sha-256 of the bytes.
    for (const file of files) {
      const [, stamp, hash] = /(\d{8}T\d{9}Z)-([0-9a-f]{20})\.jsonl$/.exec(file) ?? [];
      expect(sha256(join(repo.root, file)).startsWith(hash as string)).toBe(true);
      const last = [...(history.get(file.slice('logs/history/'.length)) ?? [])].at(-1);
      expect(
        new Date(Date.parse(last?.timestamp ?? '')).toISOString().replaceAll(/[-:.]/g, ''),
      ).toBe(stamp);
    }
    // The shards are claimed: gone from logs/active, kept until a commit holds the batch.
    expect(
      readdirSync(join(repo.root, 'logs', 'active')).filter((n) => n.endsWith('.jsonl')),
    ).toEqual([]);
    expect(readdirSync(join(repo.root, 'logs', 'active', '.claimed'))).toHaveLength(1);
  });

  it('adds files and never reads or rewrites one already in logs/history', async () => {
    repo = makeRepo();
    writeShard(repo.root, '20261124T000000_one.jsonl', [entry('old', '2026-11-24T10:00:00.000Z')]);
    await consolidate({ cwd: repo.root });
    const [first] = batchFiles(repo.root);
    const before = statSync(join(repo.root, first as string));
    // A v1 partition of 600 MB on the same day (sparse: no disk), and a file git put there
    // that is not even JSON: neither is read, neither blocks anything.
    const partition = join(repo.root, 'logs', 'history', '2026-11-24.jsonl');
    writeFileSync(partition, '');
    truncateSync(partition, 600 * 1024 * 1024);
    writeShard(repo.root, '20261124T000001_two.jsonl', [entry('new', '2026-11-24T11:00:00.000Z')]);

    const result = await consolidate({ cwd: repo.root });

    expect(result.entries).toBe(1);
    const after = statSync(join(repo.root, first as string));
    expect([after.ino, after.size, after.mtimeMs]).toEqual([
      before.ino,
      before.size,
      before.mtimeMs,
    ]);
    expect(statSync(partition).size).toBe(600 * 1024 * 1024);
    expect(batchFiles(repo.root)).toHaveLength(2);
  });

  it('drops a re-appended copy of an entry it already wrote, without reading the history', async () => {
    repo = makeRepo();
    const b = entry('b', '2026-11-24T10:00:00.000Z');
    writeShard(repo.root, '20261124T000000_one.jsonl', [b, entry('d', '2026-11-24T12:00:00.000Z')]);
    await consolidate({ cwd: repo.root });
    // What a writer appends again when its shard was claimed between its write and its
    // check (SPEC §4): the very same line, in a fresh shard.
    writeShard(repo.root, '20261124T000000_one.jsonl', [
      entry('a', '2026-11-24T09:00:00.000Z'),
      b,
      entry('c', '2026-11-24T11:00:00.000Z'),
    ]);
    // Even with the earlier batch gone from the worktree (a checkout of another branch).
    rmSync(join(repo.root, 'logs', 'history'), { recursive: true });

    const result = await consolidate({ cwd: repo.root });

    expect(result).toMatchObject({ entries: 2, duplicates: 1 });
    expect(
      historyEntries(repo.root)
        .map((e) => e.id)
        .sort(),
    ).toEqual(['a', 'b', 'c', 'd']);
  });

  it('quarantines an id already consolidated with other content, on any day (not a second copy)', async () => {
    repo = makeRepo();
    writeShard(repo.root, '20261124T000000_one.jsonl', [entry('x', '2026-11-24T10:00:00.000Z')]);
    await consolidate({ cwd: repo.root });
    writeShard(repo.root, '20261124T000000_one.jsonl', [
      entry('x', '2026-11-25T10:00:00.000Z', { other: true }),
      entry('y', '2026-11-26T10:00:00.000Z'),
      entry('y', '2026-11-27T10:00:00.000Z', { other: true }),
    ]);

    const result = await consolidate({ cwd: repo.root });

    expect(result.entries).toBe(1);
    const ids = historyEntries(repo.root).map((e) => e.id);
    expect(ids.sort()).toEqual(['x', 'y']);
    const quarantined = walk(join(repo.root, 'logs', 'quarantine'))
      .filter((file) => file.endsWith('.jsonl'))
      .flatMap((file) => readFileSync(file, 'utf8').trim().split('\n'))
      .map((line) => JSON.parse(line) as { line: number; problem: string });
    expect(quarantined.map((record) => [record.line, record.problem])).toEqual([
      [1, expect.stringMatching(/history already holds an entry with this id/)],
      [3, expect.stringMatching(/same id and other content came first/)],
    ]);
  });

  it('changes no byte and prints nothing on a second run with nothing new', async () => {
    repo = makeRepo();
    const log = new AuditLog({ repoRoot: repo.root });
    for (let i = 0; i < 5; i++) log.log({ i });
    log.close();
    const first = repo.cli(['consolidate']);
    expect(first.status).toBe(0);
    expect(first.stdout).toMatch(
      /^audit-hooks: 5 entries from 1 session → logs\/history\/\d{4}-\d{2}-\d{2}\/\d{8}T\d{9}Z-[0-9a-f]{20}\.jsonl\n$/,
    );
    const snapshot = snapshotLogs(repo.root);

    const second = repo.cli(['consolidate']);

    expect(second.status).toBe(0);
    expect(second.stdout + second.stderr).toBe('');
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
      sessions: ['s'],
      batches: [expect.stringMatching(/^logs\/history\/2026-11-24\/\S+\.jsonl$/)],
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
    expect(run.stdout).toContain('1 entry from 1 session');
    expect(run.stderr).toMatch(
      /^audit-hooks: warning: quarantined 6 lines that are not valid entries into logs\/quarantine\/\S+; to keep one, fix it and run `audit-hooks log '<fixed line>'`/,
    );
    expect(historyEntries(repo.root).map((e) => e.id)).toEqual(['good']);
    const quarantineFiles = walk(join(repo.root, 'logs', 'quarantine')).filter((f) =>
      f.endsWith('.jsonl'),
    );
    expect(quarantineFiles).toHaveLength(1);
    // The quarantine ignores itself in git, like logs/active.
    expect(readFileSync(join(repo.root, 'logs', 'quarantine', '.gitignore'), 'utf8').trim()).toBe(
      '*',
    );
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
    const [file] = batchFiles(repo.root);
    expect(readFileSync(join(repo.root, file as string), 'utf8')).not.toMatch(/\r|\uFEFF/);
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

  it('cuts a large batch into parts, each named after its own bytes, none over the limit', async () => {
    repo = makeRepo();
    const lines = Array.from({ length: 200 }, (_, i) =>
      entry(
        `e${String(i).padStart(3, '0')}`,
        `2026-11-24T10:00:${String(i % 60).padStart(2, '0')}.${String(i).padStart(3, '0')}Z`,
        { pad: 'x'.repeat(200) },
      ),
    );
    writeShard(repo.root, '20261124T000000_big.jsonl', lines);

    const result = await consolidate({ cwd: repo.root, maxBatchBytes: 4096 });

    expect(result.entries).toBe(200);
    const files = batchFiles(repo.root);
    expect(files.length).toBeGreaterThan(5);
    for (const file of files)
      expect(statSync(join(repo.root, file)).size).toBeLessThanOrEqual(4096);
    const all = historyEntries(repo.root);
    expect(all).toHaveLength(200);
    expect(isInSpecOrder(all)).toBe(true);
  });

  it('adopts what a killed run left behind (a set being filled, a run folder, v1 claims) exactly once', async () => {
    repo = makeRepo();
    const claimed = join(repo.root, 'logs', 'active', '.claimed');
    // A claim that a run killed mid-claim left in its hidden folder.
    mkdirSync(join(claimed, '.claiming-20261124T000000000Z-aaaaaaaaaa'), { recursive: true });
    writeFileSync(
      join(claimed, '.claiming-20261124T000000000Z-aaaaaaaaaa', '20261124T000000_a.jsonl'),
      `${JSON.stringify(entry('a', '2026-11-24T10:00:00.000Z'))}\n`,
    );
    // A set whose run died before deciding (its half-written run folder stays unused).
    mkdirSync(join(claimed, '20261124T000001000Z-bbbbbbbbbb', 'run-dead0000dead', 'history'), {
      recursive: true,
    });
    writeFileSync(
      join(claimed, '20261124T000001000Z-bbbbbbbbbb', '20261124T000000_b.jsonl'),
      `${JSON.stringify(entry('b', '2026-11-24T11:00:00.000Z'))}\n`,
    );
    // v1 left its claims loose in .claimed/.
    writeFileSync(
      join(claimed, '20261124T000000_c~1-1-0.jsonl'),
      `${JSON.stringify(entry('c', '2026-11-24T12:00:00.000Z'))}\n`,
    );

    const result = await consolidate({ cwd: repo.root });

    expect(result.entries).toBe(3);
    expect(
      historyEntries(repo.root)
        .map((e) => e.id)
        .sort(),
    ).toEqual(['a', 'b', 'c']);
    const again = await consolidate({ cwd: repo.root });
    expect(again.entries).toBe(0);
    expect(historyEntries(repo.root)).toHaveLength(3);
  });

  it('skips one bad shard with a warning and consolidates the others (SPEC §5.5)', async () => {
    repo = makeRepo();
    writeShard(repo.root, '20261124T000000_good.jsonl', [
      entry('good', '2026-11-24T10:00:00.000Z'),
    ]);
    const active = join(repo.root, 'logs', 'active');
    execFileSync('mkfifo', [join(active, '20261124T000000_fifo.jsonl')]);
    mkdirSync(join(active, '20261124T000000_folder.jsonl'));
    // A name long enough that v1's claim name (name + suffix) could not exist.
    writeShard(repo.root, `${'x'.repeat(240)}.jsonl`, [entry('long', '2026-11-24T10:00:01.000Z')]);

    const run = repo.cli(['consolidate']);

    expect(run.status).toBe(0);
    expect(run.stderr).toMatch(
      /warning: logs\/active\/20261124T000000_fifo\.jsonl: not a regular file/,
    );
    expect(run.stderr).toMatch(
      /warning: logs\/active\/20261124T000000_folder\.jsonl: not a regular file/,
    );
    expect(
      historyEntries(repo.root)
        .map((e) => e.id)
        .sort(),
    ).toEqual(['good', 'long']);
    expect(lstatSync(join(active, '20261124T000000_fifo.jsonl')).isFIFO()).toBe(true);
  });

  it('leaves a damaged claim set alone, says which and what to do, and consolidates the rest', async () => {
    repo = makeRepo();
    writeShard(repo.root, '20261124T000000_one.jsonl', [entry('a', '2026-11-24T10:00:00.000Z')]);
    await consolidate({ cwd: repo.root });
    const [set] = readdirSync(join(repo.root, 'logs', 'active', '.claimed'));
    writeFileSync(
      join(repo.root, 'logs', 'active', '.claimed', set as string, 'manifest.json'),
      '{"broken',
    );
    writeShard(repo.root, '20261124T000001_two.jsonl', [entry('b', '2026-11-24T11:00:00.000Z')]);

    const run = repo.cli(['hook', 'post-commit', '--mode', 'post-commit']);
    expect(run.status).toBe(0);
    const hook = repo.cli(['consolidate']);

    expect(hook.status).toBe(0);
    expect(hook.stderr).toMatch(
      new RegExp(
        `warning: logs/active/\\.claimed/${set}/manifest\\.json cannot be read \\(.*\\): that claim set is left alone`,
      ),
    );
    expect(
      historyEntries(repo.root)
        .map((e) => e.id)
        .sort(),
    ).toEqual(['a', 'b']);
    expect(
      existsSync(
        join(repo.root, 'logs', 'active', '.claimed', set as string, '20261124T000000_one.jsonl'),
      ),
    ).toBe(true);
  });

  it('never follows a link under logs/: nothing outside the worktree is read, moved or written', async () => {
    repo = makeRepo();
    const outside = tempDir();
    const precious = join(outside, 'session.jsonl');
    const content = `${JSON.stringify(entry('outside', '2026-11-24T10:00:00.000Z'))}\n`;
    writeFileSync(precious, content);
    // A shard that is a link.
    mkdirSync(join(repo.root, 'logs', 'active'), { recursive: true });
    symlinkSync(precious, join(repo.root, 'logs', 'active', '20261124T000000_link.jsonl'));
    writeShard(repo.root, '20261124T000000_one.jsonl', [entry('a', '2026-11-24T10:00:00.000Z')]);
    await consolidate({ cwd: repo.root });
    expect(readFileSync(precious, 'utf8')).toBe(content);
    expect(historyEntries(repo.root).map((e) => e.id)).toEqual(['a']);

    // logs/history as a link (a branch can carry one): refused, the entries wait.
    writeShard(repo.root, '20261124T000001_two.jsonl', [entry('b', '2026-11-24T11:00:00.000Z')]);
    rmSync(join(repo.root, 'logs', 'history'), { recursive: true });
    symlinkSync(outside, join(repo.root, 'logs', 'history'));
    const hook = repo.cli(['hook', 'post-commit', '--mode', 'post-commit']);
    expect(hook.status).toBe(0);
    const run = repo.cli(['consolidate']);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(
      /^audit-hooks: logs\/history is a symbolic link or a file where audit-hooks keeps a folder/,
    );
    expect(readdirSync(outside)).toEqual(['session.jsonl']);

    // logs/active as a link to another app's folder: its files are never claimed.
    rmSync(join(repo.root, 'logs'), { recursive: true });
    mkdirSync(join(repo.root, 'logs'));
    symlinkSync(outside, join(repo.root, 'logs', 'active'));
    const linked = repo.cli(['consolidate']);
    expect(linked.status).toBe(1);
    expect(linked.stderr).toMatch(/logs\/active is a symbolic link/);
    expect(readFileSync(precious, 'utf8')).toBe(content);
    expect(readdirSync(outside)).toEqual(['session.jsonl']);
  });

  it('never deletes a file of the user’s in logs/history, temp-looking or not', async () => {
    repo = makeRepo();
    mkdirSync(join(repo.root, 'logs', 'history'), { recursive: true });
    const mine = ['review_history.jsonl.1', '2026-11-24.jsonl.1234', 'notes.md'];
    for (const name of mine) writeFileSync(join(repo.root, 'logs', 'history', name), 'mine\n');
    writeShard(repo.root, '20261124T000000_one.jsonl', [entry('a', '2026-11-24T10:00:00.000Z')]);
    await consolidate({ cwd: repo.root });
    for (const name of mine)
      expect(readFileSync(join(repo.root, 'logs', 'history', name), 'utf8')).toBe('mine\n');
  });

  it('in hook mode warns, exits 0 and keeps the entries for the next run', async () => {
    repo = makeRepo();
    writeShard(repo.root, '20261124T000000_one.jsonl', [entry('a', '2026-11-24T10:00:00.000Z')]);
    // A file where the day's folder should be: publishing must fail.
    mkdirSync(join(repo.root, 'logs', 'history'), { recursive: true });
    writeFileSync(join(repo.root, 'logs', 'history', '2026-11-24'), 'in the way');

    const run = repo.cli(['hook', 'post-commit', '--mode', 'post-commit']);
    expect(run.status).toBe(0);

    const hook = repo.cli(['consolidate', '--hook']);
    expect(hook.status).toBe(0);
    expect(hook.stdout).toBe('');
    expect(hook.stderr).toMatch(
      /^audit-hooks: warning: did not consolidate \(.*\); the entries stay in logs\/active for the next commit\n$/,
    );
    expect(pendingEntries(repo.root).map((e) => e.id)).toEqual(['a']);
    expect(repo.cli(['consolidate']).status).toBe(1);

    // Once the obstacle is gone, the next run finishes the job.
    rmSync(join(repo.root, 'logs', 'history', '2026-11-24'));
    expect(repo.cli(['consolidate', '--hook']).status).toBe(0);
    expect(historyEntries(repo.root).map((e) => e.id)).toEqual(['a']);
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

    for (const args of [
      ['consolidate', '--hook'],
      ['hook', 'pre-commit'],
      ['hook', 'post-commit'],
    ]) {
      const run = repo.cli(args);
      expect(run.status).toBe(0);
      expect(run.stdout + run.stderr).toBe('');
    }
    expect(snapshotLogs(repo.root)).toBe(snapshot);
    repo.git('merge', '--abort');
    expect(repo.cli(['consolidate', '--hook']).stdout).toContain('1 entry from 1 session');
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

  it('outside a git repository fails with a clear line', () => {
    repo = makeRepo();
    const outside = tempDir();
    const run = repo.cli(['consolidate'], { cwd: outside });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/^audit-hooks: Not in a git repository: .*\n$/);
  });
});
