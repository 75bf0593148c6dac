// The library's install()/uninstall() act on the repository named by `cwd`, whatever the
// calling process's own working directory is (here: a folder outside any repository).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect, it } from 'vitest';
import { makeRepo, ROOT, tempDir, testEnv } from '../helpers/git-repo.js';

const INDEX = pathToFileURL(join(ROOT, 'dist', 'index.js')).href;

function callLibrary(verb: 'install' | 'uninstall', repoRoot: string, processCwd: string) {
  const script = `import { ${verb} } from ${JSON.stringify(INDEX)};
const result = await ${verb}({ cwd: ${JSON.stringify(repoRoot)} });
console.log(JSON.stringify(result.actions.map((action) => action.kind)));`;
  return spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: processCwd,
    env: testEnv(),
    encoding: 'utf8',
  });
}

it('install({ cwd }) and uninstall({ cwd }) change that repository, not the caller’s folder', () => {
  const repo = makeRepo();
  const elsewhere = tempDir('audit-hooks-elsewhere-');

  const installed = callLibrary('install', repo.root, elsewhere);
  expect(installed.stderr).toBe('');
  expect(installed.status).toBe(0);
  expect(JSON.parse(installed.stdout)).toEqual(['write', 'run', 'git-config']);
  expect(existsSync(join(repo.root, 'lefthook.yml'))).toBe(true);
  expect(existsSync(join(repo.root, '.git', 'hooks', 'pre-commit'))).toBe(true);
  expect(readdirSync(elsewhere)).toEqual([]);

  const removed = callLibrary('uninstall', repo.root, elsewhere);
  expect(removed.stderr).toBe('');
  expect(removed.status).toBe(0);
  expect(existsSync(join(repo.root, 'lefthook.yml'))).toBe(false);
  expect(existsSync(join(repo.root, '.git', 'hooks', 'pre-commit'))).toBe(false);
  expect(readdirSync(elsewhere)).toEqual([]);
});
