// `audit-hooks status` (SPEC §6): per worktree, what is installed and whether git would run
// it, what is waiting, and what the history holds. Reads only.
import { closeSync, type Dirent, existsSync, readdirSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { listNames, readTextIfExists } from '../files.js';
import { git, gitMaybe, listWorktrees } from '../git/git.js';
import { listClaimSets } from '../history/claim-sets.js';
import type { Mode } from '../history/consolidate.js';
import { historyFiles } from '../history/history-files.js';
import { ACTIVE, LEDGER, QUARANTINE } from '../history/paths.js';
import { type HookFailures, hookFailures } from '../hooks/hook-failures.js';
import { agentStatus } from '../install/agents.js';
import { hasAlias } from '../install/alias.js';
import { ignoringRule } from '../install/ignore-rules.js';
import { modeOfCommand, STEP_HOOKS } from '../install/launcher.js';
import { LEFTHOOK_FILES, LEFTHOOK_LOCAL_FILES } from '../install/lefthook-config.js';
import * as messages from '../messages.js';
import { detectRepoRoot } from '../writer/index.js';
import { countLines } from './count-lines.js';
import { openRegular } from './live-files.js';
import type { WarningHandler } from './read-warning.js';

/** Options of {@link status}. */
export interface StatusOptions {
  /** Any folder inside the repository (default: `process.cwd()`). */
  cwd?: string;
  /** Told about each file that could not be read (it is left out of the counts). */
  onWarning?: WarningHandler;
}

/** One commit step audit-hooks found installed, and whether git would run it. */
export interface HookSetup {
  manager: 'lefthook' | 'husky' | 'git';
  hook: 'pre-commit' | 'post-commit';
  mode: Mode;
  /** The file holding it: relative to the worktree, or absolute when outside it. */
  file: string;
  /** False when it is configured but git would not run it; `note` says why. */
  runs: boolean;
  note?: string;
}

/** A shard and its complete entries (lines). */
export interface ShardStatus {
  /** Relative to the worktree. */
  file: string;
  entries: number;
}

/** The state of one worktree. */
export interface WorktreeStatus {
  path: string;
  branch?: string;
  /** The worktree that holds `cwd`. */
  current: boolean;
  /** False when git lists it but its folder is gone (see `git worktree prune`). */
  exists: boolean;
  hooks: {
    /** Both steps of a mode are installed and would run. */
    installed: boolean;
    mode?: Mode;
    setups: HookSetup[];
  };
  shards: ShardStatus[];
  /** Claim sets whose batch files wait for a commit to hold them. */
  /** Claim sets; `undecided`: those whose run has not written its batch files yet. */
  claims: { sets: number; entries: number; batches: string[]; undecided: number };
  quarantine: { files: number; lines: number };
  history: {
    /** Batch files (and v1 partitions). */
    files: number;
    /** Lines of all history files, counted by their newline bytes (nothing is parsed). */
    entries: number;
    bytes: number;
    firstDay?: string;
    lastDay?: string;
    /** The newest consolidation (ISO): the newest claim set's, or the newest batch file's name. */
    lastChange?: string;
  };
  /** The rule that would ignore new batch files, if any (in-commit mode stages them anyway). */
  ignoredBy?: { source: string; line: string; pattern: string };
  /** The command that runs audit-hooks in this worktree (for hints). */
  command: string;
  /** The coding agents whose own hooks are wired in this worktree. */
  agents: Array<{ agent: string; file: string }>;
  /** Agent hook calls that failed (`log --hook` never fails its caller, so they are kept here). */
  hookFailures: HookFailures;
}

/** What {@link status} found. */
export interface StatusResult {
  worktrees: WorktreeStatus[];
}

/** Per worktree of the repository: hooks, what is waiting, quarantine, history (SPEC §6). */
export async function status(options: StatusOptions = {}): Promise<StatusResult> {
  const current = detectRepoRoot(options.cwd ?? process.cwd());
  const warn = options.onWarning ?? (() => {});
  const list = listWorktrees(current).filter((worktree) => !worktree.bare);
  const main = list[0]?.path ?? current;
  const worktrees: WorktreeStatus[] = [];
  for (const worktree of list) {
    const path = worktree.path;
    const exists = existsSync(path);
    const base = {
      path,
      ...(worktree.branch === undefined ? {} : { branch: worktree.branch }),
      current: path === current,
      exists,
      command: runner(path, main),
      agents: [] as Array<{ agent: string; file: string }>,
      hookFailures: { count: 0, latest: [] } as HookFailures,
    };
    if (!exists) {
      worktrees.push({
        ...base,
        hooks: { installed: false, setups: [] },
        shards: [],
        claims: { sets: 0, entries: 0, batches: [], undecided: 0 },
        quarantine: { files: 0, lines: 0 },
        history: { files: 0, entries: 0, bytes: 0 },
      });
      continue;
    }
    const claims = claimsOf(path);
    const ignoredBy = ignoringRule(path);
    worktrees.push({
      ...base,
      hooks: hookSetups(path, base.command),
      shards: shards(path, warn),
      claims: claims.summary,
      quarantine: quarantine(path, warn),
      history: history(path, warn, claims.lastMade),
      ...(ignoredBy === undefined ? {} : { ignoredBy }),
      agents: agentStatus(path)
        .filter((agent) => agent.installed)
        .map(({ agent, file }) => ({ agent, file })),
      hookFailures: hookFailures(path),
    });
  }
  return { worktrees };
}

/**
 * How to run audit-hooks in `worktree`: `git audit-hooks` where install set that alias;
 * `npx audit-hooks` only where npx finds it locally
 * (a linked worktree has no node_modules, and npx would go to the registry), else the
 * main worktree's copy by path, else a global install.
 */
function runner(worktree: string, main: string): string {
  // The alias install sets works anywhere in the repository (asked of a worktree that exists).
  if (hasAlias(existsSync(worktree) ? worktree : main)) return 'git audit-hooks';
  if (existsSync(join(worktree, 'node_modules', '.bin', 'audit-hooks'))) return 'npx audit-hooks';
  const shared = join(main, 'node_modules', '.bin', 'audit-hooks');
  if (existsSync(shared)) return shared;
  return 'audit-hooks';
}

function hookSetups(worktree: string, command: string): WorktreeStatus['hooks'] {
  const hooksDir = resolve(
    worktree,
    git(worktree, ['rev-parse', '--path-format=absolute', '--git-path', 'hooks']),
  );
  const show = (path: string) => {
    const rel = relative(worktree, path);
    return rel.startsWith('..') || isAbsolute(rel) ? path : rel;
  };
  const setups: HookSetup[] = [];
  const hooksPath = gitMaybe(worktree, ['config', 'core.hooksPath']);
  // Each lefthook file read and parsed once, for both steps.
  const lefthookConfigs = [...LEFTHOOK_FILES, ...LEFTHOOK_LOCAL_FILES].map((name) => ({
    name,
    config: parseLefthook(readTextIfExists(join(worktree, name))),
  }));
  for (const hook of STEP_HOOKS) {
    const runnerText = readTextIfExists(join(hooksDir, hook));
    for (const { name, config } of lefthookConfigs) {
      const mode = modeIn(commandsIn(config?.[hook]));
      if (mode === undefined) continue;
      const runs = runnerText?.includes('lefthook') === true;
      setups.push({
        manager: 'lefthook',
        hook,
        mode,
        file: name,
        runs,
        ...(runs ? {} : { note: messages.lefthookNotRunning(show(hooksDir), command) }),
      });
      break;
    }
    const huskyFile = join(worktree, '.husky', hook);
    const huskyRunner = join(worktree, '.husky', '_', hook);
    const fileMode = modeIn(lines(readTextIfExists(huskyFile)));
    const huskyMode = fileMode ?? modeIn(lines(readTextIfExists(huskyRunner)));
    if (huskyMode !== undefined) {
      // husky runs hooks only through core.hooksPath pointing at its `_` runner.
      const runs =
        runnerText !== undefined &&
        relative(join(worktree, '.husky'), hooksDir).split(/[\\/]/)[0] !== '..';
      setups.push({
        manager: 'husky',
        hook,
        mode: huskyMode,
        file: show(fileMode === undefined ? huskyRunner : huskyFile),
        runs,
        ...(runs ? {} : { note: messages.huskyNotRunning(hooksPath, command) }),
      });
    }
    const gitMode = runnerText === undefined ? undefined : modeIn(lines(runnerText));
    // husky's runner, where install wrote our step into it, is husky's setup (above).
    const isHuskyRunner = resolve(hooksDir, hook) === huskyRunner;
    if (gitMode !== undefined && !runnerText?.includes('lefthook') && !isHuskyRunner) {
      const runs = isExecutable(join(hooksDir, hook));
      setups.push({
        manager: 'git',
        hook,
        mode: gitMode,
        file: show(join(hooksDir, hook)),
        runs,
        ...(runs ? {} : { note: messages.gitHookNotExecutable(command) }),
      });
    }
  }
  const post = setups.find((setup) => setup.hook === 'post-commit' && setup.runs);
  const pre = setups.find((setup) => setup.hook === 'pre-commit' && setup.runs);
  const installed = post !== undefined && pre !== undefined;
  return { installed, ...(post === undefined ? {} : { mode: post.mode }), setups };
}

function lines(text: string | undefined): string[] {
  return text === undefined ? [] : text.split(/\r?\n/).map((line) => line.trim());
}

function modeIn(commands: readonly string[]): Mode | undefined {
  for (const command of commands) {
    const mode = modeOfCommand(command);
    if (mode !== undefined) return mode;
  }
  return undefined;
}

/** Every `run` string of a lefthook hook: jobs (and their groups), commands, scripts. */
function parseLefthook(text: string | undefined): Record<string, unknown> | undefined {
  if (text === undefined) return undefined;
  try {
    return (parseYaml(text) as Record<string, unknown> | null) ?? undefined;
  } catch {
    return undefined; // lefthook would refuse it too
  }
}

function commandsIn(node: unknown): string[] {
  if (Array.isArray(node)) return node.flatMap(commandsIn);
  if (typeof node !== 'object' || node === null) return [];
  return Object.entries(node).flatMap(([key, value]) =>
    key === 'run' && typeof value === 'string' ? [value] : commandsIn(value),
  );
}

function shards(worktree: string, warn: WarningHandler): ShardStatus[] {
  let entries: Dirent[];
  try {
    entries = readdirSync(join(worktree, ACTIVE), { withFileTypes: true });
  } catch {
    return [];
  }
  const found: ShardStatus[] = [];
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (!entry.name.endsWith('.jsonl')) continue;
    const file = join(ACTIVE, entry.name);
    const count = countFile(join(worktree, file), file, warn);
    if (count !== undefined) found.push({ file, entries: count.complete });
  }
  return found;
}

