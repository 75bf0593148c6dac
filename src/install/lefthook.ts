// lefthook: the commit steps as jobs named `audit-hooks` in the current worktree's
// lefthook.yml (committed), and in `lefthook-local.yml` of every other worktree whose branch
// does not have them yet. lefthook reads each worktree's own config, and merges the local
// file into it with jobs of the same name overriding, so an existing worktree consolidates
// on its next commit without an uncommitted change to a tracked file; once its branch
// merges lefthook.yml, the two agree. The local file is kept out of git by the
// repository's `info/exclude`, which every worktree shares.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AuditHooksError } from '../errors.js';
import { listNames, readTextIfExists } from '../files.js';
import { gitMaybe } from '../git/git.js';
import * as messages from '../messages.js';
import {
  STEP_COMMANDS,
  STEP_HOOKS,
  V1_CHECKOUT_COMMAND,
  V1_CONSOLIDATE_COMMAND,
} from './launcher.js';
import {
  addQuietOutput,
  jobRun,
  LEFTHOOK_FILES,
  LEFTHOOK_LOCAL_FILES,
  type LefthookJob,
  removeJob,
  removeQuietOutput,
  setJob,
} from './lefthook-config.js';
import { ensureLines, removeLines } from './line-file.js';
import { planUncommittedUndo } from './migrate-v1.js';
import { JOB_NAME, type Plan } from './plan.js';
import { label, type Repo } from './repo.js';
import { renderLefthookTemplate } from './templates.js';

const LOCAL_HEADER =
  '# Written by `audit-hooks install`: this worktree’s branch predates the audit-hooks jobs in\n' +
  '# lefthook.yml, so they are here, locally (lefthook merges this file into lefthook.yml).\n';
// The lefthook.yml v1 created where there was none: its header, then its two jobs.
const V1_HEADER =
  '# Git hooks, run by lefthook (https://lefthook.dev/configuration/).\n' +
  '# Written by `audit-hooks install`: after each commit, audit-hooks consolidates the\n' +
  '# session shards in logs/active/ into logs/history/. Add your own hooks below.\n';
const V1_TEMPLATE = `${V1_HEADER}post-commit:\n  jobs:\n    - name: ${JOB_NAME}\n      run: '${V1_CONSOLIDATE_COMMAND}'\npost-checkout:\n  jobs:\n    - name: ${JOB_NAME}\n      run: '${V1_CHECKOUT_COMMAND}'\n`;
const EXCLUDE_LINES = ['/lefthook-local.yml'];
const EXCLUDE_COMMENT = 'lefthook-local.yml holds the audit-hooks jobs in older worktrees';
// Hooks whose previous (foreign) hook `lefthook install` renames to <hook>.old.
const CHAINED_HOOKS = ['pre-commit', 'post-commit', 'post-checkout'] as const;

function stepJobs(plan: Plan): LefthookJob[] {
  return STEP_HOOKS.map((hook) => ({ hook, name: JOB_NAME, run: STEP_COMMANDS[plan.mode][hook] }));
}

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

/** What `lefthook install` writes: it calls `lefthook run <hook>` (lefthook 1 and 2). */
export function isLefthookStub(text: string | undefined): boolean {
  return text !== undefined && /\bcall_lefthook\b|\blefthook run\b/.test(text);
}

export function isOurGitHook(text: string | undefined): boolean {
  return text?.includes('written by `audit-hooks install`') === true;
}

/** The chain jobs this repository needs: for hooks lefthook moved (or will move) aside. */
function chainJobs(plan: Plan): LefthookJob[] {
  const { hooksDir } = plan.repo;
  return CHAINED_HOOKS.filter((hook) => {
    const path = join(hooksDir, hook);
    const text = readTextIfExists(path);
    const foreign = text !== undefined && !isLefthookStub(text) && !isOurGitHook(text);
    return (foreign && hook !== 'post-checkout') || readTextIfExists(`${path}.old`) !== undefined;
  }).map(chainJob);
}

function configIn(worktree: string, names: readonly string[]): string | undefined {
  return names
    .map((name) => join(worktree, name))
    .find((file) => readTextIfExists(file) !== undefined);
}

