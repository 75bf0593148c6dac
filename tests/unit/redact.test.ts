import { describe, expect, it } from 'vitest';
import { compileRedactConfig } from '../../src/redact/config.js';
import {
  applyRedaction,
  DEFAULT_REDACTION_RULES,
  isSecretKey,
  redactEntry,
  redactionMarker,
  redactText,
  SHAPE_RULE_NAMES,
} from '../../src/redact/redact.js';
import { redactLine } from '../../src/redact/redact-line.js';
import {
  BENIGN_ENTRIES,
  BENIGN_LINES,
  BENIGN_STRINGS,
  KEY_SECRETS,
  LINE_SECRETS,
  SHAPE_SECRETS,
} from '../fixtures/redaction-corpus.js';

const envelope = {
  id: '3b241101-e2bb-4255-8caf-4136c566a962',
  timestamp: '2026-11-24T13:33:03.123Z',
  session_id: 'a1b2c3d4',
  seq: 1,
};

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const item of Object.values(value)) deepFreeze(item);
    Object.freeze(value);
  }
  return value;
}

describe('the redaction corpus', () => {
  it('catches every credential with the right rule and keeps the rest of the string', () => {
    const missed: string[] = [];
    for (const item of SHAPE_SECRETS) {
      expect(item.text).toContain(item.secret);
      const { text, rules } = redactText(item.text);
      const expected = item.text.replace(item.secret, redactionMarker(item.rule));
      if (text !== expected || rules.join() !== item.rule) {
        missed.push(`${item.rule}: got ${JSON.stringify(text)} by [${rules.join()}]`);
      }
    }
    let keyCaught = 0;
    for (const item of KEY_SECRETS) {
      const { entry, paths, findings } = redactEntry({ ...envelope, ...item.entry });
      const ok =
        paths.join() === item.paths.join() &&
        findings.every((finding) => finding.rule === 'key') &&
        JSON.stringify(entry).split('[REDACTED:key]').length - 1 === item.paths.length;
      if (ok) keyCaught++;
      else missed.push(`key: ${JSON.stringify(item.entry)} gave [${paths.join()}]`);
    }
    for (const item of LINE_SECRETS) {
      const out = redactLine(item.line, DEFAULT_REDACTION_RULES).line;
      if (out !== item.redacted) missed.push(`line, ${item.name}: got ${out}`);
    }
    const total = SHAPE_SECRETS.length + KEY_SECRETS.length + LINE_SECRETS.length;
    const caught = total - missed.length;
    const rulesCovered = new Set(SHAPE_SECRETS.map((item) => item.rule));
    console.log(
      `redaction corpus: caught ${caught}/${total} (${SHAPE_SECRETS.length} by shape over ${rulesCovered.size} rules, ${keyCaught} by key, ${LINE_SECRETS.length} whole lines)`,
    );
    expect(missed).toEqual([]);
    expect(caught / total).toBe(1);
    // Every built-in shape rule has at least one credential in the corpus.
    expect([...rulesCovered].sort()).toEqual([...SHAPE_RULE_NAMES].sort());
  });

  it('raises no false alarm on what audit trails are full of', () => {
    const alarms: string[] = [];
    for (const text of BENIGN_STRINGS) {
      const out = redactText(text);
      if (out.text !== text) alarms.push(`${out.rules.join()}: ${JSON.stringify(text)}`);
      const entry = { ...envelope, input: { command: text, args: [text] } };
      if (applyRedaction(entry) !== entry) alarms.push(`entry: ${JSON.stringify(text)}`);
    }
    for (const fields of BENIGN_ENTRIES) {
      const entry = { ...envelope, ...fields };
      const { paths } = redactEntry(entry);
      if (paths.length > 0) alarms.push(`entry fields: ${paths.join()}`);
    }
    // Lines are walked in full when keys or patterns are configured (no quick pre-check).
    const configured = compileRedactConfig({
      keys: ['session_cookie'],
      patterns: [{ name: 'internal-token', pattern: 'itk_[A-Za-z0-9]{20}' }],
    });
    for (const line of BENIGN_LINES) {
      for (const rules of [DEFAULT_REDACTION_RULES, configured]) {
        const out = redactLine(line, rules);
        if (out.line !== line) alarms.push(`line: ${out.paths.join()} in ${line.slice(0, 80)}`);
      }
    }
    const total = BENIGN_STRINGS.length + BENIGN_ENTRIES.length + BENIGN_LINES.length;
    console.log(`redaction corpus: false alarms ${alarms.length}/${total}`);
    expect(BENIGN_STRINGS.length).toBeGreaterThanOrEqual(40);
    expect(alarms).toEqual([]);
  });

  it('is idempotent: a redacted entry passes through unchanged', () => {
    for (const item of LINE_SECRETS) {
      const once = redactLine(item.line, DEFAULT_REDACTION_RULES);
      expect(redactLine(once.line, DEFAULT_REDACTION_RULES)).toEqual({
        line: once.line,
        paths: [],
        findings: [],
      });
    }
    const entries = [
      ...SHAPE_SECRETS.map((item) => ({ ...envelope, input: { command: item.text } })),
      ...KEY_SECRETS.map((item) => ({ ...envelope, ...item.entry })),
    ];
    for (const entry of entries) {
      const once = applyRedaction(entry);
      expect(once).not.toBe(entry);
      const twice = applyRedaction(once);
      expect(twice).toBe(once);
      expect(redactEntry(once).paths).toEqual([]);
    }
    for (const rule of [...SHAPE_RULE_NAMES, 'key']) {
      expect(
        redactText(`value ${redactionMarker(rule)} and ${redactionMarker(rule)}`).rules,
      ).toEqual([]);
    }
  });
});