function claimsOf(worktree: string): { summary: WorktreeStatus['claims']; lastMade?: number } {
  let sets: ReturnType<typeof listClaimSets>;
  try {
    sets = listClaimSets(worktree);
  } catch {
    return { summary: { sets: 0, entries: 0, batches: [], undecided: 0 } };
  }
  let entries = 0;
  const batches: string[] = [];
  let lastMade: number | undefined;
  let undecided = 0;
  for (const set of sets) {
    if (set.manifest === undefined) {
      undecided++;
      continue;
    }
    entries += set.manifest.entries;
    batches.push(...set.manifest.batches.map((batch) => batch.path));
    lastMade = Math.max(lastMade ?? 0, set.manifest.made);
  }
  // A released set leaves its ids in the ledger, written when it was made.
  const ledger = join(worktree, LEDGER);
  for (const name of listNames(ledger)) {
    if (!name.endsWith('.ids')) continue;
    const made = mtimeOf(join(ledger, name));
    if (made !== undefined) lastMade = Math.max(lastMade ?? 0, made);
  }
  return {
    summary: { sets: sets.length, entries, batches, undecided },
    ...(lastMade === undefined ? {} : { lastMade }),
  };
}

function quarantine(worktree: string, warn: WarningHandler): WorktreeStatus['quarantine'] {
  let entries: Dirent[];
  try {
    entries = readdirSync(join(worktree, QUARANTINE), { withFileTypes: true });
  } catch {
    return { files: 0, lines: 0 };
  }
  let files = 0;
  let lines = 0;
  for (const entry of entries) {
    if (!entry.name.endsWith('.jsonl') || !entry.isFile()) continue;
    const file = join(QUARANTINE, entry.name);
    const count = countFile(join(worktree, file), file, warn);
    if (count === undefined) continue;
    files++;
    lines += count.complete + (count.partial ? 1 : 0);
  }
  return { files, lines };
}

