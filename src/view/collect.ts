// Everything the view shows, gathered in one place: the history's batch files (which give
// each entry its commit) and the live entries `tail` reads (of every worktree with --all).

import { catFileBatch, gitOutput } from '../git/objects.js';
import { compareEntryLines, type EntryLine } from '../history/entry-line.js';
import { parseSince } from '../read/parse-since.js';
import type { WarningHandler } from '../read/read-warning.js';
import { tailRecords } from '../read/tail.js';
import { worktreesOf } from '../read/worktrees.js';
import { worktreeRedactor } from '../redact/redactor.js';
import { detectRepoRoot } from '../writer/index.js';
import { type CommitInfo, readBatches } from './batches.js';

/** An entry as the view shows it: redacted as the history holds it, with its worktree. */
export interface ViewEntry extends EntryLine {
  /** The root of the worktree it was logged in. */
  worktree: string;
}

/** A commit marker and the entries that belong to it. */
export interface ViewCommit extends CommitInfo {
  /** The branch an agent's `commit` event named, if any. */
  branch?: string;
  /** Ids of its entries: those of the batch files it added (§13), those stamped with its
   *  sha (post-commit mode, v1), and the agents' `commit` events that name it (§15). */
  ids: string[];
}

/** A worktree whose entries are shown. */
export interface ViewWorktree {
  path: string;
  branch?: string;
}

/** The view's input. */
export interface ViewInput {
  worktrees: ViewWorktree[];
  /** In §3 order, each id once. */
  entries: ViewEntry[];
  /** Oldest first. */
  commits: ViewCommit[];
}

/** Options of {@link collectView}. */
export interface CollectOptions {
  /** Any folder inside the worktree (default: `process.cwd()`). */
  cwd?: string;
  /** The live entries of every worktree of the repository too. */
  all?: boolean;
  /** Only entries at or after this time: a Date, or `--since` text (`15m`, `2h`, ISO time). */
  since?: Date | string | undefined;
  /** Only this session's entries. */
  session?: string | undefined;
  onWarning?: WarningHandler;
}

const SHA = /^[0-9a-f]{7,64}$/i;

/** The entries and commits of the worktree at `cwd`, ready for {@link buildViewData}. */
export function collectView(options: CollectOptions = {}): ViewInput {
  const root = detectRepoRoot(options.cwd ?? process.cwd());
  const warn = options.onWarning ?? (() => {});
  const since =
    options.since === undefined
      ? undefined
      : options.since instanceof Date
        ? options.since.getTime()
        : parseSince(options.since);
  const filter = { since, session: options.session, warn };

  // The batch files give each entry its commit; their entries are history, already redacted.
  const batches = readBatches(root, filter);
  // With `all`, the live shards of every worktree, each entry tagged with its worktree.
  const worktrees = options.all ? worktreesOf(root) : [{ path: root, label: undefined }];
  const pathOf = new Map(worktrees.map((worktree) => [worktree.label, worktree.path]));
  const tail = tailRecords({
    cwd: root,
    n: 0,
    all: options.all === true,
    since: since === undefined ? undefined : new Date(since),
    session: options.session,
    onWarning: warn,
  });

  // Shown as the history will hold them: live entries redacted with this worktree's
  // rules. A v1 partition's entries (already redacted) pass unchanged: redaction is
  // idempotent and returns the same record when nothing matches.
  const redact = worktreeRedactor(root);
  const byId = new Map<string, EntryLine>();
  for (const record of batches.records)
    if (!byId.has(record.entry.id)) byId.set(record.entry.id, record);
  const worktreeOf = new Map<string, string>();
  for (const record of tail) {
    if (byId.has(record.entry.id)) continue;
    byId.set(record.entry.id, redact(record));
    if (record.worktree !== undefined)
      worktreeOf.set(record.entry.id, pathOf.get(record.worktree) ?? root);
  }
  const entries = [...byId.values()]
    .sort(compareEntryLines)
    .map((record): ViewEntry => ({ ...record, worktree: worktreeOf.get(record.entry.id) ?? root }));
  const shown = new Set(entries.map((entry) => entry.worktree));

  return {
    worktrees: worktrees
      .filter((worktree) => worktree.path === root || shown.has(worktree.path))
      .map((worktree) => ({ path: worktree.path, ...branchOf(worktree.path) })),
    entries,
    commits: linkCommits(root, entries, batches.commits, batches.commitsOfEntry),
  };
}

