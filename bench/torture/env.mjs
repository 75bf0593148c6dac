// The torture suite's world: a private copy of the built CLI, throw-away git repositories,
// child processes, and the ways to make a disk full or read-only (real mounts when this
// machine allows them, fault injection at the fs edge when it does not).
import { spawn, spawnSync } from 'node:child_process';
import {
  appendFileSync,
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
/** One consolidation through the library of a build, with options the CLI lacks. */
export const RUN_SCRIPT = join(HERE, 'run.mjs');

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
// and templates/ (install writes hooks from them), and links node_modules (the bundles
// import their dependencies from there).

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
  // install reads its hook templates from the package.
  cpSync(join(source, '..', 'templates'), join(dir, 'templates'), { recursive: true });
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return {
    dir,
    bin: join(dist, 'bin.js'),
    writer: join(dist, 'writer.js'),
    index: join(dist, 'index.js'),
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

/**
 * A repository with the build installed as a user would have it (`node_modules/.bin`, plain
 * git hooks, in-commit mode unless `mode` says otherwise): commits run the real commit steps.
 */
export function hookedRepo(build, prefix = 'hooked', options = {}) {
  const repo = makeRepo(prefix);
  installHooks(build, repo.root, options);
  return repo;
}

/** Installs the build into the repository at `root` (see {@link hookedRepo}). */
export function installHooks(build, root, options = {}) {
  linkBuild(build, root);
  const args = ['install', '--manager', 'git', ...(options.mode ? ['--mode', options.mode] : [])];
  const result = cli(build, args, { cwd: root });
  if (result.status !== 0) throw new Error(`install failed: ${result.stderr}`);
}

/** `<root>/node_modules/.bin/audit-hooks` → the build, as `npm i -D audit-hooks` makes it. */
export function linkBuild(build, root) {
  mkdirSync(join(root, 'node_modules', '.bin'), { recursive: true });
  symlinkSync(build.bin, join(root, 'node_modules', '.bin', 'audit-hooks'));
  appendFileSync(join(root, '.git', 'info', 'exclude'), 'node_modules/\n');
}

/** Environment that preloads the fault injection into every Node.js process it starts. */
export function faultEnv(fault) {
  if (fault === undefined) return {};
  return { NODE_OPTIONS: `--import=${INJECT}`, AUDIT_HOOKS_TORTURE_FAULT: JSON.stringify(fault) };
}

/**
 * Changes `file` (default code.txt), stages it and starts `git commit` through the installed
 * hooks; `fault` goes into the hooks' Node.js processes (use its `argv` to pick a step).
 */
export function startCommit(root, message, options = {}) {
  const file = options.file ?? 'code.txt';
  writeFileSync(join(root, file), `${message}\n`);
  const env = cleanEnv(faultEnv(options.fault));
  spawnSync('git', ['add', file], { cwd: root, env });
  const child = spawn('git', ['commit', '-q', '-m', message, ...(options.args ?? [])], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return { child, done: collect(child) };
}

/** {@link startCommit} and wait: `{ status, signal, stdout, stderr }`. */
export function commit(root, message, options = {}) {
  return startCommit(root, message, options).done;
}

/** What the hooks said on a commit that is not a finding: their reports and the shell's word. */
export function hookWarnings(stderr) {
  return stderr
    .split('\n')
    .filter((line) => line !== '' && line !== 'Killed')
    .filter((line) => !/^audit-hooks: (\d|staged |restored )/.test(line));
}

/** Starts one consolidation through the build's library with `options` (e.g. lockWaitMs). */
export function startRun(build, root, options = {}, fault = undefined) {
  const child = spawn(
    process.execPath,
    [RUN_SCRIPT, build.index, JSON.stringify({ cwd: root, ...options })],
    { cwd: root, env: cleanEnv(faultEnv(fault)), stdio: ['ignore', 'pipe', 'pipe'] },
  );
  return { child, done: collect(child) };
}

/** The state letter of a process (`T` when stopped), `undefined` once it is gone. */
export function processState(pid) {
  try {
    return /^\d+ \(.*\) (\S)/s.exec(readFileSync(`/proc/${pid}/stat`, 'utf8'))?.[1];
  } catch {
    return undefined;
  }
}

/** Polls `ready` every 10 ms until it returns something; throws after `limitMs`. */
export async function waitFor(what, ready, limitMs = 30_000) {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const value = ready();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await sleep(10);
  }
}

/** Waits until `pid` has stopped itself (an injected SIGSTOP); throws if `child` exits first. */
export function waitStopped(pid, child) {
  return waitFor(`process ${pid} to stop`, () => {
    if (child !== undefined && (child.exitCode !== null || child.signalCode !== null)) {
      throw new Error(
        `process ${pid} ended (${child.exitCode ?? child.signalCode}) before it stopped`,
      );
    }
    return processState(pid) === 'T';
  });
}

/** The first pid written to `file` (the fault's `pidFile`), once there is one. */
export function pidIn(file, limitMs) {
  return waitFor(
    `a pid in ${file}`,
    () => {
      const text = existsSync(file) ? readFileSync(file, 'utf8').trim() : '';
      return text === '' ? undefined : Number(text.split('\n')[0]);
    },
    limitMs,
  );
}

/** Whether a process with this pid exists in this PID namespace. */
export function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}

/** Whether this machine lets us make a PID namespace. */
export function pidNamespaces() {
  return (
    process.env.TORTURE_NO_MOUNT !== '1' && run('unshare', ['--pid', '--fork', 'true']).status === 0
  );
}

/** The pid of the process whose command line starts with `start` and holds `part`. */
export function findProcess(start, part) {
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const cmdline = readFileSync(`/proc/${name}/cmdline`, 'utf8');
      if (cmdline.startsWith(start) && cmdline.includes(part)) return Number(name);
    } catch {
      // gone meanwhile
    }
  }
  return undefined;
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
