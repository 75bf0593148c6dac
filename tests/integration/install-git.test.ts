// SPEC §7 with plain git hooks: `--manager git`, and the automatic choice where
// core.hooksPath points somewhere lefthook cannot install. A hook that was there before
// is chained (it still runs, first, and its exit status is kept), and uninstall puts it back.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  commitAll,
  gitIn,
  historyEvents,
  hookEnv,
  hookTrace,
  linkBin,
  logEntry,
  makeWorktreeRepo,
  ok,
  readIf,
  removeScratch,
  snapshot,
  snapshotDiff,
  type Trace,
  undoCommits,
  writeHook,
} from '../helpers/install.js';

afterEach(removeScratch);

/** A foreign hook that appends `foreign <worktree> <args>` to `ran` and exits with `status`. */
function foreignHook(path: string, ran: Trace, status = 0): string {
  return writeHook(path, `echo "foreign $(basename "$PWD") $*" >> ${ran.path}\nexit ${status}`);
}

describe('install --manager git', () => {
  it('chains a foreign post-commit hook: it still runs, first, with its exit status', () => {
    const r = makeWorktreeRepo({ linked: 1 });
    const ran = hookTrace();
    const hook = join(r.root, '.git', 'hooks', 'post-commit');
    const foreign = foreignHook(hook, ran, 3);
    const before = snapshot(r);

    linkBin(r.root);
    const result = ok(r.install(['install', '--manager', 'git']));
    expect(result.stdout).toMatch(/^audit-hooks: installing with git \(chosen with --manager\)/);
    expect(result.stdout).toMatch(/post-commit\.pre-audit-hooks; it still runs first/);
    expect(readIf(r.root, '.git/hooks/post-commit.pre-audit-hooks')).toBe(foreign);
    expect(readIf(r.root, '.git/hooks/post-commit')).toMatch(/written by `audit-hooks install`/);
    expect(readIf(r.root, 'lefthook.yml')).toBeUndefined();

    for (const worktree of r.worktrees) {
      logEntry(worktree, 'g', { event: worktree === r.root ? 'main' : 'linked' });
      expect(commitAll(worktree, 'c')).toMatch(/consolidated 1 entry/);
    }
    expect(ran.read()).toBe(`foreign ${r.root.split('/').at(-1)} \nforeign wt1 \n`);
    expect(historyEvents(r.root)).toEqual(['main']);
    expect(historyEvents(r.worktrees[1] as string)).toEqual(['linked']);

    // Run by hand, the hook exits as the foreign one did (git ignores a post-commit's
    // status, but a caller of the hook may not).
    const direct = spawnSync(hook, ['an-arg'], { cwd: r.root, env: hookEnv(), encoding: 'utf8' });
    expect(direct.status).toBe(3);
    expect(ran.read()).toMatch(/foreign \S+ an-arg\n$/);

    // A second run is a no-op, uninstall restores the foreign hook byte for byte.
    const second = ok(r.install(['install', '--manager', 'git']));
    expect(second.stdout).toMatch(/nothing changed/);
    undoCommits(r);
    ok(r.install(['uninstall']));
    expect(snapshotDiff(before, snapshot(r))).toEqual([]);
    expect(existsSync(`${hook}.pre-audit-hooks`)).toBe(false);
  });

  it('installs without a hook there before, and uninstall removes it all', () => {
    const r = makeWorktreeRepo({ linked: 1 });
    const before = snapshot(r);
    ok(r.install(['install', '--manager', 'git']));
    for (const hook of ['post-commit', 'post-checkout']) {
      expect(readIf(r.root, `.git/hooks/${hook}`)).toMatch(/audit-hooks/);
    }
    ok(r.install(['uninstall']));
    expect(snapshotDiff(before, snapshot(r))).toEqual([]);
  });
});

describe('core.hooksPath set to a folder of the user’s own', () => {
  it('uses plain git hooks in that folder of every worktree, chaining the user’s hook', () => {
    const r = makeWorktreeRepo({ linked: 1 });
    const ran = hookTrace();
    // The team's hooks are committed in .githooks/ and git is pointed there.
    const foreign = foreignHook(join(r.root, '.githooks', 'post-commit'), ran);
    gitIn(r.root, ['add', '.githooks']);
    gitIn(r.root, ['commit', '-q', '-m', 'team hooks']);
    r.git('config', 'core.hooksPath', '.githooks');
    const linked = r.worktrees[1] as string;
    gitIn(linked, ['reset', '-q', '--hard', 'main']);
    const before = snapshot(r);

    linkBin(r.root);
    const result = ok(r.install());
    expect(result.stdout).toMatch(
      /^audit-hooks: installing with git \(core\.hooksPath is \.githooks \(lefthook cannot install there\)\)/,
    );
    expect(readIf(r.root, 'lefthook.yml')).toBeUndefined();
    expect(readIf(r.root, '.git/hooks/post-commit')).toBeUndefined();
    for (const worktree of r.worktrees) {
      expect(readIf(worktree, '.githooks/post-commit')).toMatch(/audit-hooks install/);
      expect(readIf(worktree, '.githooks/post-commit.pre-audit-hooks')).toBe(foreign);
      logEntry(worktree, 'h', { event: worktree === r.root ? 'main' : 'linked' });
      expect(commitAll(worktree, 'c')).toMatch(/consolidated 1 entry/);
    }
    expect(ran.read().split('\n')).toHaveLength(3);
    expect(historyEvents(r.root)).toEqual(['main']);
    expect(historyEvents(linked)).toEqual(['linked']);

    undoCommits(r);
    ok(r.install(['uninstall']));
    expect(snapshotDiff(before, snapshot(r))).toEqual([]);
  });
});
