// Redaction at the git boundary (SPEC §12): shards stay local, the history is pushed, so
// every entry is redacted on its way into `logs/history/`. Two kinds of rules:
//
// - by key: the whole value of a field whose NAME says it holds a secret;
// - by shape: a credential with a recognisable format, inside any string.
//
// Audit trails of coding agents are full of hashes, ids, paths, commands and token
// counts, so every rule is anchored on a prefix, a context or a decoding check rather
// than on "looks random"; the corpus in tests/fixtures/redaction-corpus.ts holds both
// sides. A secret becomes `[REDACTED:<rule>]`, which no rule matches (idempotence).

/** `[REDACTED:<rule>]`: what a secret is replaced by. */
export const redactionMarker = (rule: string): string => `[REDACTED:${rule}]`;

/** The rule name of a value redacted because of its field's name. */
export const KEY_RULE = 'key';
/** The rule name of a value nested too deep to inspect (it is replaced whole). */
export const DEPTH_RULE = 'too-deep';

/** Rule names must stay inside what `[REDACTED:…]` markers allow. */
export const RULE_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

/** A shape rule from the configuration: every match of `regex` is redacted. */
export interface CustomPattern {
  name: string;
  /** Compiled with the `g` flag. */
  regex: RegExp;
}

/** What to redact; see `loadRedactionRules` for where it comes from. */
export interface RedactionRules {
  /** `false`: consolidation writes entries unchanged. */
  enabled: boolean;
  /** Extra field names, normalised with {@link normaliseKey}, added to the default key list. */
  keys: ReadonlySet<string>;
  /** Extra shape rules, applied after the built-in ones. */
  patterns: readonly CustomPattern[];
  /** The file the configuration came from, if any (for messages). */
  source?: string;
}

/** The built-in rules alone. */
export const DEFAULT_REDACTION_RULES: RedactionRules = Object.freeze({
  enabled: true,
  keys: new Set<string>(),
  patterns: [],
});

/** One redacted value: where, and which rule. */
export interface RedactionFinding {
  /** JSON path of the value, e.g. `input.headers.Authorization` or `args[2]`. */
  path: string;
  /** `key`, or the name of the shape rule (a string may hold several). */
  rule: string;
}

/** The result of {@link redactEntry}. */
export interface Redaction<T> {
  /** A new object; unchanged nested values are shared with the input, never modified. */
  entry: T;
  /** JSON paths of the values that were redacted, each once, in document order. */
  paths: string[];
  /** Every (path, rule) pair, in document order. */
  findings: RedactionFinding[];
}

// The envelope and our own bookkeeping are never secrets, and rewriting them would
// break identity, order, §13 stamps or idempotence.
const UNTOUCHED_TOP_LEVEL = new Set(['id', 'timestamp', 'session_id', 'seq', 'commit', 'redacted']);

// Deeper than this, a value is replaced whole: recursion must not overflow on a hostile
// line, and what cannot be inspected must not reach git.
const MAX_DEPTH = 200;

// ---------------------------------------------------------------------------------------
// By key

/**
 * Field names whose value is a secret, normalised (lower case, no `_`, `-`, `.` or
 * space). A key matches when its normalised whole name is listed here...
 */
const SECRET_KEYS = new Set(
  [
    'password',
    'passwd',
    'passphrase',
    'secret',
    'token',
    'api_key',
    'authorization',
    'proxy_authorization',
    'cookie',
    'set_cookie',
    'private_key',
    'client_secret',
    'access_token',
    'refresh_token',
    'id_token',
    'auth_token',
    'session_token',
    'bearer_token',
    'secret_key',
    'secret_access_key',
    'x_api_key',
    'x_auth_token',
    'private_token',
  ].map(normaliseKey),
);

