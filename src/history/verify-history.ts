// SPEC §14: the committed trail only ever grows, checked against git.
//
// v2 batch files are written once: any commit that modified, renamed or deleted one is
// reported, read from the file status git keeps per commit (`git log --raw`: no patches,
// so 1,000 commits of a million entries take a fraction of a second). v1 partitions grew
// by rewrites, so for them the added and removed lines of each commit are compared (one
// `git log -p` limited to those files). Every entry a commit removed or altered is then
// looked up at the tip of the range: a tampering that was later reverted is listed, and
// the check fails only when the tip lacks or alters an entry that was ever committed.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { isDeepStrictEqual } from 'node:util';
import { AuditHooksError } from '../errors.js';
import { catFileBatch, gitOutput } from '../git/objects.js';
import * as messages from '../messages.js';
import { loadRedactionRules } from '../redact/config.js';
import { redactor } from '../redact/redactor.js';
import { DEFAULT_REDACTION_RULES, type RedactionRules } from '../redact/rules.js';
import { detectRepoRoot, gitEnvironment } from '../writer/index.js';
import { parseLine, parseRecords } from './entry-line.js';

/** A change a commit made to the committed trail. */
export interface HistoryFinding {
  commit: string;
  file: string;
  /**
   * `modified`, `renamed`, `deleted`: a batch file changed (never allowed); `removed`,
   * `altered`: an entry of a v1 partition; `redacted`: values replaced by redaction markers
   * only (not tampering).
   */
  kind: 'modified' | 'renamed' | 'deleted' | 'removed' | 'altered' | 'redacted';
  /** For entries: the entry's id. */
  id?: string;
  /** For `altered` and `redacted`: the fields that changed. */
  fields?: string[];
  /** For `renamed`: the new path. */
  to?: string;
}

/** An entry that was committed in the range and is missing or altered at its tip. */
export interface MissingEntry {
  id: string;
  /** Where it was committed, and the commit that took it away. */
  file: string;
  commit: string;
  kind: 'missing' | 'altered';
}

/** What the walk saw. */
export interface HistoryCheck {
  commits: number;
  findings: HistoryFinding[];
  /** Entries the tip lacks or altered: the trail is not whole. */
  missing: MissingEntry[];
  /** True when the tip holds every entry ever committed in the range (redactions allowed). */
  ok: boolean;
  /** The clone is shallow: the walk stopped where its history stops. */
  shallow: boolean;
}

/** An entry as a commit took it away, to look for at the tip. */
interface Candidate {
  id: string;
  line: string;
  file: string;
  commit: string;
}

const V1_PARTITIONS = ':(glob)logs/history/*.jsonl';
const V2_BATCHES = ':(glob)logs/history/*/*.jsonl';

/** Walks the commits of `range` (default: all of HEAD) that touched logs/history/. */
export async function verifyHistory(
  options: { cwd?: string; range?: string } = {},
): Promise<HistoryCheck> {
  const root = detectRepoRoot(options.cwd ?? process.cwd());
  const range = options.range ?? 'HEAD';
  const commits = new Set<string>();
  const findings: HistoryFinding[] = [];
  const candidates: Candidate[] = [];
  const redact = lineRedactor(root);
  await walkBatches(root, range, commits, findings, candidates, redact);
  await walkPartitions(root, range, commits, findings, candidates, redact);
  const tip = tipOf(root, range);
  const missing = tip === undefined ? [] : checkTip(root, tip, candidates, redact);
  const shallow = git(root, ['rev-parse', '--is-shallow-repository']).trim() === 'true';
  return { commits: commits.size, findings, missing, ok: missing.length === 0, shallow };
}

function git(root: string, args: string[]): string {
  return gitOutput(root, args)?.toString('utf8') ?? '';
}

