// SPEC §7–§8 at commit time: the hooks install leaves behind, run by real git and lefthook.
// Where the hook finds audit-hooks (this worktree, the main one, PATH, nowhere), which
// worktree it consolidates, a worktree added later, and merging branches of two worktrees.
import { existsSync, mkdirSync, readdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BIN, shardFiles } from '../helpers/git-repo.js';
import { historyEntries, pendingEntries } from '../helpers/history.js';
import {
  commitAll,
  gitIn,
  historyEvents,
  hookEnv,
  installedRepo,
  logEntry,
  removeScratch,
  scratchDir,
} from '../helpers/install.js';

afterEach(removeScratch);

describe('the post-commit hook', () => {
  it('consolidates the linked worktree it runs in, not the main one', () => {
    const r = installedRepo({ linked: 1 });
    const linked = r.worktrees[1] as string;
    logEntry(r.root, 'main-session', { event: 'main-pending' });
    logEntry(linked, 'linked-session', { event: 'linked' });

    // git sets GIT_DIR (and GIT_INDEX_FILE) for hooks in a linked worktree.
    const output = commitAll(linked, 'commit in the linked worktree');
    expect(output).toMatch(/consolidated 1 entry from 1 shard/);
    expect(historyEvents(linked)).toEqual(['linked']);
    expect(shardFiles(linked)).toEqual([]);
    // The main worktree's shard is left for the main worktree's own next commit.
    expect(historyEvents(r.root)).toEqual([]);
    expect(pendingEntries(r.root).map((entry) => entry.event)).toEqual(['main-pending']);
    // Entries are stamped with the linked worktree's new commit.
    const head = gitIn(linked, ['rev-parse', 'HEAD']).trim();
    expect(historyEntries(linked).map((entry) => entry.commit)).toEqual([head]);

    commitAll(r.root, 'commit in main');
    expect(historyEvents(r.root)).toEqual(['main-pending']);
  });

  it('finds the main worktree’s node_modules from a linked worktree that has none', () => {
    const r = installedRepo({ linked: 1 });
    const linked = r.worktrees[1] as string;
    expect(existsSync(join(linked, 'node_modules'))).toBe(false);
    logEntry(linked, 'l', { event: 'via-main-bin' });
    expect(commitAll(linked, 'c')).toMatch(/consolidated 1 entry/);
    expect(historyEvents(linked)).toEqual(['via-main-bin']);
  });

  it('uses audit-hooks on PATH where no node_modules has it (a repo of another language)', () => {
    const r = installedRepo({ linked: 1, bin: false });
    const dir = scratchDir('audit-hooks-path-');
    symlinkSync(BIN, join(dir, 'audit-hooks'));
    const env = hookEnv({ pathDirs: [dir] });
    for (const worktree of r.worktrees) {
      logEntry(worktree, 'p', { event: 'via-path' });
      expect(commitAll(worktree, 'c', env)).toMatch(/consolidated 1 entry/);
      expect(historyEvents(worktree)).toEqual(['via-path']);
    }
  });

  it('says it did not consolidate where audit-hooks is nowhere, and the commit succeeds', () => {
    const r = installedRepo({ linked: 1, bin: false });
    for (const worktree of r.worktrees) {
      logEntry(worktree, 'n', { event: 'stays' });
      const before = gitIn(worktree, ['rev-parse', 'HEAD']);
      const output = commitAll(worktree, 'c');
      expect(gitIn(worktree, ['rev-parse', 'HEAD'])).not.toBe(before);
      expect(output).toMatch(/audit-hooks: warning: did not consolidate \(audit-hooks not found/);
      expect(historyEvents(worktree)).toEqual([]);
      expect(pendingEntries(worktree).map((entry) => entry.event)).toEqual(['stays']);
    }
  });
});

describe('a worktree added after install', () => {
  it('gets logs/active from the post-checkout job, and its first commit consolidates', () => {
    const r = installedRepo({ linked: 0 });
    // Commit what install wrote, except the .gitkeep: so only the hook can make the folder.
    gitIn(r.root, ['add', '-A']);
    gitIn(r.root, ['rm', '-q', '--cached', 'logs/active/.gitkeep']);
    gitIn(r.root, ['commit', '-q', '-m', 'install audit-hooks']);

    const later = join(scratchDir('audit-hooks-later-'), 'later');
    gitIn(r.root, ['worktree', 'add', '-q', '-b', 'later', later]);
    expect(existsSync(join(later, 'logs', 'active'))).toBe(true);
    expect(readdirSync(join(later, 'logs', 'active'))).toEqual([]);

    logEntry(later, 'later-session', { event: 'later' });
    expect(commitAll(later, 'first commit in the new worktree')).toMatch(/consolidated 1 entry/);
    expect(historyEvents(later)).toEqual(['later']);
    expect(shardFiles(later)).toEqual([]);
  });
});

describe('merging the branches of two worktrees', () => {
  it('unions the history partitions with no conflict', () => {
    const r = installedRepo({ linked: 2 });
    const [main, wt1, wt2] = r.worktrees as [string, string, string];
    // The install itself on main, and both branches starting from it.
    commitAll(main, 'install audit-hooks');
    for (const [worktree, branch] of [
      [wt1, 'wt1'],
      [wt2, 'wt2'],
    ] as const) {
      gitIn(worktree, ['reset', '-q', '--hard', 'main']);
      gitIn(worktree, ['clean', '-qfd']);
      mkdirSync(join(worktree, 'logs', 'active'), { recursive: true });
      for (let i = 1; i <= 3; i++)
        logEntry(worktree, `${branch}-agent`, { event: `${branch}-${i}` });
      logEntry(worktree, `${branch}-other`, { event: `${branch}-other` });
      // The post-commit hook writes the history after the commit: a second commit records it.
      expect(commitAll(worktree, `work on ${branch}`)).toMatch(/consolidated 4 entries/);
      commitAll(worktree, `audit trail of ${branch}`);
      expect(gitIn(worktree, ['status', '--porcelain'])).toBe('');
    }
    const ours = historyEntries(wt1).map((entry) => entry.id);
    const theirs = historyEntries(wt2).map((entry) => entry.id);
    expect(ours).toHaveLength(4);
    expect(theirs).toHaveLength(4);

    const merged = gitIn(wt1, ['merge', '--no-edit', 'wt2']);
    expect(merged).not.toMatch(/CONFLICT/);
    expect(gitIn(wt1, ['status', '--porcelain'])).toBe('');
    expect(historyEvents(wt1)).toEqual([
      'wt1-1',
      'wt1-2',
      'wt1-3',
      'wt1-other',
      'wt2-1',
      'wt2-2',
      'wt2-3',
      'wt2-other',
    ]);
    expect(
      historyEntries(wt1)
        .map((entry) => entry.id)
        .sort(),
    ).toEqual([...ours, ...theirs].sort());
    // What was merged is what is committed.
    expect(gitIn(wt1, ['diff', 'HEAD', '--stat'])).toBe('');
  });
});
