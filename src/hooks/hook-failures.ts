// A hook step never fails its caller (SPEC §15): a failure is one warning line on stderr,
// and is kept here so that `status` can say the trail has a hole. Kept next to the shards
// (logs/active ignores itself), or in the worktree's git folder when that is not writable.
import {
  closeSync,
  constants,
  openSync,
  readFileSync,
  renameSync,
  statSync,
  writeSync,
} from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { ACTIVE_DIR, ensureActiveDir } from '../writer/index.js';

/** One failed hook call. */
export interface HookFailure {
  timestamp: string;
  agent?: string | undefined;
  event?: string | undefined;
  message: string;
}

/** Failures of one worktree: how many are kept, and the latest ones, oldest first. */
export interface HookFailures {
  count: number;
  latest: HookFailure[];
}

const FILE = '.hook-failures';
const GIT_FILE = 'audit-hooks-hook-failures';
// Past this the file is rotated (one older generation is kept): a broken setup that fails
// on every tool call must not fill the disk.
const MAX_BYTES = 64 * 1024;

/**
 * Keeps `failure` for the worktree at `root`; never throws. Returns whether it was kept (a
 * warning must not promise `status` what it could not keep).
 */
export function recordHookFailure(root: string, failure: Omit<HookFailure, 'timestamp'>): boolean {
  const line = `${JSON.stringify({ timestamp: new Date().toISOString(), ...failure })}\n`;
  for (const place of [() => activeFile(root), () => gitFile(root)]) {
    try {
      append(place(), line);
      return true;
    } catch {
      // Try the next place.
    }
  }
  return false;
}

/** The hook failures kept for the worktree at `root` (for `status`). */
export function hookFailures(root: string, latest = 5): HookFailures {
  const all: HookFailure[] = [];
  const files = [join(root, ACTIVE_DIR, FILE)];
  const git = gitDirOf(root);
  if (git !== undefined) files.push(join(git, GIT_FILE));
  for (const file of files) {
    for (const path of [`${file}.1`, file]) {
      let text: string;
      try {
        text = readFileSync(path, 'utf8');
      } catch {
        continue;
      }
      for (const line of text.split('\n')) {
        try {
          if (line !== '') all.push(JSON.parse(line) as HookFailure);
        } catch {
          // A torn line of a writer that was killed: not a failure report.
        }
      }
    }
  }
  all.sort((a, b) => (a.timestamp < b.timestamp ? -1 : a.timestamp > b.timestamp ? 1 : 0));
  return { count: all.length, latest: all.slice(-latest) };
}

function activeFile(root: string): string {
  ensureActiveDir(root);
  return join(root, ACTIVE_DIR, FILE);
}

function gitFile(root: string): string {
  const git = gitDirOf(root);
  if (git === undefined) throw new Error('no git folder');
  return join(git, GIT_FILE);
}

// `.git` is a folder, or (a linked worktree) a file naming one.
function gitDirOf(root: string): string | undefined {
  const dotGit = join(root, '.git');
  try {
    if (statSync(dotGit).isDirectory()) return dotGit;
    const dir = /^gitdir:\s*(.+?)\s*$/m.exec(readFileSync(dotGit, 'utf8'))?.[1];
    return dir === undefined ? undefined : isAbsolute(dir) ? dir : join(root, dir);
  } catch {
    return undefined;
  }
}

function append(file: string, line: string): void {
  try {
    if (statSync(file).size > MAX_BYTES) renameSync(file, `${file}.1`);
  } catch {
    // No file yet.
  }
  const fd = openSync(
    file,
    constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW,
    0o644,
  );
  try {
    writeSync(fd, line);
  } finally {
    closeSync(fd);
  }
}
