// The torture suite's world: a private copy of the built CLI, throw-away git repositories,
// child processes, and the ways to make a disk full or read-only (real mounts when this
// machine allows them, fault injection at the fs edge when it does not).
import { spawn, spawnSync } from 'node:child_process';
import {
  closeSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  statfsSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { benchEnv, initRepo as gitInit, identity, ROOT } from '../repo.mjs';

export { ROOT };

const HERE = fileURLToPath(new URL('.', import.meta.url));
/** The fault-injection preload (`node --import`), for machines where mounts are refused. */
export const INJECT = pathToFileURL(join(HERE, 'inject.mjs')).href;
export const WRITER_SCRIPT = join(HERE, 'writer.mjs');

/** What the suite keeps away from git and the CLI: locations, hook managers, npm, debug. */
const OUTSIDE_VARIABLES =
  /^(GIT_DIR|GIT_WORK_TREE|GIT_INDEX_FILE|AUDIT_HOOKS_|DEBUG$|npm_|LEFTHOOK|HUSKY)/;

/** Environment for git and the CLI: no user config, no hook location variables; `extra` last. */
export function cleanEnv(extra = {}) {
  return benchEnv(
    { ...identity('Torture Test', 'torture@example.test'), NO_COLOR: '1', ...extra },
    { drop: OUTSIDE_VARIABLES },
  );
}

// ---------------------------------------------------------------------------------------
// A private copy of dist/: another engineer's `npm run build` deletes dist/ first, which
// would break a long run half-way. The copy keeps package.json (the CLI reads its version)
// and links node_modules (the bundles import their dependencies from there).

function relativeImports(file) {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:from\s*|import\s*\(\s*)["'](\.\/[^"']+)["']/g)].map((m) => m[1]);
}

function isComplete(dist) {
  for (const name of ['bin.js', 'index.js', 'writer.js']) {
    if (!existsSync(join(dist, name))) return false;
  }
  for (const name of readdirSync(dist).filter((n) => n.endsWith('.js'))) {
    for (const spec of relativeImports(join(dist, name))) {
      if (!existsSync(join(dist, spec))) return false;
    }
  }
  return true;
}

/**
 * Copies the built CLI to a private folder; retries while a concurrent build is half-way.
 * TORTURE_DIST points at another build (e.g. of an older commit, to compare).
 */
