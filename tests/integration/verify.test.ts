import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ALIAS_COMMAND } from '../../src/install/launcher.js';
import { makeRepo, type TempRepo, tempDir } from '../helpers/git-repo.js';
import {
  historyEntries,
  isInSpecOrder,
  readHistory,
  snapshotLogs,
  walk,
} from '../helpers/history.js';

let repo: TempRepo;
afterEach(() => repo?.cleanup());

const line = (id: string, timestamp: string, extra: object = {}) =>
  JSON.stringify({ id, timestamp, session_id: 's', seq: 1, ...extra });

function partition(name: string, lines: string[]): void {
  mkdirSync(join(repo.root, 'logs', 'history'), { recursive: true });
  writeFileSync(join(repo.root, 'logs', 'history', name), lines.map((l) => `${l}\n`).join(''));
}

describe('audit-hooks verify', () => {
  it('passes a sound history, and --fix then changes no byte', () => {
    repo = makeRepo();
    partition('2026-11-23.jsonl', [
      line('a', '2026-11-23T10:00:00.000Z'),
      line('b', '2026-11-24T00:30:00+02:00'),
    ]);
    partition('2026-11-24.jsonl', [line('c', '2026-11-24T10:00:00.000Z')]);
    const snapshot = snapshotLogs(repo.root);

    const run = repo.cli(['verify']);
    expect(run.status).toBe(0);
    expect(run.stdout).toBe('audit-hooks: history is sound: 2 files, 3 entries\n');
    expect(repo.cli(['verify', '--fix']).status).toBe(0);
    expect(snapshotLogs(repo.root)).toBe(snapshot);
  });

  it('reports every kind of problem as file:line and exits non-zero', () => {
    repo = makeRepo();
    partition('2026-11-24.jsonl', [
      line('b', '2026-11-24T11:00:00.000Z'),
      line('a', '2026-11-24T10:00:00.000Z'), // out of order
      line('b', '2026-11-24T11:00:00.000Z'), // duplicate
      line('x', '2026-11-25T01:00:00.000Z'), // wrong day
      '{"broken": ', // not an entry
    ]);
    writeFileSync(join(repo.root, 'logs', 'history', '2026-11-24.jsonl.2718281828'), 'half');

    const run = repo.cli(['verify']);

    expect(run.status).toBe(1);
    expect(run.stdout.split('\n').filter(Boolean)).toEqual([
      'logs/history/2026-11-24.jsonl.2718281828: stray temp file left by an interrupted v1 write (verify --fix deletes it)',
      'logs/history/2026-11-24.jsonl:2: out of order (sorts before the line above)',
      'logs/history/2026-11-24.jsonl:3: duplicate id b (first at logs/history/2026-11-24.jsonl:1)',
      'logs/history/2026-11-24.jsonl:4: belongs in logs/history/2026-11-25.jsonl',
      expect.stringMatching(
        /^logs\/history\/2026-11-24\.jsonl:5: not a valid entry \(not valid JSON/,
      ),
    ]);
    expect(run.stderr).toBe(
      'audit-hooks: 5 problems in logs/history; run `audit-hooks verify --fix` to repair them\n',
    );
    // Where install set the alias, every hint spells the command that works in any worktree.
    repo.git('config', 'alias.audit-hooks', ALIAS_COMMAND);
    expect(repo.cli(['verify']).stderr).toBe(
      'audit-hooks: 5 problems in logs/history; run `git audit-hooks verify --fix` to repair them\n',
    );
  });

  it('--fix repairs a v1 partition (order, copies, placement), quarantines the rest, and loses nothing', () => {
    repo = makeRepo();
    partition('2026-11-24.jsonl', [
      line('b', '2026-11-24T11:00:00.000Z'),
      line('a', '2026-11-24T10:00:00.000Z'),
      line('b', '2026-11-24T11:00:00.000Z'),
      line('x', '2026-11-25T01:00:00.000Z'),
      'garbage line',
    ]);
    partition('2026-11-20.jsonl', [line('moved', '2026-11-24T09:00:00.000Z')]);
    writeFileSync(join(repo.root, 'logs', 'history', '2026-11-24.jsonl.31415'), 'half');

    const run = repo.cli(['verify', '--fix']);

    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/audit-hooks: fixed \d+ problems; changed /);
    expect([...readHistory(repo.root).keys()]).toEqual(['2026-11-24.jsonl', '2026-11-25.jsonl']);
    expect(historyEntries(repo.root).map((e) => e.id)).toEqual(['moved', 'a', 'b', 'x']);
    for (const entries of readHistory(repo.root).values())
      expect(isInSpecOrder(entries)).toBe(true);
    const quarantined = walk(join(repo.root, 'logs', 'quarantine'))
      .filter((file) => file.endsWith('.jsonl'))
      .flatMap((file) =>
        readFileSync(file, 'utf8')
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l) as { text: string; line: number; source: string }),
      );
    expect(quarantined.map((q) => [q.source, q.line, q.text])).toEqual([
      ['logs/history/2026-11-24.jsonl', 5, 'garbage line'],
    ]);
    expect(walk(join(repo.root, 'logs', 'history')).filter((f) => /\.\d+$/.test(f))).toEqual([]);
    expect(repo.cli(['verify']).status).toBe(0);
  });

  it('--fix keeps two committed entries with one id and other content: a person decides', () => {
    repo = makeRepo();
    partition('2026-11-24.jsonl', [line('b', '2026-11-24T11:00:00.000Z')]);
    partition('2026-11-25.jsonl', [line('b', '2026-11-25T11:00:00.000Z', { edited: true })]);
    const run = repo.cli(['verify', '--fix']);
    expect(run.status).toBe(1);
    expect(historyEntries(repo.root).map((e) => e.id)).toEqual(['b', 'b']);
    expect(walk(join(repo.root, 'logs', 'quarantine'))).toEqual([]);
  });
});

