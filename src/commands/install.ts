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
    messages.installFooter(verb, result.actions.length, result.worktrees.length, result.dryRun),
  );
  out.write(`${lines.join('\n')}\n`);
}