// ...or when its last word is one of these (`db_password`, `GITHUB_TOKEN`, `clientSecret`),
// or its last two words are one of SECRET_PAIRS (`openai_api_key`, `ssh_private_key`).
// Plural and compound words never match: `tokens`, `max_tokens`, `input_tokens`,
// `token_count`, `secret_santa_count`, `password_hint`; nor flags about a secret
// (`has_password`, `is_secret`: first word in FLAG_FIRST_WORDS). `pwd` (working directory), `pass`,
// `key`, `auth`, `credentials` and `signature` are too common as ordinary fields.
const SECRET_LAST_WORDS = new Set(['password', 'passwd', 'passphrase', 'secret', 'token']);
const SECRET_PAIRS = new Set(['apikey', 'privatekey', 'secretkey', 'accesskey', 'signingkey']);
// Flags about a secret, not the secret: `has_password`, `isSecret`, `show_token`.
const FLAG_FIRST_WORDS = new Set([
  'has',
  'is',
  'use',
  'uses',
  'needs',
  'requires',
  'require',
  'no',
  'show',
  'hide',
  'with',
  'without',
  'allow',
  'enable',
  'disable',
  'ask',
  'prompt',
]);

/** The form keys are compared in: lower case, without `_`, `-`, `.` or spaces. */
export function normaliseKey(key: string): string {
  return key.toLowerCase().replace(/[-_.\s]+/g, '');
}

function words(key: string): string[] {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((word) => word !== '');
}

function isDefaultSecretKey(key: string): boolean {
  if (SECRET_KEYS.has(normaliseKey(key))) return true;
  const parts = words(key);
  const last = parts.at(-1);
  if (last === undefined || parts.length < 2 || FLAG_FIRST_WORDS.has(parts[0] as string)) {
    return false;
  }
  if (SECRET_LAST_WORDS.has(last)) return true;
  return SECRET_PAIRS.has(`${parts.at(-2)}${last}`);
}

// ---------------------------------------------------------------------------------------
// By shape

interface ShapeRule {
  name: string;
  /**
   * Global regex. With a `secret` named group, only that part is replaced, and the match
   * must be `pre` (optional named group) + `secret` + anything: what surrounds it is kept.
   */
  regex: RegExp;
  /** Second look at a candidate (entropy, decoding, placeholders); false keeps it. */
  accept?: (secret: string, groups: Record<string, string | undefined>, ctx: Matcher) => boolean;
}

const hasDigit = (s: string) => /[0-9]/.test(s);
const hasLetter = (s: string) => /[A-Za-z]/.test(s);
// camelCase or PascalCase words (`AuthenticationSchemes`): mixed case, yet not random.
const WORDY = /^[A-Za-z][a-z]*(?:[A-Z][a-z]+)*$/;

/** Random-looking: letters and digits, or mixed case that is not just words. */
function looksRandom(s: string): boolean {
  if (hasDigit(s) && hasLetter(s)) return true;
  return /[a-z]/.test(s) && /[A-Z]/.test(s) && !WORDY.test(s.replace(/[^A-Za-z]/g, ''));
}

