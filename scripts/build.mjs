// Bundles the CLI and the library with esbuild (TypeScript 7 has no compiler API, so no
// tsc-based bundler), then emits declarations with tsc. The writer is built on its own,
// as one file with only `node:` imports, and the other bundles import it rather than
// carrying a second copy.
//
// Everything is built into a folder of its own and swapped in at the end, so a CLI that
// another test run (or the repository's own hook) starts meanwhile finds a whole dist/.
import { execFileSync } from 'node:child_process';
import { renameSync, rmSync } from 'node:fs';
import { build } from 'esbuild';

const root = new URL('..', import.meta.url).pathname;
const staging = `dist.building-${process.pid}`;
const retired = `${root}dist.old-${process.pid}`;
rmSync(`${root}${staging}`, { recursive: true, force: true });

const common = {
  absWorkingDir: root,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  outdir: staging,
  logLevel: 'warning',
  legalComments: 'none',
};

await build({ ...common, entryPoints: { writer: 'src/writer/index.ts' } });

const writerIsExternal = {
  name: 'writer-is-external',
  setup(b) {
    b.onResolve({ filter: /\/writer\/index\.js$/ }, () => ({
      path: './writer.js',
      external: true,
    }));
  },
};

await build({
  ...common,
  entryPoints: { bin: 'src/bin.ts', index: 'src/index.ts' },
  splitting: true,
  packages: 'external',
  chunkNames: '[name]-[hash]',
  plugins: [writerIsExternal],
});

// The bin users run (dist/bin.cjs, src/fast-bin.ts) and the one file `audit-hooks log`
// loads (dist/log.cjs), and the one the commit steps load (dist/hook.cjs): CommonJS, so
// that the call every agent tool call makes pays no ES module loader. In them,
// node:crypto and node:child_process (~4 ms each to load) are required on first use: only
// a call that needs them pays for them.
const LAZY_BUILTINS = {
  'node:crypto': ['createHash', 'randomBytes', 'randomUUID'],
  'node:child_process': ['execFileSync', 'spawn', 'spawnSync'],
};
const lazyBuiltins = {
  name: 'lazy-builtins',
  setup(b) {
    b.onResolve({ filter: /^node:(crypto|child_process)$/ }, (args) =>
      // The wrappers' own require() is the real built-in.
      args.namespace === 'lazy-builtin'
        ? undefined
        : { path: args.path, namespace: 'lazy-builtin' },
    );
    b.onLoad({ filter: /.*/, namespace: 'lazy-builtin' }, (args) => ({
      loader: 'js',
      contents: LAZY_BUILTINS[args.path]
        .map(
          (name) =>
            `export function ${name}(...args) { return require(${JSON.stringify(args.path)}).${name}(...args); }`,
        )
        .join('\n'),
    }));
  },
};
const commonjs = {
  ...common,
  format: 'cjs',
  outExtension: { '.js': '.cjs' },
  packages: 'external',
  // Less to parse on every call; names stay for stack traces.
  minifyWhitespace: true,
  minifySyntax: true,
};
await build({ ...commonjs, entryPoints: { bin: 'src/fast-bin.ts' } });
await build({
  ...commonjs,
  entryPoints: { log: 'src/hooks/log.ts', hook: 'src/hooks/commit-step.ts' },
  plugins: [lazyBuiltins],
  // The redaction config check finds scslre relative to the module (import.meta.url).
  define: { 'import.meta.url': '__filename_url' },
  banner: { js: 'var __filename_url = require("node:url").pathToFileURL(__filename).href;' },
});

// The page of `audit-hooks view`: one script and one stylesheet for the browser, which the
// command inlines into the single HTML file it writes (dist/view/page.js, page.css).
await build({
  absWorkingDir: root,
  bundle: true,
  platform: 'browser',
  format: 'iife',
  target: ['chrome109', 'firefox115', 'safari16'],
  entryPoints: [
    { in: 'src/view/page/main.ts', out: 'view/page' },
    { in: 'src/view/page/page.css', out: 'view/page' },
  ],
  outdir: staging,
  minify: true,
  logLevel: 'warning',
  legalComments: 'none',
});

execFileSync(
  process.execPath,
  [
    `${root}node_modules/typescript/bin/tsc`,
    '-p',
    'tsconfig.build.json',
    '--outDir',
    `${root}${staging}/types`,
  ],
  { cwd: root, stdio: 'inherit' },
);

// Another build may swap its own dist/ in between our two renames: retire that one too.
for (let attempt = 0; ; attempt++) {
  try {
    renameSync(`${root}dist`, `${retired}-${attempt}`);
  } catch (error) {
    if (error.code !== 'ENOENT') throw error;
  }
  try {
    renameSync(`${root}${staging}`, `${root}dist`);
    break;
  } catch (error) {
    if ((error.code !== 'ENOTEMPTY' && error.code !== 'EEXIST') || attempt >= 10) throw error;
  }
}
for (let attempt = 0; attempt <= 10; attempt++) {
  rmSync(`${retired}-${attempt}`, { recursive: true, force: true });
}
