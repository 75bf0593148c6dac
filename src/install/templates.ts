// The files install writes come from the package's templates/ folder.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Mode } from '../history/consolidate.js';
import { STEP_COMMANDS } from './launcher.js';

function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && /"name":\s*"audit-hooks"/.test(readFileSync(manifest, 'utf8')))
      return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the audit-hooks package folder');
    dir = parent;
  }
}

function template(name: string): string {
  return readFileSync(join(packageRoot(), 'templates', name), 'utf8');
}

/** templates/lefthook.yml with the commit steps of `mode` filled in. */
export function renderLefthookTemplate(mode: Mode): string {
  return template('lefthook.yml')
    .replace('{{pre-commit}}', STEP_COMMANDS[mode]['pre-commit'].replaceAll("'", "''"))
    .replace('{{post-commit}}', STEP_COMMANDS[mode]['post-commit'].replaceAll("'", "''"));
}

/** templates/git-hook.sh for one hook and its command. */
export function renderGitHook(hook: string, command: string): string {
  return template('git-hook.sh').replaceAll('{{hook}}', hook).replace('{{command}}', command);
}
