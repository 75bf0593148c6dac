// The commit steps run on every commit and almost always find nothing to do. This answers
// that one question with `node:fs` and `node:path` only, so the bin can skip loading the
// CLI, the commands and their dependencies. (The installed hook command asks the same
// question in the shell first, so that usually node does not even start: SPEC §5.8.)

// Node's ESM wrapper of `node:fs` reads every export, which loads its streams too: ~2 ms
// that this path does without where `process.getBuiltinModule` exists (Node >= 20.16).
const { lstatSync, readdirSync, readFileSync, statSync }: typeof import('node:fs') =
  process.getBuiltinModule?.('node:fs') ?? (await import('node:fs'));
const { dirname, join, resolve }: typeof import('node:path') =
  process.getBuiltinModule?.('node:path') ?? (await import('node:path'));

// ACTIVE and CLAIMED of ./paths.js, spelled out: importing that module costs a file load.
const ACTIVE = join('logs', 'active');
const CLAIMED = join('logs', 'active', '.claimed');

/**
 * True only when a commit step run from `cwd` would find no shard and no claim set, and so
 * print nothing and exit 0. Anything unusual (no `.git` above, an unreadable folder, a
 * link) answers false: the full step then decides, and words any problem.
 */
export function nothingToConsolidate(
  cwd: string = process.cwd(),
  step: string | undefined = undefined,
): boolean {
  // A session that asked for it records each commit (SPEC §15): work for the post-commit step.
  if (step === 'post-commit' && process.env.AUDIT_HOOKS_SESSION) return false;
  try {
    // A caller's GIT_DIR names the repository (and GIT_WORK_TREE, or else cwd, its root).
    const gitDir = process.env.GIT_DIR;
    const root = gitDir
      ? resolve(cwd, process.env.GIT_WORK_TREE || '.')
      : worktreeRoot(resolve(cwd));
    if (root === undefined || (!gitDir && !hasGitDir(root))) return false;
    const active = join(root, ACTIVE);
    if (!isFolderOrMissing(active)) return false;
    if (names(active).some((name) => name.endsWith('.jsonl'))) return false;
    const claimed = join(root, CLAIMED);
    if (!isFolderOrMissing(claimed)) return false;
    // Claim sets, sets being filled, loose v1 claims: anything but a set being deleted.
    return names(claimed).every((name) => name.startsWith('.released-'));
  } catch {
    return false;
  }
}

// As findWorktreeRoot (src/git/worktree.ts): the nearest folder holding a `.git`.
function worktreeRoot(start: string): string | undefined {
  for (let dir = start; ; dir = dirname(dir)) {
    try {
      lstatSync(join(dir, '.git'));
      return dir;
    } catch {
      if (dirname(dir) === dir) return undefined;
    }
  }
}

// As worktreeGitDir: a `.git` folder, or a `.git` file that names one.
function hasGitDir(root: string): boolean {
  const dotGit = join(root, '.git');
  return (
    statSync(dotGit).isDirectory() || /^gitdir:\s*(.+?)\s*$/m.test(readFileSync(dotGit, 'utf8'))
  );
}

function isFolderOrMissing(path: string): boolean {
  try {
    return lstatSync(path).isDirectory();
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT';
  }
}

function names(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}
