// Redaction of one history line, on the line's own text (SPEC §12, §3 fidelity).
//
// Parsing an entry and serializing it again would change what the caller logged (`1.50`
// becomes `1.5`, big integers lose digits, escapes change) and would see only the last
// copy of a duplicate key, so a secret in the first copy would reach git unseen. Instead
// the line is walked as text: every key and every string value at every depth, every
// copy of a duplicate key included, and only the characters of a secret are replaced.
// The paths of what was replaced are spliced into the entry's `redacted` list.
//
// Exempt are only the envelope values audit-hooks itself writes, when they look like it:
// a top-level `id` (a string), `timestamp` (ISO 8601 with an offset), `session_id`
// (`^[A-Za-z0-9_-]{1,64}$`) and `seq` (a positive integer), each present once. Rewriting
// those would break identity and order, and they hold no secret: an `id` or `session_id`
// that a built-in shape rule matches (a token used as an id) is not one audit-hooks wrote,
// and is redacted like any field, as is an envelope key that appears twice (a redacted
// `id` keeps a digest of what it was after its marker, so that ids stay unique).
import { createHash } from 'node:crypto';
import { isIsoTimestamp } from '../writer/index.js';
import {
  decodeString,
  NotJson,
  readLiteral,
  readString,
  type StringToken,
  skipSpace,
} from './json-text.js';
import { type Matcher, matcherFor, type RuleSet, replaceSpans, type Span } from './matcher.js';
import {
  hasHint,
  KEY_RULE,
  MARKER,
  MARKER_START,
  type RedactionFinding,
  type RedactionRules,
  redactionMarker,
  WHOLE_MARKER,
} from './rules.js';

/** The result of {@link redactLine}. */
export interface LineRedaction {
  /** The line to write: the very same string when nothing matched. */
  line: string;
  /** JSON paths of the values that were redacted, each once, in document order. */
  paths: string[];
  /** Every (path, rule) pair, in document order. */
  findings: RedactionFinding[];
}

/** Path reported for a line that is not a JSON object (its text is redacted as a whole). */
export const RAW_LINE_PATH = '(line)';

/**
 * Redacts the secrets of one JSONL line (without its newline) in place: only a secret's
 * characters change (to `[REDACTED:<rule>]`), and the entry's `redacted` list gains the
 * paths. Returns the same `line` when nothing matched or `rules.enabled` is false.
 *
 * The `redacted` list: added as the last field when absent; when the caller's entry has
 * one, the new paths are appended to it if it is an array (its own items stay, and are
 * checked like any field), otherwise it becomes an array holding the caller's value and
 * the paths (`"redacted": X` → `"redacted": [X, "path"]`, X's bytes unchanged). With two
 * `redacted` keys, the last one (what `JSON.parse` reads) receives the paths.
 *
 * A line that is not a JSON object is redacted as text, by the shape rules, with the
 * path `(line)` and no `redacted` list.
 */
export function redactLine(line: string, rules: RedactionRules): LineRedaction {
  if (!rules.enabled) return { line, paths: [], findings: [] };
  return redactWith(line, matcherFor(rules), true);
}

/**
 * The secrets in one line, as {@link redactLine} would redact them (for `scan` and
 * `verify`). Looks even when `rules.enabled` is false: a scan always looks.
 */
export function findSecretsInLine(line: string, rules: RedactionRules): RedactionFinding[] {
  return redactWith(line, matcherFor(rules), false).findings;
}

/** {@link redactLine} without adding the `redacted` list (for the object API). */
export function redactLineValues(line: string, rules: RedactionRules): LineRedaction {
  if (!rules.enabled) return { line, paths: [], findings: [] };
  return redactWith(line, matcherFor(rules), false);
}

function redactWith(line: string, matcher: Matcher, record: boolean): LineRedaction {
  if (!mayHoldSecret(line, matcher)) return { line, paths: [], findings: [] };
  let walk = new LineWalk(line, matcher);
  try {
    walk.entry(record);
  } catch (error) {
    if (!(error instanceof NotJson)) throw error;
    walk = new LineWalk(line, matcher);
    walk.rawText();
  }
  return walk.result();
}

// One test over the raw line rules out almost every line of a history: without a hint of
// a shape rule or of a secret key name, nothing can match. Escapes could spell a hint in
// another way (`\u0074oken`), and configured keys and patterns have no hints: those lines
// are walked.
function mayHoldSecret(line: string, matcher: Matcher): boolean {
  const { keys, patterns } = matcher.rules;
  if (keys.size > 0 || patterns.length > 0 || line.includes('\\')) return true;
  return hasHint(line);
}

type Segment = string | number;

/** One replacement in the line's text; an empty range is an insertion. */
interface Edit {
  start: number;
  end: number;
  text: string;
}

