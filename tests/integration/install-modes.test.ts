// SPEC §5 "two modes, chosen at install" and §7 `--mode`: post-commit mode as installed by
// each manager (unstaged batch files stamped with the commit, committed with the next one),
// and switching modes back and forth: only our commands change, a run without --mode keeps
// what is installed, and switching back gives the first install's bytes again.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/git-repo.js';
import { historyEntries, pendingEntries } from '../helpers/history.js';
import {
  addedBatches,
  cleanupHusky,
  commitChange,
  committedEvents,
  gitIn,
  gitStatus,
  huskyBin,
  linkBin,
  logEntry,
  makeWorktreeRepo,
  ok,
  removeScratch,
  runHusky,
  snapshot,
  snapshotDiff,
  type WorktreeRepo,
} from '../helpers/install.js';

beforeAll(() => {
  huskyBin();
});
afterAll(() => cleanupHusky());
afterEach(removeScratch);

const MANAGERS = ['lefthook', 'husky', 'git'] as const;
type Manager = (typeof MANAGERS)[number];

/** A repository with one linked worktree, ready for `manager` (husky: as `husky init` left it). */
function repoFor(manager: Manager): WorktreeRepo {
  const r = makeWorktreeRepo({ linked: 1 });
  if (manager === 'husky') {
    writeFileSync(join(r.root, 'package.json'), '{\n  "name": "app",\n  "private": true\n}\n');
    runHusky(r.root, ['init']);
    writeFileSync(join(r.root, '.husky', 'pre-commit'), 'echo team pre-commit\n');
    gitIn(r.root, ['add', '-A']);
    gitIn(r.root, ['commit', '-q', '-m', 'husky init']);
    gitIn(r.worktrees[1] as string, ['merge', '-q', 'main']);
  }
  linkBin(r.root);
  return r;
}

/**
 * What is not install's: what the commits made, and lefthook's cache of its config's hash
 * and time (rewritten by lefthook whenever the config changes).
 */
const NOT_INSTALLS = /^(wt\d\/(logs|work-[^/]*\.txt)|\.git\/info\/lefthook\.checksum)$/;

for (const manager of MANAGERS) {
  describe(`${manager}: post-commit mode`, () => {
    it('writes the trail after each commit, stamped with it, and the next commit carries it', () => {
      const r = repoFor(manager);
      const result = ok(r.install(['install', '--manager', manager, '--mode', 'post-commit']));
      expect(result.stdout).toMatch(
        new RegExp(
          `installing with ${manager} \\(.*\\), post-commit mode \\(chosen with --mode\\)`,
        ),
      );
      for (const worktree of r.worktrees) {
        logEntry(worktree, 'agent', { event: 'first' });
        commitChange(worktree, 'work');
        const head = gitIn(worktree, ['rev-parse', 'HEAD']).trim();
        // Not in this commit: written after it, unstaged, stamped with it.
        expect(addedBatches(worktree)).toEqual([]);
        expect(gitStatus(worktree)).toMatch(/^\?\? logs\/history\/\d{4}-\d\d-\d\d\/\S+\.jsonl$/);
        expect(historyEntries(worktree).map((entry) => [entry.event, entry.commit])).toEqual([
          ['first', head],
        ]);
        commitChange(worktree, 'more work');
        expect(committedEvents(worktree)).toEqual(['first']);
        expect(gitStatus(worktree)).toBe('');
        // --no-verify skips the pre-commit mark, so its post-commit step does nothing.
        logEntry(worktree, 'agent', { event: 'waits' });
        writeFileSync(join(worktree, 'x.txt'), worktree);
        gitIn(worktree, ['add', 'x.txt']);
        gitIn(worktree, ['commit', '-q', '--no-verify', '-m', 'unverified']);
        expect(gitStatus(worktree)).toBe('');
        expect(pendingEntries(worktree).map((entry) => entry.event)).toEqual(['waits']);
      }
      // The view puts the entry under the commit it followed, not also under the one that
      // carried its batch file.
      const page = join(r.root, 'view.html');
      ok(runCli(['view', '--no-open', '--out', page], { cwd: r.root }));
      const data = JSON.parse(
        /<script type="application\/json" id="audit-data">([^<]*)<\/script>/.exec(
          readFileSync(page, 'utf8'),
        )?.[1] as string,
      ) as { commits: Array<{ subject: string; entries: number[] }> };
      expect(data.commits.map((commit) => [commit.subject, commit.entries.length])).toEqual([
        ['work', 1],
      ]);
    });
  });

  describe(`${manager}: switching modes`, () => {
    it('changes only our commands, keeps the installed mode, and switches back byte for byte', () => {
      const r = repoFor(manager);
      const args = ['install', '--manager', manager];
      ok(r.install(args));
      const inCommit = snapshot(r, NOT_INSTALLS);

      const switched = ok(r.install([...args, '--mode', 'post-commit']));
      expect(switched.stdout).toMatch(/post-commit mode \(chosen with --mode\)/);
      const postCommit = snapshot(r, NOT_INSTALLS);
      expect(snapshotDiff(inCommit, postCommit).length).toBeGreaterThan(0);
      for (const worktree of r.worktrees) {
        logEntry(worktree, 'agent', { event: 'after the switch' });
        commitChange(worktree, 'work');
        expect(addedBatches(worktree)).toEqual([]);
        expect(historyEntries(worktree).map((entry) => entry.event)).toEqual(['after the switch']);
      }

      // Without --mode, from any worktree: as installed, nothing changes.
      for (const worktree of r.worktrees) {
        const again = ok(r.install(args, worktree));
        expect(again.stdout).toMatch(/post-commit mode \(as installed\)/);
        expect(again.stdout).toMatch(/nothing changed\n$/);
      }
      expect(snapshotDiff(postCommit, snapshot(r, NOT_INSTALLS))).toEqual([]);

      const back = ok(r.install([...args, '--mode', 'in-commit']));
      expect(back.stdout).toMatch(/in-commit mode \(chosen with --mode\)/);
      expect(snapshotDiff(inCommit, snapshot(r, NOT_INSTALLS))).toEqual([]);
      for (const worktree of r.worktrees) {
        logEntry(worktree, 'agent', { event: 'back in the commit' });
        commitChange(worktree, 'work again');
        expect(committedEvents(worktree)).toEqual(
          // The batch post-commit mode wrote is committed now too.
          ['after the switch', 'back in the commit'],
        );
        expect(gitStatus(worktree)).toBe('');
      }
    });
  });
}
