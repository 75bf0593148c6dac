// The package as users get it (§2): pack the project (the build runs in `prepack`), install
// the tarball into a fresh project from the registry, and use the bin and both exports.
// A mistake in `files`, `bin`, `exports`, `engines` or the build is caught here.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, readJsonl, shardFiles, tempDir } from '../helpers/git-repo.js';
import { ok, packProject, projectWith, run } from '../helpers/pack.js';

let work: string;
let tarball: string;
let unpacked: string;
let files: string[];
let app: string;
let installOutput: string;

beforeAll(() => {
  work = tempDir('audit-hooks-e2e-');

  tarball = packProject(work);

  unpacked = join(work, 'unpacked');
  mkdirSync(unpacked);
  execFileSync('tar', ['-xzf', tarball, '-C', unpacked]);
  files = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((path) => path.replace(/^package\//, ''));

  app = join(work, 'app');
  const install = projectWith(app, tarball);
  installOutput = `${install.stdout}\n${install.stderr}`;
});

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the packed tarball', () => {
  it('holds the build and templates, and no TypeScript sources but declarations', () => {
    expect(files).toEqual(
      expect.arrayContaining(['package.json', 'dist/bin.js', 'dist/writer.js']),
    );
    expect(files.filter((path) => /\.ts$/.test(path) && !path.endsWith('.d.ts'))).toEqual([]);
    expect(files.filter((path) => /^(src|tests)\//.test(path))).toEqual([]);
  });

  it('has every file that package.json’s bin and exports name', () => {
    const pkg = JSON.parse(readFileSync(join(unpacked, 'package', 'package.json'), 'utf8'));
    const targets: string[] = [...Object.values(pkg.bin as Record<string, string>)];
    const collect = (value: unknown): void => {
      if (typeof value === 'string') targets.push(value);
      else if (value && typeof value === 'object') Object.values(value).forEach(collect);
    };
    collect(pkg.exports);
    expect(targets.length).toBeGreaterThan(4);
    for (const target of targets) expect(files).toContain(target.replace(/^\.\//, ''));
  });

  it('builds dist/writer.js with only node: imports (nothing relative, no package)', () => {
    const code = readFileSync(join(unpacked, 'package', 'dist', 'writer.js'), 'utf8');
    const specifiers = [
      ...code.matchAll(/\bfrom\s*["']([^"']+)["']/g),
      ...code.matchAll(/\bimport\s*["']([^"']+)["']/g),
      ...code.matchAll(/\bimport\s*\(\s*["'`]([^"'`]+)["'`]\s*\)/g),
      ...code.matchAll(/require\s*\(\s*["'`]([^"'`]+)["'`]\s*\)/g),
    ].map((match) => match[1]);
    expect(specifiers.length).toBeGreaterThan(0);
    expect(specifiers.filter((specifier) => !specifier?.startsWith('node:'))).toEqual([]);
  });

  it('has a writer that works vendored: copied alone into another folder', () => {
    const vendor = join(work, 'vendor');
    mkdirSync(vendor);
    cpSync(join(unpacked, 'package', 'dist', 'writer.js'), join(vendor, 'audit-writer.mjs'));
    const target = join(work, 'vendored-log.jsonl');
    const script = `import { AuditLog } from './audit-writer.mjs';
new AuditLog({ logPath: ${JSON.stringify(target)}, sessionId: 'vendored' }).log({ event: 'v' });`;
    ok(run(process.execPath, ['--input-type=module', '-e', script], vendor));
    expect(readJsonl(target)).toMatchObject([{ event: 'v', session_id: 'vendored', seq: 1 }]);
  });
});

describe('the package checks users’ tools make', () => {
  it('lists only what users need: the build, its declarations, the templates', () => {
    const kinds = new Set(files.map((path) => path.split('/')[0]));
    expect([...kinds].sort()).toEqual([
      'LICENSE',
      'README.md',
      'dist',
      'package.json',
      'templates',
    ]);
    expect(files.filter((path) => /^dist\/types\/(tests|bench|scripts)\//.test(path))).toEqual([]);
    expect(files.filter((path) => path.startsWith('dist/types/src/view/page/'))).toEqual([]);
  });

  it('passes publint', () => {
    const result = run(join(ROOT, 'node_modules', '.bin', 'publint'), [tarball, '--strict'], work);
    expect(`${result.stdout}${result.stderr}`).toContain('All good');
    expect(result.status).toBe(0);
  });

  it('passes Are the Types Wrong? for an ES module package', () => {
    // esm-only: a CommonJS `require` of an ESM-only package is not expected to resolve.
    const result = run(
      join(ROOT, 'node_modules', '.bin', 'attw'),
      [tarball, '--profile', 'esm-only', '--format', 'table-flipped'],
      work,
    );
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  for (const resolution of ['node16', 'bundler'] as const) {
    it(`types resolve for both exports under moduleResolution ${resolution}`, () => {
      const consumer = join(work, `consumer-${resolution}`);
      mkdirSync(join(consumer, 'node_modules'), { recursive: true });
      cpSync(join(unpacked, 'package'), join(consumer, 'node_modules', 'audit-hooks'), {
        recursive: true,
      });
      symlinkSync(
        join(ROOT, 'node_modules', '@types'),
        join(consumer, 'node_modules', '@types'),
        'dir',
      );
      writeFileSync(join(consumer, 'package.json'), '{ "type": "module" }\n');
      writeFileSync(
        join(consumer, 'tsconfig.json'),
        JSON.stringify({
          compilerOptions: {
            module: resolution === 'node16' ? 'node16' : 'esnext',
            moduleResolution: resolution,
            target: 'es2022',
            strict: true,
            noEmit: true,
            types: ['node'],
            skipLibCheck: false,
          },
          files: ['use.ts'],
        }),
      );
      writeFileSync(
        join(consumer, 'use.ts'),
        `import { AuditLog, type Entry } from 'audit-hooks/writer';
import { consolidate, tail, type ConsolidateResult } from 'audit-hooks';
const entry: Entry = new AuditLog({ sessionId: 'typed' }).log({ event: 'x' });
const seq: number = entry.seq;
const result: Promise<ConsolidateResult> = consolidate({ cwd: '.' });
void tail({ n: 1 }).then((entries) => entries.map((e) => e.id));
void [seq, result];
`,
      );
      const tsc = run(
        process.execPath,
        [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', '.'],
        consumer,
      );
      expect(`${tsc.stdout}${tsc.stderr}`).toBe('');
      expect(tsc.status).toBe(0);
    });
  }
});

describe('installed from the tarball into a fresh project', () => {
  it('installs with no EBADENGINE warning', () => {
    expect(installOutput).not.toMatch(/EBADENGINE/);
    expect(installOutput).toMatch(/added \d+ packages?/);
  });

  it('survives lefthook’s postinstall, and commits still work', () => {
    const commit = run('git', ['commit', '-q', '--allow-empty', '-m', 'after install'], app);
    expect(commit.stderr).toBe('');
    expect(commit.status).toBe(0);
  });

  it('runs the bin: --version', () => {
    const { version } = JSON.parse(
      readFileSync(join(app, 'node_modules', 'audit-hooks', 'package.json'), 'utf8'),
    );
    const result = ok(run(join(app, 'node_modules', '.bin', 'audit-hooks'), ['--version'], app));
    expect(result.stdout).toContain(`audit-hooks/${version}`);
  });

  it('runs the bin: log writes a shard, silently', () => {
    const result = run(
      join(app, 'node_modules', '.bin', 'audit-hooks'),
      ['log', '{"event":"x"}', '--session', 'e2e-cli'],
      app,
    );
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe('');
    expect(result.status).toBe(0);
    const shard = shardFiles(app).find((file) => file.endsWith('_e2e-cli.jsonl'));
    expect(shard).toBeDefined();
    expect(readJsonl(shard as string)).toMatchObject([{ event: 'x', session_id: 'e2e-cli' }]);
  });

  it('runs the bin: view writes one page with its own script, style and the entries', () => {
    const page = join(work, 'view.html');
    const result = ok(
      run(
        join(app, 'node_modules', '.bin', 'audit-hooks'),
        ['view', '--no-open', '--out', page],
        app,
      ),
    );
    expect(result.stdout).toContain(`to ${page}`);
    const html = readFileSync(page, 'utf8');
    const inside = (tag: string) => html.split(`<${tag}>`)[1]?.split(`</${tag}>`)[0] ?? '';
    expect(inside('style').length).toBeGreaterThan(1000);
    expect(inside('script').length).toBeGreaterThan(10_000);
    expect(html).toContain('{"id":"e2e-cli",'); // its session's lane
  });

  it('imports audit-hooks/writer (and audit-hooks) from an ES module', () => {
    writeFileSync(
      join(app, 'use-writer.mjs'),
      `import { AuditLog } from 'audit-hooks/writer';
import * as lib from 'audit-hooks';
const log = new AuditLog({ sessionId: 'e2e-script' });
const entry = log.log({ event: 'from-script' });
console.log(JSON.stringify({ shardFile: log.shardFile, id: entry.id, same: lib.AuditLog === AuditLog }));
`,
    );
    const result = ok(run(process.execPath, ['use-writer.mjs'], app));
    const { shardFile, id, same } = JSON.parse(result.stdout);
    expect(shardFile).toMatch(new RegExp(`^${app}/logs/active/\\d{8}T\\d{6}_e2e-script\\.jsonl$`));
    expect(readJsonl(shardFile)).toMatchObject([{ id, event: 'from-script', seq: 1 }]);
    // The library re-exports the writer module itself, not a second copy of it.
    expect(same).toBe(true);
  });
});
