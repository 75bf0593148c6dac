// Pure wiring: every command lazy-imports its one function, so start-up only pays for
// the command that runs. Errors become one line and an exit code here, nowhere else.
import { readFileSync } from 'node:fs';
import type { Readable, Writable } from 'node:stream';
import { cac } from 'cac';
import { UsageError } from './errors.js';
import * as messages from './messages.js';

/** What a command may touch of the outside world; tests pass their own. */
export interface CliContext {
  cwd: string;
  env: NodeJS.ProcessEnv;
  stdin: Readable & { isTTY?: boolean };
  stdout: Writable & { isTTY?: boolean; columns?: number };
  stderr: Writable & { isTTY?: boolean };
}

function version(): string {
  // src/cli.ts and dist/*.js both sit one folder below package.json.
  const url = new URL('../package.json', import.meta.url);
  return (JSON.parse(readFileSync(url, 'utf8')) as { version: string }).version;
}

/** Runs the CLI with `argv` (as in `process.argv`) and resolves to the exit code. */
export async function run(argv: string[], context: CliContext): Promise<number> {
  const cli = cac('audit-hooks');
  let pending: Promise<number | undefined> | undefined;
  const action =
    <A extends unknown[]>(fn: (...args: A) => Promise<number | undefined>) =>
    (...args: A) => {
      pending = fn(...args);
    };

  cli
    .command('log [json]', 'Append one entry (JSON argument, or stdin) to this session’s shard')
    .option(
      '--session <id>',
      'Session id (default: $AUDIT_HOOKS_SESSION, the payload’s session_id, or new)',
    )
    .option('--event <name>', 'Set the entry’s `event` field')
    .action(
      action(async (json: string | undefined, options: Record<string, unknown>) => {
        const { logCommand } = await import('./commands/log.js');
        return logCommand({
          ...context,
          json,
          session: stringOption(options, 'session'),
          event: stringOption(options, 'event'),
        });
      }),
    );

  cli
    .command(
      'consolidate',
      'Move the entries of all shards into logs/history (run by the post-commit hook)',
    )
    .option('--hook', 'Hook mode: warn and exit 0 on failure; do nothing during a rebase or merge')
    .option('--json', 'Print the result as JSON')
    .action(
      action(async (options: Record<string, unknown>) => {
        const { consolidateCommand } = await import('./commands/consolidate.js');
        return consolidateCommand({
          ...context,
          hook: options.hook === true,
          json: options.json === true,
        });
      }),
    );

  cli
    .command(
      'merge-driver <base> <ours> <theirs>',
      'Git merge driver for logs/history/*.jsonl (%O %A %B)',
    )
    .action(
      action(async (_base: string, ours: string, theirs: string) => {
        const { mergeDriverCommand } = await import('./commands/merge-driver.js');
        return mergeDriverCommand({ ours: String(ours), theirs: String(theirs) });
      }),
    );

  cli.help();
  cli.version(version());

  try {
    cli.parse(argv, { run: false });
    if (cli.options.help || cli.options.version) return 0;
    if (!cli.matchedCommand) {
      const name = cli.args[0];
      context.stderr.write(
        `${name === undefined ? messages.noCommand : messages.unknownCommand(String(name))}\n${messages.USAGE}\n`,
      );
      return 2;
    }
    cli.runMatchedCommand();
    return (await pending) ?? 0;
  } catch (error) {
    return report(error, context);
  }
}

function report(error: unknown, context: CliContext): number {
  const err = error instanceof Error ? error : new Error(String(error));
  const usage = err instanceof UsageError || err.name === 'CACError';
  context.stderr.write(`${messages.failed(err.message.split('\n')[0] ?? '')}\n`);
  if (usage) context.stderr.write(`${messages.USAGE}\n`);
  if ((context.env.DEBUG ?? '').split(',').includes('audit-hooks')) {
    context.stderr.write(`${err.stack ?? err.message}\n`);
  }
  return usage ? 2 : 1;
}

function stringOption(options: Record<string, unknown>, name: string): string | undefined {
  const value = options[name];
  if (value === undefined) return undefined;
  if (value === true || value === '') throw new UsageError(messages.optionNeedsValue(name));
  // mri turns numeric-looking values into numbers; ids are strings.
  return String(Array.isArray(value) ? value.at(-1) : value);
}
