// Git operations of the commit steps. They run with the environment git gave the hook,
// GIT_INDEX_FILE included: during `git commit -a` or `git commit -o <path>` that is a
// temporary index, and the batch must be staged into the index git is committing from
// (SPEC §7). Paths are literal (GIT_LITERAL_PATHSPECS), never patterns.
import { spawnSync } from 'node:child_process';

function run(
  root: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): { status: number; stdout: string; stderr: string } {
  const child = spawnSync('git', args, {
    cwd: root,
    env: { ...env, GIT_LITERAL_PATHSPECS: '1', GIT_OPTIONAL_LOCKS: '0' },
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  if (child.error) throw child.error;
  return { status: child.status ?? 1, stdout: child.stdout, stderr: child.stderr };
}

function mustRun(root: string, args: string[], env: NodeJS.ProcessEnv): string {
  const result = run(root, args, env);
  if (result.status !== 0) {
    throw new Error(`git ${args[0]} failed: ${result.stderr.trim().split('\n')[0] ?? ''}`);
  }
  return result.stdout;
}

function nulList(text: string): string[] {
  return text.split('\0').filter((item) => item !== '');
}

/** The `paths` (relative to `root`) that HEAD's tree holds; none before the first commit. */
export function headHolds(
  root: string,
  paths: readonly string[],
  env: NodeJS.ProcessEnv,
): Set<string> {
  if (paths.length === 0) return new Set();
  const result = run(
    root,
    ['ls-tree', '-z', '--full-tree', '--name-only', 'HEAD', '--', ...paths],
    env,
  );
  // No HEAD yet (an unborn branch): nothing is held.
  if (result.status !== 0) return new Set();
  return new Set(nulList(result.stdout));
}

/** The `paths` that the index (the hook's GIT_INDEX_FILE) holds. */
export function indexHolds(
  root: string,
  paths: readonly string[],
  env: NodeJS.ProcessEnv,
): Set<string> {
  if (paths.length === 0) return new Set();
  return new Set(nulList(mustRun(root, ['ls-files', '-z', '--cached', '--', ...paths], env)));
}

/** True when the index differs from HEAD: git will find something to commit. */
export function indexHasChanges(root: string, env: NodeJS.ProcessEnv): boolean {
  const result = run(root, ['diff', '--cached', '--quiet', '--ignore-submodules=none'], env);
  if (result.status === 0) return false;
  if (result.status === 1) return true;
  throw new Error(`git diff --cached failed: ${result.stderr.trim().split('\n')[0] ?? ''}`);
}

/**
 * Stages `paths` into the hook's index: `-f` because the repository's ignore rules may cover
 * `logs/` (the usual Node.js .gitignore does), `--sparse` because a sparse checkout may not
 * include it (git < 2.35 does not know `--sparse`, and does not need it).
 */
export function stage(root: string, paths: readonly string[], env: NodeJS.ProcessEnv): void {
  if (paths.length === 0) return;
  const result = run(root, ['add', '-f', '--sparse', '--', ...paths], env);
  if (result.status === 0) return;
  if (/unknown option.*sparse/.test(result.stderr)) {
    mustRun(root, ['add', '-f', '--', ...paths], env);
    return;
  }
  throw new Error(`git add failed: ${result.stderr.trim().split('\n')[0] ?? ''}`);
}

/** Puts HEAD's version of `paths` into the index (after `git commit -o`, which left them out). */
export function restoreFromHead(
  root: string,
  paths: readonly string[],
  env: NodeJS.ProcessEnv,
): void {
  if (paths.length === 0) return;
  mustRun(root, ['reset', '-q', 'HEAD', '--', ...paths], env);
}
