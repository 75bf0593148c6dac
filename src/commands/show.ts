import type { Writable } from 'node:stream';
import { showCommit } from '../history/show.js';
import * as messages from '../messages.js';
import { createLayout, formatEntry, useColor } from '../read/format-entry.js';

/** Options of {@link showCommand}. */
export interface ShowCommandOptions {
  cwd: string;
  stdout: Writable & { isTTY?: boolean; columns?: number };
  env: NodeJS.ProcessEnv;
  rev: string;
  json?: boolean;
}

/** `audit-hooks show <rev>`: the entries the post-commit consolidation of that commit stamped. */
export async function showCommand(options: ShowCommandOptions): Promise<number> {
  const { commit, entries } = showCommit({ cwd: options.cwd, rev: options.rev });
  if (options.json) {
    for (const entry of entries) options.stdout.write(`${JSON.stringify(entry)}\n`);
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
  for (const entry of entries) text += `${formatEntry(entry, { color, width, now, layout })}\n`;
  options.stdout.write(text);
  return 0;
}
