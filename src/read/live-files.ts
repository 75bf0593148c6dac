import {
  closeSync,
  constants,
  type Dirent,
  fstatSync,
  lstatSync,
  openSync,
  readdirSync,
} from 'node:fs';
import { join } from 'node:path';
import { listNames } from '../files.js';
import { RELEASED_PREFIX } from '../history/claim-sets.js';
import { ACTIVE, CLAIMED } from '../history/paths.js';
import * as messages from '../messages.js';
import type { WarningHandler } from './read-warning.js';

/** A shard file: in `logs/active/`, or claimed by a consolidation in `logs/active/.claimed/`. */
export interface LiveFile {
  /** Absolute path. */
  path: string;
  /** Path relative to the worktree root, for messages. */
  file: string;
  claimed: boolean;
}

/**
 * The shard files of a worktree: `logs/active/*.jsonl`, then `logs/active/.claimed/*.jsonl`.
 * Lazily, and the caller must open each file before asking for the next: `.claimed/` is
 * listed only after every active shard was opened, so a shard claimed in between is in
 * that listing, or (claim already consumed) in the history, which the caller reads last.
 * Only regular files: a symbolic link is reported and never followed.
 */
export function* liveFiles(
  root: string,
  warn: WarningHandler,
): Generator<LiveFile, void, undefined> {
  yield* list(root, ACTIVE, false, warn);
  yield* claimedFiles(root, warn);
}

/**
 * The shards of every claim set (`logs/active/.claimed/<set>/*.jsonl`, also sets still
 * being filled, and v1's loose claims). A set renamed while it is listed (filled, or
 * released) is looked for again; a released set's batches are in the history already.
 */
function claimedFiles(root: string, warn: WarningHandler): LiveFile[] {
  for (let attempt = 0; ; attempt++) {
    const files: LiveFile[] = list(root, CLAIMED, true, warn);
    let moved = false;
    for (const name of listNames(join(root, CLAIMED))) {
      if (name.startsWith(RELEASED_PREFIX)) continue;
      const dir = join(CLAIMED, name);
      if (!isFolder(join(root, dir))) continue;
      try {
        readdirSync(join(root, dir));
      } catch {
        moved = true;
        break;
      }
      files.push(...list(root, dir, true, warn));
    }
    if (!moved || attempt >= 5) return files;
  }
}

function isFolder(path: string): boolean {
  try {
    return lstatSync(path).isDirectory();
  } catch {
    return false;
  }
}

function list(root: string, dir: string, claimed: boolean, warn: WarningHandler): LiveFile[] {
  // A folder that is a link leads out of logs/active: not followed either.
  if (isLink(join(root, dir))) {
    warn({ file: dir, message: messages.notFollowed(dir) });
    return [];
  }
  let entries: Dirent[];
  try {
    entries = readdirSync(join(root, dir), { withFileTypes: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    // No folder yet (nothing logged) or `.claimed` is not a folder: nothing live there.
    if (code !== 'ENOENT' && code !== 'ENOTDIR') {
      warn({ file: dir, message: messages.unreadable(dir, code) });
    }
    return [];
  }
  const files: LiveFile[] = [];
  for (const entry of entries) {
    if (!entry.name.endsWith('.jsonl')) continue;
    const file = join(dir, entry.name);
    if (entry.isSymbolicLink()) warn({ file, message: messages.notFollowed(file) });
    else if (!entry.isFile()) warn({ file, message: messages.notRegularFile(file) });
    else files.push({ path: join(root, file), file, claimed });
  }
  return files.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
}

function isLink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

// O_NOFOLLOW closes the gap between the listing and the open (a file swapped for a link);
// O_NONBLOCK keeps a FIFO swapped in from blocking the open.
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);

/**
 * Opens a regular file for reading without following a symbolic link. `undefined` when it
 * is gone (claimed or consolidated meanwhile) or was reported as a warning.
 */
export function openRegular(path: string, file: string, warn: WarningHandler): number | undefined {
  let fd: number;
  try {
    fd = openSync(path, OPEN_FLAGS);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    if (code === 'ENOENT') return undefined;
    warn({
      file,
      message: code === 'ELOOP' ? messages.notFollowed(file) : messages.unreadable(file, code),
    });
    return undefined;
  }
  try {
    if (fstatSync(fd).isFile()) return fd;
  } catch (error) {
    closeSync(fd);
    throw error;
  }
  closeSync(fd);
  warn({ file, message: messages.notRegularFile(file) });
  return undefined;
}
