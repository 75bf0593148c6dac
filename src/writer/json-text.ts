// JSON text as the caller wrote it. `JSON.parse` turns 9007199254740993 into
// 9007199254740992, `1.50` into 1.5 and keeps only the last of two equal keys; an
// audit trail must keep what it was given (SPEC §3 fidelity). So text is parsed
// into a tree of source spans instead, and written back from those spans: every
// token keeps its bytes, only the whitespace between tokens goes.
//
// Pure code with no imports: the writer bundle (`audit-hooks/writer`) includes it.

/** A value in the text: its kind and where it starts and ends (`text.slice(start, end)`). */
export type JsonNode =
  | { kind: 'object'; start: number; end: number; members: JsonMember[] }
  | { kind: 'array'; start: number; end: number; items: JsonNode[] }
  | { kind: 'string' | 'number' | 'literal'; start: number; end: number };

/** One `"key": value` of an object; `key` is decoded, `keyStart`/`keyEnd` span its quotes. */
export interface JsonMember {
  key: string;
  keyStart: number;
  keyEnd: number;
  value: JsonNode;
}

/** Options of {@link parseJsonText}. */
export interface ParseOptions {
  /** Accept `//` and `/* … *\/` comments and trailing commas (JSONC, as in editor settings). */
  jsonc?: boolean;
}

/** Thrown for text that is not JSON; `position` is the offset of the problem. */
export class JsonTextError extends SyntaxError {
  override name = 'JsonTextError';
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(`${message} at position ${position}`);
  }
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
/** Parses `text` (one JSON value, whitespace around it allowed) into a tree of spans. */
export function parseJsonText(text: string, options: ParseOptions = {}): JsonNode {
  const parser = new Parser(text, options.jsonc === true);
  parser.skip();
  const node = parser.value(0);
  parser.skip();
  if (parser.at < text.length)
    throw new JsonTextError('Unexpected text after the JSON value', parser.at);
  return node;
}

// Deeper than this is refused rather than risking the stack (JSON.parse takes more, but
// no hook payload or settings file comes near it).
const MAX_DEPTH = 2000;

class Parser {
  at = 0;
  constructor(
    readonly text: string,
    readonly jsonc: boolean,
  ) {}

