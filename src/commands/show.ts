import type { Writable } from 'node:stream';
import { showCommit } from '../history/show.js';
import * as messages from '../messages.js';

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
  options.stdout.write(`${messages.showHeader(commit, entries.length)}\n`);
  for (const entry of entries) options.stdout.write(`${JSON.stringify(entry)}\n`);
  return 0;
}
