import { styleText } from 'node:util';
import type { Entry } from '../writer/index.js';

type Style = Parameters<typeof styleText>[0];

/** How {@link formatEntry} renders a line. */
export interface FormatOptions {
  /** Colour with ANSI escapes: only for a terminal, never under NO_COLOR (see {@link useColor}). */
  color?: boolean;
  /** Cut each line to this many columns (a terminal's width); no limit when absent. */
  width?: number | undefined;
  /** The moment that decides whether a line needs its date (default: now). */
  now?: Date;
  /** Column widths shared by successive lines, so that they line up. */
  layout?: Layout;
}

/** Column widths, grown as lines are formatted (start from {@link createLayout}). */
export interface Layout {
  time: number;
  /** Width of each aligned `key=value` column, by key. */
  columns: Map<string, number>;
}

/** The envelope: shown as time and session, not as fields. */
const ENVELOPE = new Set(['id', 'timestamp', 'session_id', 'seq']);
/** Fields shown first, in this order; the first ones line up in columns (`commit` goes last). */
const ALIGNED = ['event', 'hook_event_name', 'tool', 'tool_name', 'decision'];
const LEADING = [...ALIGNED, 'command'];
/** A column wider than this is not padded (one long value must not push every line). */
const MAX_COLUMN = 24;
const SESSION_WIDTH = 8;
const SESSION_STYLES: Style[] = ['cyan', 'magenta', 'yellow', 'blue', 'green'];

/** Column widths that fit all of `entries` (for a batch printed at once). */
export function createLayout(entries: Iterable<Entry> = [], now: Date = new Date()): Layout {
  const layout: Layout = { time: 0, columns: new Map() };
  for (const entry of entries) grow(layout, entry, now);
  return layout;
}

/**
 * One line for people: local time (with the date when not today), the first 8 characters
 * of the session id, then the entry's own fields as `key=value` (envelope left out).
 */
export function formatEntry(entry: Entry, options: FormatOptions = {}): string {
  const now = options.now ?? new Date();
  const layout = options.layout ?? createLayout([entry], now);
  grow(layout, entry, now);
  const color = options.color === true;
  const segments: Segment[] = [];
  const push = (text: string, style?: Style) => segments.push({ text, style });

  push(timeOf(entry, now).padStart(layout.time), 'gray');
  push('  ');
  const session = sessionOf(entry);
  push(session.padEnd(SESSION_WIDTH), sessionStyle(session));

  const fields = orderedFields(entry);
  // Aligned columns up to the last one this entry has; the rest follows without gaps.
  const present = new Set(fields.map(([key]) => key));
  const last = ALIGNED.findLastIndex((key) => present.has(key));
  for (const key of ALIGNED.slice(0, last + 1)) {
    const width = layout.columns.get(key);
    if (width === undefined) continue;
    push('  ');
    const field = fields.find(([name]) => name === key);
    if (field === undefined) push(' '.repeat(width));
    else {
      pushField(push, field[0], field[1]);
      const used = fieldWidth(field[0], field[1]);
      if (used < width) push(' '.repeat(width - used));
    }
  }
  let first = true;
  for (const [key, value] of fields) {
    if (ALIGNED.includes(key)) continue;
    push(first ? '  ' : ' ');
    first = false;
    pushField(push, key, value);
  }
  const cut = options.width === undefined ? segments : truncate(segments, options.width);
  return render(cut, color).trimEnd();
}

/**
 * {@link formatEntry}, or when the entry cannot be formatted (nested deeper than the
 * stack allows, or otherwise too odd), its `line` as stored, escaped and cut like any
 * line: one entry never stops the output (SPEC §6).
 */
export function formatRecord(entry: Entry, line: string, options: FormatOptions = {}): string {
  try {
    return formatEntry(entry, options);
  } catch {
    const raw = escapeTerminal(line);
    return options.width === undefined
      ? raw
      : render(truncate([{ text: raw }], options.width), false);
  }
}

