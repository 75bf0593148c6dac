// Applies the shape rules to one string and says WHERE each secret is, in the string's
// own coordinates, so that redact-line.ts can replace exactly those characters in the
// line's text (§3 fidelity: only the secret's bytes change).
import {
  type CustomPattern,
  hasHint,
  isDefaultSecretKey,
  MARKER,
  MARKER_START,
  MIN_SECRET_LENGTH,
  normaliseKey,
  type RedactionRules,
  redactionMarker,
  SHAPE_RULES,
  type ShapeRule,
} from './rules.js';

/** One secret in a string: `[start, end)` in UTF-16 code units, and the rule that found it. */
export interface Span {
  start: number;
  end: number;
  rule: string;
}

/** Which rules {@link Matcher.findSpans} applies. */
export interface RuleSet {
  builtIn: boolean;
  custom: boolean;
}

/** Rules compiled for matching, cached per rules object. */
export interface Matcher {
  rules: RedactionRules;
  /** Default key list plus the configured keys. */
  isSecretKey(key: string): boolean;
  /** The secrets in `value`, in order, never overlapping, none inside an existing marker. */
  findSpans(value: string, which?: RuleSet): Span[];
}

const ALL: RuleSet = { builtIn: true, custom: true };
const matchers = new WeakMap<RedactionRules, Matcher>();

/** The (cached) matcher of a rules object. */
export function matcherFor(rules: RedactionRules): Matcher {
  let matcher = matchers.get(rules);
  if (matcher === undefined) {
    matcher = createMatcher(rules);
    matchers.set(rules, matcher);
  }
  return matcher;
}

function createMatcher(rules: RedactionRules): Matcher {
  const keyCache = new Map<string, boolean>();
  const extraKeys = rules.keys;
  const customs = rules.patterns;
  const matcher: Matcher = {
    rules,
    isSecretKey(key) {
      let known = keyCache.get(key);
      if (known === undefined) {
        known = isDefaultSecretKey(key) || extraKeys.has(normaliseKey(key));
        if (keyCache.size < 10_000) keyCache.set(key, known);
      }
      return known;
    },
    findSpans(value, which = ALL) {
      const builtIn =
        which.builtIn &&
        value.length >= MIN_SECRET_LENGTH &&
        (hasHint(value) || (extraKeys.size > 0 && value.includes('"')));
      const custom = which.custom && customs.length > 0;
      if (!builtIn && !custom) return [];
      const text = new Pieces(value);
      // Each pass sees what the rules before it left; a second pass only runs when the
      // first one changed something, so the result is a fixed point (idempotence).
      for (let pass = 0; pass < 4; pass++) {
        const before = text.count;
        if (builtIn) for (const rule of SHAPE_RULES) text.apply(rule, matcher);
        if (custom) for (const rule of customs) text.apply(rule, matcher);
        if (text.count === before) break;
      }
      return text.spans();
    },
  };
  return matcher;
}

/** A piece of the current text: original characters `[from, to)`, or a marker standing for them. */
interface Piece {
  from: number;
  to: number;
  /** The rule of a marker placed here; undefined for original text. */
  rule?: string;
}

/**
 * The string as rules see it after the earlier replacements, kept as pieces of the
 * original so that every replacement can be traced back to the original characters.
 */
class Pieces {
  private pieces: Piece[];
  /** The current text, as the rules see it. */
  private current: string;
  /** How many markers were placed. */
  count = 0;

  constructor(private readonly original: string) {
    this.pieces = [{ from: 0, to: original.length }];
    this.current = original;
  }

  private text(): string {
    let out = '';
    for (const piece of this.pieces) {
      out +=
        piece.rule === undefined
          ? this.original.slice(piece.from, piece.to)
          : redactionMarker(piece.rule);
    }
    return out;
  }

  /** Applies one rule to the current text; each accepted match becomes a marker. */
  apply(rule: ShapeRule | CustomPattern, matcher: Matcher): void {
    const current = this.current;
    const found = matchesOf(current, rule, matcher);
    if (found.length === 0) return;
    // Matches never overlap a marker, so each lies inside one piece of original text.
    const next: Piece[] = [];
    let at = 0; // position of the current piece in `current`
    let m = 0;
    for (const piece of this.pieces) {
      const length =
        piece.rule === undefined ? piece.to - piece.from : redactionMarker(piece.rule).length;
      const end = at + length;
      if (piece.rule !== undefined) {
        next.push(piece);
        at = end;
        continue;
      }
      let from = piece.from;
      while (m < found.length && (found[m] as Span).start < end) {
        const match = found[m++] as Span;
        const start = piece.from + (match.start - at);
        const stop = piece.from + (match.end - at);
        if (start > from) next.push({ from, to: start });
        next.push({ from: start, to: stop, rule: match.rule });
        this.count++;
        from = stop;
      }
      if (piece.to > from) next.push({ from, to: piece.to });
      at = end;
    }
    this.pieces = next;
    this.current = this.text();
  }

  /** The markers placed, in original coordinates. */
  spans(): Span[] {
    const out: Span[] = [];
    for (const piece of this.pieces) {
      if (piece.rule !== undefined)
        out.push({ start: piece.from, end: piece.to, rule: piece.rule });
    }
    return out;
  }
}

/** The accepted matches of one rule in `value`, as the secret's span within each match. */
function matchesOf(value: string, rule: ShapeRule | CustomPattern, matcher: Matcher): Span[] {
  if ('hint' in rule && rule.hint !== undefined && !rule.hint.test(value)) return [];
  const regex = rule.regex;
  regex.lastIndex = 0;
  if (!regex.test(value)) return [];
  const markers = value.includes(MARKER_START) ? markerRanges(value) : [];
  let next = 0; // matches come in order, so the markers before them are passed once
  const accept = 'accept' in rule ? rule.accept : undefined;
  const found: Span[] = [];
  regex.lastIndex = 0;
  for (let match = regex.exec(value); match !== null; match = regex.exec(value)) {
    const whole = match[0];
    if (whole === '') {
      regex.lastIndex++; // a pattern that can match nothing must still move on
      continue;
    }
    const groups = match.groups ?? {};
    const secret = groups.secret ?? whole;
    const pre = groups.secret === undefined ? '' : (groups.pre ?? '');
    if (secret === '') continue;
    const start = match.index + pre.length;
    const end = start + secret.length;
    while (next < markers.length && (markers[next] as [number, number])[1] <= start) next++;
    const marker = markers[next];
    if (marker !== undefined && marker[0] < end) continue;
    if (accept !== undefined && !accept(secret, groups, matcher)) continue;
    found.push({ start, end, rule: rule.name });
  }
  return found;
}

function markerRanges(value: string): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  for (const found of value.matchAll(MARKER)) {
    ranges.push([found.index, found.index + found[0].length]);
  }
  return ranges;
}

/** `value` with each span replaced by its marker. */
export function replaceSpans(value: string, spans: readonly Span[]): string {
  if (spans.length === 0) return value;
  let out = '';
  let at = 0;
  for (const span of spans) {
    out += value.slice(at, span.start) + redactionMarker(span.rule);
    at = span.end;
  }
  return out + value.slice(at);
}
