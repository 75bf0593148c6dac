// The library's install()/uninstall() act on the repository named by `cwd`, whatever the
// calling process's own working directory is (here: a folder outside any repository).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
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
  const configOf = () =>
    spawnSync('git', ['config', '--get', 'merge.audit-hooks.driver'], {
      cwd: repo.root,
      env: testEnv(),
      encoding: 'utf8',
    });

  const installed = callLibrary('install', repo.root, elsewhere);
  expect(installed.stderr).toBe('');
  expect(installed.status).toBe(0);
  expect(JSON.parse(installed.stdout)).toContain('git-config');
  expect(configOf().stdout).toMatch(/merge-driver/);
  expect(existsSync(join(repo.root, 'logs', 'active', '.gitkeep'))).toBe(true);
  expect(existsSync(join(elsewhere, '.git'))).toBe(false);

  const removed = callLibrary('uninstall', repo.root, elsewhere);
  expect(removed.stderr).toBe('');
  expect(removed.status).toBe(0);
  expect(configOf().status).toBe(1); // the key is gone
});