/**
 * Whether output to `stream` may be coloured: a terminal, with NO_COLOR unset or empty
 * (no-color.org) and TERM not `dumb`. A pipe or a file never is.
 */
export function useColor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv): boolean {
  return stream.isTTY === true && (env.NO_COLOR ?? '') === '' && env.TERM !== 'dumb';
}

interface Segment {
  text: string;
  style?: Style | undefined;
}

function render(segments: Segment[], color: boolean): string {
  let out = '';
  for (const { text, style } of segments) {
    // The caller decided (useColor); styleText must not second-guess it against
    // process.stdout, which may not be where this line goes.
    out +=
      color && style !== undefined && text.trim() !== ''
        ? styleText(style, text, { validateStream: false })
        : text;
  }
  return out;
}

function grow(layout: Layout, entry: Entry, now: Date): void {
  try {
    layout.time = Math.max(layout.time, timeOf(entry, now).length);
    for (const [key, value] of orderedFields(entry)) {
      if (!ALIGNED.includes(key)) continue;
      const width = Math.min(fieldWidth(key, value), MAX_COLUMN);
      layout.columns.set(key, Math.max(layout.columns.get(key) ?? 0, width));
    }
  } catch {
    // An entry that cannot be formatted is shown raw (formatRecord) and takes no column.
  }
}

function orderedFields(entry: Entry): Array<[string, unknown]> {
  const fields = Object.entries(entry).filter(([key]) => !ENVELOPE.has(key));
  const rank = (key: string) => {
    if (key === 'commit') return LEADING.length + 1;
    const index = LEADING.indexOf(key);
    return index === -1 ? LEADING.length : index;
  };
  // Stable: fields not in LEADING keep the entry's own order.
  return fields.sort(([a], [b]) => rank(a) - rank(b));
}

function pushField(push: (text: string, style?: Style) => void, key: string, value: unknown): void {
  push(`${showKey(key)}=`, 'dim');
  push(showValue(value, key), valueStyle(key, value));
}

function fieldWidth(key: string, value: unknown): number {
  return displayWidth(`${showKey(key)}=${showValue(value, key)}`);
}