/** Runs `git log …` and hands each output line to `onLine`; throws if git fails. */
async function logLines(
  root: string,
  range: string,
  args: string[],
  pathspec: string,
  onLine: (line: string) => void,
): Promise<void> {
  const child = spawn('git', ['log', ...args, range, '--', pathspec], {
    cwd: root,
    env: gitEnvironment(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? 1)));
  for await (const line of createInterface({
    input: child.stdout,
    crlfDelay: Number.POSITIVE_INFINITY,
  })) {
    onLine(line);
  }
  if ((await exited) !== 0) {
    throw new AuditHooksError(
      messages.historyWalkFailed(range, stderr.trim().split('\n')[0] ?? ''),
    );
  }
}

// v2: one status line per changed batch file and commit; anything but an addition is a
// finding, and the entries of the file as it was are candidates for the tip check.
async function walkBatches(
  root: string,
  range: string,
  commits: Set<string>,
  findings: HistoryFinding[],
  candidates: Candidate[],
  redact: LineRedactor,
): Promise<void> {
  const changes: Array<{
    commit: string;
    status: string;
    oldBlob: string;
    newBlob: string;
    file: string;
    to?: string;
  }> = [];
  let commit = '';
  // Oldest first: the first change to a file saw it as it was committed.
  const args = [
    '--reverse',
    '--format=commit %H',
    '--raw',
    '--no-abbrev',
    '-M',
    '--diff-merges=first-parent',
  ];
  await logLines(root, range, args, V2_BATCHES, (line) => {
    if (line.startsWith('commit ')) {
      commit = line.slice('commit '.length);
      return;
    }
    // :100644 100644 <old> <new> M\t<path>[\t<path>]
    const match = /^:\d+ \d+ ([0-9a-f]+) ([0-9a-f]+) ([A-Z])\d*\t([^\t]+)(?:\t(.+))?$/.exec(line);
    if (match === null) return;
    const [, oldBlob, newBlob, status, file, to] = match as unknown as string[];
    if (!isBatchPath(file as string) && !(to !== undefined && isBatchPath(to))) return;
    commits.add(commit);
    if (status === 'A') return;
    changes.push({
      commit,
      status: status as string,
      oldBlob: oldBlob as string,
      newBlob: newBlob as string,
      file: file as string,
      ...(to === undefined ? {} : { to }),
    });
  });
  if (changes.length === 0) return;
  const contents = blobs(
    root,
    changes.flatMap((change) => [
      change.oldBlob,
      ...(change.status === 'M' ? [change.newBlob] : []),
    ]),
  );
  for (const change of changes) {
    const before = entriesOf(contents.get(change.oldBlob) ?? '');
    for (const [id, line] of before)
      candidates.push({ id, line, file: change.file, commit: change.commit });
    if (change.status === 'R' && change.oldBlob === change.newBlob) {
      findings.push({
        commit: change.commit,
        file: change.file,
        kind: 'renamed',
        ...(change.to === undefined ? {} : { to: change.to }),
      });
    } else if (change.status === 'M') {
      const after = entriesOf(contents.get(change.newBlob) ?? '');
      const onlyRedactions = [...before].every(([id, line]) => {
        const now = after.get(id);
        return (
          now !== undefined && (now === line || compare(line, now, redact)?.kind !== 'altered')
        );
      });
      findings.push({
        commit: change.commit,
        file: change.file,
        kind: onlyRedactions ? 'redacted' : 'modified',
      });
    } else if (change.status === 'R') {
      findings.push({
        commit: change.commit,
        file: change.file,
        kind: 'modified',
        ...(change.to === undefined ? {} : { to: change.to }),
      });
    } else {
      findings.push({ commit: change.commit, file: change.file, kind: 'deleted' });
    }
  }
}

function isBatchPath(path: string): boolean {
  return /^logs\/history\/\d{4}-\d{2}-\d{2}\/[^/]+\.jsonl$/.test(path);
}

