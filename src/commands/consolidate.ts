import type { Writable } from 'node:stream';
import { consolidate } from '../history/consolidate.js';
import * as messages from '../messages.js';

/** Options of {@link consolidateCommand}. */
export interface ConsolidateCommandOptions {
  cwd: string;
  stdout: Writable;
  stderr: Writable;
  hook?: boolean;
  json?: boolean;
}

/** `audit-hooks consolidate`: one line when it did something; in hook mode it never fails. */
export async function consolidateCommand(options: ConsolidateCommandOptions): Promise<number> {
  let result: Awaited<ReturnType<typeof consolidate>>;
  try {
    result = await consolidate({ cwd: options.cwd, hook: options.hook === true });
  } catch (error) {
    if (!options.hook) throw error;
    // A post-commit hook must never fail the commit, but it must say it did nothing.
    options.stderr.write(
      `${messages.hookDidNotConsolidate((error as Error).message.split('\n')[0] ?? '')}\n`,
    );
    return 0;
  }
  if (options.json) {
    options.stdout.write(`${JSON.stringify(result)}\n`);
    return 0;
  }
  if (result.shards > 0) {
    options.stdout.write(
      `${messages.consolidated(result.entries, result.shards, result.partitions)}\n`,
    );
  }
  if (result.quarantined.length > 0) {
    const files = [...new Set(result.quarantined.map((item) => item.file))];
    options.stderr.write(`${messages.quarantined(result.quarantined.length, files)}\n`);
  }
  return 0;
}
