// Fault injection at the edges (fs, child processes, clock, pid), preloaded with
// `node --import` into a CLI, hook or writer process (also through NODE_OPTIONS, so that the
// hook a real `git commit` runs gets it). The spec comes from AUDIT_HOOKS_TORTURE_FAULT (JSON):
//   { "kind": "count", "out": file }          count the mutating calls, append the count at exit
//   { "kind": "trace", "out": file }          append each mutating call's protocol step, one a line
//   { "kind": "kill", "at": n }               SIGKILL itself just before mutating call n
//   { "kind": "kill", "step": s, "nth": n }   … just before the n-th call of protocol step s
//   { "kind": "stop", "at"|"step"… }          SIGSTOP itself there instead (the harness resumes it)
//   { "kind": "kill-after", "ms": n }         SIGKILL itself n ms after start, whatever it is
//                                             doing (from a worker thread: sync code cannot
//                                             hold it off), like a kill -9 from outside
//   { "kind": "tear", "at": n, "under": dir } write half of the n-th write below `dir`, then SIGKILL
//   { "kind": "errno", "code": "ENOSPC"|"EROFS", "under": dir, "budget"?: bytes }
//        fail like a full disk (after `budget` bytes: a short write first, as the kernel
//        does, then ENOSPC) or a read-only folder, for paths below `dir`
// Options of any kind:
//   "argv": "pre-commit"      act only in a process whose arguments include this one
//   "pidFile": file           append this process's real pid there at start (for real kills)
//   "pid": n                  report this pid (`process.pid`), as a process in another PID
//                             namespace would see itself
//   "clockOffsetMs": ms       shift Date.now() (a clock stepped back or forward)
//   "deny": { "pattern": regex, "code": "EACCES" }   opening a file whose name matches fails
//                             (a mode 000 file, for a test that runs as root)
// Mutating calls are fs calls that change the disk (open for writing, write, fsync, rename,
// link, unlink, mkdir, rmdir, rm) and child processes (git). Each is labelled with the step
// of the consolidation protocol it belongs to (see stepOf), so crash points can be counted
// per step. Both the CommonJS fs (write-file-atomic) and ESM named imports see the wrappers.
import childProcess from 'node:child_process';
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { basename, resolve } from 'node:path';
import { promisify } from 'node:util';
import { Worker } from 'node:worker_threads';

const parsed = JSON.parse(process.env.AUDIT_HOOKS_TORTURE_FAULT ?? 'null');
const applies =
  parsed !== null && (parsed.argv === undefined || process.argv.includes(parsed.argv));
const spec = applies ? parsed : null;
const realPid = process.pid;

const WRITE_FLAGS = fs.constants.O_WRONLY | fs.constants.O_RDWR | fs.constants.O_CREAT;
const isWriteFlag = (flags) =>
  typeof flags === 'string' ? /[wa+]/.test(flags) : ((flags ?? 0) & WRITE_FLAGS) !== 0;

// Which calls change the disk, and how to find the path (or fd) they touch.
const MUTATING = {
  openSync: (args) => (isWriteFlag(args[1]) ? { path: args[0] } : undefined),
  open: (args) => (isWriteFlag(args[1]) ? { path: args[0] } : undefined),
  // stdin, stdout and stderr are not the disk
  writeSync: (args) => (args[0] > 2 ? { fd: args[0], ...intended(args) } : undefined),
  write: (args) => (args[0] > 2 ? { fd: args[0], ...intended(args) } : undefined),
  writeFileSync: (args) => ({ path: args[0], bytes: byteLength(args[1]) }),
  appendFileSync: (args) => ({ path: args[0], bytes: byteLength(args[1]) }),
  fsyncSync: (args) => ({ fd: args[0] }),
  fsync: (args) => ({ fd: args[0] }),
  renameSync: (args) => ({ path: args[1], from: args[0] }),
  rename: (args) => ({ path: args[1], from: args[0] }),
  linkSync: (args) => ({ path: args[1], from: args[0] }),
  unlinkSync: (args) => ({ path: args[0] }),
  unlink: (args) => ({ path: args[0] }),
  mkdirSync: (args) => ({ path: args[0] }),
  rmdirSync: (args) => ({ path: args[0] }),
  rmSync: (args) => ({ path: args[0] }),
};

// Child processes: every git the consolidation runs is a step too (a kill before `git add`
// is the crash between publish and stage).
const SPAWNING = {
  spawnSync: (args) => ({ command: args[0], argv: args[1] }),
  execFileSync: (args) => ({ command: args[0], argv: args[1] }),
};

// What a write(fd, …) call means to write, and where: both call forms of fs.write(Sync).
function intended(args) {
  const [, data] = args;
  if (typeof data === 'string') {
    const position = typeof args[2] === 'number' ? args[2] : null;
    const encoding = typeof args[3] === 'string' ? args[3] : 'utf8';
    const bytes = Buffer.from(data, encoding);
    return { data: bytes, position, bytes: bytes.length };
  }
  const offset = typeof args[2] === 'number' ? args[2] : 0;
  const length = typeof args[3] === 'number' ? args[3] : data.byteLength - offset;
  const position = typeof args[4] === 'number' ? args[4] : null;
  const view = Buffer.from(data.buffer, data.byteOffset + offset, length);
  return { data: view, position, bytes: length };
}