// v1: partitions grew by rewrites, so compare the removed and added lines of each commit.
async function walkPartitions(
  root: string,
  range: string,
  commits: Set<string>,
  findings: HistoryFinding[],
  candidates: Candidate[],
  redact: LineRedactor,
): Promise<void> {
  let commit = '';
  let file = '';
  let removed = new Map<string, { file: string; line: string }>();
  let added = new Map<string, { file: string; line: string }>();
  const flush = () => {
    for (const [id, before] of removed) {
      const after = added.get(id);
      if (after === undefined) {
        findings.push({ commit, file: before.file, id, kind: 'removed' });
        candidates.push({ id, line: before.line, file: before.file, commit });
      } else if (after.line !== before.line) {
        const change = compare(before.line, after.line, redact);
        if (change === undefined) continue;
        findings.push({ commit, file: before.file, id, ...change });
        if (change.kind !== 'redacted')
          candidates.push({ id, line: before.line, file: before.file, commit });
      }
    }
    removed = new Map();
    added = new Map();
  };
  const args = [
    '--reverse',
    '--format=commit %H',
    '-p',
    '--unified=0',
    '--no-renames',
    '--no-color',
    '--no-ext-diff',
    '--diff-merges=first-parent',
  ];
  await logLines(root, range, args, V1_PARTITIONS, (line) => {
    if (line.startsWith('commit ')) {
      flush();
      commit = line.slice('commit '.length);
      commits.add(commit);
    } else if (line.startsWith('diff --git ')) {
      file = / b\/(.*)$/.exec(line)?.[1] ?? '';
    } else if (line.startsWith('-') && !line.startsWith('--- ')) {
      remember(removed, line.slice(1), file);
    } else if (line.startsWith('+') && !line.startsWith('+++ ')) {
      remember(added, line.slice(1), file);
    }
  });
  flush();
}

function remember(
  map: Map<string, { file: string; line: string }>,
  line: string,
  file: string,
): void {
  const parsed = parseLine(line);
  if ('record' in parsed && !map.has(parsed.record.entry.id)) {
    map.set(parsed.record.entry.id, { file, line });
  }
}

/** The tip commit of a range (`a..b` → b, `a...b` → b, `rev` → rev). */
function tipOf(root: string, range: string): string | undefined {
  const tip = range.includes('..') ? range.slice(range.lastIndexOf('..') + 2) || 'HEAD' : range;
  const sha = git(root, [
    'rev-parse',
    '--verify',
    '--quiet',
    `${tip.replace(/^\./, '') || 'HEAD'}^{commit}`,
  ]).trim();
  return sha === '' ? undefined : sha;
}

/**
 * Looks up each entry at the tip: present unchanged (or only redacted), altered, or missing.
 * An entry is compared with the first version any commit took away, which is the version
 * as it was committed: a later commit that takes away a tampered version (a revert, say)
 * does not make the tampered one the reference. The commit named is the first whose change
 * to the entry was not a redaction, so the restore it suggests never brings a secret back.
 */
function checkTip(
  root: string,
  tip: string,
  all: readonly Candidate[],
  redact: LineRedactor,
): MissingEntry[] {
  const versions = new Map<string, Candidate[]>();
  for (const candidate of all) {
    const list = versions.get(candidate.id);
    if (list === undefined) versions.set(candidate.id, [candidate]);
    else list.push(candidate);
  }
  if (versions.size === 0) return [];
  const files = git(root, ['ls-tree', '-r', '-z', '--name-only', tip, '--', 'logs/history'])
    .split('\0')
    .filter((path) => path.endsWith('.jsonl'));
  const atTip = new Map<string, string>();
  for (const text of blobs(
    root,
    files.map((path) => `${tip}:${path}`),
  ).values()) {
    for (const [id, line] of entriesOf(text))
      if (versions.has(id) && !atTip.has(id)) atTip.set(id, line);
  }
  const missing: MissingEntry[] = [];
  for (const [id, list] of versions) {
    const first = list[0] as Candidate;
    const now = atTip.get(id);
    if (now === first.line) continue;
    if (now !== undefined && compare(first.line, now, redact)?.kind !== 'altered') continue;
    // Each version was taken away by its commit; what came after it is the next version
    // (or the tip's). Blame the first change that was not a redaction.
    let blamed = list.at(-1) as Candidate;
    for (const [index, version] of list.entries()) {
      const next = list[index + 1]?.line ?? now;
      if (next === undefined || compare(version.line, next, redact)?.kind === 'altered') {
        blamed = version;
        break;
      }
    }
    missing.push({
      id,
      file: blamed.file,
      commit: blamed.commit,
      kind: now === undefined ? 'missing' : 'altered',
    });
  }
  return missing;
}

