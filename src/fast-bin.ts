#!/usr/bin/env node
// The package's bin (built as CommonJS: dist/bin.cjs). `audit-hooks log` runs on every
// agent tool call, so it is answered here without the ES module loader (~7 ms to start on
// its own) and without the built-ins it does not use: one bundled CommonJS file,
// dist/log.cjs, whose costly built-ins (node:crypto, node:child_process) load only if a
// call needs them, compiled from V8's code cache, with stdin read straight from its
// descriptor. Everything else, and any `log` arguments that file does not know, goes to
// the ES module bin (dist/bin.js). The commit steps that have work to do run the same way
// from dist/hook.cjs.
import type { Writable } from 'node:stream';
import type { CliContext } from './cli.js';

// Computed paths: the bundler must not pull these files into this one.
const here = __dirname;
const args = process.argv.slice(2);

function esmBin(): void {
  const { pathToFileURL } = require('node:url') as typeof import('node:url');
  import(pathToFileURL(`${here}/bin.js`).href).catch((error: unknown) => {
    process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
    process.exitCode = 1;
  });
}

// stdout and stderr are made on first use: creating process.stderr costs ~1 ms, and a
// successful `log` writes nothing.
function lazyStream(name: 'stdout' | 'stderr'): Writable {
  return {
    write: (chunk: string | Uint8Array) => process[name].write(chunk),
    get isTTY() {
      return process[name].isTTY;
    },
  } as unknown as Writable;
}

/** stdin read from descriptor 0 by the thread pool: no stream machinery (~3 ms) is built. */
function fdStdin(): CliContext['stdin'] {
  const fs = require('node:fs') as typeof import('node:fs');
  const stdin = {
    // A terminal is a character device (so is /dev/null, which holds no entry either way);
    // node:tty would build the whole stream machinery (~3 ms) to say so.
    get isTTY() {
      try {
        return fs.fstatSync(0).isCharacterDevice() || undefined;
      } catch {
        return undefined;
      }
    },
    async *[Symbol.asyncIterator](): AsyncGenerator<Buffer> {
      const buffer = Buffer.allocUnsafe(64 * 1024);
      for (;;) {
        let read: number;
        try {
          read = await new Promise<number>((resolve, reject) =>
            fs.read(0, buffer, 0, buffer.length, null, (error, n) =>
              error ? reject(error) : resolve(n),
            ),
          );
        } catch (error) {
          const code = (error as NodeJS.ErrnoException).code;
          if (code === 'EOF' || code === 'EBADF') return;
          if (code !== 'EAGAIN') throw error;
          // A non-blocking descriptor: the stream machinery waits for it properly.
          for await (const chunk of process.stdin) yield chunk as Buffer;
          return;
        }
        if (read === 0) return;
        yield Buffer.from(buffer.subarray(0, read));
      }
    },
  };
  return stdin as unknown as CliContext['stdin'];
}

type LogModule = typeof import('./hooks/log.js');
type HookModule = typeof import('./hooks/commit-step.js');

/**
 * dist/<name>.cjs, compiled with V8's code cache when there is one (~4 ms less per `log`
 * call: no parsing, no compiling of what the call runs). The cache lives in the package's own
 * `.cache/` (written by whoever could write the package, so trusted like its code; never
 * in a shared temp folder). Its name holds what must match for V8 to reuse it — Node's
 * version, the flags — and the bundle's size, mtime and inode, because V8 itself only
 * compares the source's length. Any failure: a plain require.
 */
function loadBundle<T>(name: string): { module: T; saveCache: () => void } {
  const file = `${here}/${name}.cjs`;
  let fs: typeof import('node:fs');
  let cacheFile: string;
  let script: import('node:vm').Script;
  let cached: Buffer | undefined;
  try {
    fs = require('node:fs') as typeof import('node:fs');
    const vm = require('node:vm') as typeof import('node:vm');
    const { wrap } = require('node:module') as { wrap(source: string): string };
    const stat = fs.statSync(file);
    const flags = hash(`${process.execArgv.join(' ')}\0${process.env.NODE_OPTIONS ?? ''}`);
    const cacheDir = `${here}/../.cache`;
    cacheFile = `${cacheDir}/${name}-${process.version}-${process.arch}-${flags}-${stat.size}-${Math.floor(stat.mtimeMs)}-${stat.ino}.v8`;
    try {
      cached = fs.readFileSync(cacheFile);
    } catch {
      cached = undefined;
    }
    script = new vm.Script(wrap(fs.readFileSync(file, 'utf8')), {
      filename: file,
      ...(cached === undefined ? {} : { cachedData: cached }),
    });
    const module = { exports: {} as T };
    (script.runInThisContext() as (...args: unknown[]) => void).call(
      module.exports,
      module.exports,
      require,
      module,
      file,
      here,
    );
    const saveCache = () => {
      if (cached !== undefined && !script.cachedDataRejected) return;
      try {
        fs.mkdirSync(cacheDir, { recursive: true });
        // The folder ignores itself, as logs/active does: a cache never reaches a commit.
        fs.writeFileSync(`${cacheDir}/.gitignore`, '*\n');
        const temp = `${cacheFile}.${process.pid}`;
        fs.writeFileSync(temp, script.createCachedData());
        fs.renameSync(temp, cacheFile);
        for (const other of fs.readdirSync(cacheDir)) {
          if (other.startsWith(`${name}-`) && `${cacheDir}/${other}` !== cacheFile) {
            fs.rmSync(`${cacheDir}/${other}`, { force: true });
          }
        }
      } catch {
        // a read-only install: no cache, only slower
      }
    };
    return { module: module.exports, saveCache };
  } catch {
    return { module: require(file) as T, saveCache: () => {} };
  }
}

// FNV-1a, 32 bits: tells flag sets apart in a file name (not a security measure).
function hash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(16);
}

if (args[0] === 'log') {
  const { module: logModule, saveCache } = loadBundle<LogModule>('log');
  const { runLog } = logModule;
  const io = {
    cwd: process.cwd(),
    env: process.env,
    stdin: fdStdin(),
    stdout: lazyStream('stdout'),
    stderr: lazyStream('stderr'),
  } as CliContext;
  runLog(args, io).then(
    (code) => {
      if (code === undefined) esmBin();
      else process.exitCode = code;
      saveCache();
    },
    (error: unknown) => {
      process.stderr.write(`audit-hooks: ${(error as Error).message}\n`);
      process.exitCode = 1;
    },
  );
} else if (args[0] === 'hook') {
  // A commit step with work to do (the installed command asked the shell first): the
  // consolidation protocol, bundled like log.cjs (dist/hook.cjs).
  const { module: hookModule, saveCache } = loadBundle<HookModule>('hook');
  const parsed = hookModule.parseStepArgs(args.slice(1));
  if (parsed === undefined) esmBin();
  else {
    hookModule
      .commitStep({
        cwd: process.cwd(),
        env: process.env,
        stdout: process.stdout,
        stderr: process.stderr,
        ...parsed,
      })
      .then(
        (code) => {
          process.exitCode = code;
          saveCache();
        },
        // commitStep never rejects; should it, a hook step still never fails the commit.
        (error: unknown) =>
          process.stderr.write(`audit-hooks: warning: ${(error as Error).message}\n`),
      );
  }
} else {
  esmBin();
}
