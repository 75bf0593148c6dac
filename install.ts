// The installer (SPEC §7): plans every change for every worktree first, then applies
// the plan (or prints it, with --dry-run). Planning reads only; applying writes only
// what the plan says, so a second run finds nothing to do and says so.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { parse } from 'yaml';
import { AuditHooksError } from './src/errors.js';
import { listNames, readTextIfExists } from './src/files.js';
import { git, gitMaybe } from './src/git/git.js';
import { type Action, applyActions, editLines } from './src/install/actions.js';
import {
  CHECKOUT_COMMAND,
  CONSOLIDATE_COMMAND,
  MERGE_DRIVER_COMMAND,
} from './src/install/launcher.js';
import { addJob, type LefthookJob, removeJob } from './src/install/lefthook-config.js';
import { ensureLines, removeLines } from './src/install/line-file.js';
import { gitHookDirs, label, type Repo, readRepo } from './src/install/repo.js';
import { renderGitHook, renderLefthookTemplate } from './src/install/templates.js';
import * as messages from './src/messages.js';

export type { Action } from './src/install/actions.js';

/** The hook runners audit-hooks can install into. */
export type Manager = 'lefthook' | 'husky' | 'git';
export const MANAGERS: readonly Manager[] = ['lefthook', 'husky', 'git'];

/** Options of {@link install} and {@link uninstall}. */
export interface InstallOptions {
  /** Any folder inside the repository (default: `process.cwd()`). */
  cwd?: string;
  /** Plan and report, write nothing. */
  dryRun?: boolean;
  /** Overrides the detected hook manager. */
  manager?: Manager;
}

/** What install or uninstall did (or, with `dryRun`, would do). */
export interface InstallResult {
  manager: Manager;
  /** Why this manager: detected from what, or chosen with --manager. */
  reason: string;
  worktrees: string[];
  actions: Action[];
  dryRun: boolean;
}

const GITIGNORE_LINES = ['logs/active/*', '!logs/active/.gitkeep', 'logs/quarantine/'];
const GITATTRIBUTES_LINES = ['logs/history/*.jsonl merge=audit-hooks'];
const LEFTHOOK_FILES = ['lefthook.yml', '.lefthook.yml', 'lefthook.yaml', '.lefthook.yaml'];
const MERGE_DRIVER_NAME = 'audit-hooks: union of history partitions by id';
const CHAINED = '.pre-audit-hooks';
const HOOKS = ['post-commit', 'post-checkout'] as const;

const JOBS: readonly LefthookJob[] = [
  { hook: 'post-commit', name: 'audit-hooks', run: CONSOLIDATE_COMMAND },
  { hook: 'post-checkout', name: 'audit-hooks', run: CHECKOUT_COMMAND },
];
// A foreign hook that `lefthook install` renamed to <hook>.old never runs again (git-lfs
// installs post-commit and post-checkout hooks, for one); this job keeps it running, with
// git's arguments ({0}).
function chainJob(hook: string): LefthookJob {
  return {
    hook,
    name: `audit-hooks: previous ${hook} hook`,
    run: `h="$(git rev-parse --path-format=absolute --git-path hooks/${hook}.old)"; [ ! -x "$h" ] || "$h" {0}`,
  };
}
const CHAIN_JOBS: readonly LefthookJob[] = HOOKS.map(chainJob);

// What `lefthook install` writes calls `lefthook run <hook>` (through `call_lefthook` in
// lefthook 1 and 2); a user's own hook that merely mentions lefthook is not one.
function isLefthookStub(text: string | undefined): boolean {
  return text !== undefined && /\bcall_lefthook\b|\blefthook run\b/.test(text);
}

function isOurGitHook(text: string | undefined): boolean {
  return text?.includes('written by `audit-hooks install`') === true;
}

