// One way to make a throw-away git repository for tests: fixed identity and branch, no
// signing, no global or system config, removed afterwards.
import { execFileSync, type SpawnSyncReturns, spawnSync } from 'node:child_process';
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const ROOT = new URL('../..', import.meta.url).pathname.replace(/\/$/, '');
export const BIN = join(ROOT, 'dist', 'bin.js');

/** Environment for git and the CLI in tests: isolated from the user's git config and hooks. */
export function testEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_AUTHOR_NAME: 'Audit Test',
    GIT_AUTHOR_EMAIL: 'audit@example.test',
    GIT_COMMITTER_NAME: 'Audit Test',
    GIT_COMMITTER_EMAIL: 'audit@example.test',
    NO_COLOR: '1',
    ...extra,
  };
  for (const name of [
    'GIT_DIR',
    'GIT_WORK_TREE',
    'GIT_INDEX_FILE',
    'AUDIT_HOOKS_SESSION',
    'DEBUG',
  ]) {
    if (!(name in extra)) delete env[name];
  }
  return env;
}

/** A fresh temp folder (real path, so it compares equal to what git prints). */
export function tempDir(prefix = 'audit-hooks-'): string {
  return realpathSync(mkdtempSync(join(tmpdir(), prefix)));
}

export interface TempRepo {
  /** The repository's root. */
  root: string;
  git(...args: string[]): string;
  /** Runs the built CLI in `cwd` (default: the root). */
  cli(
    args: string[],
    options?: { cwd?: string; input?: string; env?: NodeJS.ProcessEnv },
  ): SpawnSyncReturns<string>;
  cleanup(): void;
}

/** Creates a git repository with one commit on `main` in a temp folder. */
export function makeRepo(options: { commit?: boolean } = {}): TempRepo {
  const root = tempDir();
  const git = (...args: string[]) =>
    execFileSync('git', args, { cwd: root, env: testEnv(), encoding: 'utf8' }).trim();
  git('init', '-q', '-b', 'main');
  git('config', 'commit.gpgSign', 'false');
  if (options.commit !== false) git('commit', '-q', '--allow-empty', '-m', 'initial');
  return {
    root,
    git,
    cli: (args, opts = {}) =>
      runCli(args, { cwd: opts.cwd ?? root, input: opts.input, env: opts.env }),
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
}

/** Runs the built CLI as a user would. */
export function runCli(
  args: string[],
  options: { cwd: string; input?: string | undefined; env?: NodeJS.ProcessEnv | undefined },
): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [BIN, ...args], {
    cwd: options.cwd,
    env: testEnv(options.env),
    input: options.input ?? '',
    encoding: 'utf8',
  });
}
