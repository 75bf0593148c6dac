import { closeSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { linesBackward } from '../../src/read/reverse-lines.js';
import { tempDir } from '../helpers/git-repo.js';

let dir: string | undefined;
afterEach(() => {
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

function backward(content: string | Buffer, chunk: number): string[] {
  dir ??= tempDir();
  const path = join(dir, 'file.jsonl');
  writeFileSync(path, content);
  const fd = openSync(path, 'r');
  try {
    const size = Buffer.byteLength(content);
    return [...linesBackward(fd, size, chunk)].map((line) => line.toString('utf8'));
  } finally {
    closeSync(fd);
  }
}

describe('linesBackward', () => {
  const text = 'one\ntwo\n\nthree-is-longer\nfour\n';
  const expected = ['four', 'three-is-longer', 'two', 'one'];

  it.each([1, 2, 3, 4, 5, 7, 16, 64 * 1024])(
    'yields the lines last first with chunks of %i bytes',
    (chunk) => {
      expect(backward(text, chunk)).toEqual(expected);
    },
  );

  it('yields a last line without a newline, and nothing for an empty file', () => {
    expect(backward('a\nb', 2)).toEqual(['b', 'a']);
    expect(backward('', 4)).toEqual([]);
    expect(backward('\n\n', 1)).toEqual([]);
  });

  it('keeps multi-byte characters split across chunks intact', () => {
    expect(backward('ab€c\n漢字\n', 1)).toEqual(['漢字', 'ab€c']);
  });

  it('reads only the chunks the consumer asks for', () => {
    dir = tempDir();
    const path = join(dir, 'big.jsonl');
    const content = Array.from({ length: 1000 }, (_, i) => `line ${i}\n`).join('');
    writeFileSync(path, content);
    const fd = openSync(path, 'r');
    try {
      const lines = linesBackward(fd, Buffer.byteLength(content), 16);
      expect(lines.next().value?.toString()).toBe('line 999');
      expect(lines.next().value?.toString()).toBe('line 998');
      lines.return();
    } finally {
      closeSync(fd);
    }
  });
});