function detectManager(
  repo: Repo,
  requested: Manager | undefined,
): { manager: Manager; reason: string } {
  if (requested !== undefined) return { manager: requested, reason: 'chosen with --manager' };
  if (repo.hooksPath?.includes('.husky')) {
    return { manager: 'husky', reason: `core.hooksPath is ${repo.hooksPath}` };
  }
  const husky = repo.worktrees.find((worktree) => existsSync(join(worktree, '.husky')));
  if (husky !== undefined)
    return { manager: 'husky', reason: 'the repository has a .husky/ folder' };
  if (repo.hooksPath !== undefined) {
    return {
      manager: 'git',
      reason: `core.hooksPath is ${repo.hooksPath} (lefthook cannot install there)`,
    };
  }
  const config = LEFTHOOK_FILES.find((file) => existsSync(join(repo.main, file)));
  return { manager: 'lefthook', reason: config === undefined ? 'the default' : `${config} found` };
}

/** Sets up audit-hooks in every worktree of the repository containing `cwd`. */
export async function install(options: InstallOptions = {}): Promise<InstallResult> {
  const repo = readRepo(options.cwd ?? process.cwd(), 'install');
  const { manager, reason } = detectManager(repo, options.manager);
  const actions: Action[] = [];
  const say = (path: string, what: string) => `${label(repo, path)}: ${what}`;

  // Hooks that `lefthook install` will rename to <hook>.old (or already did).
  const foreignHooks = HOOKS.filter((hook) => {
    const path = join(repo.hooksDir, hook);
    const text = readTextIfExists(path);
    return (
      (text !== undefined && !isLefthookStub(text) && !isOurGitHook(text)) ||
      existsSync(`${path}.old`)
    );
  });
  const chainJobs = CHAIN_JOBS.filter((job) => foreignHooks.some((hook) => hook === job.hook));

  if (manager === 'lefthook' && repo.hooksPath !== undefined) {
    throw new AuditHooksError(messages.lefthookHooksPath(repo.hooksPath));
  }

  for (const worktree of repo.worktrees) {
    const gitkeep = join(worktree, 'logs', 'active', '.gitkeep');
    if (!existsSync(gitkeep))
      actions.push({ kind: 'write', path: gitkeep, content: '', summary: say(gitkeep, 'create') });
    editLines(actions, say, join(worktree, '.gitignore'), (text) =>
      ensureLines(text, GITIGNORE_LINES, 'session shards stay local; the history is committed'),
    );
    editLines(actions, say, join(worktree, '.gitattributes'), (text) =>
      ensureLines(text, GITATTRIBUTES_LINES, 'history partitions merge as a union of entries'),
    );
    if (manager === 'lefthook') {
      const existing = LEFTHOOK_FILES.map((file) => join(worktree, file)).find((file) =>
        existsSync(file),
      );
      const file = existing ?? join(worktree, 'lefthook.yml');
      const text = readTextIfExists(file);
      // A file install creates has the audit-hooks jobs already (from the template).
      const next = (text === undefined ? chainJobs : [...chainJobs, ...JOBS]).reduce(
        (acc, job) => addJob(acc, job, label(repo, file)),
        text ?? renderLefthookTemplate(),
      );
      if (next !== text) {
        actions.push({
          kind: 'write',
          path: file,
          content: next,
          summary: say(
            file,
            text === undefined ? 'create with the audit-hooks jobs' : 'add the audit-hooks jobs',
          ),
        });
      }
    }
    if (manager === 'husky') {
      for (const [hook, command] of [
        ['post-commit', CONSOLIDATE_COMMAND],
        ['post-checkout', CHECKOUT_COMMAND],
      ] as const) {
        editLines(
          actions,
          say,
          join(worktree, '.husky', hook),
          (text) =>
            ensureLines(
              text,
              [command],
              hook === 'post-commit'
                ? 'consolidate logs/active into logs/history'
                : 'keep logs/active in every worktree',
            ),
          0o755,
        );
      }
      copyHuskyRuntime(actions, repo, worktree, say);
    }
  }

  for (const [key, value] of [
    ['merge.audit-hooks.name', MERGE_DRIVER_NAME],
    ['merge.audit-hooks.driver', MERGE_DRIVER_COMMAND],
  ] as const) {
    if (gitMaybe(repo.main, ['config', '--get', key]) !== value) {
      actions.push({
        kind: 'git-config',
        key,
        value,
        cwd: repo.main,
        summary: `git config ${key}: register the history merge driver`,
      });
    }
  }

  if (manager === 'lefthook') {
    const installed = ['post-commit', 'post-checkout'].every((hook) =>
      isLefthookStub(readTextIfExists(join(repo.hooksDir, hook))),
    );
    if (!installed) {
      actions.push({
        kind: 'run',
        file: process.execPath,
        args: [lefthookBin(), 'install'],
        cwd: repo.main,
        summary: `lefthook install: install the git hooks into ${label(repo, repo.hooksDir)}${foreignHooks.map((hook) => `; the existing ${hook} hook keeps running, as ${hook}.old`).join('')}`,
      });
    }
  }
  if (manager === 'git') {
    for (const dir of gitHookDirs(repo)) {
      for (const [hook, command] of [
        ['post-commit', CONSOLIDATE_COMMAND],
        ['post-checkout', CHECKOUT_COMMAND],
      ] as const) {
        const path = join(dir, hook);
        const text = readTextIfExists(path);
        const ours = renderGitHook(hook, command);
        if (text === ours) continue;
        if (text !== undefined && !isOurGitHook(text)) {
          actions.push({
            kind: 'rename',
            from: path,
            to: `${path}${CHAINED}`,
            summary: say(path, `keep the existing hook as ${hook}${CHAINED}; it still runs first`),
          });
        }
        actions.push({
          kind: 'write',
          path,
          content: ours,
          mode: 0o755,
          summary: say(path, 'write the audit-hooks hook'),
        });
      }
    }
  }

  if (!options.dryRun) applyActions(actions);
  return { manager, reason, worktrees: repo.worktrees, actions, dryRun: options.dryRun === true };
}

