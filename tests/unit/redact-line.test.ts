// Redaction on a line's own text (SPEC §12, §3 fidelity): what consolidation, verify and
// scan call. Each test reproduces an attack that got past the v1 redaction, which parsed
// the entry, exempted fields by name and serialized it again.
import { describe, expect, it } from 'vitest';
import type { EntryLine } from '../../src/history/entry-line.js';
import { compileRedactConfig } from '../../src/redact/config.js';
import { findSecretsInLine, redactLine } from '../../src/redact/redact-line.js';
import { redactor } from '../../src/redact/redactor.js';
import { DEFAULT_REDACTION_RULES } from '../../src/redact/rules.js';

// Assembled at run time so that no credential-shaped string sits in the source.
const GITHUB = `ghp_${'R7kq2ZxW9mLp4TvB8nYc'}${'3HsJ6dFa1QeUo5Xg'}`;
const UUID = '3b241101-e2bb-4255-8caf-4136c566a962';
const ENVELOPE = `"id":"${UUID}","timestamp":"2026-11-24T13:33:03.123Z","session_id":"a1b2c3d4","seq":1`;
const rules = DEFAULT_REDACTION_RULES;

describe('redactLine', () => {
  it('redacts a secret in the first copy of a duplicate key, which JSON.parse never shows', () => {
    const line = `{${ENVELOPE},"command":"curl -H \\"Authorization: Bearer ${GITHUB}\\" x","command":"ls"}`;
    expect(JSON.parse(line).command).toBe('ls'); // what a parse-and-redact saw

    const out = redactLine(line, rules);

    expect(out.line).not.toContain(GITHUB);
    expect(out.line).toBe(
      `{${ENVELOPE},"command":"curl -H \\"Authorization: Bearer [REDACTED:github-token]\\" x","command":"ls","redacted":["command"]}`,
    );
    expect(out.findings).toEqual([{ path: 'command', rule: 'github-token' }]);
    expect(findSecretsInLine(line, rules)).toEqual([{ path: 'command', rule: 'github-token' }]);
    // Every copy of a secret key goes, not only the last.
    const keys = redactLine(`{${ENVELOPE},"token":"one-secret","token":"two-secret"}`, rules);
    expect(keys.line).toBe(
      `{${ENVELOPE},"token":"[REDACTED:key]","token":"[REDACTED:key]","redacted":["token"]}`,
    );
  });

  it('checks the caller’s own commit, redacted and id-like fields', () => {
    const line = `{"id":"${GITHUB}","timestamp":"2026-11-24T13:33:03.123Z","commit":{"url":"https://bot:hunter2hunter2@git.example.com/a.git","token":"t-123"},"redacted":["${GITHUB}"],"tool_use_id":"${GITHUB}"}`;

    const found = findSecretsInLine(line, rules);
    const out = redactLine(line, rules);

    expect(found).toEqual([
      { path: 'id', rule: 'github-token' },
      { path: 'commit.url', rule: 'url-credentials' },
      { path: 'commit.token', rule: 'key' },
      { path: 'redacted[0]', rule: 'github-token' },
      { path: 'tool_use_id', rule: 'github-token' },
    ]);
    expect(out.findings).toEqual(found);
    expect(out.line).not.toContain(GITHUB);
    expect(out.line).not.toContain('hunter2');
    expect(JSON.parse(out.line)).toEqual({
      // Still one entry's id: a digest of what it was follows the marker.
      id: expect.stringMatching(/^\[REDACTED:github-token\]#[0-9a-f]{16}$/),
      timestamp: '2026-11-24T13:33:03.123Z',
      commit: {
        url: 'https://bot:[REDACTED:url-credentials]@git.example.com/a.git',
        token: '[REDACTED:key]',
      },
      // The caller's list keeps its (redacted) items; the paths are appended.
      redacted: [
        '[REDACTED:github-token]',
        'id',
        'commit.url',
        'commit.token',
        'redacted[0]',
        'tool_use_id',
      ],
      tool_use_id: '[REDACTED:github-token]',
    });
  });

  it('keeps ids unique when they held secrets: two ids stay two, one id stays the same', () => {
    const other = `ghp_${'Zz9'.repeat(12)}`;
    const idOf = (id: string, event: string) =>
      JSON.parse(redactLine(`{"id":"${id}","event":"${event}"}`, rules).line).id as string;
    expect(idOf(GITHUB, 'a')).not.toBe(idOf(other, 'a'));
    expect(idOf(GITHUB, 'a')).toBe(idOf(GITHUB, 'b'));
    expect(idOf(GITHUB, 'a')).not.toContain(GITHUB.slice(4));
  });

  it('exempts only an envelope that conforms and appears once; any other is redacted like a field', () => {
    // A pattern that would match the envelope values, to see which ones are exempt.
    const greedy = compileRedactConfig({
      patterns: [{ name: 'digits', pattern: '(?<![0-9])[0-9]{1,12}(?![0-9])' }],
    });
    const clean = `{${ENVELOPE},"n":"7"}`;
    expect(redactLine(clean, greedy).line).toBe(
      `{${ENVELOPE},"n":"[REDACTED:digits]","redacted":["n"]}`,
    );
    for (const [line, redacted] of [
      // A session id that is not one, a seq that is a string, a timestamp without offset.
      [`{"id":"a","timestamp":"2026-11-24T13:33:03Z","session_id":"x 42"}`, 'session_id'],
      [`{"id":"a","timestamp":"2026-11-24T13:33:03Z","seq":"42"}`, 'seq'],
      [`{"id":"a","timestamp":"2026-11-24 13:33:03"}`, 'timestamp'],
      // The same key twice: neither copy is the envelope audit-hooks wrote.
      [
        `{"id":"a","timestamp":"2026-11-24T13:33:03Z","session_id":"s1","session_id":"s2"}`,
        'session_id',
      ],
    ] as const) {
      const out = redactLine(line, greedy);
      expect([line, out.paths]).toEqual([line, [redacted]]);
      expect(out.line).toContain('[REDACTED:digits]');
    }
  });

  it('changes only the secret’s bytes: big integers, 1.50, escapes, spacing and order stay', () => {
    const line = `{ "id" : "${UUID}", "timestamp":"2026-11-24T13:33:03.123Z" , "order_id": 9007199254740993, "amount": 1.50, "e": 1E+2, "s": "\\u00e9\\u2028\\/", "k": 1, "k": 2, "cmd" : "git push https://${GITHUB}@github.com/a/b" }`;

    const out = redactLine(line, rules);

    expect(out.line).toBe(
      line.replace(GITHUB, '[REDACTED:github-token]').replace(/" }$/, '","redacted":["cmd"] }'),
    );
    expect(out.paths).toEqual(['cmd']);
  });

  it('finds a secret or a secret key spelled with escapes, and replaces exactly its spelling', () => {
    const spelled = `\\u0067${GITHUB.slice(1)}`; // `g` written as \u0067
    const line = `{${ENVELOPE},"note":"url https:\\/\\/u:p4ssw0rd-x@h.example\\/ and ${spelled}.","pass\\u0077ord":"x1"}`;

    const out = redactLine(line, rules);

    expect(out.line).toBe(
      `{${ENVELOPE},"note":"url https:\\/\\/u:[REDACTED:url-credentials]@h.example\\/ and [REDACTED:github-token].","pass\\u0077ord":"[REDACTED:key]","redacted":["note","password"]}`,
    );
  });

  it('returns the very same string when nothing matched', () => {
    const line = `{${ENVELOPE},"event":"tool_call","command":"npm test","tokens":1200}`;
    const out = redactLine(line, rules);
    expect(out.line).toBe(line);
    expect(out).toEqual({ line, paths: [], findings: [] });
    // Also when the rules are off, whatever the line holds.
    const off = compileRedactConfig({ enabled: false });
    const leaky = `{${ENVELOPE},"password":"pw"}`;
    expect(redactLine(leaky, off).line).toBe(leaky);
    expect(findSecretsInLine(leaky, off)).toEqual([{ path: 'password', rule: 'key' }]);
  });

  it('walks a line nested 100,000 deep without recursion, and cuts the path it reports', () => {
    const depth = 100_000;
    const deep = `{${ENVELOPE},"d":${'['.repeat(depth)}"${GITHUB}"${']'.repeat(depth)}}`;

    const out = redactLine(deep, rules);

    expect(out.line).not.toContain(GITHUB);
    expect(out.line.length).toBe(
      deep.length -
        GITHUB.length +
        '[REDACTED:github-token]'.length +
        `,"redacted":[${JSON.stringify(out.paths[0])}]`.length,
    );
    expect(out.paths).toEqual([`d${'[0]'.repeat(63)}…`]);
    const clean = `{${ENVELOPE},"d":${'['.repeat(depth)}1${']'.repeat(depth)}}`;
    expect(redactLine(clean, rules).line).toBe(clean);
  });

  it('never splits a surrogate pair (it would be written as U+FFFD)', () => {
    const custom = compileRedactConfig({ patterns: [{ name: 'x-any', pattern: 'x.' }] });
    const out = redactLine(`{${ENVELOPE},"s":"ax😀b"}`, custom);
    expect(out.line).toBe(`{${ENVELOPE},"s":"a[REDACTED:x-any]b","redacted":["s"]}`);
  });

  it('redacts a line that is not a JSON object as text, with the path (line)', () => {
    const line = `{"id":"a", "cmd":"git push https://${GITHUB}@github.com/a/b"`; // cut short
    const out = redactLine(line, rules);
    expect(out.line).toBe(line.replace(GITHUB, '[REDACTED:github-token]'));
    expect(out.findings).toEqual([{ path: '(line)', rule: 'github-token' }]);
  });
});

describe('redactor', () => {
  const record = (line: string): EntryLine => ({
    entry: JSON.parse(line),
    line,
    instant: Date.parse('2026-11-24T13:33:03.123Z'),
  });

  it('gives back the same record when clean, else the redacted line and that line parsed', () => {
    const redact = redactor(rules);
    const clean = record(`{${ENVELOPE},"n":1.50}`);
    expect(redact(clean)).toBe(clean);

    const dirty = record(`{${ENVELOPE},"n":1.50,"password":"pw"}`);
    const out = redact(dirty);
    expect(out.line).toBe(
      `{${ENVELOPE},"n":1.50,"password":"[REDACTED:key]","redacted":["password"]}`,
    );
    expect(out.entry).toEqual(JSON.parse(out.line));
    expect(out.instant).toBe(dirty.instant);
  });
});
