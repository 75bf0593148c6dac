// What v1 added and v2 does without: root .gitignore and .gitattributes lines (the shard
// folders ignore themselves now), logs/active/.gitkeep, the merge driver (batch files never
// conflict). install removes them (migration) and so does uninstall. Tracked files change
// only in the current worktree; other worktrees get the change when they merge it.
import { lstatSync } from 'node:fs';
import { join } from 'node:path';
import { readTextIfExists } from '../files.js';
import { gitMaybe } from '../git/git.js';
import { ACTIVE, QUARANTINE } from '../history/paths.js';
import { editLines } from './actions.js';
import { removeLines } from './line-file.js';
import type { Plan } from './plan.js';

const V1_GITIGNORE_LINES = ['logs/active/*', '!logs/active/.gitkeep', 'logs/quarantine/'];
const V1_GITATTRIBUTES_LINES = ['logs/history/*.jsonl merge=audit-hooks'];

export function planMigration(plan: Plan): void {
  const { repo } = plan;
  editLines(plan.actions, plan.say, join(repo.root, '.gitignore'), (text) =>
    removeLines(text ?? '', V1_GITIGNORE_LINES),
  );
  editLines(plan.actions, plan.say, join(repo.root, '.gitattributes'), (text) =>
    removeLines(text ?? '', V1_GITATTRIBUTES_LINES),
  );
  const gitkeep = join(repo.root, ACTIVE, '.gitkeep');
  if (readTextIfExists(gitkeep) === '') {
    plan.actions.push({
      kind: 'delete',
      path: gitkeep,
      summary: plan.say(gitkeep, 'delete (v1’s; logs/active ignores itself now)'),
    });
  }
  // Without v1's ignore lines, a folder v1 made must ignore itself before anything else.
  for (const worktree of repo.worktrees) {
    for (const folder of [ACTIVE, QUARANTINE]) {
      if (readTextIfExists(join(worktree, folder, '.gitignore')) !== undefined) continue;
      if (!isFolder(join(worktree, folder))) continue;
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
