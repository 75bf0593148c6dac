// The folders under `logs/` are audit-hooks' own: a symbolic link where one of them should
// be would lead writes, moves and deletions outside the worktree (SPEC §4), so each is
// checked with lstat before it is used, and the local ones ignore themselves in git.
import { lstatSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { AuditHooksError } from '../errors.js';
import * as messages from '../messages.js';

/** What `lstat` says a path is: `missing`, `folder`, or `other` (a link, a file, …). */
export function kindOf(path: string): 'missing' | 'folder' | 'other' {
  try {
    return lstatSync(path).isDirectory() ? 'folder' : 'other';
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
    throw error;
  }
}

/**
 * Throws unless every folder from `root` down to `root/rel` is a real folder or missing
 * (never a link). `rel` is relative to the worktree root, e.g. `logs/history/2026-11-27`.
 */
export function assertNoLinks(root: string, rel: string): void {
  let path = root;
  for (const part of rel.split(/[\\/]/)) {
    path = join(path, part);
    const kind = kindOf(path);
    if (kind === 'missing') return;
    if (kind === 'other')
      throw new AuditHooksError(messages.notAFolder(path.slice(root.length + 1)));
  }
}

/** Creates `root/rel` (and its parents) as real folders; refuses links on the way. */
export function ensureFolder(root: string, rel: string): string {
  assertNoLinks(root, rel);
  const path = join(root, rel);
  mkdirSync(path, { recursive: true });
  assertNoLinks(root, rel);
  return path;
}

/**
 * Creates `root/rel` holding a `.gitignore` of `*`, so the folder ignores itself in every
 * worktree and on every branch whatever the repository's own ignore rules say. The folder
 * appears with its `.gitignore` already inside (made under a temporary name, then renamed),
 * so a crash can never leave it without one; an existing folder gets one if it lacks it.
 */
export function ensureSelfIgnoringFolder(root: string, rel: string): string {
  const path = join(root, rel);
  assertNoLinks(root, rel);
  if (kindOf(path) === 'missing') {
    const parent = ensureFolder(root, dirname(rel));
    const temp = join(parent, `.${rel.split(/[\\/]/).at(-1)}-${process.pid}-${Date.now()}`);
    mkdirSync(temp);
    try {
      writeFileSync(join(temp, '.gitignore'), '*\n');
      renameSync(temp, path);
    } catch (error) {
      rmSync(temp, { recursive: true, force: true });
      const code = (error as NodeJS.ErrnoException).code;
      // Another process made it first: theirs has its .gitignore too.
      if (code !== 'EEXIST' && code !== 'ENOTEMPTY') throw error;
    }
    assertNoLinks(root, rel);
  }
  const ignore = join(path, '.gitignore');
  if (kindOf(ignore) === 'missing') {
    try {
      writeFileSync(ignore, '*\n', { flag: 'wx' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  return path;
}
