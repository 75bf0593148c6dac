// `audit-hooks status` (SPEC §6) of real repositories set up by the real installer: per
// worktree, the mode and the hooks install left (and whether git would run them), live
// shards, claims waiting for a commit, quarantined lines, batch files and v1 partitions,
// the ignore rule that covers the trail; every hint a command that works in that worktree.
import { chmodSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type StatusResult, status, type WorktreeStatus } from '../../src/read/status.js';
import { runCli, tempDir } from '../helpers/git-repo.js';
import { batchFiles } from '../helpers/history.js';
import {
  cleanupHusky,
  commitChange,
  gitIn,
  huskyBin,
  installedRepo,
  linkBin,
  logEntry,
  makeWorktreeRepo,
  ok,
  removeScratch,
  runHusky,
  type WorktreeRepo,
} from '../helpers/install.js';

beforeAll(() => {
  huskyBin();
});
afterAll(() => cleanupHusky());
afterEach(removeScratch);

function statusJson(cwd: string, env: NodeJS.ProcessEnv = {}): WorktreeStatus[] {
  const result = runCli(['status', '--json'], { cwd, env });
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  return (JSON.parse(result.stdout) as StatusResult).worktrees;
}

function statusText(cwd: string): string {
  return ok(runCli(['status'], { cwd })).stdout;
}

/** A repository with one linked worktree, husky set up as `husky init` does when asked. */
function repoFor(manager: 'lefthook' | 'husky' | 'git'): WorktreeRepo {
  const r = makeWorktreeRepo({ linked: 1 });
  if (manager === 'husky') {
    writeFileSync(join(r.root, 'package.json'), '{\n  "name": "app",\n  "private": true\n}\n');
    runHusky(r.root, ['init']);
    writeFileSync(join(r.root, '.husky', 'pre-commit'), 'echo team\n');
    gitIn(r.root, ['add', '-A']);
    gitIn(r.root, ['commit', '-q', '-m', 'husky']);
    gitIn(r.worktrees[1] as string, ['merge', '-q', 'main']);
  }
  return r;
}