// `$TOKEN`, `${{ secrets.X }}`, `<password>`, `***`, `%s`, `{{ token }}`: a reference to a
// secret, not the secret itself.
const PLACEHOLDER =
  /^(?:["']?\$|<.*>$|\*+$|x+$|%[sd]$|\{\{|\{[A-Za-z_]*\}$|(?:true|false|null|none|undefined|redacted|changeme|password|secret|token|example|xxx+|\.\.\.)$)/i;

function notPlaceholder(s: string): boolean {
  return !PLACEHOLDER.test(s.replace(/^["']|["']$/g, ''));
}

// `Basic <b64>` must decode to printable `user:password`, or it is just a word.
function isBasicCredentials(value: string): boolean {
  if (value.length % 4 !== 0) return false;
  const text = Buffer.from(value, 'base64').toString('utf8');
  return /^[^\s:]*:[^\n\r]+$/.test(text) && !/[\p{Cc}\ufffd]/u.test(text);
}

const SECRET_FLAG_PREFIXES = /^(?:no|show|ask|prompt|use|with|without|hide|print|require|read)-/;

const SHAPE_RULES: readonly ShapeRule[] = [
  {
    name: 'private-key',
    // Whole block, END line included. The block's own characters bound the search, so a
    // block cut short (truncated output) is redacted to where its key text stops, and a
    // hostile line full of BEGIN lines costs linear time.
    regex:
      /-----BEGIN[A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----(?:[A-Za-z0-9+/=\s:,.\\-]*?-----END[A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----|[A-Za-z0-9+/=\s:,.\\-]*)/g,
  },
  {
    name: 'jwt',
    regex: /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]*/g,
  },
  {
    name: 'aws-access-key',
    regex: /(?<![A-Za-z0-9])(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Za-z0-9])/g,
  },
  {
    name: 'aws-secret-key',
    regex:
      /(?<pre>(?:aws[_-]?)?secret[_-]?access[_-]?key["']?\s*[:=]\s*["']?)(?<secret>[A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])/gi,
    accept: looksRandom,
  },
  {
    name: 'github-token',
    regex:
      /(?<![A-Za-z0-9_])(?:gh[pousr]_[A-Za-z0-9]{36,251}|github_pat_[A-Za-z0-9_]{22,251})(?![A-Za-z0-9_])/g,
  },
  {
    name: 'gitlab-token',
    regex:
      /(?<![A-Za-z0-9_-])gl(?:pat|dt|rt|ptt|cbt|ft|imt|oas|soat|agent)-[A-Za-z0-9_-]{20,}(?:\.[A-Za-z0-9_-]+)*/g,
    accept: (secret) => looksRandom(secret.slice(secret.indexOf('-') + 1)),
  },
  {
    name: 'slack-webhook',
    regex:
      /(?<pre>https?:\/\/hooks\.slack\.com\/(?:services|workflows|triggers)\/)(?<secret>[A-Za-z0-9_/-]{10,})/g,
  },
  {
    name: 'slack-token',
    regex: /(?<![A-Za-z0-9_-])(?:xox[abeoprs]|xapp)-[A-Za-z0-9-]{10,}/g,
    accept: (secret) => looksRandom(secret.slice(5)),
  },
  {
    name: 'anthropic-key',
    regex: /(?<![A-Za-z0-9_-])sk-ant-[A-Za-z0-9_-]{20,}/g,
    accept: (secret) => looksRandom(secret.slice(7)),
  },
  {
    name: 'openai-key',
    regex: /(?<![A-Za-z0-9_-])sk-(?:proj|svcacct|admin)-[A-Za-z0-9_-]{20,}/g,
    accept: (secret) => looksRandom(secret.slice(secret.indexOf('-', 3) + 1)),
  },
  {
    // Plain `sk-` keys (OpenAI legacy, DeepSeek, OpenRouter and other compatible APIs):
    // one unbroken run of letters and digits, so kebab-case words never match.
    name: 'sk-key',
    regex: /(?<![A-Za-z0-9_-])sk-(?:or-v1-)?[A-Za-z0-9]{20,}(?![A-Za-z0-9_-])/g,
    accept: (secret) => looksRandom(secret.slice(3)),
  },
  {
    name: 'stripe-key',
    regex:
      /(?<![A-Za-z0-9_])(?:(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,}|whsec_[A-Za-z0-9+/=]{24,})/g,
    accept: looksRandom,
  },
  {
    name: 'google-api-key',
    regex: /(?<![A-Za-z0-9_-])AIza[0-9A-Za-z_-]{35}(?![A-Za-z0-9_-])/g,
  },
  {
    name: 'npm-token',
    regex: /(?<![A-Za-z0-9_])npm_[A-Za-z0-9]{36}(?![A-Za-z0-9_])/g,
    accept: (secret) => looksRandom(secret.slice(4)),
  },
  {
    name: 'pypi-token',
    regex: /(?<![A-Za-z0-9_-])pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,}/g,
  },
  {
    name: 'huggingface-token',
    regex: /(?<![A-Za-z0-9_])hf_[A-Za-z0-9]{34}(?![A-Za-z0-9_])/g,
    accept: (secret) => looksRandom(secret.slice(3)),
  },
  {
    // `scheme://user:password@host`: only the password goes; the last `@` before the
    // path ends it, so a password with a raw `@` goes whole.
    name: 'url-credentials',
    regex:
      /(?<pre>(?<![A-Za-z0-9+.-])[A-Za-z][A-Za-z0-9+.-]*:\/\/[^\s:/?#@"'<>]*:)(?<secret>[^\s/?#"'<>]+)(?=@[A-Za-z0-9[\]._-])/g,
    accept: notPlaceholder,
  },
  {
    name: 'bearer-token',
    regex:
      /(?<pre>(?<![A-Za-z0-9])(?:Bearer|bearer|BEARER)\s+)(?<secret>[A-Za-z0-9._~+/-]{16,}=*)/g,
    accept: looksRandom,
  },
  {
    name: 'basic-auth',
    regex:
      /(?<pre>(?<![A-Za-z0-9])(?:Basic|basic|BASIC)\s+)(?<secret>[A-Za-z0-9+/]{4,}={0,2})(?![A-Za-z0-9+/=])/g,
    accept: isBasicCredentials,
  },
  {
    // HTTP headers in commands and captured requests (`curl -H 'X-Api-Key: …'`).
    name: 'secret-header',
    regex:
      /(?<pre>(?<![A-Za-z0-9-])(?<header>x-api-key|api-key|x-auth-token|x-access-token|private-token|set-cookie|cookie)\s*:\s*)(?<secret>[^\s'"\\][^'"\\\r\n]*)/gi,
    accept: (secret, groups) =>
      notPlaceholder(secret) &&
      (/cookie$/i.test(groups.header ?? '') ? secret.includes('=') : looksRandom(secret)),
  },
  {
    // Secrets in query strings: `?access_token=…`, Azure SAS `&sig=…`, presigned URLs.
    name: 'secret-query',
    regex:
      /(?<pre>[?&](?:access_token|refresh_token|id_token|auth_token|token|api_key|apikey|api-key|password|passwd|secret|client_secret|sig|x-amz-signature|x-amz-security-token|x-goog-signature)=)(?<secret>[^&#\s"'<>]+)/gi,
    accept: notPlaceholder,
  },
  {
    // Command-line options: `--password hunter2`, `--github-token=…` (not `--max-tokens 5`).
    name: 'secret-flag',
    regex:
      /(?<pre>(?<![A-Za-z0-9-])--(?<flag>(?:[a-z0-9]+-)*(?:password|passwd|passphrase|token|secret|api-key|apikey|access-key|private-key))(?:=|\s+))(?<secret>"[^"]+"|'[^']+'|[^\s'"-][^\s'"]*)/g,
    accept: (secret, groups) =>
      notPlaceholder(secret) && !SECRET_FLAG_PREFIXES.test(groups.flag ?? ''),
  },
  {
    // Environment assignments in commands and .env text: `DB_PASSWORD=…`, `GITHUB_TOKEN=…`.
    name: 'secret-env',
    regex:
      /(?<pre>(?<![A-Za-z0-9_$])(?:[A-Z][A-Z0-9]*_)*(?:PASSWORD|PASSWD|PASSPHRASE|SECRET|TOKEN|API_KEY|APIKEY|ACCESS_KEY|PRIVATE_KEY|SECRET_KEY)=)(?<secret>"[^"]+"|'[^']+'|[^\s'"`;&|)]+)/g,
    accept: notPlaceholder,
  },
  {
    // JSON text inside a string (a request body, a tool's output): `"password": "…"`, by
    // the same key rule as fields.
    name: 'secret-json',
    regex: /(?<pre>"(?<key>[A-Za-z0-9_.-]{1,64})"\s*:\s*")(?<secret>(?:[^"\\]|\\.)+)(?=")/g,
    accept: (secret, groups, ctx) => ctx.isSecretKey(groups.key ?? '') && notPlaceholder(secret),
  },
];

// A string without any of these cannot match a built-in rule: one cheap test skips the
// rest for almost every string of an audit trail.
const HINTS =
  /private key|eyJ|AKIA|ASIA|access.?key|gh[pousr]_|github_pat_|gl[a-z]{2,5}-|xox|xapp-|hooks\.slack|sk-|sk_|rk_|whsec_|AIza|npm_|pypi-|hf_|:\/\/|bearer|basic|cookie|api-?key|auth-token|private-token|passw|passphrase|secret|token|sig=|signature/i;

// The shortest string a built-in rule can match (`PASSWORD=x`, `a://b:c@d`).
const MIN_SECRET_LENGTH = 9;

const MARKER = /\[REDACTED:[A-Za-z0-9_-]+\]/g;
const MARKER_START = '[REDACTED:';

// ---------------------------------------------------------------------------------------
// The engine

/** Rules compiled for matching, cached per rules object. */
interface Matcher {
  rules: RedactionRules;
  isSecretKey(key: string): boolean;
  /** The string with every secret replaced; `hits` receives the rule of each replacement. */
  redactString(value: string, hits: string[]): string;
}

const matchers = new WeakMap<RedactionRules, Matcher>();

function matcherFor(rules: RedactionRules): Matcher {
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
    redactString(value, hits) {
      const builtIn =
        value.length >= MIN_SECRET_LENGTH &&
        (HINTS.test(value) || (extraKeys.size > 0 && value.includes('"')));
      if (!builtIn && customs.length === 0) return value;
      // Each pass sees what the rules before it left; a second pass only runs when the
      // first one changed something, so the result is a fixed point (idempotence).
      let current = value;
      for (let pass = 0; pass < 4; pass++) {
        const before = current;
        if (builtIn)
          for (const rule of SHAPE_RULES) current = applyRule(current, rule, matcher, hits);
        for (const custom of customs) current = applyRule(current, custom, matcher, hits);
        if (current === before) break;
      }
      return current;
    },
  };
  return matcher;
}

function applyRule(value: string, rule: ShapeRule, matcher: Matcher, hits: string[]): string {
  rule.regex.lastIndex = 0;
  if (!rule.regex.test(value)) return value;
  const markers = value.includes(MARKER_START) ? markerRanges(value) : [];
  let next = 0; // matches come in order, so the markers before them are passed once
  const replacement = redactionMarker(rule.name);
  return value.replace(rule.regex, (...args: unknown[]) => {
    const match = args[0] as string;
    const last = args.at(-1);
    const named = typeof last === 'object' && last !== null;
    const groups = (named ? last : {}) as Record<string, string | undefined>;
    const offset = args[args.length - (named ? 3 : 2)] as number;
    const secret = groups.secret ?? match;
    const pre = groups.secret === undefined ? '' : (groups.pre ?? '');
    if (secret === '') return match;
    const start = offset + pre.length;
    while (next < markers.length && (markers[next] as [number, number])[1] <= start) next++;
    const marker = markers[next];
    if (marker !== undefined && marker[0] < start + secret.length) return match;
    if (rule.accept !== undefined && !rule.accept(secret, groups, matcher)) return match;
    hits.push(rule.name);
    return pre + replacement + match.slice(pre.length + secret.length);
  });
}

function markerRanges(value: string): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  for (const found of value.matchAll(MARKER)) {
    ranges.push([found.index, found.index + found[0].length]);
  }
  return ranges;
}

function isMarker(value: unknown): boolean {
  return typeof value === 'string' && /^\[REDACTED:[A-Za-z0-9_-]+\]$/.test(value);
}

// Nothing to hide in `null`, a boolean, an empty string or an empty container; a value
// that is already a marker stays as it is.
function worthRedacting(value: unknown): boolean {
  if (value === null || typeof value === 'boolean' || value === undefined) return false;
  if (typeof value === 'string') return value !== '' && !isMarker(value);
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object') return Object.keys(value).length > 0;
  return true;
}

type PathSegment = string | number;

const SIMPLE_KEY = /^[A-Za-z0-9_$@-]+$/;

function formatPath(segments: readonly PathSegment[]): string {
  let out = '';
  for (const segment of segments) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (!SIMPLE_KEY.test(segment)) out += `[${JSON.stringify(segment)}]`;
    else out += out === '' ? segment : `.${segment}`;
  }
  return out;
}

interface Walk {
  matcher: Matcher;
  segments: PathSegment[];
  findings: RedactionFinding[];
  hits: string[];
}

function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  // `target[key] = …` would call the `__proto__` setter for a JSON key of that name.
  Object.defineProperty(target, key, {
    value,
    writable: true,
    enumerable: true,
    configurable: true,
  });
}

function redactValue(value: unknown, walk: Walk, depth: number): unknown {
  if (typeof value === 'string') {
    walk.hits.length = 0;
    const out = walk.matcher.redactString(value, walk.hits);
    if (out !== value) {
      const path = formatPath(walk.segments);
      for (const rule of new Set(walk.hits)) walk.findings.push({ path, rule });
    }
    return out;
  }
  if (typeof value !== 'object' || value === null) return value;
  if (depth > MAX_DEPTH) {
    walk.findings.push({ path: formatPath(walk.segments), rule: DEPTH_RULE });
    return redactionMarker(DEPTH_RULE);
  }
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      walk.segments.push(i);
      const out = redactValue(item, walk, depth + 1);
      walk.segments.pop();
      if (out !== item) {
        copy ??= value.slice();
        copy[i] = out;
      }
    }
    return copy ?? value;
  }
  return redactObject(value as Record<string, unknown>, walk, depth, false);
}

function redactObject(
  value: Record<string, unknown>,
  walk: Walk,
  depth: number,
  topLevel: boolean,
): Record<string, unknown> {
  let copy: Record<string, unknown> | undefined;
  for (const key of Object.keys(value)) {
    if (topLevel && UNTOUCHED_TOP_LEVEL.has(key)) continue;
    const item = value[key];
    walk.segments.push(key);
    let out: unknown;
    if (walk.matcher.isSecretKey(key) && worthRedacting(item)) {
      walk.findings.push({ path: formatPath(walk.segments), rule: KEY_RULE });
      out = redactionMarker(KEY_RULE);
    } else out = redactValue(item, walk, depth + 1);
    walk.segments.pop();
    if (out !== item) {
      copy ??= { ...value };
      setOwn(copy, key, out);
    }
  }
  return copy ?? value;
}

/**
 * Redacts secrets in an entry (SPEC §12) and says where. Never modifies `entry`: the
 * result is a new object (sharing the unchanged nested values). The envelope (`id`,
 * `timestamp`, `session_id`, `seq`), `commit` and `redacted` are never touched. The
 * caller records `paths` in the entry; {@link applyRedaction} does both.
 */
export function redactEntry<T extends Record<string, unknown>>(
  entry: T,
  rules: RedactionRules = DEFAULT_REDACTION_RULES,
): Redaction<T> {
  if (!rules.enabled) return { entry: { ...entry }, paths: [], findings: [] };
  const walk: Walk = { matcher: matcherFor(rules), segments: [], findings: [], hits: [] };
  const out = redactObject(entry, walk, 0, true);
  const paths = [...new Set(walk.findings.map((finding) => finding.path))];
  return { entry: (out === entry ? { ...entry } : out) as T, paths, findings: walk.findings };
}

/**
 * The entry as it may enter git: redacted, with the paths of what was redacted added to
 * its `redacted` list. Returns the SAME object when nothing matched, so identity tells
 * the caller whether anything changed.
 */
export function applyRedaction<T extends Record<string, unknown>>(
  entry: T,
  rules: RedactionRules = DEFAULT_REDACTION_RULES,
): T & { redacted?: unknown[] } {
  if (!rules.enabled) return entry;
  const { entry: out, paths } = redactEntry(entry, rules);
  if (paths.length === 0) return entry;
  const before = entry.redacted;
  const list: unknown[] = Array.isArray(before)
    ? [...before]
    : before === undefined
      ? []
      : [before];
  for (const path of paths) if (!list.includes(path)) list.push(path);
  return { ...out, redacted: list };
}

/** Redacts one string as shape rules see it (no key rule); `rules` lists what matched. */
export function redactText(
  text: string,
  rules: RedactionRules = DEFAULT_REDACTION_RULES,
): { text: string; rules: string[] } {
  const hits: string[] = [];
  const out = matcherFor(rules).redactString(text, hits);
  return { text: out, rules: [...new Set(hits)] };
}

/** Whether a field of this name holds a secret by the key rule (default list plus `rules.keys`). */
export function isSecretKey(key: string, rules: RedactionRules = DEFAULT_REDACTION_RULES): boolean {
  return matcherFor(rules).isSecretKey(key);
}

/** The names of the built-in shape rules, in the order they apply. */
export const SHAPE_RULE_NAMES: readonly string[] = SHAPE_RULES.map((rule) => rule.name);
