// Reads what the hook needs straight from `.git` (no git process on the commit path).

import { execFileSync } from 'node:child_process';
import { lstatSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { detectRepoRoot } from '../writer/index.js';

/**
 * The worktree root above `cwd`: the nearest folder holding a `.git` file or folder. A
 * caller that set `GIT_DIR` (and `GIT_WORK_TREE`) chose the repository itself, as git does:
 * the work tree is `GIT_WORK_TREE`, or else `cwd` (SPEC §4).
 */
export function findWorktreeRoot(cwd: string, env: NodeJS.ProcessEnv = process.env): string {
  if (env.GIT_DIR) return resolve(cwd, env.GIT_WORK_TREE || '.');
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

/**
 * The worktree's own git folder (`.git`, or where a linked worktree's `.git` file points;
 * `GIT_DIR` when the caller set it).
 */
export function worktreeGitDir(root: string, env: NodeJS.ProcessEnv = process.env): string {
  if (env.GIT_DIR) return resolve(root, env.GIT_DIR);
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

/**
 * The full sha of HEAD, read from the git folder (no git process in the hook): a
 * detached sha, a loose ref or packed-refs. Falls back to `git rev-parse` otherwise.
 */
export function readHead(root: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  try {
    const gitDir = worktreeGitDir(root, env);
    const head = readFileSync(join(gitDir, 'HEAD'), 'utf8').trim();
    if (/^[0-9a-f]{40}$/.test(head)) return head;
    const ref = /^ref: (refs\/\S+)$/.exec(head)?.[1];
    if (ref !== undefined) {
      const common = commonDir(gitDir);
      try {
        const sha = readFileSync(join(common, ref), 'utf8').trim();
        if (/^[0-9a-f]{40}$/.test(sha)) return sha;
      } catch {
        const packed = readFileSync(join(common, 'packed-refs'), 'utf8');
        const found = packed.split('\n').find((line) => line.endsWith(` ${ref}`));
        const sha = found?.slice(0, 40);
        if (sha !== undefined && /^[0-9a-f]{40}$/.test(sha)) return sha;
      }
    }
  } catch {
    // fall through to git, which knows every ref storage
  }
  try {
    return gitIn(root, ['rev-parse', '--verify', '-q', 'HEAD'], env);
  } catch {
    return undefined; // no commit yet
  }
}

function commonDir(gitDir: string): string {
  try {
    return resolve(gitDir, readFileSync(join(gitDir, 'commondir'), 'utf8').trim());
  } catch {
    return gitDir;
  }
}

// git with the caller's environment as it is (GIT_DIR and all): the hook's own repository.
function gitIn(root: string, args: string[], env: NodeJS.ProcessEnv): string {
  return execFileSync('git', args, {
    cwd: root,
    env,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  }).trimEnd();
}