describe('status: the logs of a worktree', () => {
  it('counts live shards, claims waiting for a commit, quarantined lines, batches and v1 partitions', async () => {
    const r = repoFor('git');
    linkBin(r.root);
    ok(r.install(['install', '--manager', 'git']));
    const root = r.root;
    // Committed: a batch of two entries, one line quarantined on the way.
    logEntry(root, 'a', { event: 'one' });
    logEntry(root, 'a', { event: 'two' });
    writeFileSync(join(root, 'logs', 'active', '20261124T100000_bad.jsonl'), 'not an entry\n');
    commitChange(root, 'work');
    // A v1 partition, still read.
    writeFileSync(
      join(root, 'logs', 'history', '2026-11-24.jsonl'),
      `${JSON.stringify({ id: 'v1', timestamp: '2026-11-24T10:00:00.000Z', session_id: 'v1', seq: 1 })}\n`,
    );
    // Claimed and batched by a commit that was then aborted: it waits for the next one.
    logEntry(root, 'c', { event: 'waits' });
    writeFileSync(join(root, 'staged.txt'), 'x\n');
    gitIn(root, ['add', 'staged.txt']);
    expect(() => gitIn(root, ['commit', '-q', '-m', ''])).toThrow();
    // Live, and a write in flight that is not an entry yet.
    logEntry(root, 'b', { event: 'live 1' });
    logEntry(root, 'b', { event: 'live 2' });
    const shard = join(root, 'logs', 'active', '20000101T000000_inflight.jsonl');
    writeFileSync(shard, '{"id":"x","tim');

    const [worktree] = statusJson(root);
    expect(worktree).toMatchObject({
      path: root,
      branch: 'main',
      current: true,
      exists: true,
      command: 'git audit-hooks',
      shards: [
        { file: 'logs/active/20000101T000000_inflight.jsonl', entries: 0 },
        { file: expect.stringMatching(/^logs\/active\/\d{8}T\d{6}_b\.jsonl$/), entries: 2 },
      ],
      claims: { sets: 1, entries: 1, batches: [expect.stringMatching(/^logs\/history\//)] },
      quarantine: { files: 1, lines: 1 },
      history: { files: 3, entries: 4, firstDay: '2026-11-24' },
    });
    expect(worktree?.history.lastChange).toMatch(/^\d{4}-\d\d-\d\dT/);
    // The library says the same.
    expect((await status({ cwd: root })).worktrees[0]).toEqual(worktree);

    const text = statusText(root);
    expect(text).toContain(`${root} [main] (this worktree)`);
    expect(text).toMatch(/^ {2}live shards +2 shards, 2 entries$/m);
    expect(text).toMatch(
      /^ {2}waiting +1 claim set: 1 entry in 1 batch file, waiting for a commit to hold them$/m,
    );
    expect(text).toMatch(/^ {2}quarantine +1 line in 1 file under logs\/quarantine\//m);
    expect(text).toMatch(/^ {2}history +4 entries in 3 files? \(2026-11-24 … \d{4}-\d\d-\d\d\)/m);
    expect(text).toMatch(/^ {2}last consolidation +\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \(/m);
    expect(batchFiles(root)).toHaveLength(2);
  });

  it('last consolidation is when it ran, not when its entries were written; a set not yet batched says so', () => {
    const { root } = installedRepo({ linked: 0 });
    const active = join(root, 'logs', 'active');
    mkdirSync(active, { recursive: true });
    writeFileSync(
      join(active, '20261101T100000_early.jsonl'),
      `${JSON.stringify({ id: 'early-1', timestamp: '2026-11-01T10:00:00.000Z', session_id: 'early', seq: 1 })}\n`,
    );
    const before = Date.now();
    commitChange(root, 'with the early trail');
    const [worktree] = statusJson(root);
    expect(worktree?.claims.sets).toBe(0);
    expect(Date.parse(worktree?.history.lastChange ?? '')).toBeGreaterThanOrEqual(before - 1000);

    // A claim set whose run never decided its batch (a consolidation killed mid-way).
    const set = join(active, '.claimed', '20261127T100000000Z-0123456789');
    mkdirSync(set, { recursive: true });
    writeFileSync(
      join(set, '20261127T100000_late.jsonl'),
      `${JSON.stringify({ id: 'late-1', timestamp: '2026-11-27T10:00:00.000Z', session_id: 'late', seq: 1 })}\n`,
    );
    expect(statusJson(root)[0]?.claims).toEqual({ sets: 1, entries: 0, batches: [], undecided: 1 });
    expect(statusText(root)).toMatch(
      /^ {2}waiting +1 claim set not yet batched \(a consolidation is running, or was stopped: the next one finishes it\)$/m,
    );
  });

  it('says so outside a git repository', () => {
    const result = runCli(['status'], { cwd: tempDir() });
    expect(result.status).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/Not in a git repository/);
  });
});

describe('status: the hooks install left, in every worktree', () => {
  const where = {
    lefthook: [
      ['lefthook.yml', 'lefthook.yml'],
      ['lefthook-local.yml', 'lefthook-local.yml'],
    ],
    husky: [
      ['.husky/pre-commit', '.husky/post-commit'],
      ['.husky/_/pre-commit', '.husky/_/post-commit'],
    ],
    git: [
      ['.git/hooks/pre-commit', '.git/hooks/post-commit'],
      [/\/\.git\/hooks\/pre-commit$/, /\/\.git\/hooks\/post-commit$/],
    ],
  } as const;

  for (const manager of ['lefthook', 'husky', 'git'] as const) {
    for (const mode of ['in-commit', 'post-commit'] as const) {
      it(`${manager}, ${mode} mode: installed and running`, () => {
        const r = repoFor(manager);
        ok(r.install(['install', '--manager', manager, '--mode', mode]));
        const worktrees = statusJson(r.worktrees[1] as string);
        worktrees.forEach((worktree, i) => {
          const [pre, post] = where[manager][i] as readonly [string | RegExp, string | RegExp];
          const file = (expected: string | RegExp) =>
            typeof expected === 'string' ? expected : expect.stringMatching(expected);
          expect(worktree.hooks).toEqual({
            installed: true,
            mode,
            setups: [
              { manager, hook: 'pre-commit', mode, file: file(pre), runs: true },
              { manager, hook: 'post-commit', mode, file: file(post), runs: true },
            ],
          });
        });
        expect(statusText(r.root)).toMatch(
          new RegExp(`^ {2}hooks +installed, ${mode} mode: ${manager} `, 'm'),
        );
      });
    }
  }

  it('lefthook configured but not installed in .git/hooks: NOT RUNNING, with a fix that works there', () => {
    const r = repoFor('lefthook');
    linkBin(r.root);
    ok(r.install());
    for (const hook of ['pre-commit', 'post-commit']) rmSync(join(r.root, '.git', 'hooks', hook));
    const [main, linked] = statusJson(r.root);
    expect(main?.hooks.installed).toBe(false);
    expect(main?.hooks.setups[0]).toMatchObject({ manager: 'lefthook', runs: false });
    // The alias install set works in every worktree, with or without node_modules.
    expect(main?.hooks.setups[0]?.note).toBe(
      'lefthook is not installed in .git/hooks: run `git audit-hooks install` again',
    );
    expect(linked?.hooks.setups[0]?.note).toBe(
      `lefthook is not installed in ${r.root}/.git/hooks: run \`git audit-hooks install\` again`,
    );
    expect(statusText(r.root)).toMatch(
      /hooks +NOT RUNNING: lefthook \(pre-commit job in lefthook\.yml\) is set up, but lefthook is not installed/,
    );
  });

  it('husky lines without core.hooksPath, or a git hook that is not executable: NOT RUNNING', () => {
    const husky = repoFor('husky');
    ok(husky.install());
    husky.git('config', '--unset', 'core.hooksPath');
    const [worktree] = statusJson(husky.root);
    expect(worktree?.hooks.installed).toBe(false);
    expect(worktree?.hooks.setups[0]).toMatchObject({
      manager: 'husky',
      runs: false,
      note: 'core.hooksPath is not set, so git does not run husky’s hooks: run `git audit-hooks install`',
    });

    const git = repoFor('git');
    ok(git.install(['install', '--manager', 'git']));
    chmodSync(join(git.root, '.git', 'hooks', 'post-commit'), 0o644);
    const [plain] = statusJson(git.root);
    expect(plain?.hooks.installed).toBe(false);
    expect(plain?.hooks.setups[1]).toMatchObject({
      manager: 'git',
      hook: 'post-commit',
      runs: false,
      note: 'the hook is not executable, so git skips it: run `git audit-hooks install`',
    });
  });

  it('not installed: says so, with the command that installs it there', () => {
    const r = repoFor('lefthook');
    expect(statusText(r.root)).toMatch(/^ {2}hooks +not installed: run `audit-hooks install`$/m);
    linkBin(r.root);
    expect(statusText(r.root)).toMatch(
      /^ {2}hooks +not installed: run `npx audit-hooks install`$/m,
    );
  });
});

describe('status: worktrees', () => {
  it('reports every worktree, from any of them, even with a hook’s GIT_DIR set', () => {
    const r = makeWorktreeRepo({ linked: 1 });
    const linked = r.worktrees[1] as string;
    logEntry(linked, 'w', { event: 'live' });

    // As in a post-commit hook of the linked worktree: GIT_DIR points at its git folder.
    const worktrees = statusJson(linked, {
      GIT_DIR: join(r.root, '.git', 'worktrees', 'wt1'),
      GIT_INDEX_FILE: join(r.root, '.git', 'worktrees', 'wt1', 'index'),
    });

    expect(worktrees.map((w) => [w.path, w.branch, w.current])).toEqual([
      [r.root, 'main', false],
      [linked, 'wt1', true],
    ]);
    expect(worktrees[0]?.shards).toEqual([]);
    expect(worktrees[1]?.shards).toEqual([
      { file: expect.stringMatching(/^logs\/active\/\d{8}T\d{6}_w\.jsonl$/), entries: 1 },
    ]);
  });

  it('marks a worktree whose folder is gone', () => {
    const r = makeWorktreeRepo({ linked: 1 });
    rmSync(r.worktrees[1] as string, { recursive: true, force: true });
    const text = statusText(r.root);
    expect(text).toContain(`${r.worktrees[1]} [wt1] — folder missing`);
  });
});
