// SPEC §13 with real hooks: a commit carries the batch files of its trail (in-commit
// mode) or its entries are stamped with it (post-commit mode), and `show` finds them after
// squash merges, rebases, amends and cherry-picks.
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BIN, makeRepo, type TempRepo, tempDir } from '../helpers/git-repo.js';
import { historyEntries, pendingEntries } from '../helpers/history.js';

let repo: TempRepo;
afterEach(() => repo?.cleanup());

function showJson(
  cwd: string,
  rev: string,
): { commit: string; entries: Array<{ id: string; event: string; commit: string }> } {
  const run = repo.cli(['show', rev, '--json'], { cwd });
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  const lines = run.stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line));
  return { commit: rev, entries: lines };
}

function installGit(mode: 'in-commit' | 'post-commit'): void {
  mkdirSync(join(repo.root, 'node_modules', '.bin'), { recursive: true });
  symlinkSync(BIN, join(repo.root, 'node_modules', '.bin', 'audit-hooks'));
  writeFileSync(join(repo.root, '.git', 'info', 'exclude'), 'node_modules/\n');
  expect(repo.cli(['install', '--manager', 'git', '--mode', mode]).status).toBe(0);
}

function events(cwd: string, rev: string): string[] {
  return showJson(cwd, rev).entries.map((e) => e.event);
}

describe('entries know their commit', () => {
  it('a commit carries its batch: show answers after squash merge, rebase, amend and cherry-pick', () => {
    repo = makeRepo();
    installGit('in-commit');
    const worktree = join(tempDir(), 'feature');
    repo.git('worktree', 'add', '-q', '-b', 'feature', worktree);
    const wtGit = (...args: string[]) => repo.git('-C', worktree, ...args);
    const log = (cwd: string, session: string, event: string) =>
      expect(
        repo.cli(['log', '--session', session, JSON.stringify({ event })], { cwd }).status,
      ).toBe(0);

    log(repo.root, 'main-s', 'planned');
    writeFileSync(join(repo.root, 'plan.md'), 'plan\n');
    repo.git('add', 'plan.md');
    repo.git('commit', '-q', '-m', 'plan');
    const planCommit = repo.git('rev-parse', 'HEAD');
    expect(events(repo.root, planCommit)).toEqual(['planned']);

    log(worktree, 'feat-s', 'built');
    writeFileSync(join(worktree, 'feature.ts'), 'export {};\n');
    wtGit('add', 'feature.ts');
    wtGit('commit', '-q', '-m', 'feature');
    const featureCommit = wtGit('rev-parse', 'HEAD');
    expect(events(worktree, 'HEAD')).toEqual(['built']);
    // A commit with nothing pending carries no entries.
    writeFileSync(join(worktree, 'quiet.ts'), 'export {};\n');
    wtGit('add', 'quiet.ts');
    wtGit('commit', '-q', '-m', 'quiet');
    expect(events(worktree, 'HEAD')).toEqual([]);

    // A squash merge adds all of the branch's batches: its commit answers for them.
    repo.git('merge', '--squash', '-q', 'feature');
    repo.git('commit', '-q', '-m', 'squash feature');
    expect(events(repo.root, 'HEAD')).toEqual(['built']);
    expect(events(repo.root, featureCommit)).toEqual(['built']);
    expect(
      historyEntries(repo.root)
        .map((e) => e.event)
        .sort(),
    ).toEqual(['built', 'planned']);

    // A rebase rewrites the commit; the rewritten one carries the same batch.
    log(worktree, 'feat-s', 'during-rebase');
    wtGit('rebase', '-q', 'main~1');
    expect(wtGit('status', '--porcelain')).toBe('');
    expect(events(worktree, 'HEAD~1')).toEqual(['built']);
    expect(pendingEntries(worktree).map((e) => e.event)).toEqual(['during-rebase']);

    // An amend keeps what the commit carried and adds what was logged since.
    writeFileSync(join(worktree, 'quiet.ts'), 'export const x = 1;\n');
    wtGit('add', 'quiet.ts');
    wtGit('commit', '-q', '--amend', '--no-edit');
    expect(events(worktree, 'HEAD')).toEqual(['during-rebase']);

    // A cherry-pick carries the batch to another branch, same path, same bytes.
    const picked = wtGit('rev-parse', 'HEAD~1');
    repo.git('checkout', '-q', '-b', 'picked', 'main~1');
    repo.git('cherry-pick', picked);
    expect(events(repo.root, 'HEAD')).toEqual(['built']);

    // tail --commit filters the same way; show prints for people by default.
    const tailed = repo.cli(['tail', '--commit', planCommit, '--json']);
    expect(
      tailed.stdout
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l).event),
    ).toEqual(['planned']);
    const human = repo.cli(['show', planCommit]);
    expect(human.stdout).toMatch(
      new RegExp(
        `^audit-hooks: 1 entry consolidated by commit ${planCommit}\\n\\S+\\s+main-s\\s+event=planned`,
      ),
    );
    expect(repo.cli(['tail', '--commit', 'HEAD', '--follow']).status).toBe(2);
  });

  it('post-commit mode stamps each entry with the commit it followed, and show finds them', () => {
    repo = makeRepo();
    installGit('post-commit');
    expect(repo.cli(['log', '--session', 's', '{"event":"planned"}']).status).toBe(0);
    writeFileSync(join(repo.root, 'plan.md'), 'plan\n');
    repo.git('add', 'plan.md');
    repo.git('commit', '-q', '-m', 'plan');
    const planCommit = repo.git('rev-parse', 'HEAD');
    // Found before the batch is committed (it is in the worktree), and after.
    expect(showJson(repo.root, planCommit).entries.map((e) => [e.event, e.commit])).toEqual([
      ['planned', planCommit],
    ]);
    repo.git('add', 'logs/history');
    repo.git('commit', '-q', '-m', 'trail');
    expect(events(repo.root, planCommit)).toEqual(['planned']);
    expect(events(repo.root, 'HEAD')).toEqual([]);
  });

  it('says clearly when the revision is unknown', () => {
    repo = makeRepo();
    const run = repo.cli(['show', 'no-such-branch']);
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(
      'audit-hooks: unknown revision `no-such-branch`: give a commit git knows (HEAD, a branch, a sha) or a full 40-character sha\n',
    );
  });
});
