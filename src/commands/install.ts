import { isAbsolute, join, relative, sep } from 'node:path';
import type { Writable } from 'node:stream';
import { type InstallResult, install, MANAGERS, type Manager, uninstall } from '../../install.js';
import { UsageError } from '../errors.js';
import * as messages from '../messages.js';

/** Options of {@link installCommand} and {@link uninstallCommand}. */
export interface InstallCommandOptions {
  cwd: string;
  stdout: Writable;
  dryRun?: boolean;
  manager?: string | undefined;
}

/** `audit-hooks install`: says which manager and why, then each change (or that there was none). */
export async function installCommand(options: InstallCommandOptions): Promise<number> {
  const manager = options.manager;
  if (manager !== undefined && !MANAGERS.includes(manager as Manager)) {
    throw new UsageError(messages.unknownManager(manager));
  }
  const result = await install({
    cwd: options.cwd,
    dryRun: options.dryRun === true,
    ...(manager === undefined ? {} : { manager: manager as Manager }),
  });
  report(options.stdout, result, 'install');
  return 0;
}

/** `audit-hooks uninstall`. */
export async function uninstallCommand(options: InstallCommandOptions): Promise<number> {
  const result = await uninstall({ cwd: options.cwd, dryRun: options.dryRun === true });
  report(options.stdout, result, 'uninstall');
  return 0;
}

function report(out: Writable, result: InstallResult, verb: 'install' | 'uninstall'): void {
  const lines = [messages.installHeader(verb, result.manager, result.reason, result.dryRun)];
  for (const action of result.actions) lines.push(`  ${action.summary}`);
  lines.push(
    messages.installFooter(
      verb,
      result.actions.length,
      result.worktrees.length,
      result.dryRun,
      trackedFiles(result),
    ),
  );
  out.write(`${lines.join('\n')}\n`);
}

// The files to commit: what install wrote or deleted inside a worktree, relative to it,
// except git's own folder and husky's generated (gitignored) runner.
function trackedFiles(result: InstallResult): string[] {
  const files = new Set<string>();
  for (const action of result.actions) {
    if (action.kind !== 'write' && action.kind !== 'delete') continue;
    for (const worktree of result.worktrees) {
      const path = relative(worktree, action.path);
      if (path.startsWith('..') || isAbsolute(path)) continue;
      if (path === '.git' || path.startsWith(`.git${sep}`)) continue;
      if (path.startsWith(join('.husky', '_'))) continue;
      files.add(path);
    }
  }
  return [...files].sort();
}
