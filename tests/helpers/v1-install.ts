// What `audit-hooks install` v1 (42aa7ee) left in a repository, written out by hand, byte
// for byte as v1 wrote it, so that the v2 installer's migration can be tested against it.
// v1 made the same edits in every worktree: lines at the end of .gitignore and
// .gitattributes, logs/active/.gitkeep, a post-commit job (`consolidate --hook`) and a
// post-checkout job (`mkdir -p logs/active`) for its manager, and its merge driver in the
// repository's git config.
import { execFileSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ROOT } from './git-repo.js';
import { gitIn } from './install.js';

const FIND =
  'b=node_modules/.bin/audit-hooks; ' +
  '[ -x "$b" ] || b="$(git rev-parse --path-format=absolute --git-common-dir 2>/dev/null || :)/../node_modules/.bin/audit-hooks"; ' +
  '[ -x "$b" ] || b="$(command -v audit-hooks || :)"';
export const V1_CONSOLIDATE = `${FIND}; if [ -n "$b" ]; then "$b" consolidate --hook; else echo "audit-hooks: warning: did not consolidate (audit-hooks not found: npm i -D audit-hooks, or npm i -g audit-hooks)" >&2; fi`;
export const V1_CHECKOUT = 'mkdir -p logs/active';
const V1_MERGE_DRIVER = `${FIND}; if [ -n "$b" ]; then "$b" merge-driver %O %A %B; else echo "audit-hooks: not found: npm i -D audit-hooks, or npm i -g audit-hooks" >&2; exit 1; fi`;

/** v1's templates/lefthook.yml, filled in. */
export const V1_LEFTHOOK_YML = `# Git hooks, run by lefthook (https://lefthook.dev/configuration/).
# Written by \`audit-hooks install\`: after each commit, audit-hooks consolidates the
# session shards in logs/active/ into logs/history/. Add your own hooks below.
post-commit:
  jobs:
    - name: audit-hooks
      run: '${V1_CONSOLIDATE}'
post-checkout:
  jobs:
    - name: audit-hooks
      run: '${V1_CHECKOUT}'
`;

/** v1's templates/git-hook.sh for `hook`. */
function v1GitHook(hook: string, command: string): string {
  return `#!/bin/sh
# audit-hooks ${hook} hook, written by \`audit-hooks install\` (remove with \`audit-hooks uninstall\`).
# The ${hook} hook that was here before is kept as ${hook}.pre-audit-hooks and runs first.
previous="$(dirname "$0")/${hook}.pre-audit-hooks"
status=0
if [ -x "$previous" ]; then
  "$previous" "$@"
  status=$?
fi
${command}
exit $status
`;
}

/** v1's line-file edit: the block appended after a blank line (files here end with `\n`). */
function appendBlock(path: string, comment: string, lines: string[], mode?: number): void {
  const text = existsSync(path) ? readFileSync(path, 'utf8') : '';
  const block = `# audit-hooks: ${comment}\n${lines.join('\n')}\n`;
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text === '' ? block : `${text}\n${block}`);
  if (mode !== undefined && text === '') chmodSync(path, mode);
}

/** v1's lefthook job edit of a user's lefthook.yml that ends with `\n` and has neither hook. */
function addV1Jobs(path: string): void {
  const text = readFileSync(path, 'utf8');
  const job = (hook: string, run: string) =>
    `\n${hook}:\n  jobs:\n    - name: audit-hooks\n      run: '${run}'\n`;
  writeFileSync(
    path,
    `${text}${job('post-commit', V1_CONSOLIDATE)}${job('post-checkout', V1_CHECKOUT)}`,
  );
}

/** Does in `worktrees` (main first) what `audit-hooks install [--manager m]` v1 did. */
export function v1Install(
  worktrees: readonly string[],
  manager: 'lefthook' | 'husky' | 'git',
): void {
  const main = worktrees[0] as string;
  for (const worktree of worktrees) {
    mkdirSync(join(worktree, 'logs', 'active'), { recursive: true });
    writeFileSync(join(worktree, 'logs', 'active', '.gitkeep'), '');
    appendBlock(
      join(worktree, '.gitignore'),
      'session shards stay local; the history is committed',
      ['logs/active/*', '!logs/active/.gitkeep', 'logs/quarantine/'],
    );
    appendBlock(
      join(worktree, '.gitattributes'),
      'history partitions merge as a union of entries',
      ['logs/history/*.jsonl merge=audit-hooks'],
    );
    if (manager === 'lefthook') {
      const config = join(worktree, 'lefthook.yml');
      if (existsSync(config)) addV1Jobs(config);
      else writeFileSync(config, V1_LEFTHOOK_YML);
    }
    if (manager === 'husky') {
      appendBlock(
        join(worktree, '.husky', 'post-commit'),
        'consolidate logs/active into logs/history',
        [V1_CONSOLIDATE],
        0o755,
      );
      appendBlock(
        join(worktree, '.husky', 'post-checkout'),
        'keep logs/active in every worktree',
        [V1_CHECKOUT],
        0o755,
      );
      if (worktree !== main && !existsSync(join(worktree, '.husky', '_'))) {
        cpSync(join(main, '.husky', '_'), join(worktree, '.husky', '_'), { recursive: true });
      }
    }
  }
  gitIn(main, [
    'config',
    'merge.audit-hooks.name',
    'audit-hooks: union of history partitions by id',
  ]);
  gitIn(main, ['config', 'merge.audit-hooks.driver', V1_MERGE_DRIVER]);
  if (manager === 'lefthook') {
    execFileSync(
      process.execPath,
      [join(ROOT, 'node_modules', 'lefthook', 'bin', 'index.js'), 'install'],
      {
        cwd: main,
        stdio: 'ignore',
      },
    );
  }
  if (manager === 'git') {
    const hooks = join(main, '.git', 'hooks');
    for (const [hook, command] of [
      ['post-commit', V1_CONSOLIDATE],
      ['post-checkout', V1_CHECKOUT],
    ] as const) {
      writeFileSync(join(hooks, hook), v1GitHook(hook, command));
      chmodSync(join(hooks, hook), 0o755);
    }
  }
}

/** A v1 daily partition: `lines` entries of session `v1` on 2026-11-24, in §3 order. */
export function v1Partition(root: string, events: string[]): void {
  const dir = join(root, 'logs', 'history');
  mkdirSync(dir, { recursive: true });
  const lines = events.map(
    (event, i) =>
      `${JSON.stringify({
        id: `00000000-0000-4000-8000-00000000000${i}`,
        timestamp: `2026-11-24T10:00:0${i}.000Z`,
        session_id: 'v1',
        seq: i + 1,
        event,
      })}\n`,
  );
  writeFileSync(join(dir, '2026-11-24.jsonl'), lines.join(''));
}