/**
 * The command of our post-commit job in `worktree`, if it has one: from its local config
 * first (lefthook lets it override lefthook.yml), else from lefthook.yml.
 */
export function lefthookMode(worktree: string): string | undefined {
  for (const names of [LEFTHOOK_LOCAL_FILES, LEFTHOOK_FILES]) {
    const file = configIn(worktree, names);
    const text = file === undefined ? undefined : readTextIfExists(file);
    if (file === undefined || text === undefined) continue;
    const run = safeRun(text, { hook: 'post-commit', name: JOB_NAME, run: '' });
    if (run !== undefined) return run;
  }
  return undefined;
}

/** True when `text` has a job of ours under a commit hook (any mode, v1's too). */
function hasStepJobs(text: string | undefined): boolean {
  return (
    text !== undefined &&
    ['pre-commit', 'post-commit'].some(
      (hook) => safeRun(text, { hook, name: JOB_NAME, run: '' }) !== undefined,
    )
  );
}

export function planLefthookInstall(plan: Plan): void {
  const { repo } = plan;
  if (repo.hooksPath !== undefined)
    throw new AuditHooksError(messages.lefthookHooksPath(repo.hooksPath));
  const chains = chainJobs(plan);
  const jobs = [...chains, ...stepJobs(plan)];

  const file = configIn(repo.root, LEFTHOOK_FILES) ?? join(repo.root, 'lefthook.yml');
  const text = readTextIfExists(file);
  const name = label(repo, file);
  // An install run from another worktree put the jobs into this one's local config: they
  // stay there (a second run changes nothing), and this branch gets them by merging.
  const ownLocal = configIn(repo.root, LEFTHOOK_LOCAL_FILES);
  // So is a worktree on a branch from before the set-up, when another branch already
  // commits the jobs: creating lefthook.yml here would stop that branch merging the other.
  const elsewhere = repo.worktrees.some((worktree) => {
    if (worktree === repo.root) return false;
    const config = configIn(worktree, LEFTHOOK_FILES);
    return config !== undefined && hasStepJobs(readTextIfExists(config));
  });
  const committedHere =
    hasStepJobs(text) ||
    (!elsewhere && !hasStepJobs(ownLocal === undefined ? undefined : readTextIfExists(ownLocal)));
  if (committedHere) {
    // A lefthook.yml v1 created and nobody changed becomes the one v2 creates.
    let next =
      text === undefined || text === V1_TEMPLATE ? renderLefthookTemplate(plan.mode) : text;
    if (next === text) next = addQuietOutput(next, name);
    for (const job of jobs) next = setJob(next, job, name);
    // v1 kept logs/active alive with a post-checkout job; the folders look after themselves now.
    if (jobRun(next, 'post-checkout', JOB_NAME, name) === V1_CHECKOUT_COMMAND) {
      next = removeJob(next, { hook: 'post-checkout', name: JOB_NAME, run: '' }, name);
    }
    if (next !== text) {
      plan.actions.push({
        kind: 'write',
        path: file,
        content: next,
        summary: plan.say(
          file,
          text === undefined ? 'create with the audit-hooks jobs' : 'set the audit-hooks jobs',
        ),
      });
    }
  }

  let excludeNeeded = false;
  for (const worktree of repo.worktrees) {
    if (worktree === repo.root && committedHere) continue;
    const committed = configIn(worktree, LEFTHOOK_FILES);
    // v1's jobs, where that branch never committed them, go (git would not merge over them).
    const committedText =
      committed === undefined
        ? ''
        : (planUncommittedUndo(plan, worktree, committed, withoutV1Jobs) ?? '');
    const missing = jobs.some((job) => safeRun(committedText, job) !== job.run);
    // That branch's own file is not install's to fix; lefthook fails there until it is.
    if (committed !== undefined && !parses(committedText))
      plan.notes.push(plan.say(committed, messages.otherConfigUnparseable));
    const local = configIn(worktree, LEFTHOOK_LOCAL_FILES) ?? join(worktree, 'lefthook-local.yml');
    const localText = readTextIfExists(local);
    let localNext: string;
    if (missing) {
      localNext = localText ?? LOCAL_HEADER;
      for (const job of jobs) localNext = setJob(localNext, job, label(repo, local));
      excludeNeeded ||=
        gitMaybe(worktree, ['check-ignore', '-q', '--no-index', '--', local]) === undefined;
    } else {
      // The branch has the jobs now: an override from an earlier install is not needed.
      localNext = localText === undefined ? '' : withoutOurJobs(localText, label(repo, local));
    }
    pushEdit(
      plan,
      local,
      localText,
      localNext,
      'add the audit-hooks jobs for this worktree (not committed)',
    );
  }
  if (excludeNeeded) editExclude(plan, true);

  const installed = STEP_HOOKS.every((hook) =>
    isLefthookStub(readTextIfExists(join(repo.hooksDir, hook))),
  );
  if (!installed) {
    const foreign = STEP_HOOKS.filter((hook) => chains.some((job) => job.hook === hook));
    // `lefthook install` writes a sample lefthook.yml where it finds none (an untracked file
    // that would block merging main): run it where there is one, ours or the branch's.
    const cwd = committedHere
      ? repo.root
      : (repo.worktrees.find((worktree) => configIn(worktree, LEFTHOOK_FILES) !== undefined) ??
        repo.root);
    const lefthook = lefthookCommand(repo);
    plan.actions.push({
      kind: 'run',
      file: lefthook.file,
      args: [...lefthook.args, 'install'],
      cwd,
      summary: `lefthook install: install the git hooks into ${label(repo, repo.hooksDir)}${foreign.map((hook) => `; the existing ${hook} hook keeps running, as ${hook}.old`).join('')}`,
    });
  }
}

