// Install plans every change as an Action first and applies them only afterwards, so
// --dry-run prints exactly what a real run would do.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, renameSync, rmdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { readTextIfExists } from '../files.js';
import { gitEnvironment } from '../writer/index.js';

/** One change to the repository; `summary` is what the user is shown. */
export type Action =
  | { kind: 'write'; path: string; content: string; mode?: number; summary: string }
  | { kind: 'delete'; path: string; summary: string }
  | { kind: 'rmdir'; path: string; summary: string }
  | { kind: 'rename'; from: string; to: string; summary: string }
  | {
      kind: 'git-config';
      /** A key, or with `value` undefined a whole section (`merge.audit-hooks`)… */
      key: string;
      value: string | undefined;
      /** …or, with `unset`, that one key. */
      unset?: boolean;
      cwd: string;
      summary: string;
    }
  | { kind: 'run'; file: string; args: string[]; cwd: string; summary: string };

/** Plans the edit of a line file (.gitignore, …): write, create or delete, or nothing. */
export function editLines(
  actions: Action[],
  say: (path: string, what: string) => string,
  path: string,
  edit: (text: string | undefined) => string,
  mode?: number,
): void {
  const text = readTextIfExists(path);
  const next = edit(text);
  if (next === (text ?? '')) return;
  if (next === '' && text !== undefined) {
    actions.push({
      kind: 'delete',
      path,
      summary: say(path, 'delete (only the audit-hooks lines were left)'),
    });
    return;
  }
  actions.push({
    kind: 'write',
    path,
    content: next,
    ...(mode === undefined || text !== undefined ? {} : { mode }),
    summary: say(
      path,
      text === undefined
        ? 'create'
        : next.length > text.length
          ? 'add the audit-hooks lines'
          : 'remove the audit-hooks lines',
    ),
  });
}

/** Carries out the plan, in order. */
export function applyActions(actions: readonly Action[]): void {
  for (const action of actions) {
    switch (action.kind) {
      case 'write':
        mkdirSync(dirname(action.path), { recursive: true });
        writeFileSync(action.path, action.content);
        if (action.mode !== undefined) chmodSync(action.path, action.mode);
        break;
      case 'delete':
        unlinkSync(action.path);
        break;
      case 'rmdir':
        rmdirSync(action.path);
        break;
      case 'rename':
        renameSync(action.from, action.to);
        break;
      case 'git-config':
        execFileSync(
          'git',
          action.value !== undefined
            ? ['config', action.key, action.value]
            : action.unset
              ? ['config', '--unset', action.key]
              : ['config', '--remove-section', action.key],
          { cwd: action.cwd, env: gitEnvironment(), stdio: 'ignore' },
        );
        break;
      case 'run':
        execFileSync(action.file, action.args, {
          cwd: action.cwd,
          env: gitEnvironment(),
          stdio: 'pipe',
        });
        break;
    }
  }
}
