// Fault injection at the fs edge, preloaded with `node --import` into a CLI or writer
// process. The spec comes from AUDIT_HOOKS_TORTURE_FAULT (JSON):
//   { "kind": "count", "out": file }                 count mutating fs calls, write at exit
//   { "kind": "kill", "at": n }                      SIGKILL itself just before mutating call n
//   { "kind": "tear", "at": n, "under": dir }  write half of the n-th write below `dir`, then SIGKILL
//   { "kind": "errno", "code": "ENOSPC"|"EROFS", "under": dir, "budget"?: bytes }
//        fail like a full disk (after `budget` bytes: a short write first, as the kernel
//        does, then ENOSPC) or a read-only folder, for paths below `dir`
// Used for crash points in every run, and for disk-full and read-only where this machine
// refuses mounts. Both the CommonJS fs (write-file-atomic) and ESM named imports see it.
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { resolve } from 'node:path';
import { promisify } from 'node:util';

const spec = JSON.parse(process.env.AUDIT_HOOKS_TORTURE_FAULT ?? 'null');

const WRITE_FLAGS = fs.constants.O_WRONLY | fs.constants.O_RDWR | fs.constants.O_CREAT;
const isWriteFlag = (flags) =>
  typeof flags === 'string' ? /[wa+]/.test(flags) : ((flags ?? 0) & WRITE_FLAGS) !== 0;

// Which calls change the disk, and how to find the path (or fd) they touch.
const MUTATING = {
  openSync: (args) => (isWriteFlag(args[1]) ? { path: args[0] } : undefined),
  open: (args) => (isWriteFlag(args[1]) ? { path: args[0] } : undefined),
  writeSync: (args) => ({ fd: args[0], ...intended(args) }),
  write: (args) => ({ fd: args[0], ...intended(args) }),
  writeFileSync: (args) => ({ path: args[0], bytes: byteLength(args[1]) }),
  appendFileSync: (args) => ({ path: args[0], bytes: byteLength(args[1]) }),
  fsyncSync: (args) => ({ fd: args[0] }),
  fsync: (args) => ({ fd: args[0] }),
  renameSync: (args) => ({ path: args[1], from: args[0] }),
  rename: (args) => ({ path: args[1], from: args[0] }),
  unlinkSync: (args) => ({ path: args[0] }),
  unlink: (args) => ({ path: args[0] }),
  mkdirSync: (args) => ({ path: args[0] }),
  rmSync: (args) => ({ path: args[0] }),
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

function byteLength(data) {
  return typeof data === 'string' ? Buffer.byteLength(data) : (data?.byteLength ?? 0);
}

const fdPaths = new Map();
let calls = 0;
let budget = spec?.budget ?? 0;

function pathOf(target) {
  if (target.path !== undefined) return resolve(String(target.path));
  return fdPaths.get(target.fd);
}

function under(path, dir) {
  return path !== undefined && (path === dir || path.startsWith(`${dir}/`));
}

function fault(name, target) {
  if (spec.kind === 'kill') {
    calls++;
    if (calls === spec.at) process.kill(process.pid, 'SIGKILL');
    return undefined;
  }
  if (spec.kind === 'count') {
    calls++;
    return undefined;
  }
  const dir = resolve(spec.under);
  const path = pathOf(target);
  if (spec.kind === 'tear') {
    if (!name.startsWith('write') || name.startsWith('writeFile') || !under(path, dir)) return;
    calls++;
    return calls === spec.at ? { tear: true } : undefined;
  }
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

function errno(code, text, syscall, path, partial = 0) {
  const error = new Error(`${code}: ${text}, ${syscall} '${path}'`);
  error.code = code;
  error.errno = code === 'ENOSPC' ? -28 : -30;
  error.syscall = syscall.replace(/Sync$/, '');
  error.path = path;
  error.partial = partial;
  return error;
}

if (spec !== null) {
  for (const [name, describe] of Object.entries(MUTATING)) {
    const original = fs[name];
    const sync = name.endsWith('Sync');
    const wrapped = function (...args) {
      const target = describe(args);
      const error = target === undefined ? undefined : fault(name, target);
      if (error?.tear) {
        const half = Math.max(1, target.data.length >> 1);
        realWriteSync(args[0], target.data, 0, half, target.position);
        process.kill(process.pid, 'SIGKILL');
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
  syncBuiltinESMExports();
  // A test that frees the disk again tells the injection so.
  globalThis.__AUDIT_HOOKS_TORTURE_REFILL = () => {
    budget = Number.POSITIVE_INFINITY;
  };
  if (spec.kind === 'count') {
    process.on('exit', () => fs.appendFileSync(spec.out, `${calls}\n`));
  }
}
