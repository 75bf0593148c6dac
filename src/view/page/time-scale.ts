// Time on the axis: tick steps that read well at any zoom, in the viewer's local time.

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const STEPS = [
  1,
  2,
  5,
  10,
  20,
  50,
  100,
  200,
  500,
  SECOND,
  2 * SECOND,
  5 * SECOND,
  10 * SECOND,
  15 * SECOND,
  30 * SECOND,
  MINUTE,
  2 * MINUTE,
  5 * MINUTE,
  10 * MINUTE,
  15 * MINUTE,
  30 * MINUTE,
  HOUR,
  2 * HOUR,
  3 * HOUR,
  6 * HOUR,
  12 * HOUR,
  DAY,
  2 * DAY,
  7 * DAY,
  14 * DAY,
  30 * DAY,
  91 * DAY,
  365 * DAY,
];

/** Tick instants between `start` and `end` for an axis `width` pixels wide. */
export function ticks(
  start: number,
  end: number,
  width: number,
  minSpacing = 96,
): { step: number; times: number[] } {
  const span = Math.max(end - start, 1);
  const wanted = (span / Math.max(width, 1)) * minSpacing;
  const step = STEPS.find((candidate) => candidate >= wanted) ?? (STEPS.at(-1) as number);
  // Aligned in local time, so hour and day ticks fall on the viewer's whole hours and days.
  const offset = -new Date(start).getTimezoneOffset() * MINUTE;
  const times: number[] = [];
  for (let t = Math.ceil((start + offset) / step) * step - offset; t <= end; t += step) {
    times.push(t);
    if (times.length > 1000) break;
  }
  return { step, times };
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** `YYYY-MM-DD` in local time. */
export function formatDay(t: number): string {
  const d = new Date(t);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** `HH:MM:SS.mmm` in local time. */
export function formatClock(t: number): string {
  const d = new Date(t);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

/** `YYYY-MM-DD HH:MM:SS.mmm` in local time. */
export function formatTime(t: number): string {
  return `${formatDay(t)} ${formatClock(t)}`;
}

/** A tick's label: as precise as its step needs. */
export function formatTick(t: number, step: number): string {
  if (step >= DAY) return formatDay(t);
  const clock = formatClock(t);
  if (step >= MINUTE) return clock.slice(0, 5);
  if (step >= SECOND) return clock.slice(0, 8);
  return clock;
}

/** A span for people: `850 ms`, `42 s`, `3 min 20 s`, `5 h 12 min`, `3 d 4 h`. */
export function formatDuration(ms: number): string {
  if (ms < SECOND) return `${Math.round(ms)} ms`;
  if (ms < MINUTE) return `${Math.round(ms / 100) / 10} s`;
  if (ms < HOUR) {
    const s = Math.round(ms / SECOND);
    return `${Math.floor(s / 60)} min${s % 60 === 0 ? '' : ` ${s % 60} s`}`;
  }
  if (ms < DAY) {
    const m = Math.round(ms / MINUTE);
    return `${Math.floor(m / 60)} h${m % 60 === 0 ? '' : ` ${m % 60} min`}`;
  }
  const h = Math.round(ms / HOUR);
  return `${Math.floor(h / 24)} d${h % 24 === 0 ? '' : ` ${h % 24} h`}`;
}

/** A range for people: `2026-11-24 13:30:00.000 – 14:45:00.000 (1 h 15 min)`. */
export function formatRange(start: number, end: number): string {
  const to = formatDay(start) === formatDay(end) ? formatClock(end) : formatTime(end);
  return `${formatTime(start)} – ${to} (${formatDuration(end - start)})`;
}
