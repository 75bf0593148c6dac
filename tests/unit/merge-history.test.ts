import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AuditHooksError } from '../../src/errors.js';
import { mergeHistory } from '../../src/history/merge.js';
import { tempDir } from '../helpers/git-repo.js';

let dir: string | undefined;
afterEach(() => {
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

function files(): { ours: string; theirs: string } {
  dir = tempDir('audit-hooks-merge-');
  return { ours: join(dir, 'ours.jsonl'), theirs: join(dir, 'theirs.jsonl') };
}

function line(id: string, timestamp: string, session = 's', seq = 1, extra: object = {}): string {
  return JSON.stringify({ id, timestamp, session_id: session, seq, ...extra });
}

function ids(path: string): string[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((text) => (JSON.parse(text) as { id: string }).id);
}

describe('mergeHistory', () => {
  it('writes the union by id to ours, in §3 order (instant, session_id, seq, id)', async () => {
    const { ours, theirs } = files();
    writeFileSync(
      ours,
      [
        line('a1', '2026-11-24T10:00:00.000Z', 'a', 1),
        line('both', '2026-11-24T11:00:00.000Z', 'a', 2),
        line('a3', '2026-11-24T12:00:00.000Z', 'b', 1),
        '',
      ].join('\n'),
    );
    writeFileSync(
      theirs,
      [
        line('b1', '2026-11-24T09:00:00.000Z', 'z', 1),
        line('both', '2026-11-24T11:00:00.000Z', 'a', 2),
        line('b3', '2026-11-24T12:00:00.000Z', 'a', 9), // same instant: session a < b
        line('b4', '2026-11-24T12:00:00.000Z', 'b', 1), // same instant, session, seq: by id
        line('b5', '2026-11-24T14:00:00.000+02:00', 'z', 2), // 12:00Z too, session z last
        '',
      ].join('\n'),
    );

    expect(await mergeHistory(ours, theirs)).toEqual({ entries: 7 });
    expect(ids(ours)).toEqual(['b1', 'a1', 'both', 'b3', 'a3', 'b4', 'b5']);
    expect(readFileSync(ours, 'utf8').endsWith('}\n')).toBe(true);
  });

  it('keeps our copy when both sides hold one id with different content', async () => {
    const { ours, theirs } = files();
    const mine = line('x', '2026-11-24T10:00:00.000Z', 's', 1, { commit: 'abc' });
    writeFileSync(ours, `${mine}\n`);
    writeFileSync(theirs, `${line('x', '2026-11-24T10:00:00.000Z')}\n`);

    await mergeHistory(ours, theirs);

    expect(readFileSync(ours, 'utf8')).toBe(`${mine}\n`);
  });

  it('treats a missing side as empty and sorts the other', async () => {
    const { ours, theirs } = files();
    writeFileSync(
      theirs,
      `${line('late', '2026-11-24T12:00:00.000Z')}\n${line('early', '2026-11-24T08:00:00.000Z')}\n`,
    );

    await mergeHistory(ours, theirs);

    expect(ids(ours)).toEqual(['early', 'late']);
  });

  it('accepts CRLF endings, a byte-order mark and a last line without newline', async () => {
    const { ours, theirs } = files();
    writeFileSync(ours, `\uFEFF${line('o1', '2026-11-24T10:00:00.000Z')}\r\n`);
    writeFileSync(theirs, line('t1', '2026-11-24T09:00:00.000Z'));

    await mergeHistory(ours, theirs);

    expect(readFileSync(ours, 'utf8')).toBe(
      `${line('t1', '2026-11-24T09:00:00.000Z')}\n${line('o1', '2026-11-24T10:00:00.000Z')}\n`,
    );
  });

  it('is idempotent: merging a merged file with itself changes no byte', async () => {
    const { ours, theirs } = files();
    writeFileSync(ours, `${line('b', '2026-11-24T11:00:00.000Z')}\n`);
    writeFileSync(theirs, `${line('a', '2026-11-24T10:00:00.000Z')}\n`);
    await mergeHistory(ours, theirs);
    const once = readFileSync(ours, 'utf8');
    writeFileSync(theirs, once);

    await mergeHistory(ours, theirs);

    expect(readFileSync(ours, 'utf8')).toBe(once);
  });

  it.each([
    ['not JSON', '{"id": "half'],
    ['no id', JSON.stringify({ timestamp: '2026-11-24T10:00:00.000Z' })],
    ['a bad timestamp', JSON.stringify({ id: 'q', timestamp: 'yesterday' })],
  ])(
    'refuses a side with a line that is %s, names the line and leaves ours untouched',
    async (_what, bad) => {
      const { ours, theirs } = files();
      const mine = `${line('o1', '2026-11-24T10:00:00.000Z')}\n`;
      writeFileSync(ours, mine);
      writeFileSync(theirs, `${line('t1', '2026-11-24T09:00:00.000Z')}\n${bad}\n`);

      const attempt = mergeHistory(ours, theirs);

      await expect(attempt).rejects.toBeInstanceOf(AuditHooksError);
      await expect(attempt).rejects.toThrow(/line 2 is not a valid entry/);
      expect(readFileSync(ours, 'utf8')).toBe(mine);
      expect(readdirSync(dir as string).sort()).toEqual(['ours.jsonl', 'theirs.jsonl']);
      expect(existsSync(theirs)).toBe(true);
    },
  );
});
