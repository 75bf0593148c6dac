// The installer (SPEC §7): plans every change for every worktree first, then applies the
// plan (or prints it, with --dry-run). Planning reads only; applying writes only what the
// plan says, so a second run finds nothing to do and says so. Each hook manager has its
// planner in src/install/; this file chooses, orders and applies them.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { AGENTS } from '../agents/index.js';
import { AuditHooksError } from '../errors.js';
import { readTextIfExists } from '../files.js';
import { pendingShards } from '../history/claim.js';
import { listClaimSets } from '../history/claim-sets.js';
import type { Mode } from '../history/consolidate.js';
import * as messages from '../messages.js';
import { type Action, applyActions } from './actions.js';
import { agentUserSteps, planAgentInstall, planAgentUninstall, resolveAgents } from './agents.js';
import { planAlias, planAliasRemoval } from './alias.js';
import { planGitInstall, planGitUninstall } from './git-hooks.js';
import { planHuskyInstall, planHuskyUninstall } from './husky.js';
import { ignoringRule, planIgnoreRules, planIgnoreRulesRemoval } from './ignore-rules.js';
import { modeOfCommand, shellWord } from './launcher.js';
import {
  findLefthook,
  isOurGitHook,
  lefthookMode,
  planLefthookInstall,
  planLefthookUninstall,
} from './lefthook.js';
import { LEFTHOOK_FILES } from './lefthook-config.js';
import { planMigration } from './migrate-v1.js';
import { MANAGERS, type Manager, type Plan } from './plan.js';
import { gitHookDirs, label, type Repo, readRepo } from './repo.js';

export type { Action } from './actions.js';
export { MANAGERS, type Manager };

/** Options of {@link install} and {@link uninstall}. */
export interface InstallOptions {
  /** Any folder inside the repository (default: `process.cwd()`). */
  cwd?: string;
  /** Plan and report, write nothing. */
  dryRun?: boolean;
  /** Overrides the detected hook manager. */
  manager?: Manager;
  /** When the trail is committed (default: as installed, else `in-commit`). */
  mode?: Mode;
  /** Coding agents whose own hooks to wire (`all`: those whose folder exists). */
  agents?: string[];
}

/** What install or uninstall did (or, with `dryRun`, would do). */
export interface InstallResult {
  manager: Manager;
  /** Why this manager: detected from what, or chosen with --manager. */
  reason: string;
  mode: Mode;
  /** Why this mode. */
  modeReason: string;
  worktrees: string[];
  /** The worktree install ran in: its tracked files are the ones to commit. */
  current: string;
  actions: Action[];
  /** What install found and did about it (ignore rules, worktrees, waiting entries). */
  notes: string[];
  /** What the user must do for an agent's hooks to run (Codex: enable and trust them). */
  agentSteps: string[];
  dryRun: boolean;
}

function detectManager(
  repo: Repo,
  requested: Manager | undefined,
): { manager: Manager; reason: string } {
  if (requested !== undefined) return { manager: requested, reason: 'chosen with --manager' };
  if (repo.hooksPath?.includes('.husky')) {
    return { manager: 'husky', reason: `core.hooksPath is ${repo.hooksPath}` };
  }
  const lefthookConfig = LEFTHOOK_FILES.find((file) => existsSync(join(repo.root, file)));
  // Plain git hooks stay plain git hooks: lefthook would move them aside as <hook>.old.
  const ours = ['pre-commit', 'post-commit'].flatMap((hook) =>
    gitHookDirs(repo).filter((dir) => isOurGitHook(readTextIfExists(join(dir, hook)))),
  );
  if (ours.length > 0) {
    return {
      manager: 'git',
      reason:
        lefthookConfig === undefined
          ? 'as installed'
          : `as installed; ${lefthookConfig} is here too: install --manager lefthook moves the steps into it`,
    };
  }
  if (repo.worktrees.some((worktree) => existsSync(join(worktree, '.husky')))) {
    return { manager: 'husky', reason: 'the repository has a .husky/ folder' };
  }
  if (repo.hooksPath !== undefined) {
    return {
      manager: 'git',
      reason: `core.hooksPath is ${repo.hooksPath} (lefthook cannot install there)`,
    };
  }
  if (lefthookConfig !== undefined)
    return { manager: 'lefthook', reason: `${lefthookConfig} found` };
  // lefthook is an optional peer dependency (installing audit-hooks must not write
  // lefthook's files into a repository that does not use it): where it is installed, it is
  // the default; where it is not, plain git hooks need nothing else.
  if (findLefthook(repo) !== undefined)
    return { manager: 'lefthook', reason: 'lefthook is installed' };
  return {
    manager: 'git',
    reason: existsSync(join(repo.root, 'package.json'))
      ? 'no hook manager found; for lefthook: npm i -D lefthook, then install again'
      : 'no hook manager found; plain git hooks need nothing else',
  };
}

