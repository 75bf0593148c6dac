import type { Writable } from 'node:stream';
import { AuditHooksError, UsageError } from '../errors.js';
import { resolveCommit } from '../history/show.js';
import * as messages from '../messages.js';
import { createLayout, formatEntry, type Layout, useColor } from '../read/format-entry.js';
import { parseSince } from '../read/parse-since.js';
import type { ReadWarning } from '../read/read-warning.js';
import { tailRecords } from '../read/tail.js';
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
  /** A revision: only the entries its post-commit consolidation stamped. */
  commit?: string | undefined;
}

// Output goes out in pieces of about this size: one write per line is slow for -n 0.
const FLUSH_CHARS = 64 * 1024;

/** `audit-hooks tail`: the last N entries for people (or `--json`), then more with `--follow`. */
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
  const onWarning = (warning: ReadWarning) =>
    options.stderr.write(`${messages.warning(warning.message)}\n`);
  if (options.commit !== undefined && options.follow)
    throw new UsageError(messages.commitWithFollow);
  const commit =
    options.commit === undefined
      ? undefined
      : resolveCommit(detectRepoRoot(options.cwd), options.commit);
  const read = {
    cwd: options.cwd,
    n,
    session: options.session,
    since: options.since,
    commit,
    onWarning,
  };
  const printer = new Printer(out, options);

  if (!options.follow) {
    for (const record of tailRecords(read)) {
      if (closed) break;
      printer.add(record.entry, record.line);
    }
    printer.flush();
    if (failure !== undefined) throw failure;
    return 0;
  }

  const { follow } = await import('../read/follow.js');
  const onSignal = () => stop.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    await follow(
      read,
      (entry, line) => {
        if (!closed) printer.add(entry, line);
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

function parseCount(value: unknown): number {
  if (value === undefined) return 10;
  const text = String(Array.isArray(value) ? value.at(-1) : value);
  if (!/^\d+$/.test(text)) throw new AuditHooksError(messages.badCount(text));
  return Number(text);
}

/**
 * Prints entries as JSON lines or as aligned lines for people. Entries that arrive in one
 * go (the first screen, one look of --follow) are laid out together, then written at once.
 */
class Printer {
  private pending: Array<{ entry: Entry; line: string }> = [];
  private readonly color: boolean;
  private readonly layout: Layout = createLayout();

  constructor(
    private readonly out: Writable & { isTTY?: boolean; columns?: number },
    private readonly options: { env: NodeJS.ProcessEnv; json?: boolean },
  ) {
    this.color = useColor(out, options.env);
  }

  add(entry: Entry, line: string): void {
    if (this.pending.length === 0) queueMicrotask(() => this.flush());
    this.pending.push({ entry, line });
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
    let text = '';
    for (const { entry, line } of batch) {
      text += this.options.json
        ? `${line}\n`
        : `${formatEntry(entry, { color: this.color, width, now, layout: this.layout })}\n`;
      if (text.length >= FLUSH_CHARS) {
        this.out.write(text);
        text = '';
      }
    }
    if (text !== '') this.out.write(text);
  }
}
