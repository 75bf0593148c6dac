// SPEC §5.6, §5.8 and §7 at commit time: the commands install leaves behind, run by real git
// and lefthook (and plain git hooks). Where they find audit-hooks (this worktree's
// node_modules, the main worktree's, PATH, nowhere; never npx), that an idle commit starts
// no Node.js, that the pre-commit step never fails a commit, which worktree and which index
// a step works on, a worktree added later, and merging the branches of two worktrees.
import { existsSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BIN, shardFiles } from '../helpers/git-repo.js';
import { historyEntries, pendingEntries } from '../helpers/history.js';
import {
  commitChange,
  committedEvents,
  committedNonHistory,
  gitIn,
  gitStatus,
  hookEnv,
  installedRepo,
  linkBin,
  logEntry,
  makeWorktreeRepo,
  nodeShim,
  ok,
  readIf,
  removeScratch,
  scratchDir,
  type WorktreeRepo,
  writeHook,
} from '../helpers/install.js';

afterEach(removeScratch);

const MANAGERS = ['lefthook', 'git'] as const;

/** A repository with one linked worktree and audit-hooks installed with `manager`. */
function installed(
  manager: (typeof MANAGERS)[number],
  options: { bin?: boolean; mode?: string } = {},
): WorktreeRepo {
  const r = makeWorktreeRepo({ linked: 1 });
  if (options.bin !== false) linkBin(r.root);
  ok(r.install(['install', '--manager', manager, '--mode', options.mode ?? 'in-commit']));
  return r;
}

describe('the installed commands find audit-hooks, never through npx', () => {
  for (const manager of MANAGERS) {
    it(`${manager}: this worktree’s node_modules first (a devDependency)`, () => {
      const r = installed(manager, { bin: false });
      const linked = r.worktrees[1] as string;
      // The main worktree's copy would fail loudly; the linked worktree has its own.
      writeHook(join(r.root, 'node_modules', '.bin', 'audit-hooks'), 'echo wrong copy >&2; exit 9');
      linkBin(linked);
      logEntry(linked, 'own', { event: 'own copy' });
      const output = commitChange(linked, 'c');
      expect(output).not.toMatch(/wrong copy/);
      expect(committedEvents(linked)).toEqual(['own copy']);
    });

    it(`${manager}: a linked worktree without node_modules uses the main worktree’s`, () => {
      const r = installed(manager);
      const linked = r.worktrees[1] as string;
      expect(existsSync(join(linked, 'node_modules'))).toBe(false);
      logEntry(linked, 'l', { event: 'via the main bin' });
      expect(commitChange(linked, 'c')).toMatch(/audit-hooks: 1 entry from 1 session/);
      expect(committedEvents(linked)).toEqual(['via the main bin']);
    });

    it(`${manager}: a repository of another language uses audit-hooks on PATH`, () => {
      const r = installed(manager, { bin: false });
      const dir = scratchDir('audit-hooks-global-');
      symlinkSync(BIN, join(dir, 'audit-hooks'));
      const env = hookEnv({ pathDirs: [dir] });
      for (const worktree of r.worktrees) {
        logEntry(worktree, 'p', { event: 'via PATH' });
        commitChange(worktree, 'c', env);
        expect(committedEvents(worktree)).toEqual(['via PATH']);
        expect(gitStatus(worktree)).toBe('');
      }
    });

    it(`${manager}: nowhere to be found, each step says so, the commit is made, the entries wait`, () => {
      const r = installed(manager, { bin: false });
      for (const worktree of r.worktrees) {
        logEntry(worktree, 'n', { event: 'stays' });
        const before = gitIn(worktree, ['rev-parse', 'HEAD']);
        const output = commitChange(worktree, 'c');
        expect(gitIn(worktree, ['rev-parse', 'HEAD'])).not.toBe(before);
        expect(output).toMatch(
          /audit-hooks: warning: audit-hooks not found \(npm i -D audit-hooks, or npm i -g audit-hooks\); the entries stay in logs\/active/,
        );
        expect(committedEvents(worktree)).toEqual([]);
        expect(pendingEntries(worktree).map((entry) => entry.event)).toEqual(['stays']);
      }
    });
  }

  it('no installed command mentions npx', () => {
    const lefthook = installed('lefthook');
    const git = installed('git');
    const texts = [
      readIf(lefthook.root, 'lefthook.yml'),
      readIf(lefthook.worktrees[1] as string, 'lefthook-local.yml'),
      readIf(git.root, '.git/hooks/pre-commit'),
      readIf(git.root, '.git/hooks/post-commit'),
    ];
    for (const text of texts) {
      expect(text).toMatch(/audit-hooks/);
      expect(text).not.toMatch(/\bnpx\b/);
    }
  });
});

describe('an idle commit starts no Node.js (SPEC §5.8)', () => {
  for (const manager of MANAGERS) {
    for (const mode of ['in-commit', 'post-commit']) {
      it(`${manager}, ${mode} mode: in either step, in any worktree`, () => {
        const r = installed(manager, { mode });
        const shim = nodeShim();
        const env = hookEnv({ pathDirs: [shim.dir] });
        for (const worktree of r.worktrees) {
          commitChange(worktree, 'idle', env);
          expect(shim.starts(), worktree).toEqual([]);
        }
        // The shim does see the starts when there is work: one per step that has any.
        logEntry(r.root, 'busy', { event: 'busy' });
        commitChange(r.root, 'busy', env);
        const steps = shim.starts().map((start) => start.replace(/^\S*audit-hooks /, ''));
        expect(steps).toEqual(
          mode === 'in-commit'
            ? ['hook pre-commit', 'hook post-commit']
            : ['hook post-commit --mode post-commit'],
        );
        // Post-commit mode commits the trail with the next commit, which then releases its
        // claims; after that, commits are idle again.
        commitChange(r.root, 'next', env);
        const starts = shim.starts().length;
        commitChange(r.root, 'idle again', env);
        expect(shim.starts()).toHaveLength(starts);
      });
    }
  }
});

