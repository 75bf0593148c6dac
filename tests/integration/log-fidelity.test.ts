// What a caller logs is what the shard holds (SPEC §3 fidelity), seq continues across
// `log` calls of one session (§3), and the writer's folders ignore themselves and never
// follow a link (§4).
import { mkdirSync, readFileSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  makeRepo,
  readJsonl,
  runCli,
  shardFiles,
  type TempRepo,
  tempDir,
} from '../helpers/git-repo.js';

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

function repo(): TempRepo {
  const made = makeRepo();
  cleanups.push(made.cleanup);
  return made;
}

function onlyShardText(root: string): string {
  const shards = shardFiles(root);
  expect(shards).toHaveLength(1);
  return readFileSync(shards[0] as string, 'utf8');
}

describe('fidelity (SPEC §3)', () => {
  it('keeps big integers, 1.50, escapes and duplicate keys byte for byte', () => {
    const { root } = repo();
    const given =
      '{"order_id":9007199254740993,"amount":1.50,"note":"caf\\u00e9 \\"q\\" \\/","k":1,"k":2}';
    const result = runCli(['log', given], { cwd: root });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const line = onlyShardText(root);
    expect(line).toMatch(
      /^\{"id":"[0-9a-f-]{36}","timestamp":"[^"]+","session_id":"[0-9a-f]{8}","seq":1,/,
    );
    expect(line.endsWith(`,${given.slice(1)}\n`)).toBe(true);
  });

  it('keeps the caller’s text from stdin too, on one line, whitespace between tokens dropped', () => {
    const { root } = repo();
    const result = runCli(['log'], { cwd: root, input: '{\n  "n": 1.0e+3,\n  "s": "a b"\n}\n' });
    expect(result.status).toBe(0);
    expect(onlyShardText(root)).toMatch(/,"n":1\.0e\+3,"s":"a b"\}\n$/);
  });

  it('refuses invalid UTF-8 on stdin, writing nothing (never U+FFFD)', () => {
    const { root } = repo();
    const result = runCli(['log'], {
      cwd: root,
      input: Buffer.from([
        0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d,
      ]) as unknown as string,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^audit-hooks: the entry is not valid UTF-8/);
    expect(shardFiles(root)).toEqual([]);
  });

  it('refuses a payload session_id that cannot name a shard, writing nothing', () => {
    const { root } = repo();
    const result = runCli(['log', '{"session_id":"../../etc/passwd"}'], { cwd: root });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/session_id .* cannot name a shard/);
    expect(shardFiles(root)).toEqual([]);
  });
});

describe('seq across log calls of one session (SPEC §3)', () => {
  it('continues 1, 2, 3 across separate processes, and after the shard was claimed', () => {
    const { root } = repo();
    const log = (n: number) => {
      const result = runCli(['log', JSON.stringify({ n }), '--session', 'agent-a'], { cwd: root });
      expect(result.status).toBe(0);
    };
    log(1);
    log(2);
    // A consolidation claims the shard (v2 layout: a folder per run under .claimed/).
    const [shard] = shardFiles(root);
    const set = join(root, 'logs', 'active', '.claimed', 'run-1');
    mkdirSync(set, { recursive: true });
    renameSync(shard as string, join(set, (shard as string).split('/').at(-1) as string));
    log(3);
    log(4);
    const fresh = readJsonl(shardFiles(root)[0] as string);
    expect(fresh.map((entry) => [entry.n, entry.seq])).toEqual([
      [3, 3],
      [4, 4],
    ]);
  });

  it('another session counts on its own', () => {
    const { root } = repo();
    runCli(['log', '{}', '--session', 'a'], { cwd: root });
    runCli(['log', '{}', '--session', 'b'], { cwd: root });
    runCli(['log', '{}', '--session', 'a'], { cwd: root });
    const entries = shardFiles(root).flatMap((file) => readJsonl(file));
    expect(entries.map((e) => `${e.session_id}:${e.seq}`).sort()).toEqual(['a:1', 'a:2', 'b:1']);
  });
});

describe('the shard folder (SPEC §4)', () => {
  it('ignores itself: logs/active/.gitignore holds *, and git status shows no shard', () => {
    const { root, git } = repo();
    runCli(['log', '{"a":1}'], { cwd: root });
    expect(readFileSync(join(root, 'logs', 'active', '.gitignore'), 'utf8')).toBe('*\n');
    expect(git('status', '--porcelain', '--untracked-files=all')).toBe('');
  });

  it('adds the .gitignore to a logs/active made without one', () => {
    const { root, git } = repo();
    mkdirSync(join(root, 'logs', 'active'), { recursive: true });
    runCli(['log', '{"a":1}'], { cwd: root });
    expect(readFileSync(join(root, 'logs', 'active', '.gitignore'), 'utf8')).toBe('*\n');
    expect(git('status', '--porcelain', '--untracked-files=all')).toBe('');
  });

  it.each([
    ['logs', 'logs'],
    ['logs/active', join('logs', 'active')],
  ])('refuses a symbolic link at %s, writing nothing outside the worktree', (_name, path) => {
    const { root } = repo();
    const outside = tempDir('audit-hooks-outside-');
    mkdirSync(join(root, path, '..'), { recursive: true });
    symlinkSync(outside, join(root, path));
    const result = runCli(['log', '{"a":1}'], { cwd: root });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(
      /is a symbolic link; audit-hooks never follows links under logs\//,
    );
    expect(shardFiles(outside)).toEqual([]);
    expect(() => readFileSync(join(outside, 'active', '.gitignore'))).toThrow();
  });

  it('never writes through a symbolic link at the shard path', () => {
    const { root } = repo();
    runCli(['log', '{"a":1}', '--session', 's'], { cwd: root });
    const [shard] = shardFiles(root);
    const outside = join(tempDir('audit-hooks-outside-'), 'target.jsonl');
    writeFileSync(outside, 'precious\n');
    renameSync(shard as string, `${shard}.old`);
    symlinkSync(outside, shard as string);
    // The link is not the session's shard (not a regular file): the entry goes to a new
    // shard, or, when that has the link's name (same second), is refused.
    const result = runCli(['log', '{"a":2}', '--session', 's'], { cwd: root });
    expect([0, 1]).toContain(result.status);
    expect(readFileSync(outside, 'utf8')).toBe('precious\n');
  });
});
