import { describe, expect, it } from 'vitest';
import { displayLabel, formatJson, showInvisible } from '../../src/view/page/format-json.js';

describe('formatJson (the details panel)', () => {
  it('indents like JSON.stringify(value, null, 2) where the line needs no care', () => {
    const value = {
      id: 'x',
      n: -1.5e-7,
      list: [1, [], {}, [true, null]],
      nested: { a: { b: 'c, d: {e}' } },
      quote: 'say "hi" \\ bye',
    };
    expect(formatJson(JSON.stringify(value))).toBe(JSON.stringify(value, null, 2));
  });

  it('keeps every token as stored: numbers as spelled, escapes as written', () => {
    const line = '{"cost":1.50,"big":12345678901234567890,"e":1E+2,"s":"\\u0041\\n\\/"}';
    expect(formatJson(line)).toBe(
      '{\n  "cost": 1.50,\n  "big": 12345678901234567890,\n  "e": 1E+2,\n  "s": "\\u0041\\n\\/"\n}',
    );
  });

  it('tolerates whitespace in the stored line', () => {
    expect(formatJson('{ "a" : [ 1 , 2 ] , "b" : { } }')).toBe(
      '{\n  "a": [\n    1,\n    2\n  ],\n  "b": {}\n}',
    );
  });

  it('shows characters that hide or reorder text as escapes, still valid JSON', () => {
    const line = JSON.stringify({ file: 'invoice\u202Efdp.exe', zw: 'a\u200Bb', c1: 'x\u0085y' });
    const shown = formatJson(line);
    expect(shown).toContain('"invoice\\u202efdp.exe"');
    expect(shown).toContain('"a\\u200bb"');
    expect(shown).toContain('"x\\u0085y"');
    expect(JSON.parse(shown)).toEqual(JSON.parse(line));
  });

  it('stops indenting deeper than 32 levels (a hostile line may nest thousands deep)', () => {
    const deep = `${'['.repeat(5000)}1${']'.repeat(5000)}`;
    const shown = formatJson(deep);
    expect(Math.max(...shown.split('\n').map((l) => l.length))).toBeLessThanOrEqual(65);
    expect(shown.replace(/\s/g, '')).toBe(deep);
  });
});

describe('labels outside the JSON', () => {
  it('escape what hides text and cut what is long', () => {
    expect(showInvisible('a\u2066b\u0007')).toBe('a\\u2066b\\u0007');
    expect(displayLabel('x'.repeat(100), 10)).toBe(`${'x'.repeat(9)}…`);
    expect(displayLabel('Bash')).toBe('Bash');
  });
});
