// `audit-hooks status` (SPEC §6): per worktree of a real repository, with the real
// installer where it applies.
import { chmodSync, mkdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { status, type WorktreeStatus } from '../../src/read/status.js';
import { makeRepo, type TempRepo, tempDir } from '../helpers/git-repo.js';

let repo: TempRepo;
const extra: string[] = [];
afterEach(() => {
  repo?.cleanup();
  // Linked worktrees live in their own temp folders.
  for (const dir of extra.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const CONSOLIDATE = 'audit-hooks consolidate --hook';

function write(root: string, relative: string, content: string, mode?: number): string {
  const path = join(root, relative);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, content);
  if (mode !== undefined) chmodSync(path, mode);
  return path;
}

const line = (id: string, timestamp = '2026-11-24T10:00:00.000Z') =>
  `${JSON.stringify({ id, timestamp, session_id: 's', seq: 1 })}\n`;

function statusJson(cwd: string, env: NodeJS.ProcessEnv = {}): WorktreeStatus[] {
  const result = repo.cli(['status', '--json'], { cwd, env });
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  return (JSON.parse(result.stdout) as { worktrees: WorktreeStatus[] }).worktrees;
}

describe('status: the logs of a worktree', () => {
  it('counts live and claimed shards, quarantined lines and history entries', async () => {
    repo = makeRepo();
    const root = repo.root;
    write(root, 'logs/active/20261124T100000_a.jsonl', line('a1') + line('a2') + line('a3'));
    // A write in flight is not an entry yet.
    write(root, 'logs/active/20261124T100500_b.jsonl', `${line('b1')}{"id":"b2","tim`);
    write(root, 'logs/active/.claimed/20261124T090000_c~1-1-0.jsonl', line('c1'));
    write(root, 'logs/quarantine/20261123T000000_x~1-1-0.jsonl', '{"line":1}\n{"line":4}\n');
    write(root, 'logs/quarantine/20261123T000000_y~1-1-0.jsonl', '{"line":2}\n');
    write(root, 'logs/history/2026-11-22.jsonl', line('h1', '2026-11-22T01:00:00Z'));
    write(
      root,
      'logs/history/2026-11-24.jsonl',
      line('h2') + line('h3', '2026-11-24T11:00:00Z') + line('h4', '2026-11-24T12:00:00Z'),
    );
    write(root, 'logs/history/notes.txt', 'not a partition\n');

    const [worktree] = statusJson(root);

    expect(worktree).toMatchObject({
      path: root,
      branch: 'main',
      current: true,
      exists: true,
      hooks: { installed: false, setups: [] },
      shards: [
        { file: 'logs/active/20261124T100000_a.jsonl', entries: 3, claimed: false },
        { file: 'logs/active/20261124T100500_b.jsonl', entries: 1, claimed: false },
        { file: 'logs/active/.claimed/20261124T090000_c~1-1-0.jsonl', entries: 1, claimed: true },
      ],
      quarantine: { files: 2, lines: 3 },
      history: { partitions: 2, entries: 4, firstDay: '2026-11-22', lastDay: '2026-11-24' },
    });
    // The library says the same.
    expect((await status({ cwd: root })).worktrees[0]).toEqual(worktree);
  });

  it('dates the last consolidation by the newest change to logs/history', () => {
    repo = makeRepo();
    const root = repo.root;
    const older = write(root, 'logs/history/2026-11-22.jsonl', line('h1', '2026-11-22T01:00Z'));
    const newer = write(root, 'logs/history/2026-11-24.jsonl', line('h2'));
    const dir = join(root, 'logs', 'history');
    const t = (iso: string) => new Date(iso);
    utimesSync(older, t('2026-11-24T09:00:00Z'), t('2026-11-24T09:00:00Z'));
    // The newest partition by mtime, not by name.
    utimesSync(newer, t('2026-11-24T08:00:00Z'), t('2026-11-24T08:00:00Z'));
    utimesSync(dir, t('2026-11-24T07:00:00Z'), t('2026-11-24T07:00:00Z'));
    expect(statusJson(root)[0]?.history.lastChange).toBe('2026-11-24T09:00:00.000Z');
    // A rename into the folder (how write-file-atomic replaces a partition) shows on the folder.
    utimesSync(dir, t('2026-11-24T10:00:00Z'), t('2026-11-24T10:00:00Z'));
    expect(statusJson(root)[0]?.history.lastChange).toBe('2026-11-24T10:00:00.000Z');
  });

  it('prints a summary for people', () => {
    repo = makeRepo();
    write(repo.root, 'logs/active/20261124T100000_abcd1234.jsonl', line('a1') + line('a2'));
    write(repo.root, 'logs/quarantine/20261123T000000_x~1-1-0.jsonl', '{"line":1}\n');
    write(repo.root, 'logs/history/2026-11-24.jsonl', line('h1'));

    const result = repo.cli(['status']);

    expect(result.status).toBe(0);
    expect(result.stderr).toBe('');
    const out = result.stdout;
    expect(out).toContain(`${repo.root} [main] (this worktree)`);
    expect(out).toMatch(/^ {2}hooks +not installed: run `npx audit-hooks install`$/m);
    expect(out).toMatch(/^ {2}live shards +1 shard, 2 entries$/m);
    expect(out).toMatch(/^ +logs\/active\/20261124T100000_abcd1234\.jsonl {2}2 entries$/m);
    expect(out).toMatch(/^ {2}quarantine +1 line in 1 file under logs\/quarantine\//m);
    expect(out).toMatch(/^ {2}history +1 entry in 1 partition \(2026-11-24\), 0\.\d kB$/m);
    expect(out).toMatch(
      /^ {2}last consolidation +\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} \((just now|\d+ \w+ ago)\)$/m,
    );
  });

  it('says so outside a git repository', () => {
    repo = makeRepo();
    const result = repo.cli(['status'], { cwd: tempDir() });
    expect(result.status).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/Not in a git repository/);
  });
});

describe('status: hooks', () => {
  it('sees the lefthook job that `audit-hooks install` adds, and whether lefthook runs it', () => {
    repo = makeRepo();
    const install = repo.cli(['install']);
    expect(install.status, install.stderr).toBe(0);
    expect(statusJson(repo.root)[0]?.hooks).toEqual({
      installed: true,
      setups: [{ manager: 'lefthook', file: 'lefthook.yml', runs: true }],
    });

    // The config without lefthook's own hook in .git/hooks does nothing.
    write(repo.root, '.git/hooks/post-commit', '#!/bin/sh\necho someone else\n', 0o755);
    const [worktree] = statusJson(repo.root);
    expect(worktree?.hooks.installed).toBe(false);
    expect(worktree?.hooks.setups[0]).toMatchObject({ manager: 'lefthook', runs: false });
    expect(worktree?.hooks.setups[0]?.note).toMatch(/lefthook is not installed in \.git\/hooks/);
    expect(repo.cli(['status']).stdout).toMatch(
      /hooks +NOT RUNNING: lefthook \(post-commit job in lefthook\.yml\) is set up, but lefthook is not installed/,
    );
  });

  it('reads lefthook’s commands form and ignores other hooks’ jobs', () => {
    repo = makeRepo();
    write(repo.root, '.git/hooks/post-commit', '#!/bin/sh\n# lefthook stub\n', 0o755);
    write(
      repo.root,
      'lefthook.yml',
      `pre-commit:\n  jobs:\n    - run: ${CONSOLIDATE}\npost-commit:\n  commands:\n    lint:\n      run: npm run lint\n`,
    );
    expect(statusJson(repo.root)[0]?.hooks.installed).toBe(false);
    write(
      repo.root,
      'lefthook.yml',
      `post-commit:\n  commands:\n    audit:\n      run: npx ${CONSOLIDATE}\n`,
    );
    expect(statusJson(repo.root)[0]?.hooks.setups).toEqual([
      { manager: 'lefthook', file: 'lefthook.yml', runs: true },
    ]);
  });

  it('sees the plain git hook that `install --manager git` writes, in core.hooksPath too', () => {
    repo = makeRepo();
    expect(repo.cli(['install', '--manager', 'git']).status).toBe(0);
    expect(statusJson(repo.root)[0]?.hooks.setups).toEqual([
      { manager: 'git', file: '.git/hooks/post-commit', runs: true },
    ]);

    repo.git('config', 'core.hooksPath', 'githooks');
    expect(statusJson(repo.root)[0]?.hooks).toEqual({ installed: false, setups: [] });
    write(repo.root, 'githooks/post-commit', `#!/bin/sh\n${CONSOLIDATE}\n`, 0o644);
    const [worktree] = statusJson(repo.root);
    expect(worktree?.hooks.setups).toEqual([
      {
        manager: 'git',
        file: 'githooks/post-commit',
        runs: false,
        note: expect.stringMatching(/not executable/),
      },
    ]);
    chmodSync(join(repo.root, 'githooks', 'post-commit'), 0o755);
    expect(statusJson(repo.root)[0]?.hooks.installed).toBe(true);
  });

  it('sees a husky post-commit line, running only through core.hooksPath', () => {
    repo = makeRepo();
    write(repo.root, '.husky/post-commit', `${CONSOLIDATE}\n`);
    const idle = statusJson(repo.root)[0]?.hooks;
    expect(idle?.installed).toBe(false);
    expect(idle?.setups).toEqual([
      {
        manager: 'husky',
        file: '.husky/post-commit',
        runs: false,
        note: expect.stringMatching(/core\.hooksPath is not set/),
      },
    ]);
    // What husky sets up: core.hooksPath .husky/_ with its runner for each hook there.
    write(repo.root, '.husky/_/post-commit', '#!/usr/bin/env sh\n. "$(dirname "$0")/h"\n', 0o755);
    repo.git('config', 'core.hooksPath', '.husky/_');
    expect(statusJson(repo.root)[0]?.hooks).toEqual({
      installed: true,
      setups: [{ manager: 'husky', file: '.husky/post-commit', runs: true }],
    });
  });
});

describe('status: worktrees', () => {
  it('reports every worktree, from any of them, even with a hook’s GIT_DIR set', () => {
    repo = makeRepo();
    const parent = tempDir();
    extra.push(parent);
    const linked = join(parent, 'feature');
    repo.git('worktree', 'add', '-q', linked, '-b', 'feature');
    write(linked, 'logs/active/20261124T100000_w.jsonl', line('w1'));
    write(repo.root, 'logs/history/2026-11-24.jsonl', line('h1') + line('h2'));

    // As in a post-commit hook of the linked worktree: GIT_DIR points at its git folder.
    const worktrees = statusJson(linked, {
      GIT_DIR: join(repo.root, '.git', 'worktrees', 'feature'),
      GIT_INDEX_FILE: join(repo.root, '.git', 'worktrees', 'feature', 'index'),
    });

    expect(worktrees.map((w) => [w.path, w.branch, w.current])).toEqual([
      [repo.root, 'main', false],
      [linked, 'feature', true],
    ]);
    expect(worktrees[0]?.history.entries).toBe(2);
    expect(worktrees[0]?.shards).toEqual([]);
    expect(worktrees[1]?.history.entries).toBe(0);
    expect(worktrees[1]?.shards).toEqual([
      { file: 'logs/active/20261124T100000_w.jsonl', entries: 1, claimed: false },
    ]);
  });

  it('marks a worktree whose folder is gone', () => {
    repo = makeRepo();
    const parent = tempDir();
    extra.push(parent);
    const linked = join(parent, 'gone');
    repo.git('worktree', 'add', '-q', linked, '-b', 'gone');
    rmSync(linked, { recursive: true, force: true });
    const result = repo.cli(['status']);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(`${linked} [gone] — folder missing`);
  });
});