function parses(text: string): boolean {
  try {
    jobRun(text, 'post-commit', JOB_NAME);
    return true;
  } catch {
    return false;
  }
}

function safeRun(text: string, job: LefthookJob): string | undefined {
  try {
    return jobRun(text, job.hook, job.name);
  } catch {
    return undefined;
  }
}

/** `text` without the two jobs v1 added (nothing but its header left: nothing at all). */
function withoutV1Jobs(text: string): string {
  try {
    let next = text;
    for (const [hook, run] of [
      ['post-commit', V1_CONSOLIDATE_COMMAND],
      ['post-checkout', V1_CHECKOUT_COMMAND],
    ] as const) {
      if (jobRun(next, hook, JOB_NAME) === run)
        next = removeJob(next, { hook, name: JOB_NAME, run: '' });
    }
    return next === V1_HEADER ? '' : next;
  } catch {
    return text; // a file that does not parse is its branch's to fix (said elsewhere)
  }
}

/** Every job audit-hooks ever added (both modes, v1's, the chain jobs). */
function withoutOurJobs(text: string, file: string): string {
  let next = text;
  for (const hook of ['pre-commit', 'post-commit', 'post-checkout']) {
    next = removeJob(next, { hook, name: JOB_NAME, run: '' }, file);
    next = removeJob(next, chainJob(hook), file);
  }
  next = removeQuietOutput(next);
  return next === LOCAL_HEADER ? '' : next;
}

function pushEdit(
  plan: Plan,
  path: string,
  text: string | undefined,
  next: string,
  what: string,
): void {
  if (next === (text ?? '')) return;
  if (next === '') {
    if (text !== undefined)
      plan.actions.push({
        kind: 'delete',
        path,
        summary: plan.say(path, 'delete (it held only the audit-hooks jobs)'),
      });
    return;
  }
  plan.actions.push({ kind: 'write', path, content: next, summary: plan.say(path, what) });
}

function editExclude(plan: Plan, add: boolean): void {
  const path = join(plan.repo.commonDir, 'info', 'exclude');
  const text = readTextIfExists(path);
  const next = add
    ? ensureLines(text, EXCLUDE_LINES, EXCLUDE_COMMENT)
    : removeLines(text ?? '', EXCLUDE_LINES);
  if (next === (text ?? '')) return;
  plan.actions.push({
    kind: 'write',
    path,
    content: next,
    summary: plan.say(
      path,
      add ? 'keep lefthook-local.yml out of git in every worktree' : 'remove the audit-hooks lines',
    ),
  });
}

