// Several real processes writing through the BUILT writer at once (§1, §4): one shard per
// session, and one `write` per line on an O_APPEND descriptor, so no line is ever torn.
import { rmSync } from 'node:fs';
import { basename } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AuditLog } from '../../src/writer/index.js';
import { readJsonl, shardFiles, startNode, tempDir } from '../helpers/git-repo.js';

let root: string | undefined;

afterEach(() => {
  if (root) rmSync(root, { recursive: true, force: true });
  root = undefined;
});

/** Starts one writer process per spec, releases them together, returns their ids. */
async function writeConcurrently(
  repoRoot: string,
  writers: Array<{ session: string; count: number; padBytes: number; tag: string }>,
): Promise<string[][]> {
  const started = writers.map(({ session, count, padBytes, tag }) =>
    startNode('write-entries.mjs', [repoRoot, session, String(count), String(padBytes), tag], {
      cwd: repoRoot,
    }),
  );
  await Promise.all(started.map((child) => child.ready));
  for (const child of started) child.go();
  const results = await Promise.all(started.map((child) => child.done));
  return results.map(({ code, stdout, stderr }) => {
    expect(stderr).toBe('');
    expect(code).toBe(0);
    return stdout.trim().split('\n').slice(1); // after the `ready` line
  });
}

describe('concurrent writer processes', () => {
  it('3 processes, 3 sessions: 3 shards, every line valid, every id present', async () => {
    root = tempDir('audit-hooks-concurrent-');
    const count = 400;
    const sessions = ['alpha', 'bravo', 'charlie'];
    const ids = await writeConcurrently(
      root,
      sessions.map((session) => ({ session, count, padBytes: 200, tag: session })),
    );

    // Writers may start in different seconds: compare without the time stamp, by session.
    const files = shardFiles(root);
    expect(files.map((file) => basename(file).replace(/^\d{8}T\d{6}_/, '')).sort()).toEqual(
      sessions.map((session) => `${session}.jsonl`),
    );
    const shards = sessions.map((session) =>
      files.find((file) => basename(file).endsWith(`_${session}.jsonl`)),
    );
    sessions.forEach((session, index) => {
      const entries = readJsonl(shards[index] as string);
      expect(entries).toHaveLength(count);
      for (const entry of entries)
        expect(entry).toMatchObject({ session_id: session, tag: session });
      expect(entries.map((entry) => entry.seq)).toEqual(entries.map((_, i) => i + 1));
      expect(entries.map((entry) => entry.id)).toEqual(ids[index]);
    });
    expect(new Set(ids.flat()).size).toBe(3 * count);
  });

  it('2 processes sharing one session and shard never tear a ~64 KB line', async () => {
    root = tempDir('audit-hooks-concurrent-');
    // The session's shard exists, so both processes find it and share it.
    const opener = new AuditLog({ repoRoot: root, sessionId: 'shared' });
    const start = opener.log({ event: 'start' });
    opener.close();

    const count = 150;
    const padBytes = 64 * 1024;
    const tags = ['a-writer', 'b-writer'];
    const ids = await writeConcurrently(
      root,
      tags.map((tag) => ({ session: 'shared', count, padBytes, tag })),
    );

    const shards = shardFiles(root);
    expect(shards).toEqual([opener.shardFile]);
    const entries = readJsonl(opener.shardFile); // throws on any torn line
    expect(entries).toHaveLength(1 + 2 * count);
    expect(entries[0]).toEqual(start);
    tags.forEach((tag, index) => {
      const own = entries.filter((entry) => entry.tag === tag);
      expect(own.map((entry) => entry.id)).toEqual(ids[index]);
      expect(own.map((entry) => entry.n)).toEqual(own.map((_, i) => i + 1));
      for (const entry of own) expect(entry.pad).toBe(tag.charAt(0).repeat(padBytes));
    });
  });
});
