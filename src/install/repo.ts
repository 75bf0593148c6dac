// The repository as install sees it: its worktrees, where git looks for hooks, and how
// to name a path to the user (relative to its worktree).
import { existsSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { AuditHooksError } from '../errors.js';
import { git, gitMaybe, listWorktrees } from '../git/git.js';
import * as messages from '../messages.js';
import { detectRepoRoot } from '../writer/index.js';

/** The repository containing the folder install was run in. */
export interface Repo {
  root: string;
  main: string;
  worktrees: string[];
  hooksDir: string;
  hooksPath: string | undefined;
  /** The git folder shared by all worktrees (holds `info/exclude`, `hooks/`). */
  commonDir: string;
}

/** Reads the repository containing `cwd`; a clear error outside one. */
export function readRepo(cwd: string, verb: 'install' | 'uninstall'): Repo {
  let root: string;
  try {
    root = detectRepoRoot(cwd);
  } catch (error) {
    if (!(error as Error).message.startsWith('Not in a git repository')) throw error;
    throw new AuditHooksError(messages.installNotInRepository(cwd, verb));
  }
  const worktrees = listWorktrees(root)
    .filter((worktree) => !worktree.bare && existsSync(worktree.path))
    .map((worktree) => worktree.path);
  const main = worktrees[0] ?? root;
  return {
    root,
    main,
    worktrees,
    hooksDir: git(main, ['rev-parse', '--path-format=absolute', '--git-path', 'hooks']),
    hooksPath: gitMaybe(main, ['config', 'core.hooksPath']),
    commonDir: git(main, ['rev-parse', '--path-format=absolute', '--git-common-dir']),
  };
}

// Where the plain-git hooks go. A relative core.hooksPath is relative to each worktree
// (git runs hooks from the worktree's root), so every worktree needs its own.
export function gitHookDirs(repo: Repo): string[] {
  if (repo.hooksPath === undefined || isAbsolute(repo.hooksPath)) return [repo.hooksDir];
  return [...new Set(repo.worktrees.map((worktree) => resolve(worktree, repo.hooksPath ?? '')))];
}

/** `path` as the user reads it: relative to its worktree, prefixed by a linked one. */
export function label(repo: Repo, path: string): string {
  const worktree = [...repo.worktrees]
    .sort((a, b) => b.length - a.length)
    .find((w) => path.startsWith(`${w}/`));
  if (worktree === undefined) return path;
  const rel = relative(worktree, path);
  return worktree === repo.main
    ? rel
    : `${relative(repo.main, worktree).startsWith('..') ? worktree : relative(repo.main, worktree)}: ${rel}`;
}
