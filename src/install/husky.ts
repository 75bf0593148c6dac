// husky: the commit steps as lines at the end of `.husky/pre-commit` and
// `.husky/post-commit` of the current worktree (committed; after the user's own lines, so
// lint-staged and the like have finished with the index before the batch is staged).
//
// husky's hooks path is relative (`.husky/_`, generated and gitignored), so each worktree
// runs its own copy of husky's runner, which runs that worktree's `.husky/<hook>`. A
// worktree whose branch does not have our lines yet gets them in its runner instead
// (`.husky/_/<hook>`, ignored by husky's own `.gitignore`): it consolidates on its next
// commit, with no change to a tracked file. husky rewrites its runner on its next install;
// by then the branch usually has the lines, and `audit-hooks status` says when it has not.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { readTextIfExists } from '../files.js';
import type { Mode } from '../history/consolidate.js';
import { editLines } from './actions.js';
import {
  STEP_COMMANDS,
  STEP_HOOKS,
  type StepHook,
  shellWord,
  V1_CHECKOUT_COMMAND,
  V1_CONSOLIDATE_COMMAND,
} from './launcher.js';
import { ensureLines, removeLines } from './line-file.js';
import { planUncommittedUndo } from './migrate-v1.js';
import type { Plan } from './plan.js';

const COMMENT: Record<StepHook, string> = {
  'pre-commit': 'stage the session shards of logs/active as batch files in logs/history',
  'post-commit': 'release what the commit now holds',
};
const POST_COMMIT_MODE_COMMENT: Record<StepHook, string> = {
  'pre-commit': 'mark the commit as verified (post-commit mode)',
  'post-commit': 'write the session shards of logs/active as batch files in logs/history',
};

/** Every line audit-hooks ever put into a husky hook. */
const OUR_LINES = [
  ...STEP_HOOKS.flatMap((hook) => [
    STEP_COMMANDS['in-commit'][hook],
    STEP_COMMANDS['post-commit'][hook],
  ]),
  V1_CONSOLIDATE_COMMAND,
  V1_CHECKOUT_COMMAND,
];

function withoutV1(text: string): string {
  return removeLines(text, [V1_CONSOLIDATE_COMMAND, V1_CHECKOUT_COMMAND]);
}

/** husky 9's runner stub for a hook, as `husky` writes it. */
const STOCK_STUB = '#!/usr/bin/env sh\n. "$(dirname "$0")/h"';

// Runs the branch's own hook, then our step unless the branch has that very line (a v1
// line, a comment or the other mode's line are not it).
function wrapper(hook: StepHook, command: string): string {
  return [
    '#!/usr/bin/env sh',
    `# Written by \`audit-hooks install\` for this worktree, whose branch has no audit-hooks line in`,
    `# .husky/${hook} yet (husky writes this file anew on its next install).`,
    '( . "$(dirname "$0")/h" ) || exit $?',
    `if ! grep -qsxF -- ${shellWord(command)} .husky/${hook}; then ${command}; fi`,
    '',
  ].join('\n');
}

/** `text` with our line for `mode`, and none of our others (v1's, the other mode's). */
function withOurLine(text: string | undefined, hook: StepHook, mode: Mode): string {
  const line = STEP_COMMANDS[mode][hook];
  const current = text ?? '';
  if (current.split(/\r?\n/).some((existing) => existing.trim() === line)) return current;
  const comment = mode === 'in-commit' ? COMMENT[hook] : POST_COMMIT_MODE_COMMENT[hook];
  return ensureLines(removeLines(current, OUR_LINES), [line], comment);
}

/** True when `text` holds a line audit-hooks put into a husky hook (any mode, v1's too). */
function hasOurLine(text: string | undefined): boolean {
  return (text ?? '').split(/\r?\n/).some((line) => OUR_LINES.includes(line.trim()));
}

