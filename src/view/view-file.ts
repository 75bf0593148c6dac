import { lstatSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { AuditHooksError } from '../errors.js';
import * as messages from '../messages.js';

/** Where `audit-hooks view` writes by default, relative to the worktree root. */
export const VIEW_DIR = join('logs', 'view');
export const VIEW_FILE = join(VIEW_DIR, 'index.html');

/**
 * Writes the page (whole or not at all: a browser tab reloading it never sees half) to
 * `out` (relative to `cwd`), or to `logs/view/index.html` of the worktree at `root`. That
 * folder ignores itself (a `.gitignore` holding `*`), like `logs/active/`, so the page —
 * live entries included — can never be committed by accident. Returns the absolute path.
 */
export async function writeViewFile(
  html: string,
  options: { root: string; cwd: string; out?: string | undefined },
): Promise<string> {
  const file =
    options.out === undefined ? prepareViewDir(options.root) : resolve(options.cwd, options.out);
  try {
    await writeFileAtomic(file, html, { encoding: 'utf8' });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new AuditHooksError(messages.viewNotWritten(file, code));
  }
  return file;
}

/** Creates `logs/view/` with its `.gitignore` (never through a link) and returns the file. */
function prepareViewDir(root: string): string {
  for (const dir of ['logs', VIEW_DIR]) {
    const path = join(root, dir);
    const kind = kindOf(path);
    if (kind === 'missing') mkdirSync(path);
    else if (kind !== 'directory') throw new AuditHooksError(messages.viewDirNotFolder(dir));
  }
  try {
    writeFileSync(join(root, VIEW_DIR, '.gitignore'), '*\n', { flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const file = join(root, VIEW_FILE);
  const kind = kindOf(file);
  if (kind !== 'missing' && kind !== 'file') {
    throw new AuditHooksError(messages.viewDirNotFolder(VIEW_FILE));
  }
  return file;
}

function kindOf(path: string): 'missing' | 'directory' | 'file' | 'other' {
  try {
    const stat = lstatSync(path);
    return stat.isDirectory() ? 'directory' : stat.isFile() ? 'file' : 'other';
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
    throw error;
  }
}
