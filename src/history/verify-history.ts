// SPEC §14: the committed trail only ever grows. One `git log -p` over the commits that
// touched logs/history/ (merges diffed against their first parent) gives every removed
// and added line; an id whose line left without coming back unchanged is a finding.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { isDeepStrictEqual } from 'node:util';
import { AuditHooksError } from '../errors.js';
import * as messages from '../messages.js';
import { detectRepoRoot, gitEnvironment } from '../writer/index.js';
import { parseLine } from './entry-line.js';

/** A change to a committed entry: `removed`, `altered`, or `redacted` (not tampering). */
export interface HistoryFinding {
  commit: string;
  file: string;
  id: string;
  kind: 'removed' | 'altered' | 'redacted';
  /** For `altered` and `redacted`: the fields that changed. */
  fields?: string[];
}

/** What the walk saw. */
export interface HistoryCheck {
  commits: number;
  findings: HistoryFinding[];
  /** True when nothing was removed or altered (redactions are allowed). */
  ok: boolean;
}

interface Side {
  file: string;
  line: string;
}

/** Walks the commits of `range` (default: all of HEAD) that touched logs/history/. */
export async function verifyHistory(
  options: { cwd?: string; range?: string } = {},
): Promise<HistoryCheck> {
  const root = detectRepoRoot(options.cwd ?? process.cwd());
  const args = [
    'log',
    '--reverse',
    '--format=commit %H',
    '-p',
    '--unified=0',
    '--no-renames',
    '--no-color',
    '--no-ext-diff',
    '--diff-merges=first-parent',
    options.range ?? 'HEAD',
    '--',
    'logs/history/*.jsonl',
  ];
  const child = spawn('git', args, {
    cwd: root,
    env: gitEnvironment(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? 1)));

  const findings: HistoryFinding[] = [];
  let commits = 0;
  let commit = '';
  let file = '';
  let removed = new Map<string, Side>();
  let added = new Map<string, Side>();
  const flush = () => {
    for (const [id, before] of removed) {
      const after = added.get(id);
      if (after === undefined) {
        findings.push({ commit, file: before.file, id, kind: 'removed' });
      } else if (after.line !== before.line) {
        const change = compare(before.line, after.line);
        if (change !== undefined) findings.push({ commit, file: before.file, id, ...change });
      }
    }
    removed = new Map();
    added = new Map();
  };

  for await (const line of createInterface({
    input: child.stdout,
    crlfDelay: Number.POSITIVE_INFINITY,
  })) {
    if (line.startsWith('commit ')) {
      flush();
      commit = line.slice('commit '.length);
      commits++;
    } else if (line.startsWith('diff --git ')) {
      file = / b\/(.*)$/.exec(line)?.[1] ?? '';
    } else if (line.startsWith('-') && !line.startsWith('--- ')) {
      remember(removed, line.slice(1), file);
    } else if (line.startsWith('+') && !line.startsWith('+++ ')) {
      remember(added, line.slice(1), file);
    }
  }
  flush();
  const code = await exited;
  if (code !== 0) {
    throw new AuditHooksError(
      messages.historyWalkFailed(options.range ?? 'HEAD', stderr.trim().split('\n')[0] ?? ''),
    );
  }
  return { commits, findings, ok: findings.every((finding) => finding.kind === 'redacted') };
}

function remember(map: Map<string, Side>, line: string, file: string): void {
  const id = idOf(line);
  if (id !== undefined && !map.has(id)) map.set(id, { file, line });
}

function idOf(line: string): string | undefined {
  const parsed = parseLine(line);
  return 'record' in parsed ? parsed.record.entry.id : undefined;
}

const REDACTED = /\[REDACTED:[a-z0-9_-]+\]/i;

// `redacted` when every difference is a value (or part of a string) replaced by a
// `[REDACTED:rule]` marker, plus the `redacted` list itself; `altered` otherwise.
function compare(
  beforeLine: string,
  afterLine: string,
): { kind: 'altered' | 'redacted'; fields: string[] } | undefined {
  const before = (parseLine(beforeLine) as { record: { entry: Record<string, unknown> } }).record
    .entry;
  const after = (parseLine(afterLine) as { record: { entry: Record<string, unknown> } }).record
    .entry;
  const fields: string[] = [];
  let onlyRedactions = true;
  const walk = (a: unknown, b: unknown, path: string) => {
    if (isDeepStrictEqual(a, b)) return;
    if (typeof b === 'string' && REDACTED.test(b) && (typeof a !== 'string' || redactionOf(a, b))) {
      fields.push(path);
      return;
    }
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
          path === '' ? key : `${path}.${key}`,
        );
      }
      return;
    }
    fields.push(path);
    onlyRedactions = false;
  };
  const { redacted: _before, ...restBefore } = before;
  const { redacted: _after, ...restAfter } = after;
  walk(restBefore, restAfter, '');
  if (fields.length === 0) return undefined; // same entry, other formatting
  return { kind: onlyRedactions ? 'redacted' : 'altered', fields };
}

// True when `after` is `before` with some substrings replaced by redaction markers.
function redactionOf(before: string, after: string): boolean {
  const parts = after.split(/\[REDACTED:[a-z0-9_-]+\]/i);
  let cursor = 0;
  for (const [index, part] of parts.entries()) {
    const at = before.indexOf(part, cursor);
    if (at === -1 || (index === 0 && at !== 0)) return false;
    cursor = at + part.length;
  }
  return parts.at(-1) === '' || before.endsWith(parts.at(-1) as string);
}
