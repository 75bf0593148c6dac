// Reading JSON text in place, without building values: where a string or a value ends,
// and what a string says (with the position of each of its characters in the text).
// Redaction works on a line's own text so that everything but a secret keeps its bytes
// (SPEC §3 fidelity), and sees every copy of a duplicate key, which `JSON.parse` drops.
// Nothing here recurses: a value nested 100,000 deep costs a loop, not the stack.

/** The text is not valid JSON at `at`. */
export class NotJson extends Error {
  constructor(readonly at: number) {
    super(`not JSON at ${at}`);
  }
}

const SPACE = 0x20;
const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** The first position at or after `at` that is not JSON whitespace. */
export function skipSpace(text: string, at: number): number {
  let i = at;
  for (;;) {
    const c = text.charCodeAt(i);
    if (c !== SPACE && c !== LF && c !== CR && c !== TAB) return i;
    i++;
  }
}

const HEX = /^[0-9A-Fa-f]{4}$/;

/** A string token: from its opening quote to just after its closing one. */
export interface StringToken {
  start: number;
  end: number;
  /** Whether it holds an escape (its value then differs from its text). */
  escaped: boolean;
}

// Most strings have no escape: one sticky match finds their end (a loop per character
// costs several times as much).
// biome-ignore lint/suspicious/noControlCharactersInRegex: JSON forbids them raw in a string
const PLAIN_STRING = /"[^"\\\u0000-\u001f]*"/y;

/** The string token that starts with the quote at `at`; throws {@link NotJson}. */
export function readString(text: string, at: number): StringToken {
  PLAIN_STRING.lastIndex = at;
  if (PLAIN_STRING.test(text)) return { start: at, end: PLAIN_STRING.lastIndex, escaped: false };
  if (text.charCodeAt(at) !== QUOTE) throw new NotJson(at);
  let escaped = false;
  let i = at + 1;
  for (;;) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) return { start: at, end: i + 1, escaped };
    if (c === BACKSLASH) {
      escaped = true;
      const e = text[i + 1];
      if (e === 'u') {
        if (!HEX.test(text.slice(i + 2, i + 6))) throw new NotJson(i);
        i += 6;
      } else if (e !== undefined && '"\\/bfnrt'.includes(e)) i += 2;
      else throw new NotJson(i);
      continue;
    }
    // NaN (past the end) and raw control characters are not allowed in a JSON string.
    if (!(c >= SPACE)) throw new NotJson(i);
    i++;
  }
}

const SIMPLE_ESCAPES: Record<string, string> = {
  '"': '"',
  '\\': '\\',
  '/': '/',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
};

/**
 * What the string token `[start, end)` says, and `at`: for each character of the value
 * (UTF-16 code unit) the position in `text` where its spelling starts, plus one entry
 * for the closing quote. `at` is undefined when the token has no escape: then character
 * `i` sits at `start + 1 + i`.
 */
export function decodeString(
  text: string,
  token: StringToken,
): { value: string; at: number[] | undefined } {
  const from = token.start + 1;
  const to = token.end - 1;
  if (!token.escaped) return { value: text.slice(from, to), at: undefined };
  const at: number[] = [];
  let value = '';
  let run = from; // start of the current run of unescaped characters
  let i = from;
  while (i < to) {
    if (text.charCodeAt(i) !== BACKSLASH) {
      at.push(i);
      i++;
      continue;
    }
    value += text.slice(run, i);
    const e = text[i + 1] as string;
    if (e === 'u') {
      value += String.fromCharCode(Number.parseInt(text.slice(i + 2, i + 6), 16));
      at.push(i);
      i += 6;
    } else {
      value += SIMPLE_ESCAPES[e];
      at.push(i);
      i += 2;
    }
    run = i;
  }
  value += text.slice(run, to);
  at.push(to);
  return { value, at };
}

const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;

/** Where the number, `true`, `false` or `null` at `at` ends; throws {@link NotJson}. */
export function readLiteral(text: string, at: number): number {
  for (const word of ['true', 'false', 'null']) {
    if (text.startsWith(word, at)) return at + word.length;
  }
  NUMBER.lastIndex = at;
  if (!NUMBER.test(text)) throw new NotJson(at);
  return NUMBER.lastIndex;
}
