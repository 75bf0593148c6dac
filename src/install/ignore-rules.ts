// The trail must reach git even where the repository's ignore rules cover it (SPEC §7): the
// usual Node.js .gitignore ignores `logs`, others ignore `*.jsonl`, in a nested .gitignore,
// info/exclude or a global excludes file. In in-commit mode the pre-commit step stages its
// batch files with `git add -f`, so nothing needs to change: install says what it found.
// In post-commit mode nothing is staged, so install adds the narrowest un-ignore rules at
// the end of the root .gitignore (which outranks info/exclude and global excludes), or
// refuses when a deeper .gitignore decides (a root rule cannot override it).
import { join } from 'node:path';
import { AuditHooksError } from '../errors.js';
import { gitMaybe } from '../git/git.js';
import * as messages from '../messages.js';
import { editLines } from './actions.js';
import { ensureLines, removeLines } from './line-file.js';
import type { Plan } from './plan.js';

/** A path like every batch file's, to ask git about. */
const PROBE = 'logs/history/2000-01-01/20000101T000000000Z-00000000000000000000.jsonl';
const COMMENT = 'the trail in logs/history is committed (post-commit mode)';
const DIR_RULES = ['!/logs/', '/logs/*', '!/logs/history/'];
const HISTORY_DIR_RULES = ['!/logs/history/'];
const FILE_RULES = ['!/logs/history/**'];

/** The rule that ignores `path` in `worktree` (`source:line:pattern`), if one does. */
export function ignoringRule(
  worktree: string,
  path = PROBE,
): { source: string; line: string; pattern: string } | undefined {
  const out = gitMaybe(worktree, ['check-ignore', '-v', '--no-index', '--', path]);
  if (out === undefined) return undefined;
  const match = /^(.*):(\d+):(.*)\t/.exec(out);
  if (match === null || (match[3] ?? '').startsWith('!')) return undefined;
  return { source: match[1] as string, line: match[2] as string, pattern: match[3] as string };
}

export function planIgnoreRules(plan: Plan): void {
  const { root } = plan.repo;
  const rule = ignoringRule(root);
  if (rule === undefined) return;
  if (plan.mode === 'in-commit') {
    plan.notes.push(messages.ignoredInCommitMode(rule));
    return;
  }
  if (/(^|\/)logs\//.test(rule.source.replaceAll('\\', '/'))) {
    throw new AuditHooksError(messages.ignoredCannotFix(rule));
  }
  const rules = [
    ...(ignoringRule(root, 'logs/') !== undefined
      ? DIR_RULES
      : ignoringRule(root, 'logs/history/') !== undefined
        ? HISTORY_DIR_RULES
        : []),
    ...FILE_RULES,
  ];
  editLines(plan.actions, plan.say, join(root, '.gitignore'), (text) =>
    ensureLines(text, rules, COMMENT),
  );
  plan.notes.push(messages.ignoredUnignored(rule, rules));
  // Another worktree's .gitignore is its branch's: it gets the rules by merging them.
  for (const worktree of plan.repo.worktrees) {
    if (worktree === root) continue;
    const there = ignoringRule(worktree);
    if (there !== undefined) plan.notes.push(messages.ignoredElsewhere(worktree, there));
  }
}

/** Uninstall: the rules install added. */
export function planIgnoreRulesRemoval(plan: Plan): void {
  editLines(plan.actions, plan.say, join(plan.repo.root, '.gitignore'), (text) =>
    removeLines(text ?? '', [...DIR_RULES, ...FILE_RULES]),
  );
}
