import { isAbsolute, relative, sep } from 'node:path';
import type { Writable } from 'node:stream';
import { UsageError } from '../errors.js';
import { MODES, type Mode } from '../history/consolidate.js';
import { AGENT_NAMES } from '../install/agents.js';
import {
  type InstallResult,
  install,
  MANAGERS,
  type Manager,
  uninstall,
} from '../install/install.js';
import * as messages from '../messages.js';

/** Options of {@link installCommand} and {@link uninstallCommand}. */
export interface InstallCommandOptions {
  cwd: string;
  stdout: Writable;
  dryRun?: boolean;
  manager?: string | undefined;
  mode?: string | undefined;
  /** `--agent`: coding agents to wire (names, or `all`). */
  agents?: string[] | undefined;
}

/** `audit-hooks install`: says which manager and mode and why, then each change (or that there was none). */
export async function installCommand(options: InstallCommandOptions): Promise<number> {
  const { manager, mode } = options;
  if (manager !== undefined && !MANAGERS.includes(manager as Manager)) {
    throw new UsageError(messages.unknownManager(manager));
  }
  if (mode !== undefined && !MODES.includes(mode as Mode))
    throw new UsageError(messages.unknownMode(mode));
  for (const name of options.agents ?? []) {
    if (name !== 'all' && !AGENT_NAMES.includes(name))
      throw new UsageError(messages.unknownAgent(name));
  }
  const result = await install({
    cwd: options.cwd,
    dryRun: options.dryRun === true,
    ...(manager === undefined ? {} : { manager: manager as Manager }),
    ...(mode === undefined ? {} : { mode: mode as Mode }),
    ...(options.agents === undefined ? {} : { agents: options.agents }),
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
  const lines = [
    messages.installHeader(
      verb,
      result.manager,
      result.reason,
      result.mode,
      result.modeReason,
      result.dryRun,
    ),
  ];
  for (const action of result.actions) if (action.summary !== '') lines.push(`  ${action.summary}`);
  for (const note of result.notes) lines.push(`  ${note}`);
  if (result.agentSteps.length > 0) {
    lines.push(messages.agentStepsHeader, ...result.agentSteps.map((step) => `  - ${step}`));
  }
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

// The files to commit: what install wrote or deleted in the current worktree, relative to
// it, except what git does not track (git's folder, husky's runner, local lefthook config).
function trackedFiles(result: InstallResult): string[] {
  const files = new Set<string>();
  // A rename (a hook kept as <hook>.pre-audit-hooks, or put back) changes both its paths.
  const paths = result.actions.flatMap((action) =>
    action.kind === 'write' || action.kind === 'delete'
      ? [action.path]
      : action.kind === 'rename'
        ? [action.from, action.to]
        : [],
  );
  for (const absolute of paths) {
    const path = relative(result.current, absolute);
    if (path.startsWith('..') || isAbsolute(path)) continue;
    if (path === '.git' || path.startsWith(`.git${sep}`)) continue;
    if (path.startsWith(`.husky${sep}_`)) continue;
    if (/^\.?lefthook-local\.ya?ml$/.test(path)) continue;
    if (
      path.startsWith(`logs${sep}active${sep}`) ||
      path.startsWith(`logs${sep}quarantine${sep}`)
    ) {
      if (!path.endsWith('.gitkeep')) continue;
    }
    files.add(path);
  }
  return [...files].sort();
}
