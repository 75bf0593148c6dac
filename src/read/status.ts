import { closeSync, type Dirent, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { git, gitMaybe, listWorktrees } from '../git/git.js';
import { type HistoryFile, historyFiles } from '../history/history-files.js';
import { HISTORY, QUARANTINE } from '../history/paths.js';
import * as messages from '../messages.js';
import { detectRepoRoot } from '../writer/index.js';
import { countLines } from './count-lines.js';
import { liveFiles, openRegular } from './live-files.js';
import type { WarningHandler } from './read-warning.js';

/** Options of {@link status}. */
export interface StatusOptions {
  /** Any folder inside the repository (default: `process.cwd()`). */
  cwd?: string;
  /** Told about each file that could not be read (it is left out of the counts). */
  onWarning?: WarningHandler;
}

/** Where a post-commit job that runs `audit-hooks consolidate --hook` was found. */
export interface HookSetup {
  manager: 'lefthook' | 'husky' | 'git';
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
  /** True while a consolidation is reading it (`logs/active/.claimed/`). */
  claimed: boolean;
}

/** The state of one worktree. */
export interface WorktreeStatus {
  path: string;
  branch?: string;
  /** The worktree that holds `cwd`. */
  current: boolean;
  /** False when git lists it but its folder is gone (see `git worktree prune`). */
  exists: boolean;
  hooks: { installed: boolean; setups: HookSetup[] };
  shards: ShardStatus[];
  quarantine: { files: number; lines: number };
  history: {
    /** Batch files (and v1 partitions). */
    files: number;
    /** Lines of all history files, counted by their newline bytes (nothing is parsed). */
    entries: number;
    bytes: number;
    firstDay?: string;
    lastDay?: string;
    /** The newest change to `logs/history/` (ISO): its folder's or a partition's mtime. */
    lastChange?: string;
  };
}

/** What {@link status} found. */
export interface StatusResult {
  worktrees: WorktreeStatus[];
}

/** Per worktree of the repository: hooks, live shards, quarantine, history (SPEC §6). */
export async function status(options: StatusOptions = {}): Promise<StatusResult> {
  const current = detectRepoRoot(options.cwd ?? process.cwd());
  const warn = options.onWarning ?? (() => {});
  const worktrees: WorktreeStatus[] = [];
  for (const worktree of listWorktrees(current)) {
    if (worktree.bare) continue;
    const path = worktree.path;
    const exists = existsSync(path);
    const base = {
      path,
      ...(worktree.branch === undefined ? {} : { branch: worktree.branch }),
      current: path === current,
      exists,
    };
    worktrees.push(
      exists
        ? {
            ...base,
            hooks: hookSetups(path),
            shards: shards(path, warn),
            quarantine: quarantine(path, warn),
            history: history(path, warn),
          }
        : {
            ...base,
            hooks: { installed: false, setups: [] },
            shards: [],
            quarantine: { files: 0, lines: 0 },
            history: { files: 0, entries: 0, bytes: 0 },
          },
    );
  }
  return { worktrees };
}

const MARKERS = ['audit-hooks', 'consolidate --hook'];
const LEFTHOOK_FILES = ['lefthook.yml', '.lefthook.yml', 'lefthook.yaml', '.lefthook.yaml'];

function isOurCommand(text: string): boolean {
  return MARKERS.every((marker) => text.includes(marker));
}

function hookSetups(worktree: string): WorktreeStatus['hooks'] {
  const hooksDir = resolve(
    worktree,
    git(worktree, ['rev-parse', '--path-format=absolute', '--git-path', 'hooks']),
  );
  const postCommit = join(hooksDir, 'post-commit');
  const runner = readText(postCommit);
  const show = (path: string) => {
    const rel = relative(worktree, path);
    return rel.startsWith('..') || isAbsolute(rel) ? path : rel;
  };
  const setups: HookSetup[] = [];

  for (const name of LEFTHOOK_FILES) {
    const text = readText(join(worktree, name));
    if (text === undefined || !lefthookRunsUs(text)) continue;
    const runs = runner?.includes('lefthook') === true;
    setups.push({
      manager: 'lefthook',
      file: name,
      runs,
      ...(runs ? {} : { note: messages.lefthookNotRunning(show(hooksDir)) }),
    });
  }

  const husky = join(worktree, '.husky', 'post-commit');
  const huskyText = readText(husky);
  if (huskyText !== undefined && isOurCommand(huskyText)) {
    const hooksPath = gitMaybe(worktree, ['config', 'core.hooksPath']);
    // husky runs hooks only through core.hooksPath pointing into .husky/ (its `_` runner).
    const runs =
      runner !== undefined &&
      relative(join(worktree, '.husky'), hooksDir).split(/[\\/]/)[0] !== '..';
    setups.push({
      manager: 'husky',
      file: show(husky),
      runs,
      ...(runs ? {} : { note: messages.huskyNotRunning(hooksPath) }),
    });
  }

  if (runner !== undefined && isOurCommand(runner)) {
    const runs = isExecutable(postCommit);
    setups.push({
      manager: 'git',
      file: show(postCommit),
      runs,
      ...(runs ? {} : { note: messages.gitHookNotExecutable }),
    });
  }
  return { installed: setups.some((setup) => setup.runs), setups };
}

/** True when lefthook's config has a post-commit job whose command is ours. */
function lefthookRunsUs(text: string): boolean {
  let config: unknown;
  try {
    config = parseYaml(text);
  } catch {
    return false; // lefthook would refuse it too
  }
  const postCommit = (config as Record<string, unknown> | null)?.['post-commit'];
  return commandsIn(postCommit).some(isOurCommand);
}

/** Every `run` string below a lefthook hook: jobs (and their groups), commands, scripts. */
function commandsIn(node: unknown): string[] {
  if (Array.isArray(node)) return node.flatMap(commandsIn);
  if (typeof node !== 'object' || node === null) return [];
  return Object.entries(node).flatMap(([key, value]) =>
    key === 'run' && typeof value === 'string' ? [value] : commandsIn(value),
  );
}

function shards(worktree: string, warn: WarningHandler): ShardStatus[] {
  return [...liveFiles(worktree, warn)].flatMap((file) => {
    const count = countFile(file.path, file.file, warn);
    return count === undefined
      ? []
      : [{ file: file.file, entries: count.complete, claimed: file.claimed }];
  });
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

function history(worktree: string, warn: WarningHandler): WorktreeStatus['history'] {
  const partitions: HistoryFile[] = [];
  let entries = 0;
  let bytes = 0;
  let newest = mtimeOf(join(worktree, HISTORY));
  for (const partition of historyFiles(worktree, warn)) {
    const count = countFile(partition.path, partition.file, warn);
    if (count === undefined) continue;
    partitions.push(partition);
    entries += count.complete + (count.partial ? 1 : 0);
    bytes += count.bytes;
    newest = Math.max(newest ?? 0, mtimeOf(partition.path) ?? 0);
  }
  return {
    files: partitions.length,
    entries,
    bytes,
    ...(partitions.length === 0
      ? {}
      : { firstDay: partitions[0]?.day, lastDay: partitions.at(-1)?.day }),
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

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
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
