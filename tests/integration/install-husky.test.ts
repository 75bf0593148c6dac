// SPEC §7 with husky: the real husky 9 from the registry (installed once for this file)
// sets core.hooksPath to .husky/_ and writes its runner there. install must pick husky
// even next to the sample lefthook.yml that lefthook's postinstall drops, add its line to
// .husky/post-commit, and make hooks run in linked worktrees (where .husky/_ is missing).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  cleanupHusky,
  commitAll,
  gitIn,
  historyEvents,
  huskyBin,
  linkBin,
  logEntry,
  makeWorktreeRepo,
  ok,
  readIf,
  removeScratch,
  runHusky,
  snapshot,
  snapshotDiff,
  type WorktreeRepo,
} from '../helpers/install.js';

const SAMPLE =
  '# EXAMPLE USAGE:\n#\n#   Refer for explanation to following link:\n#   https://lefthook.dev/configuration/\n#\n# pre-push:\n#   jobs:\n#     - run: yarn audit\n';

beforeAll(() => {
  huskyBin();
});
afterAll(() => cleanupHusky());
afterEach(removeScratch);

/** A repo set up as `npx husky init` leaves it, committed, with linked worktrees on it. */
function huskyRepo(linked = 2): WorktreeRepo {
  const r = makeWorktreeRepo({ linked });
  writeFileSync(join(r.root, 'package.json'), '{\n  "name": "app",\n  "private": true\n}\n');
  runHusky(r.root, ['init']);
  // `husky init`'s pre-commit runs `npm test`; this team checks something quicker.
  writeFileSync(join(r.root, '.husky', 'pre-commit'), 'echo team pre-commit\n');
  gitIn(r.root, ['add', '-A']);
  gitIn(r.root, ['commit', '-q', '-m', 'husky init']);
  for (const worktree of r.worktrees.slice(1)) gitIn(worktree, ['reset', '-q', '--hard', 'main']);
  return r;
}

describe('install with husky', () => {
  it('picks husky from core.hooksPath, even next to lefthook’s sample lefthook.yml', () => {
    const r = huskyRepo();
    expect(r.git('config', 'core.hooksPath')).toBe('.husky/_');
    for (const worktree of r.worktrees) writeFileSync(join(worktree, 'lefthook.yml'), SAMPLE);
    const result = ok(r.install());
    expect(result.stdout).toMatch(
      /^audit-hooks: installing with husky \(core\.hooksPath is \.husky\/_\)/,
    );
    for (const worktree of r.worktrees) {
      expect(readIf(worktree, 'lefthook.yml')).toBe(SAMPLE);
      const hook = readIf(worktree, '.husky/post-commit') ?? '';
      expect(hook).toMatch(/"\$b" consolidate --hook/);
      expect(readIf(worktree, '.husky/post-checkout')).toMatch(/mkdir -p logs\/active/);
      expect(readIf(worktree, '.husky/pre-commit')).toBe('echo team pre-commit\n');
    }
    expect(readIf(r.root, '.git/hooks/post-commit')).toBeUndefined();
  });

  it('picks husky from a .husky/ folder where core.hooksPath is not set (yet)', () => {
    const r = huskyRepo(1);
    r.git('config', '--unset', 'core.hooksPath');
    const result = ok(r.install());
    expect(result.stdout).toMatch(
      /installing with husky \(the repository has a \.husky\/ folder\)/,
    );
  });

  it('makes hooks run in linked worktrees, and commits in every worktree consolidate', () => {
    const r = huskyRepo();
    linkBin(r.root);
    const linked = r.worktrees.slice(1);
    for (const worktree of linked) expect(existsSync(join(worktree, '.husky', '_'))).toBe(false);
    const result = ok(r.install());
    expect(result.stdout).toMatch(/wt1: \.husky\/_\/h: copy husky’s hook runner/);
    for (const worktree of linked) {
      expect(readFileSync(join(worktree, '.husky', '_', 'h'), 'utf8')).toBe(
        readFileSync(join(r.root, '.husky', '_', 'h'), 'utf8'),
      );
    }
    r.worktrees.forEach((worktree, i) => {
      logEntry(worktree, `husky${i}`, { event: `wt${i}` });
      const output = commitAll(worktree, `work in wt${i}`);
      expect(output).toMatch(/team pre-commit/);
      expect(output).toMatch(/consolidated 1 entry from 1 shard/);
      expect(historyEvents(worktree)).toEqual([`wt${i}`]);
    });

    const before = snapshot(r);
    expect(ok(r.install()).stdout).toMatch(/already installed in 3 worktrees; nothing changed/);
    expect(snapshotDiff(before, snapshot(r))).toEqual([]);
  });

  it('says it did not consolidate when audit-hooks is nowhere (husky runs hooks with sh -e)', () => {
    const r = huskyRepo(1);
    ok(r.install());
    for (const worktree of r.worktrees) {
      logEntry(worktree, 'none', { event: 'stays' });
      const output = commitAll(worktree, 'c');
      expect(output).toMatch(/audit-hooks: warning: did not consolidate \(audit-hooks not found/);
      expect(output).not.toMatch(/husky - post-commit script failed/);
      expect(historyEvents(worktree)).toEqual([]);
    }
  });

  it('uninstall takes its lines out of the husky hooks and leaves husky’s own', () => {
    const r = huskyRepo(1);
    writeFileSync(join(r.root, '.husky', 'post-commit'), 'echo team post-commit');
    const before = snapshot(r);
    ok(r.install());
    expect(readIf(r.root, '.husky/post-commit')).toMatch(/^echo team post-commit\n# audit-hooks/);
    ok(r.install(['uninstall']));
    const after = snapshot(r);
    // install copied husky's runner into the linked worktree so hooks run there; it is
    // generated and ignored (.husky/_/.gitignore), and kept so the team's hooks keep running.
    expect(
      snapshotDiff(before, after).filter((line) => !line.startsWith('+ wt1/.husky/_')),
    ).toEqual([]);
    expect(readIf(r.root, '.husky/post-commit')).toBe('echo team post-commit');
  });
});
