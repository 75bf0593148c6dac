// `audit-hooks log` runs on every agent tool call (SPEC §2): it must not load what only
// other commands need — the CLI parser (cac), yaml, the installer, the redaction rules.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, expect, it } from 'vitest';
import {
  BIN,
  FIXTURES,
  makeRepo,
  ROOT,
  readJsonl,
  shardFiles,
  type TempRepo,
  tempDir,
  testEnv,
} from '../helpers/git-repo.js';

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

function loadedBy(repo: TempRepo, args: string[], input: string): string[] {
  const trace = join(tempDir('audit-hooks-trace-'), 'loads');
  const result = spawnSync(
    process.execPath,
    ['--import', join(FIXTURES, 'trace-loads.mjs'), BIN, ...args],
    { cwd: repo.root, env: testEnv({ TRACE_FILE: trace }), input, encoding: 'utf8' },
  );
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  return readFileSync(trace, 'utf8').trim().split('\n');
}

/** Text that only the CLI parser, yaml, the installer or the redaction rules contain. */
const FOREIGN = [
  /(?:from |require\()["']cac["']/,
  /(?:from |require\()["']yaml["']/,
  /DEFAULT_REDACTION_RULES/,
  /renderLefthookTemplate/,
];

it.each([
  ['log JSON', ['log', '{"event":"run"}'], ''],
  [
    'log --hook --agent claude-code',
    ['log', '--hook', '--agent', 'claude-code'],
    '{"session_id":"s1","hook_event_name":"PostToolUse","tool_name":"Read","tool_input":{}}',
  ],
])('%s loads neither cac, yaml, the installer nor the redaction rules', (_name, args, input) => {
  const repo = makeRepo();
  cleanups.push(repo.cleanup);
  const loaded = loadedBy(repo, args, input);
  expect(shardFiles(repo.root)).toHaveLength(1);
  // The bin is CommonJS: it runs one bundled file, dist/log.cjs (compiled from V8's code
  // cache, so no loader sees it), and no other file.
  const files = loaded.filter((u) => u.startsWith('file:'));
  expect([...new Set(files)]).toEqual([pathToFileURL(BIN).href]);
  for (const url of [...files, pathToFileURL(join(ROOT, 'dist', 'log.cjs')).href]) {
    const text = readFileSync(fileURLToPath(url), 'utf8');
    for (const foreign of FOREIGN)
      expect({ url, foreign: foreign.test(text) }).toEqual({ url, foreign: false });
  }
  expect(loaded.some((url) => /node_modules\/(cac|yaml)\//.test(url))).toBe(false);
  // Nor what costs ~4 ms each to load: no git process, no crypto module (SPEC §15: about
  // one Node.js start-up per call).
  expect(loaded.filter((url) => /^node:(child_process|crypto)$/.test(url))).toEqual([]);
});

it('falls back to the full CLI for what the short path does not know (--help)', () => {
  const repo = makeRepo();
  cleanups.push(repo.cleanup);
  const help = spawnSync(process.execPath, [BIN, 'log', '--help'], {
    cwd: repo.root,
    env: testEnv(),
    encoding: 'utf8',
  });
  expect(help.status).toBe(0);
  expect(help.stdout).toMatch(/--agent <name>/);
  const typo = spawnSync(process.execPath, [BIN, 'log', '--sesion', 'x', '{}'], {
    cwd: repo.root,
    env: testEnv(),
    encoding: 'utf8',
  });
  expect(typo.status).toBe(2);
  expect(typo.stderr).toMatch(/Unknown option `--sesion`/);
});

it('compiles from a code cache it keeps in the package’s own self-ignoring .cache/, and survives a bad one', () => {
  const repo = makeRepo();
  cleanups.push(repo.cleanup);
  const log = (n: number) =>
    spawnSync(process.execPath, [BIN, 'log', `{"n":${n}}`, '--session', 'cache'], {
      cwd: repo.root,
      env: testEnv(),
      encoding: 'utf8',
    });
  expect(log(1)).toMatchObject({ status: 0, stderr: '' });
  const cacheDir = join(ROOT, '.cache');
  expect(readFileSync(join(cacheDir, '.gitignore'), 'utf8')).toBe('*\n');
  const caches = () => readdirSync(cacheDir).filter((name) => /^log-.*\.v8$/.test(name));
  expect(caches().length).toBeGreaterThan(0);
  // A cache V8 cannot use (truncated, garbage) is ignored and written again.
  for (const name of caches()) writeFileSync(join(cacheDir, name), 'not a code cache');
  expect(log(2)).toMatchObject({ status: 0, stderr: '' });
  expect(log(3)).toMatchObject({ status: 0, stderr: '' });
  const entries = readJsonl(shardFiles(repo.root)[0] as string);
  expect(entries.map((entry) => entry.n)).toEqual([1, 2, 3]);
  expect(
    caches().some((name) => readFileSync(join(cacheDir, name), 'utf8') !== 'not a code cache'),
  ).toBe(true);
});