const realWriteSync = fs.writeSync;
const realOpenSync = fs.openSync;
const realCloseSync = fs.closeSync;

// Appends to a file of the harness with the unwrapped calls (appendFileSync would go
// through the wrapped writeFileSync, and count or trace itself).
function realAppend(file, text) {
  const fd = realOpenSync(file, 'a');
  try {
    realWriteSync(fd, text);
  } finally {
    realCloseSync(fd);
  }
}

function byteLength(data) {
  return typeof data === 'string' ? Buffer.byteLength(data) : (data?.byteLength ?? 0);
}

const fdPaths = new Map();
let calls = 0;
const stepCalls = new Map();
let budget = spec?.budget ?? 0;

function pathOf(target) {
  if (target.path !== undefined) return resolve(String(target.path));
  return fdPaths.get(target.fd);
}

function under(path, dir) {
  return path !== undefined && (path === dir || path.startsWith(`${dir}/`));
}

/**
 * The step of the consolidation protocol a mutating call belongs to (SPEC §5, the header of
 * src/history/consolidate.ts): lock, claim, batch, manifest, publish, stage, release, unlock;
 * `git` for the git commands that only read, `other` for the rest (folders' .gitignore, the
 * writer's shard).
 */
export function stepOf(name, target) {
  if (target.command !== undefined) {
    const args = Array.isArray(target.argv) ? target.argv : [];
    if (target.command === 'git' && args.includes('add')) return 'stage';
    if (target.command === 'git' && args.includes('reset')) return 'release';
    return 'git';
  }
  const path = pathOf(target) ?? '';
  const from = target.from === undefined ? '' : resolve(String(target.from));
  if (/\/logs\/active\/\.consolidate\.lock(\.break)?$/.test(path))
    return name.startsWith('unlink') ? 'unlock' : 'lock';
  if (/\/\.claimed\/\.released-[^/]+/.test(path) || /\/logs\/active\/\.ledger(\/|$)/.test(path))
    return 'release';
  if (/\/\.claimed\/[^/.][^/]*\/manifest\.json$/.test(path) && name.startsWith('link'))
    return 'manifest';
  if (/\/\.claimed\/[^/.][^/]*\/run-[^/]+/.test(path)) return 'batch';
  if (/\/\.claimed\/\.claiming-/.test(path) || /\/\.claimed\/\.claiming-/.test(from))
    return 'claim';
  if (/\/logs\/active\/\.claimed$/.test(path)) return 'claim';
  // (logs/quarantine is made under a temporary name with its .gitignore, then renamed)
  if (/\/logs\/\.quarantine-/.test(path) || /\/logs\/\.quarantine-/.test(from)) return 'publish';
  if (/\/logs\/(history|quarantine)(\/|$)/.test(path) && !path.endsWith('/.gitignore'))
    return 'publish';
  // a writer's line into its shard (the stop that lands a line in a claimed shard)
  if (/\/logs\/active\/[^/]+\.jsonl$/.test(path) && name.startsWith('write')) return 'shard';
  return 'other';
}

function act(kind) {
  if (kind === 'stop') process.kill(realPid, 'SIGSTOP');
  else process.kill(realPid, 'SIGKILL');
}

function fault(name, target) {
  if (spec.kind === 'kill' || spec.kind === 'stop' || spec.kind === 'count') {
    calls++;
    const step = stepOf(name, target);
    const nth = (stepCalls.get(step) ?? 0) + 1;
    stepCalls.set(step, nth);
    if (spec.kind === 'count') return undefined;
    if (spec.at !== undefined ? calls === spec.at : step === spec.step && nth === (spec.nth ?? 1))
      act(spec.kind);
    return undefined;
  }
  if (spec.kind === 'trace') {
    realAppend(spec.out, `${stepOf(name, target)} ${name}\n`);
    return undefined;
  }
  if (target.command !== undefined) return undefined;
  const dir = resolve(spec.under);
  const path = pathOf(target);
  if (spec.kind === 'tear') {
    if (!name.startsWith('write') || name.startsWith('writeFile') || !under(path, dir)) return;
    calls++;
    return calls === spec.at ? { tear: true } : undefined;
  }
  if (spec.kind !== 'errno') return undefined;
  const from = target.from === undefined ? undefined : resolve(String(target.from));
  if (!under(path, dir) && !under(from, dir)) return undefined;
  if (spec.code === 'EROFS') {
    if (name.startsWith('fsync')) return undefined;
    // As on a real read-only mount, mkdir of a folder that exists says EEXIST, not EROFS.
    if (name === 'mkdirSync' && fs.existsSync(path)) return undefined;
    return errno('EROFS', 'read-only file system', name, path);
  }
  // ENOSPC: creating, renaming and removing work; data beyond the budget does not fit.
  if (target.bytes === undefined) return undefined;
  if (target.bytes <= budget) {
    budget -= target.bytes;
    return undefined;
  }
  const partial = budget;
  budget = 0;
  return errno('ENOSPC', 'no space left on device', name, path, partial);
}