describe('redactEntry', () => {
  const github = `ghp_${'aB3dE'.repeat(7)}x`;

  it('finds secrets at any depth and names their JSON paths', () => {
    const entry = deepFreeze({
      ...envelope,
      tool: 'Bash',
      input: {
        command: `git push https://${github}@github.com/acme/app.git`,
        headers: { Authorization: 'Bearer abc', Accept: 'application/json' },
      },
      args: ['--verbose', 'safe', `token: ${github}`],
      steps: [{ env: [{ name: 'x', password: 'pw' }] }],
      'odd.key': { 'with space': `deploy ${github}` },
    });

    const result = redactEntry(entry);

    expect(result.paths).toEqual([
      'input.command',
      'input.headers.Authorization',
      'args[2]',
      'steps[0].env[0].password',
      '["odd.key"]["with space"]',
    ]);
    expect(result.findings).toEqual([
      { path: 'input.command', rule: 'github-token' },
      { path: 'input.headers.Authorization', rule: 'key' },
      { path: 'args[2]', rule: 'github-token' },
      { path: 'steps[0].env[0].password', rule: 'key' },
      { path: '["odd.key"]["with space"]', rule: 'github-token' },
    ]);
    expect(result.entry).toEqual({
      ...envelope,
      tool: 'Bash',
      input: {
        command: 'git push https://[REDACTED:github-token]@github.com/acme/app.git',
        headers: { Authorization: '[REDACTED:key]', Accept: 'application/json' },
      },
      args: ['--verbose', 'safe', 'token: [REDACTED:github-token]'],
      steps: [{ env: [{ name: 'x', password: '[REDACTED:key]' }] }],
      'odd.key': { 'with space': 'deploy [REDACTED:github-token]' },
    });
  });

  it('never mutates the input and always returns a new object', () => {
    const clean = deepFreeze({ ...envelope, note: 'nothing here' });
    const result = redactEntry(clean);
    expect(result.entry).not.toBe(clean);
    expect(result.entry).toEqual(clean);
    expect(result.paths).toEqual([]);

    const dirty = deepFreeze({ ...envelope, input: { password: 'pw' }, keep: { a: 1 } });
    const out = redactEntry(dirty).entry;
    expect(dirty.input.password).toBe('pw');
    expect(out).toEqual({ ...envelope, input: { password: '[REDACTED:key]' }, keep: { a: 1 } });
  });

  it('matches key names whole, case-insensitively, across -, _ and camelCase', () => {
    for (const key of [
      'password',
      'PASSWORD',
      'Password',
      'passwd',
      'secret',
      'Token',
      'api_key',
      'apiKey',
      'API-KEY',
      'apikey',
      'X-Api-Key',
      'authorization',
      'Proxy-Authorization',
      'cookie',
      'Set-Cookie',
      'private_key',
      'privateKey',
      'client_secret',
      'access_token',
      'refresh_token',
      'GITHUB_TOKEN',
      'db_password',
      'clientSecret',
      'OPENAI_API_KEY',
      'aws_secret_access_key',
    ]) {
      expect([key, isSecretKey(key)]).toEqual([key, true]);
    }
    for (const key of [
      'tokens',
      'max_tokens',
      'maxTokens',
      'input_tokens',
      'token_count',
      'tokenCount',
      'tokenizer',
      'secret_santa_count',
      'secrets',
      'password_hint',
      'has_password',
      'token_type',
      'pwd',
      'pass',
      'key',
      'cache_key',
      'auth',
      'credentials',
      'signature',
      'passwords',
      'isSecret',
      'show_token',
    ]) {
      expect([key, isSecretKey(key)]).toEqual([key, false]);
    }
  });

  it('redacts a secret key’s whole value, whatever its type, but not null, booleans or empty values', () => {
    const { entry, paths } = redactEntry({
      ...envelope,
      token: 12345,
      cookie: ['a=1', 'b=2'],
      private_key: { kty: 'EC', d: 'secret-scalar' },
      password: '',
      secret: true,
      api_key: null,
      authorization: {},
    });
    expect(paths).toEqual(['token', 'cookie', 'private_key']);
    expect(entry).toMatchObject({
      token: '[REDACTED:key]',
      cookie: '[REDACTED:key]',
      private_key: '[REDACTED:key]',
      password: '',
      secret: true,
      api_key: null,
      authorization: {},
    });
  });

  it('checks the envelope, commit and redacted too: only a conforming envelope is exempt', () => {
    const entry = {
      id: github,
      timestamp: '2026-11-24T13:33:03.123Z',
      session_id: `sk-${'a1B2'.repeat(8)}`,
      seq: 1,
      commit: 'https://u:pw@example.com',
      redacted: ['password'],
    };
    const out = applyRedaction(entry);
    expect(out).toEqual({
      id: expect.stringMatching(/^\[REDACTED:github-token\]#[0-9a-f]{16}$/),
      timestamp: '2026-11-24T13:33:03.123Z',
      session_id: '[REDACTED:sk-key]',
      seq: 1,
      commit: 'https://u:[REDACTED:url-credentials]@example.com',
      redacted: ['password', 'id', 'session_id', 'commit'],
    });
    // An envelope as the writer makes it is left alone.
    expect(applyRedaction({ ...envelope, event: 'x' })).toEqual({ ...envelope, event: 'x' });
  });

  it('redacts a private key block cut short up to where its key text stops', () => {
    const begin = `${'-'.repeat(5)}BEGIN OPENSSH PRIVATE KEY${'-'.repeat(5)}`;
    const body = 'b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW';
    const { text, rules } = redactText(`$ cat id_ed25519\n${begin}\n${body}\n[output truncated]`);
    expect(text).toBe('$ cat id_ed25519\n[REDACTED:private-key][output truncated]');
    expect(rules).toEqual(['private-key']);
  });

  it('copes with a __proto__ key', () => {
    const parsed = JSON.parse('{"id":"x","__proto__":{"password":"pw"}}') as Record<
      string,
      unknown
    >;
    const out = redactEntry(parsed).entry;
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(JSON.stringify(out)).toBe('{"id":"x","__proto__":{"password":"[REDACTED:key]"}}');
  });
});

describe('applyRedaction', () => {
  it('handles an entry nested deeper than JSON.stringify can recurse', () => {
    const depth = 100_000;
    const line = `{"id":"deep","timestamp":"2026-11-24T13:33:03Z","d":${'['.repeat(depth)}"${`ghp_${'aB3dE'.repeat(7)}x`}"${']'.repeat(depth)}}`;
    const entry = JSON.parse(line) as Record<string, unknown>;

    const out = applyRedaction(entry);

    expect(out).not.toBe(entry);
    expect(out.redacted).toEqual([`d${'[0]'.repeat(63)}…`]);
    expect(redactEntry(out).findings).toEqual([]);
  });

  it('returns the same object when nothing matched', () => {
    const entry = { ...envelope, command: 'npm test' };
    expect(applyRedaction(entry)).toBe(entry);
  });

  it('adds the paths to `redacted`, merged with what was there', () => {
    const entry = deepFreeze({
      ...envelope,
      redacted: ['input.old'],
      input: { old: '[REDACTED:key]', password: 'pw', token: 'tk' },
    });
    const out = applyRedaction(entry);
    expect(out.redacted).toEqual(['input.old', 'input.password', 'input.token']);
    expect(out.input).toEqual({
      old: '[REDACTED:key]',
      password: '[REDACTED:key]',
      token: '[REDACTED:key]',
    });
    expect(entry.redacted).toEqual(['input.old']);
    expect(applyRedaction(out)).toBe(out);
    // A path already listed is not listed twice.
    const again = applyRedaction({ ...out, input: { ...out.input, password: 'new' } });
    expect(again.redacted).toEqual(['input.old', 'input.password', 'input.token']);
  });

  it('keeps the key order of the entry, with `redacted` last when new', () => {
    const out = applyRedaction({ ...envelope, a: 1, password: 'pw', b: 2 });
    expect(Object.keys(out)).toEqual([...Object.keys(envelope), 'a', 'password', 'b', 'redacted']);
  });
});

describe('configured rules', () => {
  it('adds keys and patterns to the defaults', () => {
    const rules = compileRedactConfig({
      keys: ['session_cookie', 'X-Internal-Auth'],
      patterns: [{ name: 'internal-token', pattern: 'itk_[A-Za-z0-9]{20}' }],
    });
    const itk = `itk_${'Ab3'.repeat(6)}Zz`;
    const { entry, findings } = redactEntry(
      {
        ...envelope,
        sessionCookie: 'abc',
        headers: { 'x-internal-auth': 'v' },
        note: `used ${itk} and ${`ghp_${'aB3dE'.repeat(7)}x`}`,
        body: '{"session_cookie": "abc123"}',
      },
      rules,
    );
    expect(findings).toEqual([
      { path: 'sessionCookie', rule: 'key' },
      { path: 'headers.x-internal-auth', rule: 'key' },
      { path: 'note', rule: 'internal-token' },
      { path: 'note', rule: 'github-token' },
      { path: 'body', rule: 'secret-json' },
    ]);
    expect(entry.note).toBe('used [REDACTED:internal-token] and [REDACTED:github-token]');
    expect(redactEntry({ ...envelope, sessionCookie: 'abc' }).paths).toEqual([]);
  });

  it('custom patterns stay idempotent even when they could match a marker', () => {
    const rules = compileRedactConfig({ patterns: [{ name: 'loud', pattern: 'RED[A-Z]+' }] });
    const once = applyRedaction({ ...envelope, note: 'REDHOT and password: x' }, rules);
    expect(once.note).toBe('[REDACTED:loud] and password: x');
    expect(applyRedaction(once, rules)).toBe(once);
  });

  it('redacts nothing when disabled', () => {
    const rules = compileRedactConfig({ enabled: false });
    const entry = { ...envelope, password: 'pw', note: `ghp_${'aB3dE'.repeat(7)}x` };
    expect(applyRedaction(entry, rules)).toBe(entry);
    const result = redactEntry(entry, rules);
    expect(result.paths).toEqual([]);
    expect(result.entry).toEqual(entry);
    expect(result.entry).not.toBe(entry);
    expect(DEFAULT_REDACTION_RULES.enabled).toBe(true);
  });
});
