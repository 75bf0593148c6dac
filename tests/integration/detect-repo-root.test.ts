// detectRepoRoot (§4) against real git: subfolders, linked worktrees, no repo, no git.
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { detectRepoRoot } from '../../src/writer/index.js';
import { makeRepo, runNode, shardFiles, type TempRepo, tempDir } from '../helpers/git-repo.js';

const cleanups: Array<() => void> = [];

afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

function repo(): TempRepo {
  const made = makeRepo();
  cleanups.push(made.cleanup);
  return made;
}

function folder(): string {
  const dir = tempDir('audit-hooks-plain-');
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Runs the built writer's detectRepoRoot in a child process. */
function detectInChild(
  dir: string,
  env: NodeJS.ProcessEnv = {},
): { root?: string; error?: string; type?: string } {
  const result = runNode('detect-root.mjs', [dir], { cwd: dir, env });
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  return JSON.parse(result.stdout);
}

describe('detectRepoRoot', () => {
  it('finds the root from a subfolder', () => {
    const { root } = repo();
    const sub = join(root, 'packages', 'app', 'src');
    mkdirSync(sub, { recursive: true });
    expect(detectRepoRoot(sub)).toBe(root);
    expect(detectRepoRoot(root)).toBe(root);
    expect(detectInChild(sub)).toEqual({ root });
  });

  it('returns a linked worktree’s own root, and the writer shards there', () => {
    const main = repo();
    const worktree = join(folder(), 'feature-wt');
    main.git('worktree', 'add', '-q', '-b', 'feature', worktree);
    const sub = join(worktree, 'deep', 'er');
    mkdirSync(sub, { recursive: true });

    expect(detectRepoRoot(sub)).toBe(worktree);
    expect(detectInChild(sub)).toEqual({ root: worktree });

    const logged = main.cli(['log', '{"event":"in-worktree"}', '--session', 'wt'], { cwd: sub });
    expect(logged.stderr).toBe('');
    expect(logged.status).toBe(0);
    expect(shardFiles(worktree).map((file) => file.split('/').at(-1))).toEqual([
      expect.stringMatching(/^\d{8}T\d{6}_wt\.jsonl$/),
    ]);
    expect(shardFiles(main.root)).toEqual([]);
  });

  it('honours GIT_DIR and GIT_WORK_TREE set by the caller, and log writes there (SPEC §4)', () => {
    const here = repo();
    const elsewhere = repo();
    const sub = join(here.root, 'sub');
    mkdirSync(sub);
    const env = { GIT_DIR: join(elsewhere.root, '.git'), GIT_WORK_TREE: elsewhere.root };
    expect(detectInChild(sub, env)).toEqual({ root: elsewhere.root });

    // Relative values mean relative to the caller's folder, as for git itself.
    expect(detectInChild(here.root, { GIT_DIR: '.git', GIT_WORK_TREE: '.' })).toEqual({
      root: here.root,
    });

    const logged = here.cli(['log', '{"event":"there"}', '--session', 'env'], { cwd: sub, env });
    expect(logged.stderr).toBe('');
    expect(logged.status).toBe(0);
    expect(shardFiles(here.root)).toEqual([]);
    expect(shardFiles(elsewhere.root)).toHaveLength(1);
  });

  it('outside a repository throws an Error saying “Not in a git repository”', () => {
    const dir = folder();
    expect(() => detectRepoRoot(dir)).toThrow(Error);
    expect(() => detectRepoRoot(dir)).toThrow(/Not in a git repository/);
    expect(detectInChild(dir)).toMatchObject({
      type: 'Error',
      error: expect.stringContaining('Not in a git repository'),
    });
    expect(existsSync(join(dir, 'logs'))).toBe(false);
  });

  it('finds a plain repository without starting git; says git was not found where it needs it', () => {
    const { root } = repo();
    const emptyBin = folder();
    // `audit-hooks log` runs on every agent tool call: the common case reads .git itself.
    expect(detectInChild(join(root), { PATH: emptyBin })).toEqual({ root });
    const outcome = detectInChild(folder(), { PATH: emptyBin });
    expect(outcome.root).toBeUndefined();
    expect(outcome.error).toMatch(/git was not found/);
  });

  it('leaves to git what git decides otherwise: inside .git, a bare repository, core.worktree', () => {
    const { root, git } = repo();
    expect(detectInChild(join(root, '.git'))).toMatchObject({
      error: expect.stringContaining('Not in a git repository'),
    });

    const bare = folder();
    git('init', '-q', '--bare', bare);
    expect(detectInChild(bare)).toMatchObject({
      error: expect.stringContaining('Not in a git repository'),
    });

    const moved = repo();
    const tree = folder();
    moved.git('config', 'core.worktree', tree);
    expect(detectRepoRoot(moved.root)).toBe(tree);
  });

  it('a submodule’s own root', () => {
    const inner = repo();
    inner.git('commit', '-q', '--allow-empty', '-m', 'inner');
    const outer = repo();
    outer.git('-c', 'protocol.file.allow=always', 'submodule', 'add', '-q', inner.root, 'sub');
    const sub = join(outer.root, 'sub', 'deep');
    mkdirSync(sub);
    expect(detectInChild(sub)).toEqual({ root: join(outer.root, 'sub') });
  });
});
