import { readFileSync } from 'node:fs';
import { git } from '../git/git.js';
import { splitLines } from '../history/entry-line.js';
import { historyFiles } from '../history/history-files.js';
import { resolveCommit } from '../history/show.js';
import { detectRepoRoot } from '../writer/index.js';
import { loadRedactionRules } from './config.js';
import { findSecretsInLine, RAW_LINE_PATH } from './redact-line.js';
import { DEFAULT_REDACTION_RULES, type RedactionRules } from './rules.js';

/** Options of {@link scanHistory}. */
export interface ScanOptions {
  /** Any folder inside the worktree (default: `process.cwd()`). */
  cwd?: string;
  /** Scan `logs/history/` as committed in this revision instead of the working tree. */
  rev?: string;
  /** Default: the worktree's configuration (`enabled: false` is ignored: a scan always looks). */
  rules?: RedactionRules;
}

/** One secret found in the history. */
export interface ScanFinding {
  /** The history file, relative to the root (a batch file, or a v1 partition). */
  file: string;
  /** 1-based line number. */
  line: number;
  /** `key` or the shape rule that matched. */
  rule: string;
  /** JSON path of the value in the entry; `(line)` for a line that is not JSON. */
  path: string;
}

/** What {@link scanHistory} looked at and found. */
export interface ScanResult {
  root: string;
  /** The full sha scanned, when `rev` was given. */
  commit?: string;
  files: number;
  entries: number;
  findings: ScanFinding[];
}

export { RAW_LINE_PATH };

/**
 * Reports secrets already in the history (batch files and v1 partitions), line by line, with the
 * same rules consolidation applies. Reads only; changes nothing.
 */
export function scanHistory(options: ScanOptions = {}): ScanResult {
  const root = detectRepoRoot(options.cwd ?? process.cwd());
  const configured = options.rules ?? loadRedactionRules(root);
  const rules = configured.enabled ? configured : { ...configured, enabled: true };
  const commit = options.rev === undefined ? undefined : resolveCommit(root, options.rev);
  const result: ScanResult = {
    root,
    ...(commit === undefined ? {} : { commit }),
    files: 0,
    entries: 0,
    findings: [],
  };
  for (const { file, read } of partitions(root, commit)) {
    result.files++;
    const { lines, partial } = splitLines(read());
    if (partial !== undefined) lines.push(partial);
    lines.forEach((text, index) => {
      if (text.trim() === '') return;
      result.entries++;
      for (const found of findSecrets(text, rules)) {
        result.findings.push({ file, line: index + 1, ...found });
      }
    });
  }
  return result;
}

/**
 * The secrets in one history line (its text, without the newline), as scan reports them:
 * every copy of a duplicate key and every caller field, envelope-like ones included; a
 * line that is not a JSON object is scanned as text, with path {@link RAW_LINE_PATH}.
 */
export function findSecrets(
  text: string,
  rules: RedactionRules = DEFAULT_REDACTION_RULES,
): Array<{ rule: string; path: string }> {
  return findSecretsInLine(text, rules);
}

interface Source {
  file: string;
  read: () => string;
}

function partitions(root: string, commit: string | undefined): Source[] {
  if (commit === undefined) {
    return historyFiles(root).map(({ file, path }) => ({
      file,
      read: () => readFileSync(path, 'utf8'),
    }));
  }
  const listed = git(root, ['ls-tree', '-r', '-z', '--name-only', commit, '--', 'logs/history']);
  return listed
    .split('\0')
    .filter((path) => path.endsWith('.jsonl'))
    .sort()
    .map((file) => ({ file, read: () => git(root, ['show', `${commit}:${file}`]) }));
}
