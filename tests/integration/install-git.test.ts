// SPEC §7 with plain git hooks: `--manager git`, and the automatic choice where
// core.hooksPath points somewhere lefthook cannot install. A hook that was there before is
// chained: it still runs, first; a failing pre-commit still stops the commit (and then ours
// does not run); and uninstall puts it back byte for byte.
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { pendingEntries } from '../helpers/history.js';
import {
  commitChange,
  committedEvents,
  gitIn,
  gitStatus,
  hookEnv,
  hookTrace,
  linkBin,
  logEntry,
  makeWorktreeRepo,
  ok,
  readIf,
  removeScratch,
  scratchDir,
  snapshot,
  snapshotDiff,
  type Trace,
  writeHook,
} from '../helpers/install.js';

afterEach(removeScratch);

/** What the commits leave behind (the trail, the work), left out of byte comparisons. */
const COMMITTED = /^wt\d\/(logs|work-[^/]*\.txt|BLOCK)/;

/** A foreign hook that appends `<name> <worktree> <args>` to `ran` and exits with `status`. */
function foreignHook(path: string, ran: Trace, status = 0): string {
  const name = path.split('/').at(-1);
  return writeHook(path, `echo "${name} $(basename "$PWD") $*" >> ${ran.path}\nexit ${status}`);
}

describe('install --manager git', () => {
  it('chains foreign pre-commit and post-commit hooks: they still run, first, and still decide', () => {
    const r = makeWorktreeRepo({ linked: 1 });
    const ran = hookTrace();
    const hooks = join(r.root, '.git', 'hooks');
    // The team's pre-commit refuses a commit while a file named BLOCK is staged.
    const pre = writeHook(
      join(hooks, 'pre-commit'),
      `echo "pre-commit $(basename "$PWD")" >> ${ran.path}\n! git diff --cached --name-only | grep -qx BLOCK`,
    );
    const post = foreignHook(join(hooks, 'post-commit'), ran, 3);
    const before = snapshot(r);

    linkBin(r.root);
    const result = ok(r.install(['install', '--manager', 'git']));
    expect(result.stdout).toMatch(/^audit-hooks: installing with git \(chosen with --manager\)/);
    expect(result.stdout).toMatch(/pre-commit\.pre-audit-hooks; it still runs first/);
    expect(result.stdout).toMatch(/post-commit\.pre-audit-hooks; it still runs first/);
    expect(readIf(r.root, '.git/hooks/pre-commit.pre-audit-hooks')).toBe(pre);
    expect(readIf(r.root, '.git/hooks/post-commit.pre-audit-hooks')).toBe(post);
    expect(readIf(r.root, '.git/hooks/pre-commit')).toMatch(/written by `audit-hooks install`/);
    expect(readIf(r.root, '.git/hooks/post-checkout')).toBeUndefined();
    expect(readIf(r.root, 'lefthook.yml')).toBeUndefined();
    // Nothing to commit: the hooks folder is git's own.
    expect(result.stdout).toMatch(/installed in 2 worktrees\n$/);
    for (const worktree of r.worktrees) expect(gitStatus(worktree)).toBe('');

    for (const worktree of r.worktrees) {
      logEntry(worktree, 'g', { event: worktree === r.root ? 'main' : 'linked' });
      commitChange(worktree, 'c');
      expect(committedEvents(worktree)).toEqual([worktree === r.root ? 'main' : 'linked']);
      expect(gitStatus(worktree)).toBe('');
    }
    const main = r.root.split('/').at(-1);
    expect(ran.read()).toBe(
      `pre-commit ${main}\npost-commit ${main} \npre-commit wt1\npost-commit wt1 \n`,
    );

    // A failing pre-commit still stops the commit, and our step stages nothing then.
    logEntry(r.root, 'g', { event: 'blocked' });
    writeFileSync(join(r.root, 'BLOCK'), '');
    gitIn(r.root, ['add', 'BLOCK']);
    expect(() => gitIn(r.root, ['commit', '-q', '-m', 'blocked'])).toThrow(/exit 1/);
    expect(gitIn(r.root, ['diff', '--cached', '--name-only'])).toBe('BLOCK\n');
    expect(pendingEntries(r.root).map((entry) => entry.event)).toEqual(['blocked']);
    gitIn(r.root, ['rm', '-q', '--cached', 'BLOCK']);

    // Run by hand, the post-commit hook exits as the foreign one did (git ignores a
    // post-commit's status, but a caller of the hook may not).
    const direct = spawnSync(join(hooks, 'post-commit'), ['an-arg'], {
      cwd: r.root,
      env: hookEnv(),
      encoding: 'utf8',
    });
    expect(direct.status).toBe(3);
    expect(ran.read()).toMatch(/post-commit \S+ an-arg\n$/);

    // A second run is a no-op, with --manager or without (plain git hooks stay plain git
    // hooks); uninstall restores the foreign hooks byte for byte.
    expect(ok(r.install(['install', '--manager', 'git'])).stdout).toMatch(/nothing changed/);
    const again = ok(r.install());
    expect(again.stdout).toMatch(/^audit-hooks: installing with git \(as installed\)/);
    expect(again.stdout).toMatch(/nothing changed\n$/);
    const uninstalled = ok(r.install(['uninstall']));
    expect(uninstalled.stdout).toMatch(/restore the hook that was there before/);
    expect(snapshotDiff(before, snapshot(r, COMMITTED))).toEqual([]);
    expect(existsSync(join(hooks, 'pre-commit.pre-audit-hooks'))).toBe(false);
  });

  it('installs where there was no hook before, and uninstall removes it all', () => {
    const r = makeWorktreeRepo({ linked: 1 });
    const before = snapshot(r);
    ok(r.install(['install', '--manager', 'git']));
    for (const hook of ['pre-commit', 'post-commit']) {
      expect(readIf(r.root, `.git/hooks/${hook}`)).toMatch(/audit-hooks/);
    }
    ok(r.install(['uninstall']));
    expect(snapshotDiff(before, snapshot(r))).toEqual([]);
  });

  it('every existing worktree consolidates on its next commit and merges main without a hitch', () => {
    const r = makeWorktreeRepo({ linked: 2 });
    linkBin(r.root);
    ok(r.install(['install', '--manager', 'git']));
    const [main, ...linked] = r.worktrees as [string, string, string];
    for (const worktree of linked) {
      logEntry(worktree, 'agent', { event: worktree });
      commitChange(worktree, 'work');
      expect(committedEvents(worktree)).toEqual([worktree]);
    }
    logEntry(main, 'lead', { event: 'main' });
    commitChange(main, 'work on main');
    for (const worktree of linked) {
      gitIn(worktree, ['merge', '-q', '--no-edit', 'main']);
      expect(gitStatus(worktree)).toBe('');
    }
  });
});