interface Located extends RedactionFinding {
  /** Position in the line, for document order. */
  at: number;
}

interface Member {
  key: string;
  valueStart: number;
  valueEnd: number;
}

interface Frame {
  object: boolean;
  /** Index of the current item (arrays). */
  index: number;
  start: number;
  /** Replaced whole when it closes (its key names a secret). */
  whole: boolean;
}

/** The values audit-hooks writes itself; exempt when they conform (see the file comment). */
const ENVELOPE = new Set(['id', 'timestamp', 'session_id', 'seq']);
/** Top-level names audit-hooks relies on: never taken for a secret themselves. */
const OWN_NAMES = new Set([...ENVELOPE, 'commit', 'redacted']);
const SESSION_ID = /^[A-Za-z0-9_-]{1,64}$/;
const POSITIVE_INTEGER = /^[1-9][0-9]*$/;
const BUILT_IN_ONLY: RuleSet = { builtIn: true, custom: false };
const ALL_RULES: RuleSet = { builtIn: true, custom: true };
const KEY_MARKER = JSON.stringify(redactionMarker(KEY_RULE));

class LineWalk {
  private readonly edits: Edit[] = [];
  private readonly findings: Located[] = [];
  /** Set by {@link member}: the value after this key is replaced whole. */
  private whole = false;

  constructor(
    private readonly text: string,
    private readonly matcher: Matcher,
  ) {}

  /** Walks the line as one JSON object; throws {@link NotJson} if it is not one. */
  entry(record: boolean): void {
    const t = this.text;
    let i = skipSpace(t, 0);
    if (t[i] !== '{') throw new NotJson(i);
    i = skipSpace(t, i + 1);
    const members: Member[] = [];
    if (t[i] === '}') i++;
    else
      for (;;) {
        const token = readString(t, i);
        const key = decodeString(t, token).value;
        const colon = skipSpace(t, token.end);
        if (t[colon] !== ':') throw new NotJson(colon);
        const valueStart = skipSpace(t, colon + 1);
        let valueEnd: number;
        if (ENVELOPE.has(key)) {
          valueEnd = this.value(valueStart, [], false); // decided below, once all keys are known
        } else {
          const segment = OWN_NAMES.has(key) ? key : this.key(token, key, []);
          valueEnd = this.value(valueStart, [segment], true, this.isSecretKey(segment));
        }
        members.push({ key, valueStart, valueEnd });
        i = skipSpace(t, valueEnd);
        if (t[i] === ',') {
          i = skipSpace(t, i + 1);
          continue;
        }
        if (t[i] !== '}') throw new NotJson(i);
        i++;
        break;
      }
    if (skipSpace(t, i) !== t.length) throw new NotJson(i);

    const counts = new Map<string, number>();
    for (const { key } of members) counts.set(key, (counts.get(key) ?? 0) + 1);
    for (const member of members) {
      if (!ENVELOPE.has(member.key)) continue;
      if (counts.get(member.key) === 1 && this.exempt(member)) continue;
      const edits = this.edits.length;
      this.value(member.valueStart, [member.key], true, this.matcher.isSecretKey(member.key));
      if (member.key === 'id' && this.edits.length > edits) this.keepIdUnique(member);
    }
    if (record) this.recordPaths(members);
  }

  /** A line that is not a JSON object: its text, by the shape rules. */
  rawText(): void {
    this.replaceSpans(this.text, undefined, 0, this.matcher.findSpans(this.text), RAW_LINE_PATH);
  }

  result(): LineRedaction {
    const findings = this.sortedFindings().map(
      ({ path, rule }): RedactionFinding => ({ path, rule }),
    );
    const paths = [...new Set(findings.map((finding) => finding.path))];
    if (this.edits.length === 0) return { line: this.text, paths, findings };
    const edits = this.edits.sort((a, b) => a.start - b.start || a.end - b.end);
    let line = '';
    let at = 0;
    for (const edit of edits) {
      line += this.text.slice(at, edit.start) + edit.text;
      at = edit.end;
    }
    line += this.text.slice(at);
    return { line, paths, findings };
  }

  /** The findings in document order (the envelope is decided last, so they come unsorted). */
  private sortedFindings(): Located[] {
    return this.findings.sort((a, b) => a.at - b.at);
  }

  /**
   * An id that held a secret still names one entry: `#` and 16 hex of the sha-256 of what
   * it was follow the marker (so two such ids stay two, and a copy of the entry still
   * carries the same id, whenever it is redacted).
   */
  private keepIdUnique(member: Member): void {
    const t = this.text;
    if (t[member.valueStart] !== '"') return;
    const original = decodeString(t, readString(t, member.valueStart)).value;
    const digest = createHash('sha256').update(original).digest('hex').slice(0, 16);
    this.edits.push({ start: member.valueEnd - 1, end: member.valueEnd - 1, text: `#${digest}` });
  }

