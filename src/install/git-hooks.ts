// Plain git hooks: a `pre-commit` and a `post-commit` file in the hooks folder (shared by
// every worktree, or each worktree's own for a relative core.hooksPath). A hook that was
// there before is kept as `<hook>.pre-audit-hooks` and still runs, first.
import { join, relative } from 'node:path';
import { readTextIfExists } from '../files.js';
import { gitMaybe } from '../git/git.js';
import * as messages from '../messages.js';
import { STEP_COMMANDS, STEP_HOOKS } from './launcher.js';
import { isOurGitHook } from './lefthook.js';
import type { Plan } from './plan.js';
import { gitHookDirs } from './repo.js';
import { renderGitHook } from './templates.js';

const CHAINED = '.pre-audit-hooks';

export function planGitInstall(plan: Plan): void {
  const { repo } = plan;
  for (const dir of gitHookDirs(repo)) {
    const planned = plan.actions.length;
    for (const hook of STEP_HOOKS) {
      const path = join(dir, hook);
      const text = readTextIfExists(path);
      const ours = renderGitHook(hook, STEP_COMMANDS[plan.mode][hook]);
      if (text === ours) continue;
      if (text !== undefined && !isOurGitHook(text)) {
        plan.actions.push({
          kind: 'rename',
          from: path,
          to: `${path}${CHAINED}`,
          summary: plan.say(
            path,
            `keep the existing hook as ${hook}${CHAINED}; it still runs first`,
          ),
        });
      }
      plan.actions.push({
        kind: 'write',
        path,
        content: ours,
        mode: 0o755,
        summary: plan.say(
          path,
          text === undefined || !isOurGitHook(text)
            ? 'write the audit-hooks hook'
            : 'update the audit-hooks hook',
        ),
      });
    }
    // v1 also had a post-checkout hook.
    removeOurs(plan, dir, 'post-checkout');
    // A relative hooks folder is each worktree's own, and usually committed: in another
    // worktree our hooks run at once, but git will not merge the branch that commits them
    // over these uncommitted copies. Say how to get past that.
    const worktree = repo.worktrees.find((each) => dir.startsWith(`${each}/`));
    if (worktree !== undefined && worktree !== repo.root && plan.actions.length > planned) {
      const folder = relative(worktree, dir);
      if (gitMaybe(worktree, ['check-ignore', '-q', '--no-index', '--', folder]) === undefined)
        plan.notes.push(messages.hooksFolderNotCommitted(worktree, folder));
    }
  }
}

export function planGitUninstall(plan: Plan): void {
  for (const dir of gitHookDirs(plan.repo)) {
    for (const hook of [...STEP_HOOKS, 'post-checkout']) removeOurs(plan, dir, hook);
  }
}

function removeOurs(plan: Plan, dir: string, hook: string): void {
  const path = join(dir, hook);
  if (!isOurGitHook(readTextIfExists(path))) return;
  plan.actions.push({
    kind: 'delete',
    path,
    summary: plan.say(path, 'delete the hook install added'),
  });
  const previous = `${path}${CHAINED}`;
  if (readTextIfExists(previous) !== undefined) {
    plan.actions.push({
      kind: 'rename',
      from: previous,
      to: path,
      summary: plan.say(
        path,
        `restore the hook that was there before (${relative(dir, previous)})`,
      ),
    });
  }
}
