import { execFileSync } from 'node:child_process';
import { gitEnvironment } from '../writer/index.js';

// git's objects as bytes, for the readers of committed history (show, verify --history,
// view): git run in `root` without a hook's GIT_DIR & co.

/**
 * Runs git in `root` and returns its output, or `undefined` where git exits non-zero (no
 * commit yet, an object that is gone).
 */
export function gitOutput(root: string, args: string[], input?: string): Buffer | undefined {
  try {
    return execFileSync('git', args, {
      cwd: root,
      env: gitEnvironment(),
      input: input ?? '',
      stdio: ['pipe', 'pipe', 'pipe'],
      // A history's worth of batch files in one cat-file (verify --history).
      maxBuffer: 2 * 1024 * 1024 * 1024,
    });
  } catch (error) {
    if (typeof (error as { status?: unknown }).status === 'number') return undefined;
    throw error;
  }
}

/** One object of `git cat-file --batch` output: its content, or `undefined` if missing. */
export function catFileBatch(root: string, names: readonly string[]): Array<Buffer | undefined> {
  if (names.length === 0) return [];
  const out = gitOutput(root, ['cat-file', '--batch'], `${names.join('\n')}\n`);
  const contents: Array<Buffer | undefined> = [];
  if (out === undefined) return names.map(() => undefined);
  let at = 0;
  for (let i = 0; i < names.length; i++) {
    const end = out.indexOf(10, at);
    if (end === -1) break;
    const header = out.toString('utf8', at, end).split(' ');
    at = end + 1;
    // `<sha> <type> <size>`, or `<name> missing` / `<name> ambiguous`.
    const size = header.length === 3 ? Number(header[2]) : Number.NaN;
    if (!Number.isInteger(size)) {
      contents.push(undefined);
      continue;
    }
    contents.push(out.subarray(at, at + size));
    at += size + 1; // the content is followed by a newline
  }
  while (contents.length < names.length) contents.push(undefined);
  return contents;
}