  private exempt(member: Member): boolean {
    const t = this.text;
    if (member.key === 'seq') {
      return POSITIVE_INTEGER.test(t.slice(member.valueStart, member.valueEnd));
    }
    if (t[member.valueStart] !== '"') return false;
    const token = readString(t, member.valueStart);
    const value = decodeString(t, token).value;
    if (member.key === 'timestamp') return isIsoTimestamp(value);
    if (member.key === 'session_id' && !SESSION_ID.test(value)) return false;
    return this.matcher.findSpans(value, BUILT_IN_ONLY).length === 0;
  }

  /**
   * Walks the value at `at` (no whitespace before it) and returns where it ends. With
   * `visit`, its keys and strings are redacted and `whole` replaces it entirely.
   */
  private value(at: number, path: Segment[], visit: boolean, whole = false): number {
    const t = this.text;
    const frames: Frame[] = [];
    let quietFrom = visit ? -1 : 0; // frames.length at which visiting stopped
    let replaceWhole = whole && visit;
    let i = at;
    for (;;) {
      const visiting = quietFrom < 0;
      const c = t[i];
      if (c === '{' || c === '[') {
        const inner = skipSpace(t, i + 1);
        if (t[inner] === (c === '{' ? '}' : ']')) {
          i = inner + 1; // empty: nothing to hide, nothing to visit
        } else {
          const frame: Frame = { object: c === '{', index: 0, start: i, whole: replaceWhole };
          if (replaceWhole) quietFrom = frames.length;
          frames.push(frame);
          if (frame.object) {
            i = this.member(inner, path, quietFrom < 0);
            replaceWhole = this.whole;
          } else {
            path.push(0);
            i = inner;
            replaceWhole = false;
          }
          continue;
        }
      } else if (c === '"') {
        const token = readString(t, i);
        if (replaceWhole) {
          const inner = t.slice(i + 1, token.end - 1);
          if (inner !== '' && !WHOLE_MARKER.test(inner)) this.replaceWhole(i, token.end, path);
        } else if (visiting) this.string(token, path, ALL_RULES);
        i = token.end;
      } else {
        const end = readLiteral(t, i);
        // Numbers go (a PIN is a number); `true`, `false` and `null` say nothing.
        if (replaceWhole && c !== 't' && c !== 'f' && c !== 'n') this.replaceWhole(i, end, path);
        i = end;
      }
      replaceWhole = false;
      // After a value: a comma and the next item, or the end of its container.
      for (;;) {
        const frame = frames.at(-1);
        if (frame === undefined) return i;
        i = skipSpace(t, i);
        const next = t[i];
        if (next === ',') {
          path.pop();
          i = skipSpace(t, i + 1);
          if (frame.object) {
            i = this.member(i, path, quietFrom < 0);
            replaceWhole = this.whole;
          } else {
            frame.index++;
            path.push(frame.index);
          }
          break;
        }
        if (next !== (frame.object ? '}' : ']')) throw new NotJson(i);
        i++;
        path.pop();
        frames.pop();
        if (quietFrom === frames.length) {
          quietFrom = -1;
          if (frame.whole) this.replaceWhole(frame.start, i, path);
        }
      }
    }
  }

  /** `"key": ` at `at`: pushes the key's path segment, sets {@link whole}, returns the value's position. */
  private member(at: number, path: Segment[], visiting: boolean): number {
    const t = this.text;
    const token = readString(t, at);
    let segment: Segment = '';
    this.whole = false;
    if (visiting) {
      const key = decodeString(t, token).value;
      segment = this.key(token, key, path);
      this.whole = this.isSecretKey(segment);
    }
    path.push(segment);
    const colon = skipSpace(t, token.end);
    if (t[colon] !== ':') throw new NotJson(colon);
    return skipSpace(t, colon + 1);
  }

  // Decided on the key as written after redaction, without its markers: a marker's rule
  // name (`[REDACTED:github-token]`) is no secret key, and a second run must decide alike.
  private isSecretKey(key: string): boolean {
    return this.matcher.isSecretKey(key.includes(MARKER_START) ? key.replace(MARKER, ' ') : key);
  }

  /** Redacts secrets inside a key; returns the key as its path segment (redacted). */
  private key(token: StringToken, key: string, parent: Segment[]): string {
    const spans = this.matcher.findSpans(key, ALL_RULES);
    if (spans.length === 0) return key;
    const shown = replaceSpans(key, spans);
    const at = token.escaped ? decodeString(this.text, token).at : undefined;
    this.replaceSpans(key, at, token.start + 1, spans, formatPath([...parent, shown]));
    return shown;
  }

