// The v2 history as the view needs it: which commit added which batch file (SPEC §5, §13),
// and the entries those files hold. A batch file is added once and never changed, so
// "the commit that added it" is the commit its entries belong to.
import { closeSync, constants, fstatSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { catFileBatch, gitOutput } from '../git/objects.js';
import { type EntryLine, parseLine, splitLines } from '../history/entry-line.js';
import * as messages from '../messages.js';
import type { WarningHandler } from '../read/read-warning.js';

const HISTORY = 'logs/history';
/** `logs/history/<YYYY-MM-DD>/<batch>.jsonl`, as git prints it (always with `/`). */
const BATCH_PATH = /^logs\/history\/(\d{4}-\d{2}-\d{2})\/[^/]+\.jsonl$/;
const DAY_FOLDER = /^\d{4}-\d{2}-\d{2}$/;
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0);

/** A commit, as git knows it. */
export interface CommitInfo {
  sha: string;
  /** Committer time, ms since the epoch. */
  time: number;
  subject: string;
}

/** What {@link readBatches} found. */
export interface Batches {
  /** The entries of every batch file (worktree and committed), in file order, unsorted. */
  records: EntryLine[];
  /** The commits that added batch files, newest first. */
  commits: CommitInfo[];
  /** Entry id → the shas of the commits that added a batch file holding it. */
  commitsOfEntry: Map<string, string[]>;
}

/** Options of {@link readBatches}. */
export interface BatchOptions {
  /** Skip day folders before this instant's UTC day, and entries before the instant. */
  since?: number | undefined;
  /** Only this session's entries. */
  session?: string | undefined;
  warn: WarningHandler;
}

/**
 * Reads the batch files of the worktree at `root` and of its `HEAD` (one missing from the
 * worktree, as in a sparse checkout, is read from git), and links their entries to the
 * commits that added them.
 */
export function readBatches(root: string, options: BatchOptions): Batches {
  const firstDay =
    options.since === undefined ? undefined : new Date(options.since).toISOString().slice(0, 10);
  const wanted = (day: string) => firstDay === undefined || day >= firstDay;

  const { commits, addedBy } = commitsAddingBatches(root);
  const paths = new Set<string>();
  for (const path of addedBy.keys()) if (wanted(dayOf(path))) paths.add(path);
  const onDisk = worktreeBatchFiles(root, options.warn).filter((path) => wanted(dayOf(path)));
  for (const path of onDisk) paths.add(path);

  const texts = new Map<string, string>();
  const missing: string[] = [];
  for (const path of [...paths].sort()) {
    const text = readNoFollow(root, path, options.warn);
    if (text === undefined) missing.push(path);
    else texts.set(path, text);
  }
  const fromGit = catFileBatch(
    root,
    missing.filter((path) => addedBy.has(path)).map((path) => `HEAD:${path}`),
  );
  missing
    .filter((path) => addedBy.has(path))
    .forEach((path, i) => {
      const content = fromGit[i];
      if (content !== undefined) texts.set(path, content.toString('utf8'));
    });

  const records: EntryLine[] = [];
  const commitsOfEntry = new Map<string, string[]>();
  for (const [path, text] of texts) {
    const shas = addedBy.get(path);
    for (const record of parseBatch(path, text, options)) {
      records.push(record);
      if (shas === undefined) continue;
      const known = commitsOfEntry.get(record.entry.id);
      if (known === undefined) commitsOfEntry.set(record.entry.id, [...shas]);
      else for (const sha of shas) if (!known.includes(sha)) known.push(sha);
    }
  }
  const used = new Set([...commitsOfEntry.values()].flat());
  return { records, commits: commits.filter((commit) => used.has(commit.sha)), commitsOfEntry };
}

function dayOf(path: string): string {
  return BATCH_PATH.exec(path)?.[1] ?? '';
}

/**
 * Every commit of `HEAD` that added a batch file, with the files it added. A batch that a
 * cherry-pick brought in again arrives at the same path, so one path can have several.
 */
