import { execFileSync } from 'node:child_process';
import { resolve, sep } from 'node:path';
import { gitEnvironment } from '../writer/index.js';

/**
 * The environment to run git in `cwd` with. A repository the caller chose with `GIT_DIR`
 * (and `GIT_WORK_TREE`) is honoured for folders of that work tree (SPEC §4); anywhere else
 * — another worktree — git finds the repository from the folder, without the hook's
 * location variables.
 */
function gitEnvFor(cwd: string, env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const clean = gitEnvironment(env);
  if (!env.GIT_DIR) return clean;
  const workTree = resolve(env.GIT_WORK_TREE || process.cwd());
  const target = resolve(cwd);
  if (target !== workTree && !target.startsWith(`${workTree}${sep}`)) return clean;
  return { ...clean, GIT_DIR: resolve(env.GIT_DIR), GIT_WORK_TREE: workTree };
}

/** Runs git in `cwd` (see {@link gitEnvFor}) and returns its trimmed output. */
export function git(cwd: string, args: string[]): string {
  return execFileSync('git', args, {
    cwd,
    env: gitEnvFor(cwd),
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

/** The repository's `git audit-hooks` alias, if any (hints spell commands with it). */
export function aliasOf(cwd: string): string | undefined {
  return gitMaybe(cwd, ['config', '--get', 'alias.audit-hooks']);
}