/** Removes what {@link install} added, and nothing else. */
export async function uninstall(options: InstallOptions = {}): Promise<InstallResult> {
  const repo = readRepo(options.cwd ?? process.cwd(), 'uninstall');
  const { manager, reason } = detectManager(repo, options.manager);
  const actions: Action[] = [];
  const say = (path: string, what: string) => `${label(repo, path)}: ${what}`;
  const lefthookTemplate = renderLefthookTemplate();
  const allJobs = [...CHAIN_JOBS, ...JOBS];
  const templateWithoutJobs = allJobs.reduce((acc, job) => removeJob(acc, job), lefthookTemplate);
  const remainingHooks = new Set<string>();
  let lefthookConfigRemains = false;

  for (const worktree of repo.worktrees) {
    const active = join(worktree, 'logs', 'active');
    const gitkeep = join(active, '.gitkeep');
    if (readTextIfExists(gitkeep) === '') {
      actions.push({ kind: 'delete', path: gitkeep, summary: say(gitkeep, 'delete') });
      // The folders install created, if nothing else is in them.
      if (listNames(active).length === 1) {
        actions.push({ kind: 'rmdir', path: active, summary: say(active, 'delete (empty)') });
        const logs = dirname(active);
        if (listNames(logs).length === 1) {
          actions.push({ kind: 'rmdir', path: logs, summary: say(logs, 'delete (empty)') });
        }
      }
    }
    editLines(actions, say, join(worktree, '.gitignore'), (text) =>
      removeLines(text ?? '', GITIGNORE_LINES),
    );
    editLines(actions, say, join(worktree, '.gitattributes'), (text) =>
      removeLines(text ?? '', GITATTRIBUTES_LINES),
    );
    for (const file of LEFTHOOK_FILES.map((name) => join(worktree, name))) {
      const text = readTextIfExists(file);
      if (text === undefined) continue;
      // The reverse of the order install added them in.
      let next = [...allJobs]
        .reverse()
        .reduce((acc, job) => removeJob(acc, job, label(repo, file)), text);
      if (text === lefthookTemplate || next === templateWithoutJobs) next = '';
      if (next !== '') lefthookConfigRemains = true;
      if (worktree === repo.main && next !== '') {
        for (const hook of HOOKS) if (hasHook(next, hook)) remainingHooks.add(hook);
      }
      if (next === text) continue;
      actions.push(
        next === ''
          ? { kind: 'delete', path: file, summary: say(file, 'delete (install created it)') }
          : {
              kind: 'write',
              path: file,
              content: next,
              summary: say(file, 'remove the audit-hooks jobs'),
            },
      );
    }
    for (const hook of HOOKS) {
      editLines(actions, say, join(worktree, '.husky', hook), (text) =>
        removeLines(text ?? '', [CONSOLIDATE_COMMAND, CHECKOUT_COMMAND]),
      );
    }
  }

  if (gitMaybe(repo.main, ['config', '--get-regexp', '^merge\\.audit-hooks\\.']) !== undefined) {
    actions.push({
      kind: 'git-config',
      key: 'merge.audit-hooks',
      value: undefined,
      cwd: repo.main,
      summary: 'git config merge.audit-hooks: remove the history merge driver',
    });
  }

  // With no lefthook config left, the lefthook hooks (and its checksum) were install's.
  const lefthookHooks = lefthookConfigRemains
    ? []
    : listNames(repo.hooksDir).filter(
        (name) =>
          !/\.(old|sample)$/.test(name) &&
          !name.endsWith(CHAINED) &&
          !(HOOKS as readonly string[]).includes(name) &&
          isLefthookStub(readTextIfExists(join(repo.hooksDir, name))),
      );
  for (const dir of gitHookDirs(repo)) {
    for (const hook of [...HOOKS, ...(dir === repo.hooksDir ? lefthookHooks : [])]) {
      const path = join(dir, hook);
      const text = readTextIfExists(path);
      const ownedByUs = isOurGitHook(text) || (isLefthookStub(text) && !remainingHooks.has(hook));
      if (!ownedByUs) continue;
      actions.push({ kind: 'delete', path, summary: say(path, 'delete the hook install added') });
      for (const previous of [`${path}${CHAINED}`, `${path}.old`]) {
        if (existsSync(previous)) {
          actions.push({
            kind: 'rename',
            from: previous,
            to: path,
            summary: say(
              path,
              `restore the hook that was there before (${relative(dir, previous)})`,
            ),
          });
          break;
        }
      }
    }
  }
  const checksum = join(
    git(repo.main, ['rev-parse', '--path-format=absolute', '--git-common-dir']),
    'info',
    'lefthook.checksum',
  );
  if (!lefthookConfigRemains && existsSync(checksum)) {
    actions.push({ kind: 'delete', path: checksum, summary: say(checksum, 'delete (lefthook’s)') });
  }

  if (!options.dryRun) applyActions(actions);
  return { manager, reason, worktrees: repo.worktrees, actions, dryRun: options.dryRun === true };
}

function hasHook(lefthookYml: string, hook: string): boolean {
  const value = parse(lefthookYml) as Record<string, unknown> | null;
  return value !== null && typeof value === 'object' && value[hook] != null;
}

// husky's hooks path is relative (.husky/_), so in a linked worktree its hooks run only
// once that folder exists there. It is generated and gitignored: copy the main one's.
function copyHuskyRuntime(
  actions: Action[],
  repo: Repo,
  worktree: string,
  say: (path: string, what: string) => string,
): void {
  if (worktree === repo.main) return;
  const source = join(repo.main, '.husky', '_');
  const target = join(worktree, '.husky', '_');
  if (!existsSync(source) || existsSync(target)) return;
  for (const name of readdirSync(source)) {
    const from = join(source, name);
    if (!statSync(from).isFile()) continue;
    actions.push({
      kind: 'write',
      path: join(target, name),
      content: readFileSync(from, 'utf8'),
      mode: statSync(from).mode & 0o777,
      summary: say(join(target, name), 'copy husky’s hook runner so hooks run in this worktree'),
    });
  }
}

function lefthookBin(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('lefthook/package.json')), 'bin', 'index.js');
}
