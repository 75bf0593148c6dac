import { describe, expect, it } from 'vitest';
import { ensureLines, removeLines } from '../../src/install/line-file.js';

const lines = ['logs/active/*', '!logs/active/.gitkeep', 'logs/quarantine/'];

const cases: Record<string, string | undefined> = {
  'no file': undefined,
  empty: '',
  'one line': 'node_modules/\n',
  'no final newline': 'node_modules/\ndist',
  'ends with a blank line': 'node_modules/\n\n',
  'only a newline': '\n',
  'comments and odd spacing': '# build output\n   dist/   \n\n\n# deps\nnode_modules\n',
  CRLF: 'node_modules/\r\ndist/\r\n',
  'CRLF, no final newline': 'node_modules/\r\ndist/',
  'one of the lines already there': 'logs/quarantine/\nnode_modules/\n',
};

describe('.gitignore-style line edits', () => {
  for (const [name, text] of Object.entries(cases)) {
    it(`adds the missing lines once and removes them byte for byte: ${name}`, () => {
      const added = ensureLines(text, lines, 'why');
      for (const line of lines) expect(added.split(/\r?\n/)).toContain(line);
      expect(added.startsWith(text ?? '')).toBe(true);
      expect(ensureLines(added, lines, 'why')).toBe(added);
      if (text?.includes('\r\n')) expect(added.replaceAll('\r\n', '')).not.toContain('\n');
      expect(removeLines(added, lines)).toBe(text ?? '');
    });
  }

  it('keeps lines the user added after the block', () => {
    const added = `${ensureLines('a\n', lines, 'why')}b\n`;
    expect(removeLines(added, lines)).toBe('a\nb\n');
  });

  it('leaves a comment of the user’s that looks like the header', () => {
    const text = '# audit-hooks: my own note\nnode_modules/\n';
    expect(removeLines(text, lines)).toBe(text);
    expect(removeLines(ensureLines(text, lines, 'why'), lines)).toBe(text);
  });
});
