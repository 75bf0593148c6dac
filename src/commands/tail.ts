import type { Writable } from 'node:stream';
import { AuditHooksError, UsageError } from '../errors.js';
import { resolveCommit } from '../history/show.js';
import * as messages from '../messages.js';
import {
  createLayout,
  escapeJsonLine,
  escapeTerminal,
  formatRecord,
  type Layout,
  useColor,
} from '../read/format-entry.js';
import { parseSince } from '../read/parse-since.js';
import type { ReadWarning } from '../read/read-warning.js';
import { tailRecords } from '../read/tail.js';
import { loadRedactionRules } from '../redact/config.js';
import { redactLine } from '../redact/redact-line.js';
import { DEFAULT_REDACTION_RULES, type RedactionRules } from '../redact/rules.js';
import { detectRepoRoot, type Entry } from '../writer/index.js';

/** Options of {@link tailCommand}. */
export interface TailCommandOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  stdout: Writable & { isTTY?: boolean; columns?: number };
  stderr: Writable;
  /** `-n` as given (mri may have made it a number). */
  n?: unknown;
  follow?: boolean;
  json?: boolean;
  session?: string | undefined;
  since?: string | undefined;
  /** A revision: only the entries of that commit. */
  commit?: string | undefined;
  /** Every worktree's live shards too. */
  all?: boolean;
  agent?: string | undefined;
  event?: string | undefined;
  tool?: string | undefined;
  grep?: string | undefined;
}

// Output goes out in pieces of about this size: one write per line is slow for -n 0.
const FLUSH_CHARS = 64 * 1024;

/**
 * `audit-hooks tail`: the last N entries for people (or `--json`), then more with `--follow`.
 *
 * What it prints is what the history will hold (SPEC §6, §12): an entry still in a shard
 * is shown redacted by the worktree's rules, like consolidation will write it, with
 * `--json` too (a line without secrets is printed byte for byte as stored). Everything
 * that reaches the terminal has its control and bidi characters escaped.
 */
export async function tailCommand(options: TailCommandOptions): Promise<number> {
  const n = parseCount(options.n);
  if (options.since !== undefined) parseSince(options.since); // a bad value fails before any output
  const out = options.stdout;
  // A closed pipe (`| head`) ends the output; it is not an error.
  let closed = false;
  let failure: Error | undefined;
  const stop = new AbortController();
  out.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') failure ??= error;
    closed = true;
    stop.abort();
  });
  // A file name under logs/ is text anyone could choose, like an entry's.
  const onWarning = (warning: ReadWarning) =>
    options.stderr.write(`${escapeTerminal(messages.warning(warning.message))}\n`);
  if (options.commit !== undefined && options.follow)
    throw new UsageError(messages.commitWithFollow);
  const root = detectRepoRoot(options.cwd);
  const commit = options.commit === undefined ? undefined : resolveCommit(root, options.commit);
  const rules = displayRules(root, onWarning);
  if (options.grep !== undefined) {
    try {
      new RegExp(options.grep);
    } catch (error) {
      throw new UsageError(messages.badGrep(options.grep, (error as Error).message));
    }
  }
  const read = {
    cwd: options.cwd,
    n,
    all: options.all === true,
    session: options.session,
    since: options.since,
    commit,
    agent: options.agent,
    event: options.event,
    tool: options.tool,
    grep: options.grep,
    onWarning,
  };
  const printer = new Printer(out, options, rules);

  if (!options.follow) {
    for (const record of tailRecords(read)) {
      if (closed) break;
      printer.add(record.entry, record.line, record.worktree);
    }
    printer.flush();
    if (failure !== undefined) throw failure;
    if (printer.count === 0) options.stderr.write(`${messages.noEntries(filters(options))}\n`);
    return 0;
  }

  const { follow } = await import('../read/follow.js');
  const onSignal = () => stop.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    await follow(
      read,
      (entry, line, worktree) => {
        if (!closed) printer.add(entry, line, worktree);
      },
      stop.signal,
    );
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
  if (failure !== undefined) throw failure;
  return 0;
}

