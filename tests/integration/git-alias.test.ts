// Issue 17: a way to run audit-hooks from any worktree that does not depend on
// node_modules being there — `git audit-hooks <command>`, the alias install sets — and every
// hint the CLI prints uses it.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  gitIn,
  hookEnv,
  linkBin,
  makeWorktreeRepo,
  ok,
  removeScratch,
} from '../helpers/install.js';

afterEach(removeScratch);

describe('git audit-hooks', () => {
  it('runs audit-hooks from a subfolder of a linked worktree that has no node_modules', () => {
    const repo = makeWorktreeRepo({ linked: 1 });
    linkBin(repo.root);
    const out = ok(repo.install(['install', '--manager', 'git'])).stdout;
    expect(out).toMatch(
      /git config alias\.audit-hooks: `git audit-hooks <command>` runs audit-hooks in any worktree/,
    );
    const linked = repo.worktrees[1] as string;
    const sub = join(linked, 'src', 'deep');
    mkdirSync(sub, { recursive: true });

    gitIn(sub, ['audit-hooks', 'log', '{"event":"from a subfolder"}', '--session', 's1']);

    // Written into that worktree (not into the subfolder, not into the main worktree).
    const tail = gitIn(sub, ['audit-hooks', 'tail', '--json']);
    expect(JSON.parse(tail.trim())).toMatchObject({ event: 'from a subfolder', session_id: 's1' });
    expect(gitIn(repo.root, ['audit-hooks', 'tail', '--json']).trim()).toBe(
      'audit-hooks: no entries',
    );
    expect(gitIn(repo.root, ['audit-hooks', 'tail', '--all', '--json']).trim()).toContain(
      'from a subfolder',
    );
    // Relative paths stay relative to where it was called.
    gitIn(sub, ['audit-hooks', 'view', '--no-open', '--out', 'page.html']);
    expect(gitIn(sub, ['ls-files', '--others', '--', 'page.html']).trim()).toBe('page.html');
  });

  it('is what status’s hints say, and uninstall removes it (and only it)', () => {
    const repo = makeWorktreeRepo({ linked: 1 });
    linkBin(repo.root);
    gitIn(repo.root, ['config', 'alias.st', 'status']);
    ok(repo.install(['install', '--manager', 'git']));
    const status = JSON.parse(
      gitIn(repo.worktrees[1] as string, ['audit-hooks', 'status', '--json']),
    );
    for (const worktree of status.worktrees) expect(worktree.command).toBe('git audit-hooks');

    ok(repo.install(['uninstall']));
    const alias = gitIn(repo.root, ['config', '--get-regexp', '^alias\\.'], hookEnv()).trim();
    expect(alias).toBe('alias.st status');
  });

  it('leaves an alias of the same name that is not ours alone, and says so', () => {
    const repo = makeWorktreeRepo({ linked: 0 });
    linkBin(repo.root);
    gitIn(repo.root, ['config', 'alias.audit-hooks', '!echo mine']);
    const out = ok(repo.install(['install', '--manager', 'git'])).stdout;
    expect(out).toMatch(/git config alias\.audit-hooks is set to something else: left alone/);
    expect(gitIn(repo.root, ['config', '--get', 'alias.audit-hooks']).trim()).toBe('!echo mine');
  });
});