describe('core.hooksPath set to a folder of the user’s own', () => {
  it('relative (committed with the code): plain git hooks in that folder, chaining the team’s', () => {
    const r = makeWorktreeRepo({ linked: 1 });
    const ran = hookTrace();
    // The team's hooks are committed in .githooks/ and git is pointed there.
    const foreign = foreignHook(join(r.root, '.githooks', 'post-commit'), ran);
    gitIn(r.root, ['add', '.githooks']);
    gitIn(r.root, ['commit', '-q', '-m', 'team hooks']);
    r.git('config', 'core.hooksPath', '.githooks');
    const linked = r.worktrees[1] as string;
    gitIn(linked, ['merge', '-q', 'main']);

    linkBin(r.root);
    const result = ok(r.install());
    expect(result.stdout).toMatch(
      /^audit-hooks: installing with git \(core\.hooksPath is \.githooks \(lefthook cannot install there\)\)/,
    );
    expect(result.stdout).toMatch(
      /commit \.githooks\/post-commit \.githooks\/post-commit\.pre-audit-hooks \.githooks\/pre-commit \(here;/,
    );
    expect(readIf(r.root, 'lefthook.yml')).toBeUndefined();
    expect(readIf(r.root, '.git/hooks/post-commit')).toBeUndefined();
    for (const worktree of r.worktrees) {
      expect(readIf(worktree, '.githooks/post-commit')).toMatch(/audit-hooks install/);
      expect(readIf(worktree, '.githooks/post-commit.pre-audit-hooks')).toBe(foreign);
      logEntry(worktree, 'h', { event: worktree === r.root ? 'main' : 'linked' });
      commitChange(worktree, 'c');
      expect(committedEvents(worktree)).toEqual([worktree === r.root ? 'main' : 'linked']);
    }
    expect(ran.read().trimEnd().split('\n')).toHaveLength(2);
  });

  it('absolute (shared by several repositories): hooks there, once, chaining what was there', () => {
    const r = makeWorktreeRepo({ linked: 1 });
    const ran = hookTrace();
    const shared = scratchDir('audit-hooks-shared-hooks-');
    const foreign = foreignHook(join(shared, 'pre-commit'), ran);
    r.git('config', 'core.hooksPath', shared);
    const before = snapshot(r);

    linkBin(r.root);
    const result = ok(r.install());
    expect(result.stdout).toMatch(/installing with git \(core\.hooksPath is /);
    expect(readIf(shared, 'pre-commit.pre-audit-hooks')).toBe(foreign);
    for (const worktree of r.worktrees) {
      logEntry(worktree, 'h', { event: 'shared' });
      commitChange(worktree, 'c');
      expect(committedEvents(worktree)).toEqual(['shared']);
    }
    expect(ran.read().trimEnd().split('\n')).toHaveLength(2);
    ok(r.install(['uninstall']));
    expect(readIf(shared, 'pre-commit')).toBe(foreign);
    expect(existsSync(join(shared, 'post-commit'))).toBe(false);
    expect(snapshotDiff(before, snapshot(r, COMMITTED))).toEqual([]);
  });
});