// The rules consolidation will apply. A configuration that cannot be loaded stops
// consolidation; here the built-in rules still keep secrets off the screen.
function displayRules(root: string, warn: (warning: ReadWarning) => void): RedactionRules {
  try {
    return loadRedactionRules(root);
  } catch (error) {
    if (!(error instanceof AuditHooksError)) throw error;
    warn({ message: messages.tailBuiltInRules(error.message) } as ReadWarning);
    return DEFAULT_REDACTION_RULES;
  }
}

function filters(options: TailCommandOptions): string[] {
  const given: string[] = [];
  if (options.session !== undefined) given.push(`--session ${options.session}`);
  if (options.since !== undefined) given.push(`--since ${options.since}`);
  if (options.commit !== undefined) given.push(`--commit ${options.commit}`);
  for (const name of ['agent', 'event', 'tool', 'grep'] as const) {
    const value = options[name];
    if (value !== undefined) given.push(`--${name} ${value}`);
  }
  return given;
}

function parseCount(value: unknown): number {
  if (value === undefined) return 10;
  const text = String(Array.isArray(value) ? value.at(-1) : value);
  if (!/^\d+$/.test(text)) throw new UsageError(messages.badCount(text));
  return Number(text);
}

/**
 * Prints entries as JSON lines or as aligned lines for people. Entries that arrive in one
 * go (the first screen, one look of --follow) are laid out together, then written at once.
 */
class Printer {
  private pending: Array<{ entry: Entry; line: string; worktree: string | undefined }> = [];
  /** Width of the worktree column (`--all`), grown as longer labels come. */
  private labelWidth = 0;
  private readonly color: boolean;
  private readonly layout: Layout = createLayout();
  /** How many entries were printed (or are about to be). */
  count = 0;

  constructor(
    private readonly out: Writable & { isTTY?: boolean; columns?: number },
    private readonly options: { env: NodeJS.ProcessEnv; json?: boolean },
    private readonly rules: RedactionRules,
  ) {
    this.color = useColor(out, options.env);
  }

  add(entry: Entry, line: string, worktree?: string): void {
    if (this.pending.length === 0) queueMicrotask(() => this.flush());
    this.count++;
    // A history line is already redacted and comes back as the same string; a live one
    // is shown as consolidation will write it.
    const shown = redactLine(line, this.rules).line;
    this.pending.push(
      shown === line
        ? { entry, line, worktree }
        : { entry: JSON.parse(shown) as Entry, line: shown, worktree },
    );
  }

  flush(): void {
    const batch = this.pending;
    if (batch.length === 0) return;
    this.pending = [];
    const now = new Date();
    // Cut to the terminal's width (read each time: it may have been resized) only on a
    // terminal; a pipe or a file gets whole lines.
    const width =
      this.out.isTTY === true && (this.out.columns ?? 0) > 0 ? this.out.columns : undefined;
    if (!this.options.json) {
      const layout = createLayout(
        batch.map((item) => item.entry),
        now,
      );
      this.layout.time = Math.max(this.layout.time, layout.time);
      for (const [key, width] of layout.columns) {
        this.layout.columns.set(key, Math.max(this.layout.columns.get(key) ?? 0, width));
      }
    }
    // With --all, each line for people starts with the worktree its entry was logged in
    // (empty for history entries: the history is the current branch's).
    const labelled = batch.some((item) => item.worktree !== undefined) || this.labelWidth > 0;
    for (const item of batch)
      this.labelWidth = Math.max(this.labelWidth, item.worktree?.length ?? 0);
    let text = '';
    for (const { entry, line, worktree } of batch) {
      if (this.options.json) {
        text += `${escapeJsonLine(line)}\n`;
      } else {
        const label = labelled
          ? `${escapeTerminal((worktree ?? '').padEnd(this.labelWidth))}  `
          : '';
        const rest = width === undefined ? width : Math.max(10, width - label.length);
        text += `${label}${formatRecord(entry, line, { color: this.color, width: rest, now, layout: this.layout })}\n`;
      }
      if (text.length >= FLUSH_CHARS) {
        this.out.write(text);
        text = '';
      }
    }
    if (text !== '') this.out.write(text);
  }
}
