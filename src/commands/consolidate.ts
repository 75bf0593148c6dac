import type { Writable } from 'node:stream';
import { consolidate } from '../history/consolidate.js';
import { report } from '../hooks/commit-step.js';
import * as messages from '../messages.js';

/** Options of {@link consolidateCommand}. */
export interface ConsolidateCommandOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  stdout: Writable;
  stderr: Writable;
  /** v1's post-commit hook call: the post-commit step of post-commit mode, never failing. */
  hook?: boolean;
  json?: boolean;
}

/**
 * `audit-hooks consolidate`: claims, batches and publishes the pending shards into
 * logs/history now (unstaged; the next commit's pre-commit step stages them).
 */
export async function consolidateCommand(options: ConsolidateCommandOptions): Promise<number> {
  let result: Awaited<ReturnType<typeof consolidate>>;
  try {
    result = await consolidate({
      cwd: options.cwd,
      env: options.env,
      ...(options.hook ? { hook: true, step: 'post-commit', mode: 'post-commit' } : {}),
    });
  } catch (error) {
    if (!options.hook) throw error;
    options.stderr.write(
      `${messages.hookDidNotConsolidate((error as Error).message.split('\n')[0] ?? '')}\n`,
    );
    return 0;
  }
  if (options.json) {
    options.stdout.write(`${JSON.stringify(result)}\n`);
    return 0;
  }
  report(result, options);
  return 0;
}
