// Shared by the benchmarks and the torture suite: where the package and its build are, the
// environment git and the CLI run in, and throw-away git repositories.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package's folder (no trailing slash). */
export const ROOT = fileURLToPath(new URL('..', import.meta.url)).replace(/\/$/, '');
/** The built CLI as package.json's bin names it (what `npm i` links and the hooks run). */
export const BIN = join(ROOT, 'dist', 'bin.cjs');

/** Throws unless the CLI is built. */
export function requireBuild() {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run \`npm run build\` first`);
}

/** What would point git or the CLI somewhere else than the repository at hand. */
const LOCATION_VARIABLES = /^(GIT_DIR|GIT_WORK_TREE|GIT_INDEX_FILE|AUDIT_HOOKS_SESSION)$/;

/**
 * Environment for git and the CLI: no system or user git config, none of the variables
 * `drop` matches (by default those that point git or the CLI elsewhere); `extra` last.
 */
export function benchEnv(extra = {}, { drop = LOCATION_VARIABLES } = {}) {
  const env = { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' };
  for (const name of Object.keys(env)) if (drop.test(name)) delete env[name];
  return { ...env, ...extra };
}

/** The environment variables that make `name <email>` author and committer. */
export function identity(name, email) {
  return {
    GIT_AUTHOR_NAME: name,
    GIT_AUTHOR_EMAIL: email,
    GIT_COMMITTER_NAME: name,
    GIT_COMMITTER_EMAIL: email,
  };
}

/** benchEnv() with a fixed committer, no colour. */
export function identityEnv() {
  return benchEnv({ ...identity('Bench', 'bench@example.test'), NO_COLOR: '1' });
}

/**
 * `git init` in `dir` (branch main, no commit signing); with `commit`, one empty commit, so
 * that HEAD exists. `env` must name a committer when `commit` is set. Returns a runner of
 * git in `dir` (its trimmed stdout).
 */
export function initRepo(dir, { env = identityEnv(), commit = false } = {}) {
  const git = (...args) =>
    execFileSync('git', args, { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] })
      .toString()
      .trim();
  git('init', '-q', '-b', 'main');
  git('config', 'commit.gpgSign', 'false');
  if (commit) git('commit', '-q', '--allow-empty', '-m', 'initial');
  return git;
}

/** A fresh git repository in a temp folder; with `commit`, one empty commit (HEAD exists). */
export function makeRepo({ commit = false } = {}) {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'audit-hooks-bench-')));
  initRepo(root, { commit });
  return root;
}

export function removeRepo(root) {
  rmSync(root, { recursive: true, force: true });
}
