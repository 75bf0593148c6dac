// "Which session produced this commit, and what did it do?" (SPEC §13), answered from git:
// in in-commit mode a commit carries its trail as the batch files it adds, so the answer
// travels with the commit through rebase, amend, cherry-pick and squash merges; in
// post-commit mode (and v1) entries are stamped with the sha of the commit they followed.
import { AuditHooksError } from '../errors.js';
import { gitMaybe } from '../git/git.js';
import { catFileBatch, gitOutput } from '../git/objects.js';
import * as messages from '../messages.js';
import { detectRepoRoot, type Entry } from '../writer/index.js';
import { compareEntryLines, type EntryLine, parseRecords } from './entry-line.js';
import { BATCH_NAME, HISTORY } from './paths.js';

/** The full sha `rev` names; a full sha is taken as is (its commit may be gone after a rebase). */
export function resolveCommit(root: string, rev: string): string {
  if (/^[0-9a-f]{40}$/.test(rev)) return rev;
  const sha = gitMaybe(root, ['rev-parse', '--verify', '--quiet', `${rev}^{commit}`]);
  if (sha === undefined || sha === '') throw new AuditHooksError(messages.unknownRevision(rev));
  return sha;
}

/** The entries of a commit (§13), in order, with the batch files it added. */
export function showCommit(options: { cwd?: string; rev: string }): {
  commit: string;
  entries: Entry[];
  /** The same entries with their lines exactly as stored. */
  records: EntryLine[];
  batches: string[];
} {
  const root = detectRepoRoot(options.cwd ?? process.cwd());
  const commit = resolveCommit(root, options.rev);
  const { records, batches } = commitRecords(root, commit);
  return { commit, entries: records.map((record) => record.entry), records, batches };
}

/** The records of the batch files `commit` added, plus those stamped with it, in §3 order. */
export function commitRecords(
  root: string,
  commit: string,
): { records: EntryLine[]; batches: string[] } {
  const batches = batchesAddedBy(root, commit);
  const byId = new Map<string, EntryLine>();
  const specs = batches.map((path) => `${commit}:${path}`);
  for (const text of blobs(root, specs)) {
    for (const record of parseRecords(text)) {
      // A post-commit mode batch, committed with the next commit, holds entries stamped
      // with the commit they followed: they answer for that one, not for this.
      const stamp = record.entry.commit;
      if (typeof stamp === 'string' && /^[0-9a-f]{40}$/.test(stamp) && stamp !== commit) continue;
      if (!byId.has(record.entry.id)) byId.set(record.entry.id, record);
    }
  }
  for (const record of stampedWith(root, commit)) {
    if (!byId.has(record.entry.id)) byId.set(record.entry.id, record);
  }
  return { records: [...byId.values()].sort(compareEntryLines), batches };
}

function git(root: string, args: string[]): string {
  return gitOutput(root, args)?.toString('utf8') ?? '';
}

/**
 * The batch files `commit` itself added: new against every parent (a merge adds none of
 * the batches its branches brought, only those its own pre-commit step made).
 */
export function batchesAddedBy(root: string, commit: string): string[] {
  const parents = git(root, ['rev-list', '--parents', '-n', '1', commit])
    .trim()
    .split(' ')
    .slice(1);
  const added = (args: string[]) =>
    new Set(
      git(root, [
        'diff-tree',
        '-r',
        '-z',
        '--no-commit-id',
        '--name-only',
        '--diff-filter=A',
        ...args,
        '--',
        HISTORY,
      ])
        .split('\0')
        .filter((path) => BATCH_NAME.test(path.split('/').at(-1) ?? '')),
    );
  if (parents.length === 0) return [...added(['--root', commit])].sort();
  let common: Set<string> | undefined;
  for (const parent of parents) {
    const paths = added([parent, commit]);
    common = common === undefined ? paths : new Set([...common].filter((path) => paths.has(path)));
  }
  return [...(common ?? [])].sort();
}

/** The contents of the given `<rev>:<path>` objects that exist, read in one `git cat-file --batch`. */
function blobs(root: string, specs: readonly string[]): string[] {
  return catFileBatch(root, specs).flatMap((blob) =>
    blob === undefined ? [] : [blob.toString('utf8')],
  );
}

/** History entries in the worktree stamped `commit: <sha>` (post-commit mode, v1). */
function stampedWith(root: string, commit: string): EntryLine[] {
  // git grep scans every history file in C, committed or not, and names those that
  // mention the sha at all; only those are read.
  const files = git(root, [
    'grep',
    '-l',
    '-z',
    '-F',
    '--untracked',
    '--no-exclude-standard',
    '-e',
    commit,
    '--',
    HISTORY,
  ])
    .split('\0')
    .filter((file) => file.endsWith('.jsonl'));
  const found: EntryLine[] = [];
  for (const file of files) {
    const text = git(root, [
      'grep',
      '-h',
      '-F',
      '--untracked',
      '--no-exclude-standard',
      '-e',
      commit,
      '--',
      file,
    ]);
    for (const record of parseRecords(text)) if (record.entry.commit === commit) found.push(record);
  }
  return found;
}
