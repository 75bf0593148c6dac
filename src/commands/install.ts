import { isAbsolute, join, relative, sep } from 'node:path';
import type { Writable } from 'node:stream';
import { type InstallResult, install, MANAGERS, type Manager, uninstall } from '../../install.js';
import { UsageError } from '../errors.js';
import { applyActions } from '../install/actions.js';
import {
  AGENT_NAMES,
  agentUserSteps,
  planAgentInstall,
  planAgentUninstall,
} from '../install/agents.js';
import * as messages from '../messages.js';

/** Options of {@link installCommand} and {@link uninstallCommand}. */
export interface InstallCommandOptions {
  cwd: string;
  stdout: Writable;
  dryRun?: boolean;
  manager?: string | undefined;
  /** `--agent`: coding agents to wire (names, or `all`). */
  agents?: string[] | undefined;
}

/** `audit-hooks install`: says which manager and why, then each change (or that there was none). */
export async function installCommand(options: InstallCommandOptions): Promise<number> {
  const manager = options.manager;
  if (manager !== undefined && !MANAGERS.includes(manager as Manager)) {
    throw new UsageError(messages.unknownManager(manager));
  }
  for (const name of options.agents ?? []) {
    if (name !== 'all' && !AGENT_NAMES.includes(name))
      throw new UsageError(messages.unknownAgent(name));
  }
  const result = await install({
    cwd: options.cwd,
    dryRun: options.dryRun === true,
    ...(manager === undefined ? {} : { manager: manager as Manager }),
  });
  // Until install() plans the agents itself: each worktree gets the agents' hooks too.
  if (options.agents !== undefined && options.agents.length > 0) {
    const agents = options.agents;
    withAgentActions(result, (worktree, say) => planAgentInstall(worktree, agents, say));
    report(options.stdout, result, 'install');
    const steps = agentUserSteps(result.worktrees[0] ?? options.cwd, agents);
    if (steps.length > 0)
      options.stdout.write(
        `${messages.agentStepsHeader}\n${steps.map((step) => `  - ${step}`).join('\n')}\n`,
      );
    return 0;
  }
  report(options.stdout, result, 'install');
  return 0;
}

function withAgentActions(
  result: InstallResult,
  plan: (worktree: string, say: (path: string, what: string) => string) => InstallResult['actions'],
): void {
  const actions = result.worktrees.flatMap((worktree) =>
    plan(worktree, (path, what) => `${relative(worktree, path)} (${worktree}): ${what}`),
  );
  if (!result.dryRun) applyActions(actions);
  result.actions.push(...actions);
}

/** `audit-hooks uninstall`. */
export async function uninstallCommand(options: InstallCommandOptions): Promise<number> {
  const result = await uninstall({ cwd: options.cwd, dryRun: options.dryRun === true });
  withAgentActions(result, (worktree, say) => planAgentUninstall(worktree, say));
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