  private string(token: StringToken, path: Segment[], which: RuleSet): void {
    const { value, at } = decodeString(this.text, token);
    const spans = this.matcher.findSpans(value, which);
    if (spans.length > 0) this.replaceSpans(value, at, token.start + 1, spans, formatPath(path));
  }

  /**
   * Replaces the characters of `value` (a string as decoded, whose character `k` is
   * spelled at `at[k]` in the line, or at `base + k` when it has no escapes) in `spans`.
   */
  private replaceSpans(
    value: string,
    at: number[] | undefined,
    base: number,
    spans: readonly Span[],
    path: string,
  ): void {
    const where = (k: number) => (at === undefined ? base + k : (at[k] as number));
    let previous = -1;
    const rules = new Set<string>();
    for (const span of spans) {
      // A match never splits a surrogate pair in what is written (it would become U+FFFD).
      let start = span.start;
      let end = span.end;
      if (isLowSurrogate(value, start) && isHighSurrogate(value, start - 1)) start--;
      if (isLowSurrogate(value, end) && isHighSurrogate(value, end - 1)) end++;
      const from = Math.max(where(start), previous);
      const to = where(end);
      if (from >= to) continue;
      this.edits.push({ start: from, end: to, text: redactionMarker(span.rule) });
      previous = to;
      rules.add(span.rule);
    }
    for (const rule of rules) this.findings.push({ path, rule, at: base });
  }

  private replaceWhole(start: number, end: number, path: Segment[]): void {
    this.edits.push({ start, end, text: KEY_MARKER });
    this.findings.push({ path: formatPath(path), rule: KEY_RULE, at: start });
  }

  /** Splices the paths of what was redacted into the entry's `redacted` list. */
  private recordPaths(members: readonly Member[]): void {
    const paths = [...new Set(this.sortedFindings().map((finding) => finding.path))];
    if (paths.length === 0) return;
    const list = members.findLast((member) => member.key === 'redacted');
    if (list === undefined) {
      const end = (members.at(-1) as Member).valueEnd;
      this.edits.push({ start: end, end, text: `,"redacted":${JSON.stringify(paths)}` });
      return;
    }
    const replaced = this.edits.some(
      (edit) => edit.start === list.valueStart && edit.end === list.valueEnd,
    );
    if (this.text[list.valueStart] === '[' && !replaced) {
      const { close, items, count } = this.arrayItems(list.valueStart);
      const added = paths.filter((path) => !items.has(path));
      if (added.length === 0) return;
      const text = `${count > 0 ? ',' : ''}${added.map((path) => JSON.stringify(path)).join(',')}`;
      this.edits.push({ start: close, end: close, text });
      return;
    }
    // Not a list: it becomes one, holding the caller's value first.
    const text = `,${paths.map((path) => JSON.stringify(path)).join(',')}]`;
    this.edits.push({ start: list.valueStart, end: list.valueStart, text: '[' });
    this.edits.push({ start: list.valueEnd, end: list.valueEnd, text });
  }

  /** The array at `at`: where it closes, its string items (decoded) and how many items it has. */
  private arrayItems(at: number): { close: number; items: Set<string>; count: number } {
    const t = this.text;
    const items = new Set<string>();
    let count = 0;
    let i = skipSpace(t, at + 1);
    if (t[i] === ']') return { close: i, items, count };
    for (;;) {
      if (t[i] === '"') {
        items.add(decodeString(t, readString(t, i)).value);
      }
      i = skipSpace(t, this.value(i, [], false));
      count++;
      if (t[i] === ']') return { close: i, items, count };
      i = skipSpace(t, i + 1); // the comma: the walk has already checked the array
    }
  }
}

function isHighSurrogate(value: string, index: number): boolean {
  const c = value.charCodeAt(index);
  return c >= 0xd800 && c <= 0xdbff;
}

function isLowSurrogate(value: string, index: number): boolean {
  const c = value.charCodeAt(index);
  return c >= 0xdc00 && c <= 0xdfff;
}

const SIMPLE_KEY = /^[A-Za-z0-9_$@-]+$/;
// A path deeper than this is cut, with `…` for the rest: a line nested 100,000 deep would
// otherwise make each of its findings a megabyte long.
const MAX_PATH_SEGMENTS = 64;

/** `input.headers.Authorization`, `args[2]`, `["odd.key"]["with space"]`. */
export function formatPath(segments: readonly Segment[]): string {
  let out = '';
  const shown =
    segments.length > MAX_PATH_SEGMENTS ? segments.slice(0, MAX_PATH_SEGMENTS) : segments;
  for (const segment of shown) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (!SIMPLE_KEY.test(segment)) out += `[${JSON.stringify(segment)}]`;
    else out += out === '' ? segment : `.${segment}`;
  }
  return shown === segments ? out : `${out}…`;
}
