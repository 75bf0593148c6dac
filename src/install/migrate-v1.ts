// What v1 added and v2 does without: root .gitignore and .gitattributes lines (the shard
// folders ignore themselves now), logs/active/.gitkeep, the merge driver (batch files never
// conflict). install removes them (migration) and so does uninstall. In the current
// worktree they go for good (a change to commit). Another worktree gets that change when
// it merges it; only where v1's edit there was never committed is it taken back at once,
// since git would refuse to merge over it (SPEC §7: nothing may block merging main).
import { spawnSync } from 'node:child_process';
import { lstatSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { listNames, readTextIfExists } from '../files.js';
import { gitMaybe } from '../git/git.js';
import { ACTIVE, QUARANTINE } from '../history/paths.js';
import { gitEnvironment } from '../writer/index.js';
import { editLines } from './actions.js';
import { removeLines } from './line-file.js';
import type { Plan } from './plan.js';

const V1_GITIGNORE_LINES = ['logs/active/*', '!logs/active/.gitkeep', 'logs/quarantine/'];
const V1_GITATTRIBUTES_LINES = ['logs/history/*.jsonl merge=audit-hooks'];

export function planMigration(plan: Plan): void {
  const { repo } = plan;
  for (const worktree of repo.worktrees) {
    const here = worktree === repo.root;
    for (const [name, lines] of [
      ['.gitignore', V1_GITIGNORE_LINES],
      ['.gitattributes', V1_GITATTRIBUTES_LINES],
    ] as const) {
      const path = join(worktree, name);
      if (here) editLines(plan.actions, plan.say, path, (text) => removeLines(text ?? '', lines));
      else planUncommittedUndo(plan, worktree, path, (text) => removeLines(text, lines));
    }
    const gitkeep = join(worktree, ACTIVE, '.gitkeep');
    if (readTextIfExists(gitkeep) === '' && (here || headText(worktree, gitkeep) === undefined)) {
      plan.actions.push({
        kind: 'delete',
        path: gitkeep,
        summary: plan.say(gitkeep, 'delete (v1’s; logs/active ignores itself now)'),
      });
      // The folders v1 made for it go with it where nothing else is in them.
      const active = dirname(gitkeep);
      if (listNames(active).length === 1) {
        plan.actions.push({ kind: 'rmdir', path: active, summary: '' });
        if (listNames(dirname(active)).length === 1)
          plan.actions.push({ kind: 'rmdir', path: dirname(active), summary: '' });
      }
    }
  }
  // Without v1's ignore lines, a folder v1 made must ignore itself before anything else.
  for (const worktree of repo.worktrees) {
    for (const folder of [ACTIVE, QUARANTINE]) {
      if (readTextIfExists(join(worktree, folder, '.gitignore')) !== undefined) continue;
      if (!isFolder(join(worktree, folder))) continue;
      if (
        plan.actions.some(
          (action) => action.kind === 'rmdir' && action.path === join(worktree, folder),
        )
      )
        continue;
      const path = join(worktree, folder, '.gitignore');
      plan.actions.push({
        kind: 'write',
        path,
        content: '*\n',
        summary: plan.say(path, 'create (the folder ignores itself)'),
      });
    }
  }
  if (gitMaybe(repo.main, ['config', '--get-regexp', '^merge\\.audit-hooks\\.']) !== undefined) {
    plan.actions.push({
      kind: 'git-config',
      key: 'merge.audit-hooks',
      value: undefined,
      cwd: repo.main,
      summary:
        'git config merge.audit-hooks: remove v1’s merge driver (batch files never conflict)',
    });
  }
}

function isFolder(path: string): boolean {
  try {
    return lstatSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** `path`'s text in the HEAD commit of `worktree`, byte for byte; none where HEAD lacks it. */
export function headText(worktree: string, path: string): string | undefined {
  const child = spawnSync('git', ['cat-file', 'blob', `HEAD:${relative(worktree, path)}`], {
    cwd: worktree,
    env: gitEnvironment(),
    encoding: 'utf8',
  });
  return child.status === 0 ? child.stdout : undefined;
}

/**
 * In a worktree other than the current one: plans to take v1's edit of `path` back, when
 * what is left without it (`withoutV1`; '' for nothing) is exactly what that worktree's
 * HEAD holds, so the edit was never committed there. Returns what the file will hold.
 */
export function planUncommittedUndo(
  plan: Plan,
  worktree: string,
  path: string,
  withoutV1: (text: string) => string,
): string | undefined {
  const text = readTextIfExists(path);
  if (text === undefined) return undefined;
  const next = withoutV1(text);
  const head = headText(worktree, path);
  if (next === text || next !== (head ?? '')) return text;
  plan.actions.push(
    head === undefined
      ? {
          kind: 'delete',
          path,
          summary: plan.say(path, 'delete (v1 wrote it here and it was never committed)'),
        }
      : {
          kind: 'write',
          path,
          content: next,
          summary: plan.say(path, 'remove v1’s uncommitted lines (as its branch has it)'),
        },
  );
  return head;
}