function history(
  worktree: string,
  warn: WarningHandler,
  lastMade: number | undefined,
): WorktreeStatus['history'] {
  const files = historyFiles(worktree, warn);
  let entries = 0;
  let bytes = 0;
  let counted = 0;
  // When consolidation last ran, as its own records say; a history that came by merge
  // or from v1 has only its files' times.
  let newest = lastMade;
  const guess = newest === undefined;
  for (const file of files) {
    const count = countFile(file.path, file.file, warn);
    if (count === undefined) continue;
    counted++;
    entries += count.complete + (count.partial ? 1 : 0);
    bytes += count.bytes;
    // A batch's name carries its last entry's time; a v1 partition only its mtime.
    const when = file.kind === 'batch' ? file.last : mtimeOf(file.path);
    if (guess && when !== undefined) newest = Math.max(newest ?? 0, when);
  }
  return {
    files: counted,
    entries,
    bytes,
    ...(files.length === 0 ? {} : { firstDay: files[0]?.day, lastDay: files.at(-1)?.day }),
    ...(newest === undefined ? {} : { lastChange: new Date(newest).toISOString() }),
  };
}

function countFile(path: string, file: string, warn: WarningHandler) {
  const fd = openRegular(path, file, warn);
  if (fd === undefined) return undefined;
  try {
    return countLines(fd);
  } finally {
    closeSync(fd);
  }
}

function mtimeOf(path: string): number | undefined {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return undefined;
  }
}

function isExecutable(path: string): boolean {
  if (process.platform === 'win32') return true;
  try {
    return (statSync(path).mode & 0o111) !== 0;
  } catch {
    return false;
  }
}
