// A shard that does not end in a newline when a writer opens it: either a dead writer's torn
// line (ours must start on a fresh line, or the two are glued and quarantined together) or
// the line of a live writer sharing the shard, which readers can see half copied while its
// one `write` runs (an extra newline would leave an empty line). Fault injection at the edge:
// `fstatSync` lets the "live writer" finish its line on cue, while the writer is deciding.
import { appendFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { AuditLog } from '../../src/writer/index.js';
import { tempDir } from '../helpers/git-repo.js';

const liveWriter = vi.hoisted(() => ({ finishAfterStats: 0, finish: () => {} }));

vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const fstatSync = ((fd: number) => {
    if (liveWriter.finishAfterStats > 0 && --liveWriter.finishAfterStats === 0) liveWriter.finish();
    return fs.fstatSync(fd);
  }) as typeof fs.fstatSync;
  return { ...fs, default: { ...fs, fstatSync }, fstatSync };
});

let root: string;
let shard: string;

beforeEach(() => {
  root = tempDir('audit-hooks-unit-');
  mkdirSync(join(root, 'logs', 'active'), { recursive: true });
  shard = join(root, 'logs', 'active', '20261124T133303_s.jsonl');
});

afterEach(() => {
  liveWriter.finishAfterStats = 0;
  rmSync(root, { recursive: true, force: true });
});

it("starts on a fresh line after a dead writer's torn line", () => {
  const torn = '{"id":"a","timestamp":"2026-11-24T13:33:03.123Z","ses';
  writeFileSync(shard, torn);
  const entry = new AuditLog({ repoRoot: root, sessionId: 's' }).log({ event: 'next' });

  expect(readFileSync(shard, 'utf8').split('\n')).toEqual([torn, JSON.stringify(entry), '']);
});

it("adds no empty line in front of a live writer's line still being written", () => {
  const first = JSON.stringify({ id: 'first', timestamp: '2026-11-24T13:33:03.123Z' });
  const live = JSON.stringify({ id: 'live', pad: 'x'.repeat(1000) });
  writeFileSync(shard, `${first}\n${live.slice(0, 500)}`);
  // Still mid-line at open and at the first two polls; the line is complete at the third.
  liveWriter.finish = () => appendFileSync(shard, `${live.slice(500)}\n`);
  liveWriter.finishAfterStats = 4;

  const entry = new AuditLog({ repoRoot: root, sessionId: 's' }).log({ event: 'next' });

  expect(liveWriter.finishAfterStats).toBe(0);
  expect(readFileSync(shard, 'utf8').split('\n')).toEqual([first, live, JSON.stringify(entry), '']);
});