/** The mode the current worktree's hooks run, as installed (any manager). */
function installedMode(repo: Repo): Mode | undefined {
  const commands = [
    lefthookMode(repo.root),
    readTextIfExists(join(repo.root, '.husky', 'post-commit')),
    // husky in a worktree whose branch has no line of ours: the runner install wrote.
    readTextIfExists(join(repo.root, '.husky', '_', 'post-commit')),
    ...gitHookDirs(repo).map((dir) => readTextIfExists(join(dir, 'post-commit'))),
  ];
  for (const command of commands) {
    if (command === undefined) continue;
    for (const line of command.split('\n')) {
      const mode = modeOfCommand(line.trim());
      if (mode !== undefined) return mode;
    }
  }
  return undefined;
}

function newPlan(repo: Repo, manager: Manager, mode: Mode): Plan {
  return {
    repo,
    manager,
    mode,
    actions: [],
    notes: [],
    say: (path, what) => `${label(repo, path)}: ${what}`,
  };
}

/** Sets up audit-hooks in every worktree of the repository containing `cwd`. */
export async function install(options: InstallOptions = {}): Promise<InstallResult> {
  const repo = readRepo(options.cwd ?? process.cwd(), 'install');
  const { manager, reason } = detectManager(repo, options.manager);
  const installed = installedMode(repo);
  const mode = options.mode ?? installed ?? 'in-commit';
  const modeReason =
    options.mode !== undefined
      ? 'chosen with --mode'
      : installed !== undefined
        ? 'as installed'
        : 'the default';
  const plan = newPlan(repo, manager, mode);
  planMigration(plan);
  if (manager === 'lefthook') planLefthookInstall(plan);
  if (manager === 'husky') planHuskyInstall(plan);
  if (manager === 'git') planGitInstall(plan);
  planIgnoreRules(plan);
  planAlias(plan);
  // Agents' configuration is committed with the rest, in this worktree; the others get it
  // when they merge (writing tracked files there would block that merge).
  const agents = options.agents ?? [];
  if (agents.length > 0) plan.actions.push(...planAgentInstall(repo.root, agents, plan.say));
  if (agents.includes('all')) {
    const found = resolveAgents(repo.root, ['all']);
    plan.notes.push(
      found.length === 0
        ? messages.noAgentFolders(AGENTS.map((agent) => agent.folder))
        : messages.agentFoldersFound(found.map((agent) => `${agent.name} (${agent.folder})`)),
    );
  }
  if (!options.dryRun) {
    applyActions(plan.actions);
    // Post-commit mode commits whatever git will take: make sure the rules did it.
    if (mode === 'post-commit') {
      const rule = ignoringRule(repo.root);
      if (rule !== undefined) throw new AuditHooksError(messages.ignoredCannotFix(rule));
    }
  }
  return {
    ...result(plan, reason, modeReason, options.dryRun === true),
    agentSteps: agents.length > 0 ? agentUserSteps(repo.root, agents) : [],
  };
}

/** Removes what {@link install} added (v1's additions too), and nothing else. */
export async function uninstall(options: InstallOptions = {}): Promise<InstallResult> {
  const repo = readRepo(options.cwd ?? process.cwd(), 'uninstall');
  const { manager, reason } = detectManager(repo, options.manager);
  const mode = installedMode(repo) ?? 'in-commit';
  const plan = newPlan(repo, manager, mode);
  planMigration(plan);
  planLefthookUninstall(plan);
  planHuskyUninstall(plan);
  planGitUninstall(plan);
  planIgnoreRulesRemoval(plan);
  plan.actions.push(...planAgentUninstall(repo.root, plan.say));
  planAliasRemoval(plan);
  // The alias goes too: hints from here on spell a command that works in every worktree
  // without it, the main worktree's copy by its path where there is one.
  const bin = join(repo.main, 'node_modules', '.bin', 'audit-hooks');
  messages.setHintRunner(existsSync(bin) ? shellWord(bin) : 'audit-hooks');
  for (const worktree of repo.worktrees) {
    if (!existsSync(worktree)) continue;
    const shards = pendingShards(worktree).length;
    const sets = listClaimSets(worktree).length;
    if (shards + sets > 0)
      plan.notes.push(messages.entriesWaiting(label(repo, worktree) || '.', shards, sets));
  }
  if (!options.dryRun) applyActions(plan.actions);
  return result(plan, reason, 'as installed', options.dryRun === true);
}

function result(plan: Plan, reason: string, modeReason: string, dryRun: boolean): InstallResult {
  return {
    manager: plan.manager,
    reason,
    mode: plan.mode,
    modeReason,
    worktrees: plan.repo.worktrees,
    current: plan.repo.root,
    actions: plan.actions,
    notes: plan.notes,
    agentSteps: [],
    dryRun,
  };
}
