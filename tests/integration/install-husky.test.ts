// SPEC §7 with husky: the real husky 9 from the registry (installed once for this file)
// sets core.hooksPath to .husky/_ and writes its runner there. install must pick husky
// even next to the sample lefthook.yml that lefthook's postinstall drops, add its lines at
// the end of .husky/pre-commit and .husky/post-commit, and make every existing worktree
// (where .husky/_ is missing, and whose branch has no line of ours) run them on its next
// commit, without a change that blocks merging main. A project whose pre-commit runs
// lint-staged (from the registry too) keeps working, with our step after it.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { pendingEntries } from '../helpers/history.js';
import {
  cleanupHusky,
  commitChange,
  committedEvents,
  gitIn,
  gitStatus,
  hookEnv,
  huskyBin,
  linkBin,
  logEntry,
  makeWorktreeRepo,
  nodeShim,
  ok,
  readIf,
  removeScratch,
  runHusky,
  scratchDir,
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
  for (const worktree of r.worktrees.slice(1)) gitIn(worktree, ['merge', '-q', 'main']);
  return r;
}

describe('install with husky', () => {
  it('picks husky from core.hooksPath, even next to lefthook’s sample lefthook.yml', () => {
    const r = huskyRepo();
    expect(r.git('config', 'core.hooksPath')).toBe('.husky/_');
    writeFileSync(join(r.root, 'lefthook.yml'), SAMPLE);
    const result = ok(r.install());
    expect(result.stdout).toMatch(
      /^audit-hooks: installing with husky \(core\.hooksPath is \.husky\/_\), in-commit mode/,
    );
    expect(result.stdout).toMatch(
      /installed in 3 worktrees; commit \.husky\/post-commit \.husky\/pre-commit \(here;/,
    );
    expect(readIf(r.root, 'lefthook.yml')).toBe(SAMPLE);
    // After the team's own line, so that what they run has finished with the index.
    expect(readIf(r.root, '.husky/pre-commit')).toMatch(
      /^echo team pre-commit\n\n# audit-hooks: .*\n.*"\$b" hook pre-commit .*\n$/,
    );
    expect(readIf(r.root, '.husky/post-commit')).toMatch(/^# audit-hooks: .*\n.*hook post-commit/);
    expect(existsSync(join(r.root, '.husky', 'post-checkout'))).toBe(false);
    expect(readIf(r.root, '.git/hooks/pre-commit')).toBeUndefined();
    expect(gitStatus(r.root)).toBe(' M .husky/pre-commit\n?? .husky/post-commit\n?? lefthook.yml');
    // The other worktrees: husky's runner (generated, ignored) and nothing git sees.
    for (const worktree of r.worktrees.slice(1)) {
      expect(readIf(worktree, '.husky/pre-commit')).toBe('echo team pre-commit\n');
      expect(readIf(worktree, '.husky/_/pre-commit')).toMatch(/hook pre-commit/);
      expect(readIf(worktree, '.husky/_/h')).toBe(readIf(r.root, '.husky/_/h'));
      expect(gitStatus(worktree)).toBe('');
    }
  });

  it('picks husky from a .husky/ folder where core.hooksPath is not set (yet)', () => {
    const r = huskyRepo(1);
    r.git('config', '--unset', 'core.hooksPath');
    const result = ok(r.install());
    expect(result.stdout).toMatch(
      /installing with husky \(the repository has a \.husky\/ folder\)/,
    );
  });

  it('every existing worktree consolidates on its next commit, then merges main without a hitch', () => {
    const r = huskyRepo();
    linkBin(r.root);
    ok(r.install());
    const [main, ...linked] = r.worktrees as [string, string, string];
    for (const worktree of linked) {
      logEntry(worktree, 'agent', { event: `before ${worktree}` });
      const output = commitChange(worktree, 'work');
      expect(output).toMatch(/team pre-commit/);
      expect(output).toMatch(/audit-hooks: 1 entry from 1 session → .* \(staged\)/);
      expect(committedEvents(worktree)).toEqual([`before ${worktree}`]);
      expect(gitStatus(worktree)).toBe('');
    }
    logEntry(main, 'lead', { event: 'install' });
    commitChange(main, 'Set up audit-hooks');
    expect(committedEvents(main)).toEqual(['install']);

    for (const worktree of linked) {
      gitIn(worktree, ['merge', '-q', '--no-edit', 'main']);
      expect(gitStatus(worktree)).toBe('');
      // The branch runs our lines now; the runner install wrote does not run them twice.
      logEntry(worktree, 'agent', { event: `after ${worktree}` });
      const output = commitChange(worktree, 'more work');
      expect(output.match(/audit-hooks: 1 entry/g)).toHaveLength(1);
      expect(committedEvents(worktree)).toEqual([`after ${worktree}`]);
    }
    // A second install puts husky's own runner back where the branch has the lines now.
    const again = ok(r.install());
    expect(again.stdout).toMatch(/wt1: \.husky\/_\/pre-commit: restore husky’s runner/);
    const before = snapshot(r);
    expect(ok(r.install()).stdout).toMatch(/already installed in 3 worktrees; nothing changed/);
    expect(snapshotDiff(before, snapshot(r))).toEqual([]);
  });

  it('run in a worktree added later on a branch from before the set-up: nothing tracked written there, and it still merges main', () => {
    const r = huskyRepo(0);
    const before = gitIn(r.root, ['rev-parse', 'HEAD']).trim();
    linkBin(r.root);
    ok(r.install());
    gitIn(r.root, ['add', '-A']);
    gitIn(r.root, ['commit', '-q', '-m', 'set up audit-hooks']);
    const old = join(scratchDir(), 'old');
    gitIn(r.root, ['worktree', 'add', '-q', '-b', 'old', old, before]);

    ok(r.install(['install'], old));

    expect(gitStatus(old)).toBe('');
    logEntry(old, 'agent', { event: 'on-old' });
    commitChange(old, 'work on old');
    expect(committedEvents(old)).toEqual(['on-old']);
    gitIn(old, ['merge', '-q', '--no-edit', 'main']);
    expect(gitStatus(old)).toBe('');
  });

  it('installs from a linked worktree that has no husky runner yet', () => {
    const r = huskyRepo(1);
    const linked = r.worktrees[1] as string;
    linkBin(r.root);
    expect(existsSync(join(linked, '.husky', '_'))).toBe(false);
    ok(r.install(['install'], linked));
    for (const worktree of r.worktrees) {
      logEntry(worktree, 'agent', { event: worktree });
      commitChange(worktree, 'work');
      expect(committedEvents(worktree)).toEqual([worktree]);
    }
  });

  it('an idle commit starts no Node.js; a busy one starts it once per step', () => {
    const r = huskyRepo(1);
    linkBin(r.root);
    ok(r.install());
    const shim = nodeShim();
    const env = hookEnv({ pathDirs: [shim.dir] });
    for (const worktree of r.worktrees) commitChange(worktree, 'idle', env);
    expect(shim.starts()).toEqual([]);
    for (const worktree of r.worktrees) {
      logEntry(worktree, 'busy', { event: 'busy' });
      commitChange(worktree, 'busy', env);
      expect(committedEvents(worktree)).toEqual(['busy']);
    }
    expect(shim.starts().map((start) => start.replace(/^\S*audit-hooks /, ''))).toEqual([
      'hook pre-commit',
      'hook post-commit',
      'hook pre-commit',
      'hook post-commit',
    ]);
  });

  it('says it did not consolidate when audit-hooks is nowhere (husky runs hooks with sh -e)', () => {
    const r = huskyRepo(1);
    ok(r.install());
    for (const worktree of r.worktrees) {
      logEntry(worktree, 'none', { event: 'stays' });
      const output = commitChange(worktree, 'c');
      expect(output).toMatch(/audit-hooks: warning: audit-hooks not found/);
      expect(output).not.toMatch(/husky - .* script failed/);
      expect(committedEvents(worktree)).toEqual([]);
      expect(pendingEntries(worktree).map((entry) => entry.event)).toEqual(['stays']);
    }
  });

  it('uninstall takes its lines out and gives husky its own runner back', () => {
    const r = huskyRepo(1);
    writeFileSync(join(r.root, '.husky', 'post-commit'), 'echo team post-commit');
    const before = snapshot(r);
    ok(r.install());
    expect(readIf(r.root, '.husky/post-commit')).toMatch(/^echo team post-commit\n# audit-hooks/);
    ok(r.install(['uninstall']));
    // install copied husky's runner into the linked worktree so hooks run there; it is
    // generated and ignored (.husky/_/.gitignore), and kept so the team's hooks keep running.
    expect(
      snapshotDiff(before, snapshot(r)).filter((line) => !line.startsWith('+ wt1/.husky/_')),
    ).toEqual([]);
    const linked = r.worktrees[1] as string;
    for (const hook of ['pre-commit', 'post-commit']) {
      expect(readIf(linked, `.husky/_/${hook}`)).toBe(readIf(r.root, `.husky/_/${hook}`));
    }
  });
});

describe('a husky project whose pre-commit runs lint-staged', () => {
  it('keeps formatting what is staged, and our step runs after it, in every worktree', () => {
    const r = makeWorktreeRepo({ linked: 1 });
    const [main, linked] = r.worktrees as [string, string];
    // A formatter that also logs to the trail, as an agent's tooling would: its entry can
    // only be in this commit if our step runs after lint-staged.
    writeFileSync(
      join(main, 'format.mjs'),
      `import { readFileSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
for (const file of process.argv.slice(2)) writeFileSync(file, readFileSync(file, 'utf8').toUpperCase());
execFileSync('node_modules/.bin/audit-hooks', ['log', '{"event":"formatted"}', '--session', 'lint']);
`,
    );
    writeFileSync(
      join(main, 'package.json'),
      `${JSON.stringify({ name: 'app', private: true, 'lint-staged': { '*.txt': 'node format.mjs' } }, null, 2)}\n`,
    );
    execFileSync(
      'npm',
      ['install', '--no-audit', '--no-fund', '--save-dev', 'husky@9', 'lint-staged@16'],
      { cwd: main, env: hookEnv(), stdio: 'pipe' },
    );
    execFileSync('npx', ['husky', 'init'], { cwd: main, env: hookEnv(), stdio: 'pipe' });
    writeFileSync(join(main, '.husky', 'pre-commit'), 'npx lint-staged\n');
    gitIn(main, ['add', '-A']);
    gitIn(main, ['commit', '-q', '-m', 'lint-staged']);
    gitIn(linked, ['merge', '-q', 'main']);
    // audit-hooks as a devDependency; the linked worktree has the project's tools too.
    linkBin(main);
    const bin = join(linked, 'node_modules', '.bin');
    mkdirSync(bin, { recursive: true });
    for (const tool of ['lint-staged', 'audit-hooks']) {
      symlinkSync(join(main, 'node_modules', '.bin', tool), join(bin, tool));
    }

    ok(r.install());
    for (const worktree of r.worktrees) {
      logEntry(worktree, 'agent', { event: 'edited' });
      writeFileSync(join(worktree, 'note.txt'), `shout ${worktree.length}\n`);
      const output = commitChange(worktree, 'with lint-staged');
      expect(output).toMatch(/audit-hooks: 2 entries from 2 sessions/);
      expect(gitIn(worktree, ['show', 'HEAD:note.txt'])).toBe(`SHOUT ${worktree.length}\n`);
      expect(committedEvents(worktree)).toEqual(['edited', 'formatted']);
      expect(gitStatus(worktree)).toBe('');
    }
  });
});
