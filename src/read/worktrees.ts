// The worktrees `tail --all` and `follow --all` read, each with a short label to show.
import { existsSync, statSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { git, listWorktrees } from '../git/git.js';

/** A worktree to read, and how its entries are labelled (`undefined`: the current one, unlabelled). */
export interface WorktreeRef {
  path: string;
  label: string | undefined;
}

/**
 * Every worktree of the repository of `root` whose folder exists, the current one first.
 * Each is labelled by its folder's name (or its path, where two names are the same).
 */
export function worktreesOf(root: string): WorktreeRef[] {
  const paths = listWorktrees(root)
    .filter((worktree) => !worktree.bare && existsSync(worktree.path))
    .map((worktree) => worktree.path);
  if (!paths.includes(root)) paths.unshift(root);
  const names = paths.map((path) => basename(path));
  const main = paths[0] ?? root;
  const label = (path: string, index: number) =>
    names.filter((name) => name === names[index]).length === 1
      ? (names[index] as string)
      : relative(join(main, '..'), path) || path;
  const refs = paths.map((path, index) => ({ path, label: label(path, index) }));
  return [...refs.filter((ref) => ref.path === root), ...refs.filter((ref) => ref.path !== root)];
}

/**
 * Notices worktrees added or removed while following: `git worktree list` runs again only
 * when the repository's `worktrees/` folder changed (git adds and removes its entries there).
 */
export class WorktreeWatch {
  private signature: string | undefined;
  private refs: WorktreeRef[] = [];
  private readonly folder: string;

  constructor(private readonly root: string) {
    this.folder = join(
      git(root, ['rev-parse', '--path-format=absolute', '--git-common-dir']),
      'worktrees',
    );
  }

  current(): WorktreeRef[] {
    let signature: string;
    try {
      const stat = statSync(this.folder);
      signature = `${stat.ino}:${stat.mtimeMs}`;
    } catch {
      signature = 'none';
    }
    if (signature !== this.signature) {
      this.signature = signature;
      this.refs = worktreesOf(this.root);
    }
    return this.refs;
  }
}
