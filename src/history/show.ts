import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AuditHooksError } from '../errors.js';
import { gitMaybe } from '../git/git.js';
import * as messages from '../messages.js';
import { detectRepoRoot, type Entry } from '../writer/index.js';
import { compareEntryLines, type EntryLine, parseLine, splitLines } from './entry-line.js';
import { HISTORY, PARTITION_NAME } from './paths.js';

/** The full sha `rev` names; a full sha is taken as is (its commit may be gone after a rebase). */
export function resolveCommit(root: string, rev: string): string {
  if (/^[0-9a-f]{40}$/.test(rev)) return rev;
  const sha = gitMaybe(root, ['rev-parse', '--verify', '--quiet', `${rev}^{commit}`]);
  if (sha === undefined || sha === '') throw new AuditHooksError(messages.unknownRevision(rev));
  return sha;
}

/** Entries of `logs/history/` that the post-commit consolidation of `rev` stamped (§13), in order. */
export function showCommit(options: { cwd?: string; rev: string }): {
  commit: string;
  entries: Entry[];
} {
  const root = detectRepoRoot(options.cwd ?? process.cwd());
  const commit = resolveCommit(root, options.rev);
  return { commit, entries: entriesOfCommit(root, commit) };
}

/** Every history entry stamped with `commit`, in §3 order. */
export function entriesOfCommit(root: string, commit: string): Entry[] {
  let names: string[];
  try {
    names = readdirSync(join(root, HISTORY)).filter((name) => PARTITION_NAME.test(name));
  } catch {
    return [];
  }
  const found: EntryLine[] = [];
  for (const name of names) {
    const text = readFileSync(join(root, HISTORY, name), 'utf8');
    if (!text.includes(commit)) continue; // most partitions never mention it
    const { lines, partial } = splitLines(text);
    if (partial !== undefined) lines.push(partial);
    for (const line of lines) {
      if (!line.includes(commit)) continue;
      const parsed = parseLine(line);
      if ('record' in parsed && parsed.record.entry.commit === commit) found.push(parsed.record);
    }
  }
  return found.sort(compareEntryLines).map((record) => record.entry);
}
