// Bundles the CLI and the library with esbuild (TypeScript 7 has no compiler API, so no
// tsc-based bundler), then emits declarations with tsc. The writer is built on its own,
// as one file with only `node:` imports, and the other bundles import it rather than
// carrying a second copy.
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { build } from 'esbuild';

const root = new URL('..', import.meta.url).pathname;
rmSync(`${root}dist`, { recursive: true, force: true });

const common = {
  absWorkingDir: root,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  outdir: 'dist',
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

execFileSync(
  process.execPath,
  [`${root}node_modules/typescript/bin/tsc`, '-p', 'tsconfig.build.json'],
  {
    cwd: root,
    stdio: 'inherit',
  },
);