const ERRNO = { ENOSPC: -28, EROFS: -30, EACCES: -13 };

function errno(code, text, syscall, path, partial = 0) {
  const error = new Error(`${code}: ${text}, ${syscall} '${path}'`);
  error.code = code;
  error.errno = ERRNO[code] ?? -5;
  error.syscall = syscall.replace(/Sync$/, '');
  error.path = path;
  error.partial = partial;
  return error;
}

function wrapMutating() {
  for (const [name, describe] of Object.entries(MUTATING)) {
    const original = fs[name];
    const sync = name.endsWith('Sync');
    const wrapped = function (...args) {
      const target = describe(args);
      const error = target === undefined ? undefined : fault(name, target);
      if (error?.tear) {
        const half = Math.max(1, target.data.length >> 1);
        realWriteSync(args[0], target.data, 0, half, target.position);
        process.kill(realPid, 'SIGKILL');
      }
      if (error?.partial > 0 && (name === 'writeSync' || name === 'write')) {
        // A disk that fills mid-write keeps what fits and says so with a short count; only
        // the next write fails.
        const written = realWriteSync(args[0], target.data, 0, error.partial, target.position);
        if (sync) return written;
        const callback = args.at(-1);
        process.nextTick(callback, null, written, args[1]);
        return undefined;
      }
      if (error !== undefined) {
        if (sync) throw error;
        const callback = args.at(-1);
        if (typeof callback === 'function') process.nextTick(callback, error);
        return undefined;
      }
      if (name === 'openSync') {
        const fd = original.apply(this, args);
        if (target !== undefined) fdPaths.set(fd, resolve(String(args[0])));
        return fd;
      }
      if (name === 'open' && target !== undefined) {
        const callback = args.at(-1);
        args[args.length - 1] = (err, fd) => {
          if (!err) fdPaths.set(fd, resolve(String(args[0])));
          callback(err, fd);
        };
      }
      return original.apply(this, args);
    };
    if (original[promisify.custom] !== undefined) {
      Object.defineProperty(wrapped, promisify.custom, {
        value: (...args) =>
          new Promise((resolvePromise, reject) =>
            wrapped(...args, (err, ...values) => {
              if (err) reject(err);
              else if (name === 'write')
                resolvePromise({ bytesWritten: values[0], buffer: values[1] });
              else resolvePromise(values[0]);
            }),
          ),
      });
    }
    fs[name] = wrapped;
  }
  for (const [name, describe] of Object.entries(SPAWNING)) {
    const original = childProcess[name];
    childProcess[name] = function (...args) {
      fault(name, describe(args));
      return original.apply(this, args);
    };
  }
}

// A file that cannot be opened, whatever the flags: what a mode 000 file is to anyone but root.
function wrapDeny(deny) {
  const pattern = new RegExp(deny.pattern);
  const code = deny.code ?? 'EACCES';
  for (const name of ['openSync', 'open']) {
    const original = fs[name];
    const wrapped = function (...args) {
      if (pattern.test(basename(String(args[0])))) {
        const error = errno(code, 'permission denied', name, String(args[0]));
        if (name === 'openSync') throw error;
        process.nextTick(args.at(-1), error);
        return undefined;
      }
      return original.apply(this, args);
    };
    if (original[promisify.custom] !== undefined) {
      Object.defineProperty(wrapped, promisify.custom, {
        value: (...args) =>
          new Promise((ok, fail) => wrapped(...args, (err, fd) => (err ? fail(err) : ok(fd)))),
      });
    }
    fs[name] = wrapped;
  }
}

if (spec !== null) {
  if (spec.pidFile !== undefined) realAppend(spec.pidFile, `${realPid}\n`);
  if (Number.isInteger(spec.pid)) {
    Object.defineProperty(process, 'pid', { value: spec.pid, configurable: true });
  }
  if (typeof spec.clockOffsetMs === 'number') {
    const realNow = Date.now;
    const offset = spec.clockOffsetMs;
    Date.now = () => realNow() + offset;
    const RealDate = Date;
    globalThis.Date = class extends RealDate {
      constructor(...args) {
        if (args.length === 0) super(RealDate.now());
        else super(...args);
      }
      static now() {
        return RealDate.now();
      }
    };
  }
  if (spec.deny !== undefined) wrapDeny(spec.deny);
  if (spec.kind === 'kill-after') {
    const worker = new Worker(
      `setTimeout(() => process.kill(${realPid}, 'SIGKILL'), ${Number(spec.ms)});`,
      { eval: true },
    );
    worker.unref();
  }
  if (['count', 'trace', 'kill', 'stop', 'tear', 'errno'].includes(spec.kind)) wrapMutating();
  syncBuiltinESMExports();
  // A test that frees the disk again tells the injection so.
  globalThis.__AUDIT_HOOKS_TORTURE_REFILL = () => {
    budget = Number.POSITIVE_INFINITY;
  };
  if (spec.kind === 'count') {
    process.on('exit', () => {
      realAppend(spec.out, `${calls}\n`);
    });
  }
}