/** Objects read in one `git cat-file --batch`, by the spec asked for (missing ones left out). */
function blobs(root: string, specs: readonly string[]): Map<string, string> {
  const unique = [...new Set(specs)];
  const result = new Map<string, string>();
  catFileBatch(root, unique).forEach((blob, i) => {
    if (blob !== undefined) result.set(unique[i] as string, blob.toString('utf8'));
  });
  return result;
}

/** Each id's first line in `text`. */
function entriesOf(text: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const record of parseRecords(text))
    if (!map.has(record.entry.id)) map.set(record.entry.id, record.line);
  return map;
}

/** Redacts one line as consolidation and `verify --fix` do (the repository's rules). */
export type LineRedactor = (line: string) => string;

/** The redactor of the rules of the worktree at `root`, switched on whatever the config says. */
export function lineRedactor(root: string): LineRedactor {
  let rules: RedactionRules;
  try {
    rules = loadRedactionRules(root);
  } catch {
    rules = DEFAULT_REDACTION_RULES;
  }
  const transform = redactor(rules.enabled ? rules : { ...rules, enabled: true });
  return (line) => {
    const parsed = parseLine(line);
    return 'record' in parsed ? transform(parsed.record).line : line;
  };
}

/**
 * How `afterLine` differs from `beforeLine`: `undefined` when it is the same entry
 * (formatting aside); `redacted` only when it is exactly what the redaction rules make of
 * `beforeLine` (a value swapped for a marker by hand is no redaction: the rules must
 * find a secret there, and the entry's `redacted` list must say so); `altered` otherwise.
 */
export function compare(
  beforeLine: string,
  afterLine: string,
  redact: LineRedactor,
): { kind: 'altered' | 'redacted'; fields: string[] } | undefined {
  const before = entryOf(beforeLine);
  const after = entryOf(afterLine);
  if (before === undefined || after === undefined) return { kind: 'altered', fields: [] };
  if (isDeepStrictEqual(before, after)) return undefined;
  const fields: string[] = [];
  const walk = (a: unknown, b: unknown, path: string) => {
    if (isDeepStrictEqual(a, b)) return;
    if (
      a !== null &&
      b !== null &&
      typeof a === 'object' &&
      typeof b === 'object' &&
      Array.isArray(a) === Array.isArray(b)
    ) {
      const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
      for (const key of keys) {
        walk(
          (a as Record<string, unknown>)[key],
          (b as Record<string, unknown>)[key],
          Array.isArray(a) ? `${path}[${key}]` : path === '' ? key : `${path}.${key}`,
        );
      }
      return;
    }
    fields.push(path);
  };
  const { redacted: _before, ...restBefore } = before;
  const { redacted: _after, ...restAfter } = after;
  walk(restBefore, restAfter, '');
  if (fields.length === 0) return { kind: 'altered', fields: ['redacted'] };
  const expected = entryOf(redact(beforeLine));
  return { kind: isDeepStrictEqual(expected, after) ? 'redacted' : 'altered', fields };
}

/**
 * True when `after` holds exactly the entries of `before`, each unchanged or redacted by
 * the rules: what `verify --fix` may do to a batch file, and nothing else.
 */
export function onlyRedactedSince(before: string, after: string, redact: LineRedactor): boolean {
  const was = entriesOf(before);
  const now = entriesOf(after);
  if (was.size !== now.size) return false;
  for (const [id, line] of was) {
    const current = now.get(id);
    if (current === undefined) return false;
    if (current !== line && compare(line, current, redact)?.kind === 'altered') return false;
  }
  return true;
}

function entryOf(line: string): Record<string, unknown> | undefined {
  const parsed = parseLine(line);
  return 'record' in parsed ? (parsed.record.entry as Record<string, unknown>) : undefined;
}
