import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuditHooksError } from '../../src/errors.js';
import { loadRedactionRules } from '../../src/redact/config.js';
import { applyRedaction, DEFAULT_REDACTION_RULES } from '../../src/redact/redact.js';
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
