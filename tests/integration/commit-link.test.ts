// SPEC §13 with real hooks: entries consolidated by a commit's post-commit hook carry
// that commit, and `show` finds them after squash merges and rebases.
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

describe('entries know their commit', () => {
  it('stamps HEAD in the hook, and show answers after a squash merge and a rebase', () => {
    repo = makeRepo();
    mkdirSync(join(repo.root, 'node_modules', '.bin'), { recursive: true });
    symlinkSync(BIN, join(repo.root, 'node_modules', '.bin', 'audit-hooks'));
    writeFileSync(join(repo.root, '.git', 'info', 'exclude'), 'node_modules/\n');
    expect(repo.cli(['install']).status).toBe(0);
    repo.git('add', '-A');
    repo.git('commit', '-q', '-m', 'install');
    const worktree = join(tempDir(), 'feature');
    repo.git('worktree', 'add', '-q', '-b', 'feature', worktree);

    // main: a session, a commit that consolidates it, then the history committed.
    expect(repo.cli(['log', '--session', 'main-s', '{"event":"planned"}']).status).toBe(0);
    writeFileSync(join(repo.root, 'plan.md'), 'plan\n');
    repo.git('add', 'plan.md');
    repo.git('commit', '-q', '-m', 'plan');
    const planCommit = repo.git('rev-parse', 'HEAD');
    repo.git('add', 'logs/history');
    repo.git('commit', '-q', '-m', 'trail');

    // feature worktree: the same, with its own session.
    const wtGit = (...args: string[]) => repo.git('-C', worktree, ...args);
    expect(
      repo.cli(['log', '--session', 'feat-s', '{"event":"built"}'], { cwd: worktree }).status,
    ).toBe(0);
    writeFileSync(join(worktree, 'feature.ts'), 'export {};\n');
    wtGit('add', 'feature.ts');
    wtGit('commit', '-q', '-m', 'feature');
    const featureCommit = wtGit('rev-parse', 'HEAD');
    wtGit('add', 'logs/history');
    wtGit('commit', '-q', '-m', 'feature trail');

    expect(showJson(repo.root, planCommit).entries.map((e) => [e.event, e.commit])).toEqual([
      ['planned', planCommit],
    ]);
    expect(showJson(worktree, 'HEAD~1').entries.map((e) => e.event)).toEqual(['built']);
    expect(showJson(repo.root, 'HEAD').entries).toEqual([]); // the trail commit consolidated nothing

    // A squash merge into main keeps the entries (they live in committed files).
    repo.git('merge', '--squash', '-q', 'feature');
    repo.git('commit', '-q', '-m', 'squash feature');
    expect(
      historyEntries(repo.root)
        .map((e) => e.event)
        .sort(),
    ).toEqual(['built', 'planned']);
    expect(showJson(repo.root, featureCommit).entries.map((e) => e.event)).toEqual(['built']);

    // A rebase of feature onto main: the hook stays out of the way while it runs
    // (post-commit fires for each picked commit), and the entries still answer.
    expect(
      repo.cli(['log', '--session', 'feat-s', '{"event":"pending"}'], { cwd: worktree }).status,
    ).toBe(0);
    writeFileSync(join(worktree, 'more.ts'), 'export {};\n');
    wtGit('add', 'more.ts');
    wtGit('commit', '-q', '-m', 'more');
    const consolidatedByMore = wtGit('rev-parse', 'HEAD');
    wtGit('add', 'logs/history');
    wtGit('commit', '-q', '-m', 'more trail');
    expect(
      repo.cli(['log', '--session', 'feat-s', '{"event":"during-rebase"}'], { cwd: worktree })
        .status,
    ).toBe(0);
    wtGit('rebase', '-q', 'main');
    expect(wtGit('status', '--porcelain')).toBe('');
    expect(pendingEntries(worktree).map((e) => e.event)).toEqual(['during-rebase']);
    expect(showJson(worktree, consolidatedByMore).entries.map((e) => e.event)).toEqual(['pending']);
    expect(showJson(worktree, featureCommit).entries.map((e) => e.event)).toEqual(['built']);

    // tail --commit filters the same way; show prints for people by default.
    const tailed = repo.cli(['tail', '--commit', consolidatedByMore, '--json'], { cwd: worktree });
    expect(
      tailed.stdout
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l).event),
    ).toEqual(['pending']);
    const human = repo.cli(['show', consolidatedByMore], { cwd: worktree });
    expect(human.stdout).toMatch(
      new RegExp(
        `^audit-hooks: 1 entry consolidated by commit ${consolidatedByMore}\\n\\S+\\s+feat-s\\s+event=pending`,
      ),
    );
    expect(repo.cli(['tail', '--commit', 'HEAD', '--follow']).status).toBe(2);
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
