import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuditHooksError } from '../../src/errors.js';
import { backtrackingProblem } from '../../src/redact/backtracking.js';
import { loadRedactionRules } from '../../src/redact/config.js';
import { applyRedaction, DEFAULT_REDACTION_RULES } from '../../src/redact/redact.js';
import { redactLine } from '../../src/redact/redact-line.js';
import { SHAPE_RULES } from '../../src/redact/rules.js';
import { tempDir } from '../helpers/git-repo.js';

let root: string;
beforeEach(() => {
  root = tempDir('audit-hooks-config-');
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const write = (name: string, value: unknown) =>
  writeFileSync(
    join(root, name),
    typeof value === 'string' ? value : `${JSON.stringify(value, null, 2)}\n`,
  );

const entry = {
  id: 'e1',
  timestamp: '2026-11-24T13:33:03.123Z',
  session_id: 's',
  seq: 1,
  session_cookie: 'abc',
  note: `internal itk_${'aB3'.repeat(6)}Zz`,
};

function errorOf(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('did not throw');
}

describe('loadRedactionRules', () => {
  it('uses the defaults when nothing is configured', () => {
    expect(loadRedactionRules(root)).toBe(DEFAULT_REDACTION_RULES);
    write('package.json', { name: 'app', version: '1.0.0' });
    expect(loadRedactionRules(root)).toBe(DEFAULT_REDACTION_RULES);
  });

  it('reads the "redact" section of .audit-hooks.json', () => {
    write('.audit-hooks.json', {
      redact: {
        keys: ['session_cookie'],
        patterns: [{ name: 'internal-token', pattern: 'itk_[A-Za-z0-9]{20}' }],
      },
    });
    const rules = loadRedactionRules(root);
    expect(rules.source).toBe('.audit-hooks.json');
    expect(applyRedaction(entry, rules)).toMatchObject({
      session_cookie: '[REDACTED:key]',
      note: 'internal [REDACTED:internal-token]',
      redacted: ['session_cookie', 'note'],
    });
  });

  it('falls back to the "audit-hooks" key of package.json', () => {
    write('package.json', {
      name: 'app',
      'audit-hooks': { redact: { keys: ['sessionCookie'] } },
    });
    const rules = loadRedactionRules(root);
    expect(rules.source).toBe('package.json');
    expect(applyRedaction(entry, rules).redacted).toEqual(['session_cookie']);
  });

  it('prefers .audit-hooks.json over package.json, as a whole', () => {
    write('package.json', { 'audit-hooks': { redact: { enabled: false } } });
    write('.audit-hooks.json', { redact: { keys: ['session-cookie'] } });
    const rules = loadRedactionRules(root);
    expect(rules.enabled).toBe(true);
    expect(applyRedaction(entry, rules).redacted).toEqual(['session_cookie']);
  });

  it('turns redaction off with "enabled": false', () => {
    write('.audit-hooks.json', { redact: { enabled: false } });
    const rules = loadRedactionRules(root);
    expect(rules.enabled).toBe(false);
    const secret = { ...entry, password: 'pw' };
    expect(applyRedaction(secret, rules)).toBe(secret);
  });

  it('accepts flags on a pattern', () => {
    write('.audit-hooks.json', {
      redact: { patterns: [{ name: 'ticket', pattern: 'itk_[a-z0-9]{20}', flags: 'i' }] },
    });
    expect(applyRedaction(entry, loadRedactionRules(root)).note).toBe('internal [REDACTED:ticket]');
  });

  it.each([
    [
      '.audit-hooks.json',
      '{ "redact": { ',
      /^invalid redaction config in \.audit-hooks\.json: not valid JSON \(/,
    ],
    ['.audit-hooks.json', [], /\.audit-hooks\.json: the file must hold a JSON object/],
    ['.audit-hooks.json', { redact: true }, /\.audit-hooks\.json: "redact" must be an object/],
    [
      '.audit-hooks.json',
      { redact: { enabled: 'yes' } },
      /"redact\.enabled" must be true or false/,
    ],
    ['.audit-hooks.json', { redact: { enable: false } }, /unknown option "redact\.enable"/],
    ['.audit-hooks.json', { redact: { keys: 'password' } }, /"redact\.keys" must be an array/],
    ['.audit-hooks.json', { redact: { keys: [''] } }, /"redact\.keys" must be an array/],
    ['.audit-hooks.json', { redact: { patterns: {} } }, /"redact\.patterns" must be an array/],
    [
      '.audit-hooks.json',
      { redact: { patterns: [{ name: 'x', pattern: 'a(' }] } },
      /"redact\.patterns\[0\]\.pattern" is not a valid regular expression \(/,
    ],
    [
      '.audit-hooks.json',
      { redact: { patterns: [{ name: 'x', pattern: 'a*' }] } },
      /"redact\.patterns\[0\]\.pattern" matches the empty string/,
    ],
    [
      '.audit-hooks.json',
      { redact: { patterns: [{ name: 'bad name!', pattern: 'x' }] } },
      /"redact\.patterns\[0\]\.name" must be 1-64 letters/,
    ],
    [
      '.audit-hooks.json',
      { redact: { patterns: [{ name: 'x', pattern: 'x', flags: 'g' }] } },
      /"redact\.patterns\[0\]\.flags" may only hold i, m, s and u/,
    ],
    [
      '.audit-hooks.json',
      { redact: { patterns: [{ name: 'x', regex: 'x' }] } },
      /unknown option "redact\.patterns\[0\]\.regex"/,
    ],
    [
      'package.json',
      '{"name": "app",}',
      /^invalid redaction config in package\.json: not valid JSON/,
    ],
    ['package.json', { 'audit-hooks': 5 }, /package\.json: "audit-hooks" must be an object/],
    [
      'package.json',
      { 'audit-hooks': { redact: { enabled: 1 } } },
      /package\.json: "audit-hooks\.redact\.enabled" must be true or false/,
    ],
  ])('refuses %s holding %j with one clear line', (file, content, message) => {
    write(file, content);
    const error = errorOf(() => loadRedactionRules(root));
    expect(error).toBeInstanceOf(AuditHooksError);
    expect(error.message).toMatch(message);
    expect(error.message).not.toContain('\n');
    expect(error.message).toMatch(/; fix it and run again/);
  });
});

describe('a pattern that could hang a commit', () => {
  it.each([
    ['itk_([a-z]+)+_END', /exponential time/],
    ['(a|aa)+$', /quadratic time/],
    ['([a-zA-Z0-9]+)*@', /exponential time/],
    ['x(\\w+\\s?)*$', /exponential time/],
    ['x(\\d+|\\d+\\.\\d+)+y', /exponential time/],
    ['[a-z]+_END', /quadratic time.*start the pattern with fixed text or a lookbehind/],
    ['=\\s*#?\\s*;', /polynomial time.*make adjacent repeats match different characters/],
  ])('refuses %s when the configuration is loaded, naming it and what to do', (pattern, kind) => {
    write('.audit-hooks.json', { redact: { patterns: [{ name: 'internal', pattern }] } });
    const error = errorOf(() => loadRedactionRules(root));
    expect(error).toBeInstanceOf(AuditHooksError);
    expect(error.message).toContain(
      `invalid redaction config in .audit-hooks.json: "redact.patterns[0].pattern" (internal: ${pattern}) can backtrack catastrophically: a long run of`,
    );
    expect(error.message).toMatch(kind);
    expect(error.message).not.toContain('\n');
  });

  it.each([
    'itk_[A-Za-z0-9]{20}',
    'itk_[a-z]+_END',
    '(?<![a-z])[a-z]+_END',
    '(?:foo|bar)_[0-9a-f]{40}',
    'ACME-[0-9]{4}-[0-9]{4}-[0-9]{4}',
    '\\bakv_[A-Za-z0-9]+\\b',
  ])('accepts %s, which runs in linear time', (pattern) => {
    write('.audit-hooks.json', { redact: { patterns: [{ name: 'internal', pattern }] } });
    expect(loadRedactionRules(root).patterns).toHaveLength(1);
  });

  it('holds the built-in shape rules to the same check', () => {
    const refused = SHAPE_RULES.map((rule) => [
      rule.name,
      backtrackingProblem(rule.regex.source, rule.regex.flags),
    ]).filter(([, problem]) => problem !== undefined);
    expect(refused).toEqual([]);
  });

  // A hang guard, not a timing: each of these took at most ~1 s on a 2-core machine
  // (`node bench/redact.mjs` measures every kind); a super-linear rule would take minutes.
  it('redacts a 1 MB string of near-matches of the built-in rules in bounded time', () => {
    for (const unit of ['&sig=/', 'a://b:c@', '"password": "/', 'eyJaaaaaaaaaaaa.', 'A_']) {
      const value = unit.repeat(Math.ceil(1_000_000 / unit.length)).slice(0, 1_000_000);
      const line = JSON.stringify({ id: 'x', timestamp: '2026-11-24T13:33:03Z', value });
      expect(redactLine(line, DEFAULT_REDACTION_RULES).line.length).toBeGreaterThan(0);
    }
  });
});
