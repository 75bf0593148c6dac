// Fault injection at the edge: `writeSync` writes only part of a line, as a disk that
// fills up mid-write does. The writer must throw (never report a half entry as logged)
// and must not let the broken line swallow the next good entry.
import { readFileSync, rmSync } from 'node:fs';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { AuditLog } from '../../src/writer/index.js';
import { tempDir } from '../helpers/git-repo.js';

const fault = vi.hoisted(() => ({ shortWrites: 0 }));

vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const writeSync = (fd: number, data: Buffer): number => {
    if (fault.shortWrites > 0) {
      fault.shortWrites--;
      return fs.writeSync(fd, data.subarray(0, Math.floor(data.length / 2)));
    }
    return fs.writeSync(fd, data);
  };
  return { ...fs, default: { ...fs, writeSync }, writeSync };
});

let root: string;

beforeEach(() => {
  root = tempDir('audit-hooks-unit-');
});

afterEach(() => {
  fault.shortWrites = 0;
  rmSync(root, { recursive: true, force: true });
});

it('throws on a short write, and starts the next entry on a line of its own', () => {
  const log = new AuditLog({ repoRoot: root, sessionId: 's' });
  const first = log.log({ event: 'first' });

  fault.shortWrites = 1;
  expect(() => log.log({ event: 'lost' })).toThrow(/only \d+ of \d+ bytes.*not logged/);
  const next = log.log({ event: 'next' });

  const lines = readFileSync(log.shardFile, 'utf8').split('\n');
  expect(lines).toHaveLength(4); // first, the broken half line, next, and the final ''
  expect(JSON.parse(lines[0] as string)).toEqual(first);
  expect(() => JSON.parse(lines[1] as string)).toThrow(SyntaxError);
  expect(JSON.parse(lines[2] as string)).toEqual(next);
  expect(lines[3]).toBe('');
  // The entry that was not logged used up no sequence number.
  expect(next.seq).toBe(2);
});
