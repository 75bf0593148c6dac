import { execFileSync } from 'node:child_process';
import { gitEnvironment } from '../writer/index.js';

/** Runs git in `cwd` (without the hook's GIT_DIR & co.) and returns its trimmed output. */
export function git(cwd: string, args: string[]): string {
  return execFileSync('git', args, {
    cwd,
    env: gitEnvironment(),
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 256 * 1024 * 1024,
  }).trimEnd();
}

/** Like {@link git}, but `undefined` where git exits non-zero (e.g. an unset config key). */
export function gitMaybe(cwd: string, args: string[]): string | undefined {
  try {
    return git(cwd, args);
  } catch (error) {
    if (typeof (error as { status?: unknown }).status === 'number') return undefined;
    throw error;
  }
}

/** A worktree of the repository, as `git worktree list --porcelain` reports it. */
export interface Worktree {
  path: string;
  /** Branch name without `refs/heads/`, if any. */
  branch?: string;
  bare: boolean;
}

/** Every worktree of the repository containing `cwd`, the main one first. */
export function listWorktrees(cwd: string): Worktree[] {
  const out = git(cwd, ['worktree', 'list', '--porcelain']);
  const worktrees: Worktree[] = [];
  for (const block of out.split(/\n\n+/)) {
    const lines = block.split('\n');
    const path = lines.find((line) => line.startsWith('worktree '))?.slice('worktree '.length);
    if (path === undefined) continue;
    const branch = lines
      .find((line) => line.startsWith('branch '))
      ?.slice('branch refs/heads/'.length);
    worktrees.push({ path, bare: lines.includes('bare'), ...(branch ? { branch } : {}) });
  }
  return worktrees;
}
