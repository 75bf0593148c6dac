// The bin answers the commit steps (`hook pre-commit`, `hook post-commit`, v1's
// `consolidate --hook`) with nothing pending before anything else loads. That shortcut may
// only ever say "nothing to do" when the full step would have done nothing and said
// nothing; in every other case the full path runs, and words any problem.
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { nothingToConsolidate } from '../../src/history/nothing-to-consolidate.js';
import { AuditLog } from '../../src/writer/index.js';
import { makeRepo, removeTempDirs, type TempRepo, tempDir } from '../helpers/git-repo.js';

afterEach(() => removeTempDirs());

function logOne(repo: TempRepo): void {
  const log = new AuditLog({ repoRoot: repo.root });
  log.log({ event: 'pending' });
  log.close();
}

describe('nothingToConsolidate', () => {
  it('is true in a repository with no shard, from the root or a subfolder', () => {
    const repo = makeRepo();
    expect(nothingToConsolidate(repo.root)).toBe(true);
    mkdirSync(join(repo.root, 'logs', 'active'), { recursive: true });
    writeFileSync(join(repo.root, 'logs', 'active', '.gitkeep'), '');
    mkdirSync(join(repo.root, 'src', 'deep'), { recursive: true });
    expect(nothingToConsolidate(join(repo.root, 'src', 'deep'))).toBe(true);
  });

  it('is true in a linked worktree (a `.git` file)', () => {
    const repo = makeRepo();
    const worktree = join(tempDir(), 'agent');
    repo.git('worktree', 'add', '-q', '-b', 'agent', worktree);
    expect(nothingToConsolidate(worktree)).toBe(true);
  });

  it('is false when a shard or a claim is pending', () => {
    const repo = makeRepo();
    logOne(repo);
    expect(nothingToConsolidate(repo.root)).toBe(false);

    const other = makeRepo();
    mkdirSync(join(other.root, 'logs', 'active', '.claimed'), { recursive: true });
    writeFileSync(join(other.root, 'logs', 'active', '.claimed', 'x~1-1-0.jsonl'), '');
    expect(nothingToConsolidate(other.root)).toBe(false);

    // A claim set waiting for a commit to hold its batch; one being deleted is not work.
    const waiting = makeRepo();
    const claimed = join(waiting.root, 'logs', 'active', '.claimed');
    mkdirSync(join(claimed, '.released-20261127T120000000Z-1'), { recursive: true });
    expect(nothingToConsolidate(waiting.root)).toBe(true);
    mkdirSync(join(claimed, '20261127T120000000Z-1'));
    expect(nothingToConsolidate(waiting.root)).toBe(false);
  });

  it('is false outside a repository and for anything unusual', () => {
    expect(nothingToConsolidate(tempDir())).toBe(false);

    const claimedFile = makeRepo();
    mkdirSync(join(claimedFile.root, 'logs', 'active'), { recursive: true });
    writeFileSync(join(claimedFile.root, 'logs', 'active', '.claimed'), '');
    expect(nothingToConsolidate(claimedFile.root)).toBe(false);

    const claimedLink = makeRepo();
    mkdirSync(join(claimedLink.root, 'logs', 'active'), { recursive: true });
    symlinkSync(tempDir(), join(claimedLink.root, 'logs', 'active', '.claimed'));
    expect(nothingToConsolidate(claimedLink.root)).toBe(false);

    const activeFile = makeRepo();
    mkdirSync(join(activeFile.root, 'logs'), { recursive: true });
    writeFileSync(join(activeFile.root, 'logs', 'active'), '');
    expect(nothingToConsolidate(activeFile.root)).toBe(false);

    const badGitFile = tempDir();
    writeFileSync(join(badGitFile, '.git'), 'not a gitdir line\n');
    expect(nothingToConsolidate(badGitFile)).toBe(false);
  });
});

describe('the commit steps through the bin', () => {
  const STEPS = [
    ['hook', 'pre-commit'],
    ['hook', 'post-commit'],
    ['hook', 'post-commit', '--mode', 'post-commit'],
    ['consolidate', '--hook'],
  ];

  it('are silent with nothing pending, and still do what is pending', () => {
    const repo = makeRepo();
    for (const step of STEPS) {
      const idle = repo.cli(step);
      expect([idle.status, idle.stdout, idle.stderr], step.join(' ')).toEqual([0, '', '']);
    }
    logOne(repo);
    // v1's post-commit call is post-commit mode's step: the batch is written, unstaged.
    const busy = repo.cli(['consolidate', '--hook']);
    expect(busy.status).toBe(0);
    expect(busy.stdout).toMatch(/audit-hooks: 1 entry from 1 session → logs\/history\//);
  });

  it('leave the warning to the full path when something is wrong, and exit 0', () => {
    const repo = makeRepo();
    mkdirSync(join(repo.root, 'logs'), { recursive: true });
    writeFileSync(join(repo.root, 'logs', 'active'), 'not a folder');
    for (const step of STEPS) {
      const run = repo.cli(step);
      expect(run.status, step.join(' ')).toBe(0);
      expect(run.stderr).toMatch(/audit-hooks: warning: did not consolidate \(/);
    }
  });
});
