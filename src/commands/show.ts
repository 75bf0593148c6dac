import type { Writable } from 'node:stream';
import { showCommit } from '../history/show.js';
import * as messages from '../messages.js';
import { createLayout, escapeJsonLine, formatRecord, useColor } from '../read/format-entry.js';

/** Options of {@link showCommand}. */
export interface ShowCommandOptions {
  cwd: string;
  stdout: Writable & { isTTY?: boolean; columns?: number };
  env: NodeJS.ProcessEnv;
  rev: string;
  json?: boolean;
}

/** `audit-hooks show <rev>`: the entries of that commit (SPEC §13). */
export async function showCommand(options: ShowCommandOptions): Promise<number> {
  const { commit, entries, records } = showCommit({ cwd: options.cwd, rev: options.rev });
  if (options.json) {
    // As stored (1.50 stays 1.50), with terminal-unsafe characters as JSON escapes.
    for (const record of records) options.stdout.write(`${escapeJsonLine(record.line)}\n`);
    return 0;
  }
  const now = new Date();
  const layout = createLayout(entries, now);
  const color = useColor(options.stdout, options.env);
  const width =
    options.stdout.isTTY === true && (options.stdout.columns ?? 0) > 0
      ? options.stdout.columns
      : undefined;
  let text = `${messages.showHeader(commit, entries.length)}\n`;
  for (const record of records) {
    text += `${formatRecord(record.entry, record.line, { color, width, now, layout })}\n`;
  }
  options.stdout.write(text);
  return 0;
}