export function planLefthookUninstall(plan: Plan): void {
  const { repo } = plan;
  let remaining: string | undefined;
  // What install writes when there is no lefthook.yml, in either mode (read once).
  const templates = (['in-commit', 'post-commit'] as const).map(renderLefthookTemplate);
  for (const worktree of repo.worktrees) {
    // Another worktree's lefthook.yml is its branch's, but v1 wrote its jobs there too.
    if (worktree !== repo.root) {
      const committed = configIn(worktree, LEFTHOOK_FILES);
      if (committed !== undefined) planUncommittedUndo(plan, worktree, committed, withoutV1Jobs);
    }
    const names =
      worktree === repo.root ? [...LEFTHOOK_FILES, ...LEFTHOOK_LOCAL_FILES] : LEFTHOOK_LOCAL_FILES;
    for (const name of names) {
      const file = join(worktree, name);
      const text = readTextIfExists(file);
      if (text === undefined) continue;
      let next = withoutOurJobs(text, label(repo, file));
      const created =
        next === V1_HEADER ||
        templates.some((template) => text === template || next === withoutOurJobs(template, name));
      if (created) next = '';
      if (worktree === repo.root && next !== '' && LEFTHOOK_FILES.includes(name)) remaining = next;
      pushEdit(plan, file, text, next, 'remove the audit-hooks jobs');
    }
  }
  editExclude(plan, false);
  // The lefthook hooks that no remaining config uses were install's (and so is the checksum
  // when no config is left at all); a hook lefthook moved aside comes back.
  for (const name of listNames(repo.hooksDir)) {
    if (/\.(old|sample)$/.test(name)) continue;
    const path = join(repo.hooksDir, name);
    if (!isLefthookStub(readTextIfExists(path))) continue;
    if (remaining !== undefined && !STEP_HOOKS.includes(name as never) && name !== 'post-checkout')
      continue;
    if (remaining !== undefined && hasHook(remaining, name)) continue;
    plan.actions.push({
      kind: 'delete',
      path,
      summary: plan.say(path, 'delete the hook lefthook install added'),
    });
    if (readTextIfExists(`${path}.old`) !== undefined) {
      plan.actions.push({
        kind: 'rename',
        from: `${path}.old`,
        to: path,
        summary: plan.say(path, `restore the hook that was there before (${name}.old)`),
      });
    }
  }
  const checksum = join(repo.commonDir, 'info', 'lefthook.checksum');
  if (remaining === undefined && readTextIfExists(checksum) !== undefined) {
    plan.actions.push({
      kind: 'delete',
      path: checksum,
      summary: plan.say(checksum, 'delete (lefthook’s)'),
    });
  }
}

function hasHook(text: string, hook: string): boolean {
  return new RegExp(`^['"]?${hook}['"]?\\s*:`, 'm').test(text);
}

/**
 * How to run lefthook for this repository: the project's own (lefthook is an optional peer
 * dependency of audit-hooks), else one installed beside audit-hooks, else `lefthook` on
 * PATH (Homebrew, a global npm install). `undefined` when there is none.
 */
export function findLefthook(
  repo: Pick<Repo, 'main' | 'root'>,
): { file: string; args: string[] } | undefined {
  for (const from of [
    join(repo.root, 'package.json'),
    join(repo.main, 'package.json'),
    fileURLToPath(import.meta.url),
  ]) {
    try {
      const manifest = createRequire(from).resolve('lefthook/package.json');
      return { file: process.execPath, args: [join(dirname(manifest), 'bin', 'index.js')] };
    } catch {
      // not there
    }
  }
  const onPath = spawnSync('lefthook', ['version'], { stdio: 'ignore' });
  return onPath.status === 0 ? { file: 'lefthook', args: [] } : undefined;
}

function lefthookCommand(repo: Repo): { file: string; args: string[] } {
  const found = findLefthook(repo);
  if (found === undefined) throw new AuditHooksError(messages.lefthookMissing);
  return found;
}
