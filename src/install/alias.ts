// `git audit-hooks <command>`: runs audit-hooks from any folder of any worktree, without
// node_modules there and without npx (SPEC §7: every hint is a command that works where it
// is printed). A repository-local alias, so every worktree and no other repository has it.
import { aliasOf, gitMaybe } from '../git/git.js';
import * as messages from '../messages.js';
import { ALIAS_COMMAND } from './launcher.js';
import type { Plan } from './plan.js';

const KEY = 'alias.audit-hooks';

function current(plan: Plan): string | undefined {
  return gitMaybe(plan.repo.main, ['config', '--local', '--get', KEY]);
}

export function planAlias(plan: Plan): void {
  const value = current(plan);
  if (value === ALIAS_COMMAND) return;
  if (value !== undefined && !messages.isAuditHooksAlias(value)) {
    plan.notes.push(messages.aliasTaken(KEY));
    return;
  }
  plan.actions.push({
    kind: 'git-config',
    key: KEY,
    value: ALIAS_COMMAND,
    cwd: plan.repo.main,
    summary: `git config ${KEY}: \`git audit-hooks <command>\` runs audit-hooks in any worktree`,
  });
}

export function planAliasRemoval(plan: Plan): void {
  if (!messages.isAuditHooksAlias(current(plan))) return;
  plan.actions.push({
    kind: 'git-config',
    key: KEY,
    value: undefined,
    unset: true,
    cwd: plan.repo.main,
    summary: `git config ${KEY}: remove`,
  });
}

/** True when `git audit-hooks` runs audit-hooks in the repository of `cwd`. */
export function hasAlias(cwd: string): boolean {
  return messages.isAuditHooksAlias(aliasOf(cwd));
}
