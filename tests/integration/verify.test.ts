import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeRepo, type TempRepo } from '../helpers/git-repo.js';
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
    expect(run.stdout).toBe('audit-hooks: history is sound: 2 partitions, 3 entries\n');
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
      'logs/history/2026-11-24.jsonl:2: out of order (sorts before the line above)',
      'logs/history/2026-11-24.jsonl:3: duplicate id b (first at logs/history/2026-11-24.jsonl:1)',
      'logs/history/2026-11-24.jsonl:4: belongs in logs/history/2026-11-25.jsonl',
      expect.stringMatching(
        /^logs\/history\/2026-11-24\.jsonl:5: not a valid entry \(not valid JSON/,
      ),
      'logs/history/2026-11-24.jsonl.2718281828: stray temp file left by an interrupted write',
    ]);
    expect(run.stderr).toBe(
      'audit-hooks: 5 problems in logs/history; run `audit-hooks verify --fix` to repair them\n',
    );
  });

  it('--fix repairs order, duplicates and placement, quarantines the rest, and loses nothing', () => {
    repo = makeRepo();
    partition('2026-11-24.jsonl', [
      line('b', '2026-11-24T11:00:00.000Z'),
      line('a', '2026-11-24T10:00:00.000Z'),
      line('b', '2026-11-24T11:00:00.000Z'),
      line('b', '2026-11-24T11:00:00.000Z', { edited: true }),
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
    const quarantined = walk(join(repo.root, 'logs', 'quarantine')).flatMap((file) =>
      readFileSync(file, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { text: string; line: number; source: string }),
    );
    expect(quarantined.map((q) => [q.source, q.line])).toEqual([
      ['logs/history/2026-11-24.jsonl', 4],
      ['logs/history/2026-11-24.jsonl', 6],
    ]);
    expect(quarantined[1]?.text).toBe('garbage line');
    expect(walk(join(repo.root, 'logs', 'history')).filter((f) => /\.\d+$/.test(f))).toEqual([]);
    expect(repo.cli(['verify']).status).toBe(0);
  });
});