  skip(): void {
    const { text } = this;
    for (;;) {
      const c = text.charCodeAt(this.at);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) this.at++;
      else if (this.jsonc && c === 0x2f && text[this.at + 1] === '/') {
        const end = text.indexOf('\n', this.at);
        this.at = end === -1 ? text.length : end + 1;
      } else if (this.jsonc && c === 0x2f && text[this.at + 1] === '*') {
        const end = text.indexOf('*/', this.at + 2);
        if (end === -1) throw new JsonTextError('Unterminated comment', this.at);
        this.at = end + 2;
      } else return;
    }
  }

  value(depth: number): JsonNode {
    if (depth > MAX_DEPTH) throw new JsonTextError('Nested too deeply', this.at);
    const { text } = this;
    const start = this.at;
    const c = text[start];
    if (c === '{') return this.object(depth);
    if (c === '[') return this.array(depth);
    if (c === '"') {
      this.string();
      return { kind: 'string', start, end: this.at };
    }
    for (const literal of ['true', 'false', 'null']) {
      if (text.startsWith(literal, start)) {
        this.at += literal.length;
        return { kind: 'literal', start, end: this.at };
      }
    }
    NUMBER.lastIndex = start;
    if (NUMBER.test(text)) {
      this.at = NUMBER.lastIndex;
      return { kind: 'number', start, end: this.at };
    }
    throw new JsonTextError(
      start >= text.length
        ? 'Unexpected end of JSON input'
        : `Unexpected token ${JSON.stringify(c)}`,
      start,
    );
  }

  // A loop, not a regular expression: V8 runs out of stack matching `(a|b)*` over a
  // string of megabytes.
  string(): void {
    const { text } = this;
    const start = this.at;
    for (let i = start + 1; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        this.at = i + 1;
        return;
      }
      if (c < 0x20) break;
      if (c === 0x5c) {
        const next = text[i + 1];
        if (next === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) break;
          i += 5;
        } else if (next !== undefined && '"\\/bfnrt'.includes(next)) i++;
        else break;
      }
    }
    throw new JsonTextError('Bad string', start);
  }

  object(depth: number): JsonNode {
    const start = this.at++;
    const members: JsonMember[] = [];
    this.skip();
    while (this.text[this.at] !== '}') {
      if (this.text[this.at] !== '"') {
        throw new JsonTextError(
          members.length === 0 ? 'Expected a key or }' : 'Expected a key',
          this.at,
        );
      }
      const keyStart = this.at;
      this.string();
      const keyEnd = this.at;
      this.skip();
      if (this.text[this.at] !== ':') throw new JsonTextError('Expected :', this.at);
      this.at++;
      this.skip();
      const value = this.value(depth + 1);
      members.push({ key: JSON.parse(this.text.slice(keyStart, keyEnd)), keyStart, keyEnd, value });
      this.skip();
      if (this.text[this.at] === ',') {
        this.at++;
        this.skip();
        if (this.text[this.at] === '}' && !this.jsonc)
          throw new JsonTextError('Trailing comma', this.at);
      } else if (this.text[this.at] !== '}') throw new JsonTextError('Expected , or }', this.at);
    }
    this.at++;
    return { kind: 'object', start, end: this.at, members };
  }

  array(depth: number): JsonNode {
    const start = this.at++;
    const items: JsonNode[] = [];
    this.skip();
    while (this.text[this.at] !== ']') {
      items.push(this.value(depth + 1));
      this.skip();
      if (this.text[this.at] === ',') {
        this.at++;
        this.skip();
        if (this.text[this.at] === ']' && !this.jsonc)
          throw new JsonTextError('Trailing comma', this.at);
      } else if (this.text[this.at] !== ']') throw new JsonTextError('Expected , or ]', this.at);
    }
    this.at++;
    return { kind: 'array', start, end: this.at, items };
  }
}

/**
 * `node` written back on one line: every token exactly as in `text`, no whitespace
 * between tokens. `replace` swaps whole values for other JSON text.
 */
export function compactJson(
  text: string,
  node: JsonNode,
  replace?: ReadonlyMap<JsonNode, string>,
): string {
  const replaced = replace?.get(node);
  if (replaced !== undefined) return replaced;
  switch (node.kind) {
    case 'object': {
      const parts: string[] = [];
      for (const member of node.members) {
        parts.push(
          `${text.slice(member.keyStart, member.keyEnd)}:${compactJson(text, member.value, replace)}`,
        );
      }
      return `{${parts.join(',')}}`;
    }
    case 'array':
      return `[${node.items.map((item) => compactJson(text, item, replace)).join(',')}]`;
    default:
      return text.slice(node.start, node.end);
  }
}

/** The decoded value of a leaf (string, number, literal) or of any node, via `JSON.parse`. */
export function decodeJson(text: string, node: JsonNode): unknown {
  return JSON.parse(text.slice(node.start, node.end));
}

/** The value of `key` in an object node (the last one, as `JSON.parse` would pick). */
export function memberValue(node: JsonNode | undefined, key: string): JsonNode | undefined {
  if (node?.kind !== 'object') return undefined;
  for (let i = node.members.length - 1; i >= 0; i--) {
    const member = node.members[i] as JsonMember;
    if (member.key === key) return member.value;
  }
  return undefined;
}

/** The decoded string at `key` of an object node, or `undefined` when it is not a string. */
export function stringMember(
  text: string,
  node: JsonNode | undefined,
  key: string,
): string | undefined {
  const value = memberValue(node, key);
  return value?.kind === 'string' ? (decodeJson(text, value) as string) : undefined;
}