function branchOf(root: string): { branch?: string } {
  const branch = gitOutput(root, ['branch', '--show-current'])?.toString('utf8').trim();
  return branch ? { branch } : {};
}

/** Commit markers: the commits that added batches, and those that entries name. */
function linkCommits(
  root: string,
  entries: readonly ViewEntry[],
  batchCommits: readonly CommitInfo[],
  commitsOfEntry: ReadonlyMap<string, string[]>,
): ViewCommit[] {
  // Ids as sets: post-commit mode stamps every entry of a consolidation with one sha.
  const commits = new Map<string, CommitInfo & { branch?: string; ids: Set<string> }>();
  for (const commit of batchCommits) commits.set(commit.sha, { ...commit, ids: new Set() });
  // Named by entries: the `commit` stamp, or an agent's `commit` event's `sha`.
  const named: Array<{ id: string; name: string; branch?: string }> = [];
  const stamps = new Map<string, string>();
  for (const { entry } of entries) {
    if (typeof entry.commit === 'string' && SHA.test(entry.commit)) {
      named.push({ id: entry.id, name: entry.commit.toLowerCase() });
      stamps.set(entry.id, entry.commit.toLowerCase());
    }
    if (entry.event === 'commit' && typeof entry.sha === 'string' && SHA.test(entry.sha)) {
      const branch = typeof entry.branch === 'string' ? { branch: entry.branch } : {};
      named.push({ id: entry.id, name: entry.sha.toLowerCase(), ...branch });
    }
  }
  const resolved = resolveCommits(root, [...new Set(named.map((item) => item.name))]);
  // An entry stamped with the commit it followed (post-commit mode, v1) belongs to that
  // commit, not also to the later one that carried its batch file.
  for (const { entry } of entries) {
    const stamp = stamps.get(entry.id);
    if (stamp !== undefined && resolved.has(stamp)) continue;
    for (const sha of commitsOfEntry.get(entry.id) ?? []) commits.get(sha)?.ids.add(entry.id);
  }
  for (const { id, name, branch } of named) {
    const info = resolved.get(name);
    if (info === undefined) continue; // gone (rebased and collected) or never here
    let commit = commits.get(info.sha);
    if (commit === undefined) {
      commit = { ...info, ids: new Set() };
      commits.set(info.sha, commit);
    }
    commit.ids.add(id);
    if (branch !== undefined) commit.branch ??= branch;
  }
  return [...commits.values()]
    .filter((commit) => commit.ids.size > 0)
    .sort((a, b) => a.time - b.time || (a.sha < b.sha ? -1 : 1))
    .map((commit) => ({ ...commit, ids: [...commit.ids] }));
}

/** Full sha, time and subject of each (possibly abbreviated) sha git has as a commit. */
function resolveCommits(root: string, names: readonly string[]): Map<string, CommitInfo> {
  const found = new Map<string, CommitInfo>();
  if (names.length === 0) return found;
  const check = gitOutput(
    root,
    ['cat-file', '--batch-check=%(objectname) %(objecttype)'],
    `${names.join('\n')}\n`,
  );
  if (check === undefined) return found;
  const full = new Map<string, string>();
  check
    .toString('utf8')
    .split('\n')
    .forEach((line, i) => {
      const [sha, type] = line.split(' ');
      const name = names[i];
      if (type === 'commit' && sha !== undefined && name !== undefined) full.set(name, sha);
    });
  const shas = [...new Set(full.values())];
  const info = new Map<string, CommitInfo>();
  const bodies = catFileBatch(root, shas);
  shas.forEach((sha, i) => {
    const body = bodies[i]?.toString('utf8');
    if (body !== undefined) info.set(sha, parseCommitObject(sha, body));
  });
  for (const [name, sha] of full) {
    const commit = info.get(sha);
    if (commit !== undefined) found.set(name, commit);
  }
  return found;
}

/** Committer time and subject from a raw commit object. */
function parseCommitObject(sha: string, body: string): CommitInfo {
  const split = body.indexOf('\n\n');
  const headers = split === -1 ? body : body.slice(0, split);
  const message = split === -1 ? '' : body.slice(split + 2);
  const committer = /^committer .* (\d+) [+-]\d{4}$/m.exec(headers);
  return {
    sha,
    time: committer === null ? 0 : Number(committer[1]) * 1000,
    subject: message.split('\n\n')[0]?.replace(/\n/g, ' ').trim() ?? '',
  };
}