/** A batch file with these lines under `logs/history/<day>/`, named as consolidation names it. */
function batch(day: string, stamp: string, lines: string[]): string {
  const dir = join(repo.root, 'logs', 'history', day);
  mkdirSync(dir, { recursive: true });
  const bytes = lines.map((l) => `${l}\n`).join('');
  const name = `${stamp}-${createHash('sha256').update(bytes).digest('hex').slice(0, 20)}.jsonl`;
  writeFileSync(join(dir, name), bytes);
  return `logs/history/${day}/${name}`;
}

const STAMP_A = '20261124T100000000Z';
const STAMP_B = '20261124T120000000Z';

describe('audit-hooks verify on v2 batch files', () => {
  it('passes sound batches, and notes an entry that two batches hold (a cherry-pick’s copy)', () => {
    repo = makeRepo();
    const a = batch('2026-11-24', STAMP_A, [
      line('a', '2026-11-24T09:00:00.000Z'),
      line('b', '2026-11-24T10:00:00.000Z'),
    ]);
    const b = batch('2026-11-24', STAMP_B, [
      line('b', '2026-11-24T10:00:00.000Z'),
      line('c', '2026-11-24T12:00:00.000Z'),
    ]);
    const run = repo.cli(['verify']);
    expect(run.status).toBe(0);
    expect(run.stdout).toBe(
      `${b}:1: note: the same entry b is also at ${a}:2 (readers keep one; not a problem)\n` +
        'audit-hooks: history is sound: 2 files, 4 entries\n',
    );
  });

  it('reports problems in a batch as file:line, and --fix explains how to restore it instead of rewriting it', () => {
    repo = makeRepo();
    const a = batch('2026-11-24', STAMP_A, [
      line('b', '2026-11-24T10:00:00.000Z'),
      line('a', '2026-11-24T09:00:00.000Z'), // out of order
      line('x', '2026-11-25T01:00:00.000Z'), // wrong day
    ]);
    const b = batch('2026-11-24', STAMP_B, [
      line('a', '2026-11-24T09:00:00.000Z', { edited: true }),
    ]);
    const before = readFileSync(join(repo.root, a), 'utf8');

    const run = repo.cli(['verify', '--fix']);

    expect(run.status).toBe(1);
    expect(run.stdout.split('\n').filter(Boolean)).toEqual([
      `${a}:2: out of order (sorts before the line above)`,
      `${a}:3: belongs under logs/history/2026-11-25/, not logs/history/2026-11-24/`,
      `${b}:1: id a is also at ${a}:2 with other content`,
    ]);
    expect(run.stderr.split('\n')[0]).toBe(
      'audit-hooks: 3 problems remain after --fix; inspect logs/history by hand',
    );
    expect(run.stderr).toContain(
      `batch files never change once written, so --fix does not rewrite 2 of them: \`git checkout -- ${a}\` undoes a change not yet committed`,
    );
    expect(readFileSync(join(repo.root, a), 'utf8')).toBe(before);
  });

  it('--fix redacts a secret in a batch file in place, every other byte kept', () => {
    repo = makeRepo();
    const token = `ghp_${'Ab1'.repeat(12)}`;
    const a = batch('2026-11-24', STAMP_A, [
      '{"id":"a","timestamp":"2026-11-24T09:00:00.000Z","session_id":"s","seq":1,"n":1.50}',
      line('b', '2026-11-24T10:00:00.000Z', { command: `gh auth login --with-token ${token}` }),
    ]);
    const found = repo.cli(['verify']);
    expect(found.status).toBe(1);
    expect(found.stdout).toMatch(new RegExp(`^${a}:2: unredacted secret \\(`));

    const fixed = repo.cli(['verify', '--fix']);

    expect(fixed.status).toBe(0);
    const text = readFileSync(join(repo.root, a), 'utf8');
    expect(text).not.toContain(token);
    expect(text.split('\n')[0]).toBe(
      '{"id":"a","timestamp":"2026-11-24T09:00:00.000Z","session_id":"s","seq":1,"n":1.50}',
    );
    expect(repo.cli(['verify']).status).toBe(0);
  });

  it('reports a secret in the first copy of a duplicate key, which a parsed entry would hide', () => {
    repo = makeRepo();
    const token = `ghp_${'Zx9'.repeat(12)}`;
    const a = batch('2026-11-24', STAMP_A, [
      `{"id":"d","timestamp":"2026-11-24T09:00:00.000Z","session_id":"s","seq":1,"command":"curl -H \\"Authorization: Bearer ${token}\\" x","command":"ls"}`,
    ]);
    const run = repo.cli(['verify']);
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(new RegExp(`^${a}:1: unredacted secret \\(`));
    expect(repo.cli(['verify', '--fix']).status).toBe(0);
    expect(readFileSync(join(repo.root, a), 'utf8')).not.toContain(token);
  });

  it('reports a batch file that is a link, and never reads through it', () => {
    repo = makeRepo();
    const outside = join(tempDir(), 'outside.jsonl');
    writeFileSync(outside, `${line('o', '2026-11-24T09:00:00.000Z')}\n`);
    mkdirSync(join(repo.root, 'logs', 'history', '2026-11-24'), { recursive: true });
    symlinkSync(
      outside,
      join(repo.root, 'logs', 'history', '2026-11-24', `${STAMP_A}-${'a'.repeat(20)}.jsonl`),
    );
    const run = repo.cli(['verify']);
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(/is not a regular file \(a symbolic link\?\); readers skip it/);
  });
  it('reports a batch file edited after it was written, without offering --fix, and passes once restored', () => {
    repo = makeRepo();
    const a = batch('2026-11-24', STAMP_A, [
      line('a', '2026-11-24T09:00:00.000Z'),
      line('b', '2026-11-24T10:00:00.000Z', { tool: 'Bash' }),
    ]);
    repo.git('add', '-f', 'logs');
    repo.git('commit', '-q', '--no-verify', '-m', 'trail');
    const original = readFileSync(join(repo.root, a), 'utf8');
    writeFileSync(join(repo.root, a), original.replace('"Bash"', '"Read"'));

    const run = repo.cli(['verify']);

    expect(run.stdout).toBe(
      `${a}: edited after it was written: a batch file is named after the sha-256 of its bytes, and these bytes no longer match\n`,
    );
    expect(run.stderr).toBe(
      'audit-hooks: 1 problem in logs/history\n' +
        `audit-hooks: batch files never change once written, so --fix does not rewrite ${a}: \`git checkout -- ${a}\` undoes a change not yet committed; for a committed one, \`audit-hooks verify --history\` names the commit and the \`git checkout <commit>~1 -- ${a}\` that restores it\n`,
    );
    expect(run.status).toBe(1);
    expect(repo.cli(['verify', '--fix']).status).toBe(1);
    expect(readFileSync(join(repo.root, a), 'utf8')).not.toBe(original);
    repo.git('checkout', '--', a);
    expect(repo.cli(['verify']).status).toBe(0);
  });

  it('notes a batch file that --fix redacted: its name no longer matches, and that is not a problem', () => {
    repo = makeRepo();
    const token = `ghp_${'Qw3'.repeat(12)}`;
    const a = batch('2026-11-24', STAMP_A, [
      line('a', '2026-11-24T09:00:00.000Z', { command: `echo ${token}` }),
    ]);
    expect(repo.cli(['verify', '--fix']).status).toBe(0);

    const run = repo.cli(['verify']);

    expect(run.stdout).toBe(
      `${a}: note: redacted after it was written (its name no longer matches its bytes; the redaction markers say why)\n` +
        'audit-hooks: history is sound: 1 file, 1 entry\n',
    );
    expect(run.status).toBe(0);
  });
});
