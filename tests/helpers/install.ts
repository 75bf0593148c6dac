// Helpers for the install tests: a repository with linked worktrees, real commits through
// the installed hooks, and byte-exact snapshots of everything install may touch.
import { execFileSync, type SpawnSyncReturns, spawnSync } from 'node:child_process';
import {
  accessSync,
  appendFileSync,
  chmodSync,
  constants,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { basename, delimiter, dirname, join, relative } from 'node:path';
import { BIN, makeRepo, runCli, type TempRepo, tempDir, testEnv } from './git-repo.js';
import { historyEntries, type StoredEntry } from './history.js';
import { ok } from './pack.js';

export { ok };

const scratch: (() => void)[] = [];

/**
 * Removes every repository and folder this module made since the last call: register it
 * with `afterEach`, so each test starts from nothing (the file-wide cleanup is a backstop).
 */
export function removeScratch(): void {
  for (const cleanup of scratch.splice(0)) cleanup();
}

/** A temp folder that {@link removeScratch} removes after the test. */
export function scratchDir(prefix?: string): string {
  const dir = tempDir(prefix);
  scratch.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/**
 * Environment for commits through the installed hooks, as in a user's terminal: no
 * `audit-hooks` on PATH (unless `pathDirs` puts one there) and no `node_modules/.bin` (which
 * `npm run` and `npx` add), lefthook neither disabled nor verbose, no CI quirks.
 */
export function hookEnv(options: { pathDirs?: string[] } = {}): NodeJS.ProcessEnv {
  const env = testEnv();
  for (const name of Object.keys(env)) {
    if (/^(LEFTHOOK|HUSKY)/.test(name) || /^npm_/i.test(name)) delete env[name];
  }
  const dirs = (env.PATH ?? '')
    .split(delimiter)
    .filter(
      (dir) =>
        dir !== '' &&
        !/node_modules[\\/]\.bin$/.test(dir) &&
        !isExecutable(join(dir, 'audit-hooks')),
    );
  env.PATH = [...(options.pathDirs ?? []), ...dirs].join(delimiter);
  return env;
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Runs git in `cwd` with {@link hookEnv}; throws with the output when it fails. */
export function gitIn(cwd: string, args: string[], env = hookEnv()): string {
  const result = spawnSync('git', args, { cwd, env, encoding: 'utf8' });
  if (result.status !== 0) {
    throw new Error(`git ${args.join(' ')} in ${cwd}: exit ${result.status}\n${result.stderr}`);
  }
  return `${result.stdout}${result.stderr}`;
}

/**
 * What a user does: change a file, `git add -A`, `git commit`. Returns the commit's whole
 * output (hooks included). A commit with nothing staged would consolidate nothing (git
 * decides "nothing to commit" before its hooks run), so there is always a change.
 */
export function commitChange(cwd: string, message: string, env = hookEnv()): string {
  // One file per worktree, so that merging their branches never conflicts on it.
  appendFileSync(join(cwd, `work-${basename(cwd)}.txt`), `${message}\n`);
  gitIn(cwd, ['add', '-A'], env);
  return gitIn(cwd, ['commit', '-q', '-m', message], env);
}

/** `git status --porcelain`, every untracked file listed: empty when the tree is clean. */
export function gitStatus(cwd: string): string {
  return gitIn(cwd, ['status', '--porcelain', '--untracked-files=all']).trimEnd();
}

/** The batch files `rev` added (relative to the worktree), sorted. */
export function addedBatches(cwd: string, rev = 'HEAD'): string[] {
  return gitIn(cwd, [
    'diff-tree',
    '-r',
    '--root',
    '--no-commit-id',
    '--name-only',
    '--diff-filter=A',
    rev,
    '--',
    'logs/history',
  ])
    .split('\n')
    .filter((path) => path !== '')
    .sort();
}

/** The `event` of every entry in the batch files that `rev` added, sorted. */
export function committedEvents(cwd: string, rev = 'HEAD'): string[] {
  return addedBatches(cwd, rev)
    .flatMap((path) =>
      gitIn(cwd, ['show', `${rev}:${path}`])
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => String((JSON.parse(line) as StoredEntry).event)),
    )
    .sort();
}

/** Paths below logs/ that `rev` holds other than batch files (shards, claims: never). */
export function committedNonHistory(cwd: string, rev = 'HEAD'): string[] {
  return gitIn(cwd, ['ls-tree', '-r', '--name-only', rev, '--', 'logs'])
    .split('\n')
    .filter((path) => path !== '' && !path.startsWith('logs/history/'));
}

/** Appends one entry to session `session`'s shard in `cwd` with the built CLI. */
export function logEntry(cwd: string, session: string, fields: Record<string, unknown>): void {
  const result = runCli(['log', JSON.stringify(fields), '--session', session], { cwd });
  if (result.status !== 0) throw new Error(`audit-hooks log failed: ${result.stderr}`);
}

/** History entries of `root`, by their `event` field. */
export function historyEvents(root: string): string[] {
  return historyEntries(root)
    .map((entry: StoredEntry) => String(entry.event))
    .sort();
}

export interface WorktreeRepo extends TempRepo {
  /** The main worktree first, then the linked ones. */
  worktrees: string[];
  /** Runs the built CLI in `cwd` (default: the main worktree). */
  install(args?: string[], cwd?: string): SpawnSyncReturns<string>;
}

/**
 * A repository on `main` with `linked` worktrees (branches `wt1`, `wt2`, …) next to it, in
 * one temp folder removed by `cleanup` (or {@link removeScratch}). `node_modules/` is
 * excluded for every worktree.
 */
export function makeWorktreeRepo(options: { linked?: number } = {}): WorktreeRepo {
  const repo = makeRepo();
  const parent = tempDir('audit-hooks-worktrees-');
  const worktrees = [repo.root];
  for (let i = 1; i <= (options.linked ?? 2); i++) {
    const path = join(parent, `wt${i}`);
    repo.git('worktree', 'add', '-q', '-b', `wt${i}`, path);
    worktrees.push(path);
  }
  writeFileSync(join(repo.root, '.git', 'info', 'exclude'), 'node_modules/\n');
  const cleanup = () => {
    repo.cleanup();
    execFileSync('rm', ['-rf', parent]);
  };
  scratch.push(cleanup);
  return {
    ...repo,
    worktrees,
    install: (args = ['install'], cwd = repo.root) => runCli(args, { cwd, env: hookEnv() }),
    cleanup,
  };
}

/**
 * A {@link makeWorktreeRepo} with audit-hooks installed by the built CLI (lefthook, the
 * default); unless `bin` is false, the main worktree gets it from {@link linkBin} first.
 */
export function installedRepo(options: { linked?: number; bin?: boolean } = {}): WorktreeRepo {
  const repo = makeWorktreeRepo(options);
  if (options.bin !== false) linkBin(repo.root);
  ok(repo.install());
  return repo;
}

/** Writes an executable `#!/bin/sh` hook running `body` to `path`; returns its text. */
export function writeHook(path: string, body: string): string {
  const text = `#!/bin/sh\n${body}\n`;
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
  chmodSync(path, 0o755);
  return text;
}

/** A file in a {@link scratchDir} that test hooks append to, to show that (and how) they ran. */
export interface Trace {
  path: string;
  /** What was appended so far (throws when nothing ran). */
  read(): string;
}

/** A new {@link Trace}. */
export function hookTrace(): Trace {
  const path = join(scratchDir('audit-hooks-marker-'), 'ran');
  return { path, read: () => readFileSync(path, 'utf8') };
}

/** A `node` first on PATH that records each start, then runs the real one. */
export interface NodeShim {
  /** Put it first on PATH: `hookEnv({ pathDirs: [shim.dir] })`. */
  dir: string;
  /** The arguments of every start so far, one string each. */
  starts(): string[];
}

/** A new {@link NodeShim}: proves which commits start Node.js and which do not. */
export function nodeShim(): NodeShim {
  const dir = scratchDir('audit-hooks-node-shim-');
  const trace = join(dir, 'starts');
  writeFileSync(trace, '');
  writeHook(join(dir, 'node'), `echo "$*" >> '${trace}'\nexec '${process.execPath}' "$@"`);
  return {
    dir,
    starts: () =>
      readFileSync(trace, 'utf8')
        .split('\n')
        .filter((line) => line !== ''),
  };
}

/** `<dir>/node_modules/.bin/audit-hooks` → the built CLI, as `npm i -D audit-hooks` makes it. */
export function linkBin(dir: string): string {
  const bin = join(dir, 'node_modules', '.bin');
  mkdirSync(bin, { recursive: true });
  symlinkSync(BIN, join(bin, 'audit-hooks'));
  return bin;
}

/**
 * Every file install may touch, byte for byte with its mode: all files of every worktree
 * (not below `.git/` or `node_modules/`), the repository's `.git/config`, `.git/info/` and
 * hooks folder. `skip` leaves out the paths (labels, e.g. `wt1/logs`) it matches.
 */
export function snapshot(
  repo: { root: string; worktrees: string[] },
  skip?: RegExp,
): Map<string, string> {
  const out = new Map<string, string>();
  const add = (label: string, file: string) => {
    if (skip?.test(label)) return;
    const stat = lstatSync(file);
    if (stat.isSymbolicLink()) out.set(label, `link ${readlinkSync(file)}`);
    else if (stat.isFile()) {
      out.set(label, `${(stat.mode & 0o777).toString(8)} ${readFileSync(file, 'base64')}`);
    } else if (stat.isDirectory()) {
      out.set(`${label}/`, 'dir');
      for (const name of readdirSync(file)) {
        if (name === '.git' || name === 'node_modules') continue;
        add(`${label}/${name}`, join(file, name));
      }
    }
  };
  repo.worktrees.forEach((worktree, index) => {
    add(`wt${index}`, worktree);
    if (index > 0) add(`wt${index}/.git`, join(worktree, '.git'));
  });
  add('.git/config', join(repo.root, '.git', 'config'));
  add('.git/info', join(repo.root, '.git', 'info'));
  add('.git/hooks', join(repo.root, '.git', 'hooks'));
  return out;
}

/** The differences between two snapshots, as readable lines (empty when equal). */
export function snapshotDiff(before: Map<string, string>, after: Map<string, string>): string[] {
  const lines: string[] = [];
  for (const [path, value] of before) {
    if (!after.has(path)) lines.push(`- ${path}`);
    else if (after.get(path) !== value) lines.push(`~ ${path}`);
  }
  for (const path of after.keys()) if (!before.has(path)) lines.push(`+ ${path}`);
  return lines;
}

/** Text of `relative` in `root`, or `undefined` when there is no such file. */
export function readIf(root: string, path: string): string | undefined {
  const file = join(root, path);
  return existsSync(file) ? readFileSync(file, 'utf8') : undefined;
}

/** `root`-relative names of the files in `dir`. */
export function filesIn(root: string, dir: string): string[] {
  const path = join(root, dir);
  return existsSync(path) ? readdirSync(path).map((name) => relative(root, join(path, name))) : [];
}

let huskyDir: string | undefined;

/** husky 9's bin, installed from the registry once per test file (`npm install husky@9`). */
export function huskyBin(): string {
  if (huskyDir === undefined) {
    const dir = tempDir('audit-hooks-husky-');
    const env = hookEnv();
    execFileSync('npm', ['init', '-y'], { cwd: dir, env, stdio: 'ignore' });
    execFileSync('npm', ['install', '--no-audit', '--no-fund', 'husky@9'], {
      cwd: dir,
      env,
      stdio: 'pipe',
    });
    huskyDir = dir;
  }
  return join(huskyDir, 'node_modules', 'husky', 'bin.js');
}

/** Removes what {@link huskyBin} installed. */
export function cleanupHusky(): void {
  if (huskyDir !== undefined) execFileSync('rm', ['-rf', huskyDir]);
  huskyDir = undefined;
}

/** Runs husky's bin in `cwd` (as the `prepare` script `husky init` adds would). */
export function runHusky(cwd: string, args: string[] = []): string {
  return execFileSync(process.execPath, [huskyBin(), ...args], {
    cwd,
    env: hookEnv(),
    encoding: 'utf8',
  });
}