describe('the pre-commit step never fails a commit (SPEC §5.6, §7)', () => {
  for (const manager of MANAGERS) {
    it(`${manager}: audit-hooks failing or crashing is one warning, and the commit is made`, () => {
      const r = installed(manager, { bin: false });
      // A crash before any output (a broken install, a killed process).
      writeHook(join(r.root, 'node_modules', '.bin', 'audit-hooks'), 'exit 7');
      logEntry(r.root, 'x', { event: 'kept' });
      const output = commitChange(r.root, 'despite a crash');
      expect(output).toMatch(
        /audit-hooks: warning: hook pre-commit failed; the entries stay in logs\/active/,
      );
      expect(gitIn(r.root, ['log', '-1', '--format=%s'])).toBe('despite a crash\n');

      // The real one, failing: logs/active/.claimed is a file where a folder must be.
      linkBin(r.worktrees[1] as string);
      const linked = r.worktrees[1] as string;
      logEntry(linked, 'y', { event: 'kept too' });
      writeFileSync(join(linked, 'logs', 'active', '.claimed'), 'in the way\n');
      const failed = commitChange(linked, 'despite a failure');
      expect(failed).toMatch(/audit-hooks: warning: did not consolidate \(.*\.claimed/);
      expect(gitIn(linked, ['log', '-1', '--format=%s'])).toBe('despite a failure\n');
      expect(pendingEntries(linked).map((entry) => entry.event)).toEqual(['kept too']);
    });
  }
});

describe('each step works on its own worktree and on the index git commits from', () => {
  it('a commit in a linked worktree consolidates that worktree, not the main one', () => {
    const r = installedRepo({ linked: 1 });
    const linked = r.worktrees[1] as string;
    logEntry(r.root, 'main-session', { event: 'main-pending' });
    logEntry(linked, 'linked-session', { event: 'linked' });

    commitChange(linked, 'commit in the linked worktree');
    expect(committedEvents(linked)).toEqual(['linked']);
    expect(committedNonHistory(linked)).toEqual([]);
    expect(shardFiles(linked)).toEqual([]);
    expect(gitStatus(linked)).toBe('');
    // The main worktree's shard is left for the main worktree's own next commit.
    expect(pendingEntries(r.root).map((entry) => entry.event)).toEqual(['main-pending']);
    commitChange(r.root, 'commit in main');
    expect(committedEvents(r.root)).toEqual(['main-pending']);
  });

  for (const [how, args] of [
    ['git commit -a', ['commit', '-q', '-a', '-m', 'all']],
    ['git commit -o <path>', ['commit', '-q', '-o', 'tracked.txt', '-m', 'only']],
  ] as const) {
    it(`${how} in a linked worktree: the batch is in the commit and in the index`, () => {
      const r = installedRepo({ linked: 1 });
      const linked = r.worktrees[1] as string;
      writeFileSync(join(linked, 'tracked.txt'), 'one\n');
      gitIn(linked, ['add', 'tracked.txt']);
      gitIn(linked, ['commit', '-q', '-m', 'tracked']);
      writeFileSync(join(linked, 'tracked.txt'), 'two\n');
      logEntry(linked, 'agent', { event: how });

      gitIn(linked, [...args]);

      expect(committedEvents(linked)).toEqual([how]);
      expect(gitStatus(linked)).toBe('');
    });
  }
});

describe('a worktree added after install', () => {
  it('consolidates on its first commit, with nothing but what main committed', () => {
    const r = installedRepo({ linked: 0 });
    gitIn(r.root, ['add', 'lefthook.yml']);
    gitIn(r.root, ['commit', '-q', '-m', 'Set up audit-hooks']);

    const later = join(scratchDir('audit-hooks-later-'), 'later');
    gitIn(r.root, ['worktree', 'add', '-q', '-b', 'later', later]);
    expect(existsSync(join(later, 'logs'))).toBe(false);
    logEntry(later, 'later-session', { event: 'later' });
    commitChange(later, 'first commit in the new worktree');
    expect(committedEvents(later)).toEqual(['later']);
    expect(gitStatus(later)).toBe('');
  });
});

describe('merging the branches of two worktrees (SPEC §8)', () => {
  it('has no conflict in logs/history, and every entry once', () => {
    const r = installedRepo({ linked: 2 });
    const [main, wt1, wt2] = r.worktrees as [string, string, string];
    gitIn(main, ['add', 'lefthook.yml']);
    gitIn(main, ['commit', '-q', '-m', 'Set up audit-hooks']);
    for (const worktree of [wt1, wt2]) {
      gitIn(worktree, ['merge', '-q', 'main']);
      for (let i = 1; i <= 3; i++) {
        logEntry(worktree, `agent-${i % 2}`, { event: `${worktree.split('/').at(-1)}-${i}` });
        commitChange(worktree, `work ${i}`);
      }
    }
    const ids = (cwd: string) => historyEntries(cwd).map((entry) => entry.id);
    const expected = [...ids(wt1), ...ids(wt2)].sort();
    expect(expected).toHaveLength(6);

    const merged = gitIn(wt1, ['merge', '--no-edit', 'wt2']);
    expect(merged).not.toMatch(/CONFLICT/);
    expect(gitStatus(wt1)).toBe('');
    expect(ids(wt1).sort()).toEqual(expected);
  });
});
