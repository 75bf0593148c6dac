// Reads what the hook needs straight from `.git` (no git process on the commit path).
import { lstatSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { detectRepoRoot } from '../writer/index.js';

/** The worktree root above `cwd`: the nearest folder holding a `.git` file or folder. */
export function findWorktreeRoot(cwd: string): string {
  let dir = resolve(cwd);
  for (;;) {
    try {
      lstatSync(join(dir, '.git'));
      return dir;
    } catch {
      const parent = dirname(dir);
      if (parent === dir) return detectRepoRoot(cwd); // let git word the error
      dir = parent;
    }
  }
}

/** The worktree's own git folder (`.git`, or where a linked worktree's `.git` file points). */
export function worktreeGitDir(root: string): string {
  const dotGit = join(root, '.git');
  if (statSync(dotGit).isDirectory()) return dotGit;
  const match = /^gitdir:\s*(.+?)\s*$/m.exec(readFileSync(dotGit, 'utf8'));
  if (!match?.[1]) throw new Error(`${dotGit} does not name a git folder`);
  return resolve(root, match[1]);
}

const IN_PROGRESS: ReadonlyArray<[string, string]> = [
  ['rebase-merge', 'rebase'],
  ['rebase-apply', 'rebase'],
  ['MERGE_HEAD', 'merge'],
  ['CHERRY_PICK_HEAD', 'cherry-pick'],
  ['REVERT_HEAD', 'revert'],
];

/** The history-rewriting operation under way in this worktree, if any. */
export function operationInProgress(gitDir: string): string | undefined {
  for (const [file, operation] of IN_PROGRESS) {
    try {
      statSync(join(gitDir, file));
      return operation;
    } catch {
      // not this one
    }
  }
  return undefined;
}
