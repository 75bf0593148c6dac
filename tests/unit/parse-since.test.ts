import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { parseSince } from '../../src/read/parse-since.js';

const NOW = Date.parse('2026-11-24T12:00:00.000Z');

describe('parseSince', () => {
  it.each([
    ['30s', 30_000],
    ['15m', 15 * 60_000],
    ['2h', 2 * 3_600_000],
    ['7d', 7 * 86_400_000],
    ['2w', 14 * 86_400_000],
    ['1.5h', 90 * 60_000],
    ['500ms', 500],
    ['15M', 15 * 60_000],
    [' 15m ', 15 * 60_000],
  ])('takes the duration %s back from now', (text, ms) => {
    expect(parseSince(text, NOW)).toBe(NOW - ms);
  });

  it.each([
    ['2026-11-24T10:00:00Z', '2026-11-24T10:00:00.000Z'],
    ['2026-11-24T10:00:00.123Z', '2026-11-24T10:00:00.123Z'],
    ['2026-11-24T10:00:00.123456Z', '2026-11-24T10:00:00.123Z'],
    ['2026-11-24T10:00:00,5Z', '2026-11-24T10:00:00.500Z'],
    ['2026-11-24T12:00:00+02:00', '2026-11-24T10:00:00.000Z'],
    ['2026-11-24T12:00:00+0200', '2026-11-24T10:00:00.000Z'],
    ['2026-11-24T12:00:00+02', '2026-11-24T10:00:00.000Z'],
    ['2026-11-24T05:00-05:00', '2026-11-24T10:00:00.000Z'],
    ['2026-11-24 10:00:00Z', '2026-11-24T10:00:00.000Z'],
  ])('takes the ISO time %s with its offset', (text, iso) => {
    expect(parseSince(text, NOW)).toBe(Date.parse(iso));
  });

  it('reads a date alone as local midnight and a time without offset as local time', () => {
    expect(parseSince('2026-11-24', NOW)).toBe(new Date(2026, 10, 24).getTime());
    expect(parseSince('2026-11-24T13:30', NOW)).toBe(new Date(2026, 10, 24, 13, 30).getTime());
    expect(parseSince('2026-11-24 13:30:15', NOW)).toBe(
      new Date(2026, 10, 24, 13, 30, 15).getTime(),
    );
  });

  it.each([
    '',
    'yesterday',
    '15',
    '15x',
    '-5m',
    'm',
    '2026-02-31',
    '2026-13-01',
    '2026-11-24T25:00Z',
    '24/11/2026',
    '2026-11-24T10:00:00 UTC',
    '1e3s',
  ])('refuses %j with an error that shows the accepted forms', (text) => {
    expect(() => parseSince(text, NOW)).toThrow(UsageError);
    expect(() => parseSince(text, NOW)).toThrow(/is not a time: use an ISO time .* 15m, 2h, 7d/);
  });
});