export function planHuskyInstall(plan: Plan): void {
  const { repo, mode } = plan;
  // An install run from another worktree left this one's steps in its runner: they stay
  // there (a second run changes nothing), and this branch gets the lines by merging.
  // So is a worktree on a branch from before the set-up, when another branch already
  // commits the lines: creating .husky/ files here would stop that branch merging the other.
  const hasLines = (worktree: string) =>
    STEP_HOOKS.some((hook) => hasOurLine(readTextIfExists(join(worktree, '.husky', hook))));
  const elsewhere = repo.worktrees.some((worktree) => worktree !== repo.root && hasLines(worktree));
  const committedHere =
    hasLines(repo.root) ||
    (!elsewhere &&
      !STEP_HOOKS.some((hook) =>
        readTextIfExists(join(repo.root, '.husky', '_', hook))?.includes('audit-hooks install'),
      ));
  if (committedHere) {
    for (const hook of STEP_HOOKS) {
      editLines(
        plan.actions,
        plan.say,
        join(repo.root, '.husky', hook),
        (text) => withOurLine(text, hook, mode),
        0o755,
      );
    }
    editLines(plan.actions, plan.say, join(repo.root, '.husky', 'post-checkout'), (text) =>
      removeLines(text ?? '', OUR_LINES),
    );
  }
  for (const worktree of repo.worktrees) {
    // This worktree too, when install runs in a linked one that has no runner yet.
    copyHuskyRuntime(plan, worktree);
    if (worktree === repo.root && committedHere) continue;
    // v1's lines, where that branch never committed them, go (git would not merge over them).
    planUncommittedUndo(plan, worktree, join(worktree, '.husky', 'post-checkout'), withoutV1);
    for (const hook of STEP_HOOKS) {
      const own =
        planUncommittedUndo(plan, worktree, join(worktree, '.husky', hook), withoutV1) ?? '';
      const runner = join(worktree, '.husky', '_', hook);
      const current = readTextIfExists(runner) ?? runtimeFile(plan, hook);
      const next = own.includes(STEP_COMMANDS[mode][hook])
        ? STOCK_STUB
        : wrapper(hook, STEP_COMMANDS[mode][hook]);
      if (current === next || current === undefined) continue;
      plan.actions.push({
        kind: 'write',
        path: runner,
        content: next,
        mode: 0o755,
        summary: plan.say(
          runner,
          next === STOCK_STUB
            ? 'restore husky’s runner (the branch has the audit-hooks line now)'
            : 'run the audit-hooks step in this worktree (not committed)',
        ),
      });
    }
  }
}

export function planHuskyUninstall(plan: Plan): void {
  const { repo } = plan;
  for (const hook of [...STEP_HOOKS, 'post-checkout']) {
    editLines(plan.actions, plan.say, join(repo.root, '.husky', hook), (text) =>
      removeLines(text ?? '', OUR_LINES),
    );
  }
  for (const worktree of repo.worktrees) {
    if (worktree !== repo.root) {
      // Another worktree's hooks are its branch's, but v1 wrote its lines there too.
      for (const hook of [...STEP_HOOKS, 'post-checkout'])
        planUncommittedUndo(plan, worktree, join(worktree, '.husky', hook), withoutV1);
    }
    for (const hook of STEP_HOOKS) {
      const runner = join(worktree, '.husky', '_', hook);
      const text = readTextIfExists(runner);
      if (text === undefined || !text.includes('audit-hooks install')) continue;
      plan.actions.push({
        kind: 'write',
        path: runner,
        content: STOCK_STUB,
        mode: 0o755,
        summary: plan.say(runner, 'restore husky’s runner'),
      });
    }
  }
}

/** The main worktree's husky runner file for `hook`, as a model for the others. */
function runtimeFile(plan: Plan, hook: string): string | undefined {
  return readTextIfExists(join(plan.repo.main, '.husky', '_', hook));
}

// husky's hooks path is relative (.husky/_), so in a linked worktree its hooks run only
// once that folder exists there. It is generated and gitignored: copy the main one's.
function copyHuskyRuntime(plan: Plan, worktree: string): void {
  if (worktree === plan.repo.main) return;
  const source = join(plan.repo.main, '.husky', '_');
  const target = join(worktree, '.husky', '_');
  if (readTextIfExists(join(target, 'h')) !== undefined) return;
  let names: string[];
  try {
    names = readdirSync(source);
  } catch {
    return;
  }
  let copied = 0;
  for (const name of names) {
    const from = join(source, name);
    if (!statSync(from).isFile()) continue;
    copied++;
    plan.actions.push({
      kind: 'write',
      path: join(target, name),
      content: readTextIfExists(from) ?? '',
      mode: statSync(from).mode & 0o777,
      summary: '',
    });
  }
  if (copied > 0)
    plan.notes.push(
      plan.say(target, `copy husky’s hook runner (${copied} files) so hooks run in this worktree`),
    );
}