export async function privateBuild() {
  const source = process.env.TORTURE_DIST ?? join(ROOT, 'dist');
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'audit-hooks-torture-build-')));
  const dist = join(dir, 'dist');
  for (let attempt = 1; ; attempt++) {
    rmSync(dist, { recursive: true, force: true });
    try {
      cpSync(source, dist, { recursive: true });
      if (isComplete(dist)) break;
    } catch {
      // dist/ is being rebuilt right now
    }
    if (attempt === 40) {
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`${source} is missing or incomplete: run \`npm run build\` first`);
    }
    await sleep(500);
  }
  cpSync(join(source, '..', 'package.json'), join(dir, 'package.json'));
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return {
    dir,
    bin: join(dist, 'bin.js'),
    writer: join(dist, 'writer.js'),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

// ---------------------------------------------------------------------------------------
// Repositories and processes.

let scratch;
/** The run's own temp folder; everything the suite makes lives below it. */
export function scratchDir() {
  if (scratch === undefined) {
    scratch = realpathSync(mkdtempSync(join(tmpdir(), 'audit-hooks-torture-')));
  }
  return scratch;
}

let counter = 0;
/** A new empty folder below the scratch folder. */
export function freshDir(prefix) {
  const dir = join(scratchDir(), `${prefix}-${++counter}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** `git init` (one empty commit, so hook mode has a HEAD to stamp) in `dir`. */
export function initRepo(dir) {
  const git = gitInit(dir, { env: cleanEnv(), commit: true });
  mkdirSync(join(dir, 'logs', 'active'), { recursive: true });
  return { root: dir, head: git('rev-parse', 'HEAD'), git };
}

/** A fresh repository in its own folder. */
export function makeRepo(prefix = 'repo') {
  return initRepo(freshDir(prefix));
}

/** node's arguments and the environment for running the CLI with `options` (see {@link cli}). */
function cliProcess(build, args, options) {
  return {
    argv: [...(options.inject ? ['--import', INJECT] : []), build.bin, ...args],
    env: cleanEnv({
      ...(options.env ?? {}),
      ...(options.inject ? { AUDIT_HOOKS_TORTURE_FAULT: JSON.stringify(options.inject) } : {}),
    }),
  };
}

/**
 * Runs the CLI and waits for it. `inject` is a fault spec for inject.mjs; `timeoutMs` only
 * guards against a hang (a hung command is a finding, reported as such).
 */
export function cli(build, args, options = {}) {
  const { argv, env } = cliProcess(build, args, options);
  const result = spawnSync(process.execPath, argv, {
    cwd: options.cwd,
    env,
    input: options.input ?? '',
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 120_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  return {
    status: result.status,
    signal: result.signal,
    stdout: result.stdout ?? '',
    stderr: result.stderr ?? '',
    hung: result.error?.code === 'ETIMEDOUT',
  };
}

/** Starts the CLI without waiting: `{ child, done }`, `done` resolving to its outcome. */
export function startCli(build, args, options = {}) {
  const { argv, env } = cliProcess(build, args, options);
  const child = spawn(process.execPath, argv, {
    cwd: options.cwd,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return { child, done: collect(child) };
}

/** Starts a writer process (writer.mjs) with `config`; `inject` as for {@link cli}. */
export function startWriter(build, config, inject) {
  const child = spawn(
    process.execPath,
    [
      ...(inject ? ['--import', INJECT] : []),
      WRITER_SCRIPT,
      JSON.stringify({ writerModule: build.writer, ...config }),
    ],
    {
      env: cleanEnv(inject ? { AUDIT_HOOKS_TORTURE_FAULT: JSON.stringify(inject) } : {}),
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  return { child, config, done: collect(child) };
}

function collect(child) {
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (status, signal) => resolve({ status, signal, stdout, stderr }));
  });
}

/** Removes the scratch folder (after every mount below it is gone). */
export function removeScratch() {
  unmountAll();
  if (scratch !== undefined) rmSync(scratch, { recursive: true, force: true });
  scratch = undefined;
}

// ---------------------------------------------------------------------------------------
// Disk full and read-only: real ones when possible.

const mounts = [];
const immutables = [];

function run(command, args) {
  return spawnSync(command, args, { encoding: 'utf8' });
}

/** Mounts a tmpfs of `bytes` on `dir`; false when this machine refuses (not root, no mount). */
export function mountTmpfs(dir, bytes) {
  if (process.env.TORTURE_NO_MOUNT === '1') return false;
  const result = run('mount', ['-t', 'tmpfs', '-o', `size=${bytes},mode=0755`, 'tmpfs', dir]);
  if (result.status !== 0) return false;
  mounts.push(dir);
  const stat = statfsSync(dir);
  // A mount that silently did not happen would show the size of the disk below.
  if (stat.blocks * stat.bsize > bytes * 2) {
    unmount(dir);
    return false;
  }
  return true;
}

/** Makes `dir` read-only with a read-only bind mount of itself; false when refused. */
export function bindReadOnly(dir) {
  if (process.env.TORTURE_NO_MOUNT === '1') return false;
  if (run('mount', ['--bind', dir, dir]).status !== 0) return false;
  mounts.push(dir);
  if (run('mount', ['-o', 'remount,bind,ro', dir]).status !== 0 || !refusesWrites(dir)) {
    unmount(dir);
    return false;
  }
  return true;
}

/** Makes the folder `dir` immutable (`chattr +i`: no file created, renamed or removed in it). */
export function makeImmutable(dir) {
  if (process.env.TORTURE_NO_MOUNT === '1') return false;
  if (run('chattr', ['+i', dir]).status !== 0) return false;
  immutables.push(dir);
  if (!refusesWrites(dir)) {
    makeMutable(dir);
    return false;
  }
  return true;
}

export function makeMutable(dir) {
  run('chattr', ['-i', dir]);
  const index = immutables.indexOf(dir);
  if (index !== -1) immutables.splice(index, 1);
}

function refusesWrites(dir) {
  const probe = join(dir, `.torture-probe-${process.pid}`);
  try {
    writeFileSync(probe, 'x');
  } catch {
    return true;
  }
  unlinkSync(probe);
  return false;
}

export function unmount(dir) {
  if (run('umount', [dir]).status !== 0) run('umount', ['-l', dir]);
  const index = mounts.lastIndexOf(dir);
  if (index !== -1) mounts.splice(index, 1);
}

/** Undoes every mount and `chattr +i` this process made (newest first). */
export function unmountAll() {
  for (const dir of [...immutables]) makeMutable(dir);
  for (const dir of [...mounts].reverse()) unmount(dir);
}

/** Free bytes of the filesystem holding `dir`, as an unprivileged writer sees them. */
export function freeBytes(dir) {
  const stat = statfsSync(dir);
  return stat.bavail * stat.bsize;
}

/** Fills the filesystem of `dir` with a filler file until only about `leave` bytes are free. */
export function fillDisk(dir, leave) {
  const filler = join(dir, 'filler.bin');
  rmSync(filler, { force: true });
  const size = Math.max(0, freeBytes(dir) - leave);
  // In chunks: a single huge Buffer is wasteful, and the last chunk may hit ENOSPC itself.
  const chunk = Buffer.alloc(1024 * 1024);
  const fd = openSync(filler, 'w');
  let left = size;
  try {
    while (left > 0) {
      const n = Math.min(left, chunk.length);
      try {
        writeSync(fd, chunk, 0, n);
      } catch (error) {
        if (error.code === 'ENOSPC') break;
        throw error;
      }
      left -= n;
    }
  } finally {
    closeSync(fd);
  }
  return filler;
}

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.once(signal, () => {
    unmountAll();
    process.exit(128 + (signal === 'SIGINT' ? 2 : signal === 'SIGTERM' ? 15 : 1));
  });
}
process.once('exit', unmountAll);