const BARE_KEY = /^[\p{L}\p{N}_.-]+$/u;
// Shown as is: no spaces, quotes, `=`, backslashes or control characters (so a value
// can never inject terminal escapes); anything else is shown as JSON, escaped further.
const BARE_VALUE = /^[^\s"'=\\\p{C}]+$/u;

// What JSON leaves raw but a terminal acts on, or hides: C1 controls (`\u009b` is a CSI
// on many terminals), DEL, bidi overrides and isolates that reorder what follows (U+202E,
// U+2066–U+2069), marks (U+200E, U+200F, U+061C), every other format character (zero
// widths, tags) and the line and paragraph separators.
const UNSAFE = /[\p{Cc}\p{Cf}\u2028\u2029]/gu;

/**
 * `text` with every control, bidi or other invisible format character written as a
 * `\uXXXX` escape (one per UTF-16 unit, as in JSON): safe to send to a terminal.
 */
export function escapeTerminal(text: string): string {
  UNSAFE.lastIndex = 0;
  if (!UNSAFE.test(text)) return text;
  return text.replace(UNSAFE, escapeUnits);
}

/**
 * A valid JSON line made safe for a terminal and still the same JSON: such characters
 * can only sit inside its strings, where `\uXXXX` means the same; a tab or CR between
 * tokens is whitespace (a CR becomes a space: it would move the cursor).
 */
export function escapeJsonLine(line: string): string {
  UNSAFE.lastIndex = 0;
  if (!UNSAFE.test(line)) return line;
  return line.replace(UNSAFE, (char) =>
    char === '\t' ? char : char === '\r' ? ' ' : escapeUnits(char),
  );
}

function escapeUnits(char: string): string {
  let out = '';
  for (let i = 0; i < char.length; i++) {
    out += `\\u${char.charCodeAt(i).toString(16).padStart(4, '0')}`;
  }
  return out;
}

function showKey(key: string): string {
  return BARE_KEY.test(key) ? key : escapeTerminal(JSON.stringify(key));
}

const SHA = /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/;

function showValue(value: unknown, key?: string): string {
  // A commit id (the stamp, or a commit event's sha), as git abbreviates it (the full id is
  // in --json).
  if ((key === 'commit' || key === 'sha') && typeof value === 'string' && SHA.test(value))
    return value.slice(0, 10);
  if (typeof value === 'string') {
    return BARE_VALUE.test(value) ? value : escapeTerminal(JSON.stringify(value));
  }
  return escapeTerminal(JSON.stringify(value) ?? String(value));
}

function valueStyle(key: string, value: unknown): Style | undefined {
  if (key === 'event' || key === 'hook_event_name') return 'bold';
  if (key === 'decision' && typeof value === 'string') {
    if (/^(allow|allowed|approve|approved|accept|accepted)$/i.test(value)) return 'green';
    if (/^(deny|denied|block|blocked|reject|rejected)$/i.test(value)) return 'red';
    if (/^ask$/i.test(value)) return 'yellow';
  }
  if ((key === 'exit_code' || key === 'exitCode') && value !== 0) return 'red';
  if (key === 'error') return 'red';
  return undefined;
}

function timeOf(entry: Entry, now: Date): string {
  const date = new Date(entry.timestamp);
  if (Number.isNaN(date.getTime())) return escapeTerminal(String(entry.timestamp));
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  const time = `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
  const sameDay =
    date.getFullYear() === now.getFullYear() &&
    date.getMonth() === now.getMonth() &&
    date.getDate() === now.getDate();
  return sameDay
    ? time
    : `${pad(date.getFullYear(), 4)}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${time}`;
}

function sessionOf(entry: Entry): string {
  const session = typeof entry.session_id === 'string' ? entry.session_id : '-';
  const short = [...session].slice(0, SESSION_WIDTH).join('');
  return BARE_VALUE.test(short) ? short : '?';
}

function sessionStyle(session: string): Style {
  let hash = 0;
  for (let i = 0; i < session.length; i++) hash = (hash * 31 + session.charCodeAt(i)) >>> 0;
  return SESSION_STYLES[hash % SESSION_STYLES.length] as Style;
}

// Terminal columns of a string: East Asian wide characters and emoji take two,
// combining marks and zero-width characters none.
const WIDE =
  /[\u1100-\u115F\u2E80-\u303E\u3041-\u33FF\u3400-\u4DBF\u4E00-\u9FFF\uA000-\uA4CF\uAC00-\uD7A3\uF900-\uFAFF\uFE30-\uFE4F\uFF00-\uFF60\uFFE0-\uFFE6\u{1F300}-\u{1F64F}\u{1F900}-\u{1F9FF}\u{20000}-\u{3FFFD}]/u;
const ZERO = /[\p{M}\u200B-\u200F\u2060\uFEFF]/u;

function charWidth(char: string): number {
  return ZERO.test(char) ? 0 : WIDE.test(char) ? 2 : 1;
}

function displayWidth(text: string): number {
  let width = 0;
  for (const char of text) width += charWidth(char);
  return width;
}

function truncate(segments: Segment[], width: number): Segment[] {
  const total = segments.reduce((sum, segment) => sum + displayWidth(segment.text), 0);
  if (total <= width) return segments;
  const out: Segment[] = [];
  let left = Math.max(width - 1, 0);
  for (const segment of segments) {
    let text = '';
    for (const char of segment.text) {
      const w = charWidth(char);
      if (w > left) break;
      text += char;
      left -= w;
    }
    out.push({ text, style: segment.style });
    if (text.length < segment.text.length) break;
  }
  out.push({ text: '…' });
  return out;
}
