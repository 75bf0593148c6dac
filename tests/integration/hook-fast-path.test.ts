// The bin answers `consolidate --hook` with nothing pending before the CLI loads. That
// shortcut may only ever say "nothing to do" when the full consolidation would have done
// nothing and said nothing; in every other case the full path runs, and words any problem.
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

describe('consolidate --hook through the bin', () => {
  it('is silent with nothing pending, and still consolidates what is pending', () => {
    const repo = makeRepo();
    const idle = repo.cli(['consolidate', '--hook']);
    expect([idle.status, idle.stdout, idle.stderr]).toEqual([0, '', '']);

    logOne(repo);
    const busy = repo.cli(['consolidate', '--hook']);
    expect(busy.status).toBe(0);
    expect(busy.stdout).toMatch(/consolidated 1 entr/);
  });

  it('leaves the warning to the full path when something is wrong', () => {
    const repo = makeRepo();
    mkdirSync(join(repo.root, 'logs'), { recursive: true });
    writeFileSync(join(repo.root, 'logs', 'active'), 'not a folder');
    const run = repo.cli(['consolidate', '--hook']);
    expect(run.status).toBe(0);
    expect(run.stderr).toMatch(/did not consolidate/);
  });
});
