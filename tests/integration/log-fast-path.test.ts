// `audit-hooks log` runs on every agent tool call (SPEC §2): it must not load what only
// other commands need — the CLI parser (cac), yaml, the installer, the redaction rules.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, expect, it } from 'vitest';
import {
  BIN,
  FIXTURES,
  makeRepo,
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
  /from ["']cac["']/,
  /from ["']yaml["']/,
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
  for (const url of loaded.filter((u) => u.startsWith('file:'))) {
    const text = readFileSync(fileURLToPath(url), 'utf8');
    for (const foreign of FOREIGN)
      expect({ url, foreign: foreign.test(text) }).toEqual({ url, foreign: false });
  }
  expect(loaded.some((url) => /node_modules\/(cac|yaml)\//.test(url))).toBe(false);
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
