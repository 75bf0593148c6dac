// The caller's JSON text, kept: parsing into spans and writing back compact.
import { describe, expect, it } from 'vitest';
import { compactJson, JsonTextError, parseJsonText } from '../../src/writer/index.js';

const compact = (text: string, jsonc = false) => compactJson(text, parseJsonText(text, { jsonc }));

describe('parseJsonText / compactJson', () => {
  it.each([
    '{"a":9007199254740993}',
    '{"a":1.50,"b":-0.0,"c":1E+2}',
    '{"s":"\\u00e9\\n\\"\\/","k":1,"k":2}',
    '[true,false,null,{},[],""]',
    '"just a string"',
  ])('writes %s back byte for byte', (text) => {
    expect(compact(text)).toBe(text);
  });

  it('drops only the whitespace between tokens', () => {
    expect(compact('{\n  "a" : [ 1 ,\t2 ],\r\n "b": "x y"\n}\n')).toBe('{"a":[1,2],"b":"x y"}');
  });

  it.each([
    ['{"a":1,}', 'Trailing comma'],
    ['{"a" 1}', 'Expected :'],
    ['{"a":01}', 'Expected , or }'],
    ['{"a":"\u0001"}', 'Bad string'],
    ['{"a":1} x', 'Unexpected text'],
    ['', 'Unexpected end'],
    ['{"a":"\\x"}', 'Bad string'],
  ])('refuses %j (%s) with a position', (text, message) => {
    expect(() => parseJsonText(text)).toThrow(JsonTextError);
    expect(() => parseJsonText(text)).toThrow(message);
  });

  it('reads JSONC when asked: comments and trailing commas', () => {
    const text = '{\n  // a comment\n  "a": [1, 2,], /* more */ "b": 2,\n}';
    expect(compact(text, true)).toBe('{"a":[1,2],"b":2}');
    expect(() => parseJsonText(text)).toThrow(JsonTextError);
  });

  it('reads a 10 MB string (no regular expression to run out of stack)', () => {
    const text = `{"blob":"${'b'.repeat(10 * 1024 * 1024)}\\n"}`;
    expect(compact(text)).toBe(text);
  });

  it('agrees with JSON.parse on what the values are', () => {
    const text = '{"a":{"b":[1,"two",{"c":null}]},"d":"\\ud83d\\ude00"}';
    expect(JSON.parse(compact(text))).toEqual(JSON.parse(text));
  });
});
