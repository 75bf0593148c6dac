import { UsageError } from '../errors.js';
import * as messages from '../messages.js';

const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

const DURATION = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)$/i;
const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME =
  /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d{1,9})?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/**
 * The instant (ms since the epoch) that `--since` means: a duration back from `now`
 * (`30s`, `15m`, `2h`, `7d`, `2w`), or an ISO 8601 date or date-time. A date alone is local
 * midnight and a date-time without an offset is local time, as with `git log --since`.
 */
export function parseSince(value: string, now: number = Date.now()): number {
  const text = value.trim();
  const duration = DURATION.exec(text);
  if (duration !== null) {
    const unit = UNIT_MS[(duration[2] as string).toLowerCase()] as number;
    return now - Number(duration[1]) * unit;
  }
  const date = DATE_ONLY.exec(text);
  if (date !== null) {
    const [year, month, day] = [Number(date[1]), Number(date[2]), Number(date[3])];
    const midnight = new Date(year, month - 1, day);
    // `new Date` rolls 2026-02-31 over to March; a date that does not exist is a mistake.
    if (midnight.getMonth() === month - 1 && midnight.getDate() === day) return midnight.getTime();
  } else if (DATE_TIME.test(text)) {
    const normal = text
      .replace(' ', 'T')
      .replace(',', '.')
      // `+02` and `+0200` as `+02:00`, which every engine parses.
      .replace(
        /([+-]\d{2}):?(\d{2})?$/,
        (_, hours: string, minutes = '00') => `${hours}:${minutes}`,
      );
    const instant = Date.parse(normal);
    if (!Number.isNaN(instant)) return instant;
  }
  throw new UsageError(messages.badSince(value));
}
