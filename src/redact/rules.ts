// The rules of redaction (SPEC §12): what counts as a secret. Shards stay local, the
// history is pushed, so every entry is redacted on its way into `logs/history/`. Two kinds
// of rules:
//
// - by key: the whole value of a field whose NAME says it holds a secret;
// - by shape: a credential with a recognisable format, inside any string.
//
// Audit trails of coding agents are full of hashes, ids, paths, commands and token
// counts, so every rule is anchored on a prefix, a context or a decoding check rather
// than on "looks random"; the corpus in tests/fixtures/redaction-corpus.ts holds both
// sides. A secret becomes `[REDACTED:<rule>]`, which no rule matches (idempotence). How the
// rules are applied to a line is in redact-line.ts; to one string, in matcher.ts.

/** `[REDACTED:<rule>]`: what a secret is replaced by. */
export const redactionMarker = (rule: string): string => `[REDACTED:${rule}]`;

/** The rule name of a value redacted because of its field's name. */
export const KEY_RULE = 'key';

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

/** Whether a field of this name holds a secret by the built-in key rule. */
export function isDefaultSecretKey(key: string): boolean {
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

/** A rule that finds secrets inside a string. */
export interface ShapeRule {
  name: string;
  /**
   * Global regex. With a `secret` named group, only that part is replaced, and the match
   * must be `pre` (optional named group) + `secret` + anything: what surrounds it is kept.
   */
  regex: RegExp;
  /**
   * What every match contains, as a cheap test: a rule whose regex starts with a
   * lookbehind or a class would otherwise scan each string at a cost (the key of every
   * field is a string too).
   */
  hint?: RegExp;
  /** Second look at a candidate (entropy, decoding, placeholders); false keeps it. */
  accept?: (
    secret: string,
    groups: Record<string, string | undefined>,
    ctx: { isSecretKey(key: string): boolean },
  ) => boolean;
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

/** The built-in shape rules, in the order they apply. */
export const SHAPE_RULES: readonly ShapeRule[] = [
  {
    name: 'private-key',
    hint: /PRIVATE KEY/,
    // Whole block, END line included. The block's own characters bound the search, so a
    // block cut short (truncated output) is redacted to where its key text stops, and a
    // hostile line full of BEGIN lines costs linear time.
    regex:
      /-----BEGIN[A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----(?:[A-Za-z0-9+/=\s:,.\\-]*?-----END[A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----|[A-Za-z0-9+/=\s:,.\\-]*)/g,
  },
  {
    name: 'jwt',
    hint: /eyJ/,
    regex: /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]*/g,
  },
  {
    name: 'aws-access-key',
    hint: /AKIA|ASIA/,
    regex: /(?<![A-Za-z0-9])(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Za-z0-9])/g,
  },
  {
    name: 'aws-secret-key',
    hint: /access/i,
    regex:
      /(?<pre>(?:aws[_-]?)?secret[_-]?access[_-]?key["']?\s*[:=]\s*["']?)(?<secret>[A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])/gi,
    accept: looksRandom,
  },
  {
    name: 'github-token',
    hint: /gh[pousr]_|github_pat_/,
    regex:
      /(?<![A-Za-z0-9_])(?:gh[pousr]_[A-Za-z0-9]{36,251}|github_pat_[A-Za-z0-9_]{22,251})(?![A-Za-z0-9_])/g,
  },
  {
    name: 'gitlab-token',
    hint: /gl[a-z]{2,5}-/,
    regex:
      /(?<![A-Za-z0-9_-])gl(?:pat|dt|rt|ptt|cbt|ft|imt|oas|soat|agent)-[A-Za-z0-9_-]{20,}(?:\.[A-Za-z0-9_-]+)*/g,
    accept: (secret) => looksRandom(secret.slice(secret.indexOf('-') + 1)),
  },
  {
    name: 'slack-webhook',
    hint: /hooks\.slack\.com/,
    regex:
      /(?<pre>https?:\/\/hooks\.slack\.com\/(?:services|workflows|triggers)\/)(?<secret>[A-Za-z0-9_/-]{10,})/g,
  },
  {
    name: 'slack-token',
    hint: /xox|xapp-/,
    regex: /(?<![A-Za-z0-9_-])(?:xox[abeoprs]|xapp)-[A-Za-z0-9-]{10,}/g,
    accept: (secret) => looksRandom(secret.slice(5)),
  },
  {
    name: 'anthropic-key',
    hint: /sk-ant-/,
    regex: /(?<![A-Za-z0-9_-])sk-ant-[A-Za-z0-9_-]{20,}/g,
    accept: (secret) => looksRandom(secret.slice(7)),
  },
  {
    name: 'openai-key',
    hint: /sk-/,
    regex: /(?<![A-Za-z0-9_-])sk-(?:proj|svcacct|admin)-[A-Za-z0-9_-]{20,}/g,
    accept: (secret) => looksRandom(secret.slice(secret.indexOf('-', 3) + 1)),
  },
  {
    // Plain `sk-` keys (OpenAI legacy, DeepSeek, OpenRouter and other compatible APIs):
    // one unbroken run of letters and digits, so kebab-case words never match.
    name: 'sk-key',
    hint: /sk-/,
    regex: /(?<![A-Za-z0-9_-])sk-(?:or-v1-)?[A-Za-z0-9]{20,}(?![A-Za-z0-9_-])/g,
    accept: (secret) => looksRandom(secret.slice(3)),
  },
  {
    name: 'stripe-key',
    hint: /_live_|_test_|whsec_/,
    regex:
      /(?<![A-Za-z0-9_])(?:(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,}|whsec_[A-Za-z0-9+/=]{24,})/g,
    accept: looksRandom,
  },
  {
    name: 'google-api-key',
    hint: /AIza/,
    regex: /(?<![A-Za-z0-9_-])AIza[0-9A-Za-z_-]{35}(?![A-Za-z0-9_-])/g,
  },
  {
    name: 'npm-token',
    hint: /npm_/,
    regex: /(?<![A-Za-z0-9_])npm_[A-Za-z0-9]{36}(?![A-Za-z0-9_])/g,
    accept: (secret) => looksRandom(secret.slice(4)),
  },
  {
    name: 'pypi-token',
    hint: /pypi-/,
    regex: /(?<![A-Za-z0-9_-])pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,}/g,
  },
  {
    name: 'huggingface-token',
    hint: /hf_/,
    regex: /(?<![A-Za-z0-9_])hf_[A-Za-z0-9]{34}(?![A-Za-z0-9_])/g,
    accept: (secret) => looksRandom(secret.slice(3)),
  },
  {
    // `scheme://user:password@host`: only the password goes; the last `@` before the
    // path ends it, so a password with a raw `@` goes whole.
    name: 'url-credentials',
    hint: /:\/\//,
    regex:
      /(?<pre>(?<![A-Za-z0-9+.-])[A-Za-z][A-Za-z0-9+.-]*:\/\/[^\s:/?#@"'<>]*:)(?<secret>[^\s/?#"'<>]+)(?=@[A-Za-z0-9[\]._-])/g,
    accept: notPlaceholder,
  },
  {
    name: 'bearer-token',
    hint: /earer|EARER/,
    regex:
      /(?<pre>(?<![A-Za-z0-9])(?:Bearer|bearer|BEARER)\s+)(?<secret>[A-Za-z0-9._~+/-]{16,}=*)/g,
    accept: looksRandom,
  },
  {
    name: 'basic-auth',
    hint: /asic|ASIC/,
    regex:
      /(?<pre>(?<![A-Za-z0-9])(?:Basic|basic|BASIC)\s+)(?<secret>[A-Za-z0-9+/]{4,}={0,2})(?![A-Za-z0-9+/=])/g,
    accept: isBasicCredentials,
  },
  {
    // HTTP headers in commands and captured requests (`curl -H 'X-Api-Key: …'`).
    name: 'secret-header',
    hint: /:/,
    regex:
      /(?<pre>(?<![A-Za-z0-9-])(?<header>x-api-key|api-key|x-auth-token|x-access-token|private-token|set-cookie|cookie)\s*:\s*)(?<secret>[^\s'"\\][^'"\\\r\n]*)/gi,
    accept: (secret, groups) =>
      notPlaceholder(secret) &&
      (/cookie$/i.test(groups.header ?? '') ? secret.includes('=') : looksRandom(secret)),
  },
  {
    // Secrets in query strings: `?access_token=…`, Azure SAS `&sig=…`, presigned URLs.
    name: 'secret-query',
    hint: /=/,
    regex:
      /(?<pre>[?&](?:access_token|refresh_token|id_token|auth_token|token|api_key|apikey|api-key|password|passwd|secret|client_secret|sig|x-amz-signature|x-amz-security-token|x-goog-signature)=)(?<secret>[^&#\s"'<>]+)/gi,
    accept: notPlaceholder,
  },
  {
    // Command-line options: `--password hunter2`, `--github-token=…` (not `--max-tokens 5`).
    name: 'secret-flag',
    hint: /--/,
    regex:
      /(?<pre>(?<![A-Za-z0-9-])--(?<flag>(?:[a-z0-9]+-)*(?:password|passwd|passphrase|token|secret|api-key|apikey|access-key|private-key))(?:=|\s+))(?<secret>"[^"]+"|'[^']+'|[^\s'"-][^\s'"]*)/g,
    accept: (secret, groups) =>
      notPlaceholder(secret) && !SECRET_FLAG_PREFIXES.test(groups.flag ?? ''),
  },
  {
    // Environment assignments in commands and .env text: `DB_PASSWORD=…`, `GITHUB_TOKEN=…`.
    name: 'secret-env',
    hint: /=/,
    regex:
      /(?<pre>(?<![A-Za-z0-9_$])(?:[A-Z][A-Z0-9]*_)*(?:PASSWORD|PASSWD|PASSPHRASE|SECRET|TOKEN|API_KEY|APIKEY|ACCESS_KEY|PRIVATE_KEY|SECRET_KEY)=)(?<secret>"[^"]+"|'[^']+'|[^\s'"`;&|)]+)/g,
    accept: notPlaceholder,
  },
  {
    // JSON text inside a string (a request body, a tool's output): `"password": "…"`, by
    // the same key rule as fields.
    name: 'secret-json',
    hint: /"/,
    regex: /(?<pre>"(?<key>[A-Za-z0-9_.-]{1,64})"\s*:\s*")(?<secret>(?:[^"\\]|\\.)+)(?=")/g,
    accept: (secret, groups, ctx) => ctx.isSecretKey(groups.key ?? '') && notPlaceholder(secret),
  },
];

// A string without any of these cannot match a built-in rule, and a line without any of
// them (and without escapes) has no key the built-in key rule matches: one cheap test
// skips the rest for almost every string and line of an audit trail. Prefixes of token
// formats are spelled in one case (their rules are case-sensitive); the words are
// looked for in any case, the words of a key split by any punctuation or a change of
// case. Two regular expressions, because one case-insensitive alternation of all of
// them costs three times as much.
const CASED_HINTS =
  /eyJ|AKIA|ASIA|AIza|gh[pousr]_|github_pat_|gl[a-z]{2,5}-|xox|xapp-|hooks\.slack|sk-|sk_|rk_|whsec_|npm_|pypi-|hf_|:\/\//;
const WORD_HINTS =
  /passw|passphrase|secret|token|authori[sz]ation|cookie|(?:api|private|secret|access|signing)[^a-z0-9]*key|bearer|basic|sig=|signature/i;

/** Whether `text` holds a hint of a built-in shape rule or of a secret key name. */
export function hasHint(text: string): boolean {
  return CASED_HINTS.test(text) || WORD_HINTS.test(text);
}

// The shortest string a built-in rule can match (`PASSWORD=x`, `a://b:c@d`).
export const MIN_SECRET_LENGTH = 9;

/** A redaction marker anywhere in a string. */
export const MARKER = /\[REDACTED:[A-Za-z0-9_-]+\]/g;
/** How every marker starts (a cheap test before looking for markers). */
export const MARKER_START = '[REDACTED:';
/** A string that is one marker and nothing else. */
export const WHOLE_MARKER = /^\[REDACTED:[A-Za-z0-9_-]+\]$/;

/** The names of the built-in shape rules, in the order they apply. */
export const SHAPE_RULE_NAMES: readonly string[] = SHAPE_RULES.map((rule) => rule.name);