function commitsAddingBatches(root: string): {
  commits: CommitInfo[];
  addedBy: Map<string, string[]>;
} {
  const out = gitOutput(root, [
    '-c',
    'core.quotePath=false',
    'log',
    '--format=%x1e%H%x09%ct%x09%s',
    '--name-only',
    '--diff-filter=A',
    '--no-renames',
    'HEAD',
    '--',
    HISTORY,
  ]);
  const commits: CommitInfo[] = [];
  const addedBy = new Map<string, string[]>();
  if (out === undefined) return { commits, addedBy }; // no commit yet
  for (const block of out.toString('utf8').split('\x1e')) {
    const [head, ...files] = block.split('\n');
    if (head === undefined || head === '') continue;
    const [sha = '', time = '0', ...subject] = head.split('\t');
    commits.push({ sha, time: Number(time) * 1000, subject: subject.join('\t') });
    for (const file of files) {
      if (!BATCH_PATH.test(file)) continue;
      const shas = addedBy.get(file);
      if (shas === undefined) addedBy.set(file, [sha]);
      else shas.push(sha);
    }
  }
  return { commits, addedBy };
}

/** The batch files in the worktree's `logs/history/<day>/` folders (links are not followed). */
function worktreeBatchFiles(root: string, warn: WarningHandler): string[] {
  const files: string[] = [];
  for (const day of listDir(root, HISTORY, warn)) {
    if (!DAY_FOLDER.test(day.name)) continue;
    const folder = `${HISTORY}/${day.name}`;
    if (day.isSymbolicLink()) {
      warn({ file: folder, message: messages.notFollowed(folder) });
      continue;
    }
    if (!day.isDirectory()) continue;
    for (const file of listDir(root, folder, warn)) {
      if (file.name.endsWith('.jsonl')) files.push(`${folder}/${file.name}`);
    }
  }
  return files;
}

function listDir(root: string, dir: string, warn: WarningHandler) {
  try {
    return readdirSync(join(root, dir), { withFileTypes: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    if (code !== 'ENOENT' && code !== 'ENOTDIR') {
      warn({ file: dir, message: messages.unreadable(dir, code) });
    }
    return [];
  }
}

/** The text of a regular file, never through a link; `undefined` if it is not there. */
function readNoFollow(root: string, path: string, warn: WarningHandler): string | undefined {
  let fd: number;
  try {
    fd = openSync(join(root, path), OPEN_FLAGS);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    warn({
      file: path,
      message: code === 'ELOOP' ? messages.notFollowed(path) : messages.unreadable(path, code),
    });
    return '';
  }
  try {
    if (!fstatSync(fd).isFile()) {
      warn({ file: path, message: messages.notRegularFile(path) });
      return '';
    }
    return readFileSync(fd, 'utf8');
  } finally {
    closeSync(fd);
  }
}

/** The valid entries of one batch file that pass the filters; invalid lines are reported once. */
function parseBatch(path: string, text: string, options: BatchOptions): EntryLine[] {
  const { lines, partial } = splitLines(text);
  if (partial !== undefined) lines.push(partial);
  const records: EntryLine[] = [];
  let invalid = 0;
  let first: { line: number; problem: string } | undefined;
  lines.forEach((line, index) => {
    if (line === '') return;
    // Most lines of other sessions are skipped before they are parsed.
    if (options.session !== undefined && !line.includes(options.session)) return;
    const parsed = parseLine(line);
    if ('problem' in parsed) {
      invalid++;
      first ??= { line: index + 1, problem: parsed.problem };
      return;
    }
    const { record } = parsed;
    if (options.since !== undefined && record.instant < options.since) return;
    if (options.session !== undefined && record.entry.session_id !== options.session) return;
    records.push(record);
  });
  if (first !== undefined) {
    options.warn({ file: path, message: messages.invalidLines(path, invalid, first, true) });
  }
  return records;
}
