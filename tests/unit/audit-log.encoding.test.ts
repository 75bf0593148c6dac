// The writer encodes lines into one reused buffer and keeps the last timestamp text: the
// bytes on disk must still be exactly what a fresh encoding of each entry would give,
// whatever the order of long and short, ASCII and non-ASCII entries, and the envelope must
// be the same as with a plain spread.
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { AuditLog } from '../../src/writer/index.js';
import { tempDir } from '../helpers/git-repo.js';

let root: string;

beforeEach(() => {
  root = tempDir('audit-hooks-unit-');
});

afterEach(() => {
  vi.useRealTimers();
});

it('writes each line exactly as serialized, through long and short, ASCII and not', () => {
  const log = new AuditLog({ repoRoot: root, sessionId: 'enc' });
  const entries = [
    { text: 'x'.repeat(20_000) }, // beyond 64 KiB / 3 code units: its own buffer
    { text: 'short' },
    { text: `✓ ${'é'.repeat(3000)} 😀` }, // multi-byte, fits the reused buffer
    { text: 'a' },
    { text: 'lone \ud800 surrogate' },
    { text: 'y'.repeat(4000) },
    { text: 'b' },
  ];
  const written = entries.map((entry) => log.log(entry));
  log.close();
  const expected = written.map((entry) => `${JSON.stringify(entry)}\n`).join('');
  expect(readFileSync(log.shardFile)).toEqual(Buffer.from(expected, 'utf8'));
});

it('builds the same envelope as a spread, caller fields in place, timestamps per millisecond', () => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(new Date('2026-11-24T13:33:03.123Z'));
  const log = new AuditLog({ logPath: `${root}/legacy.jsonl`, sessionId: 's' });
  const first = log.log({ event: 'a', seq: undefined, 2: 'numeric key' });
  const second = log.log({ event: 'b' });
  vi.setSystemTime(new Date('2026-11-24T13:33:03.124Z'));
  const third = log.log({ event: 'c', timestamp: '2026-11-24T14:00:00+01:00', id: 'mine' });
  log.close();

  expect(Object.keys(first)).toEqual(['2', 'id', 'timestamp', 'session_id', 'seq', 'event']);
  expect(first.seq).toBe(1);
  expect([first.timestamp, second.timestamp, third.timestamp]).toEqual([
    '2026-11-24T13:33:03.123Z',
    '2026-11-24T13:33:03.123Z',
    '2026-11-24T14:00:00+01:00',
  ]);
  expect(third.id).toBe('mine');
  expect(log.log({ event: 'd' }).timestamp).toBe('2026-11-24T13:33:03.124Z');
});
