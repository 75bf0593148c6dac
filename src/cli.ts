// Pure wiring: every command lazy-imports its one function, so start-up only pays for
// the command that runs. Errors become one line and an exit code here, nowhere else.
import { readFileSync } from 'node:fs';
import type { Readable, Writable } from 'node:stream';
import { cac } from 'cac';
import { UsageError } from './errors.js';
import { aliasOf } from './git/git.js';
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
  messages.setHintFolder(context.cwd, aliasOf);
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
    .option(
      '--event <name>',
      'Set the entry’s `event` field (with --agent: the tool’s own event name)',
    )
    .option(
      '--agent <name>',
      'Map a coding agent’s hook payload: claude-code, codex, gemini, cursor, copilot',
    )
    .option(
      '--hook',
      'Hook mode: never fails (exit 0), at most one warning line, failures kept for status',
    )
    .action(
      action(async (json: string | undefined, options: Record<string, unknown>) => {
        const { logCommand } = await import('./commands/log.js');
        return logCommand({
          ...context,
          json,
          session: stringOption(options, 'session', argv),
          event: stringOption(options, 'event', argv),
          agent: stringOption(options, 'agent', argv),
          hook: options.hook === true,
        });
      }),
    );

  cli
    .command(
      'consolidate',
      'Write the entries of all shards into new batch files in logs/history now (the next commit stages them)',
    )
    .option(
      '--hook',
      'v1’s post-commit hook call: the post-commit step of post-commit mode, which never fails',
    )
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
      'hook <step>',
      'A commit step, as the installed git hooks run it: pre-commit or post-commit (never fails)',
    )
    .option('--mode <mode>', 'in-commit (default) or post-commit')
    .action(
      action(async (step: string, options: Record<string, unknown>) => {
        const { commitStep, parseStepArgs } = await import('./hooks/commit-step.js');
        const mode = stringOption(options, 'mode', argv);
        const parsed = parseStepArgs([
          String(step),
          ...(mode === undefined ? [] : ['--mode', mode]),
        ]);
        if (parsed === undefined) throw new UsageError(messages.unknownStep(String(step), mode));
        return commitStep({ ...context, ...parsed });
      }),
    );

  cli
    .command(
      'merge-driver <base> <ours> <theirs>',
      'v1’s git merge driver for logs/history/*.jsonl (%O %A %B); v2 needs none',
    )
    .action(
      action(async (_base: string, ours: string, theirs: string) => {
        const { mergeDriverCommand } = await import('./commands/merge-driver.js');
        return mergeDriverCommand({ ours: String(ours), theirs: String(theirs) });
      }),
    );

  cli
    .command(
      'verify [range]',
      'Check logs/history: batch files unchanged, parses, in order, each id once, right day, no secrets (range: with --history, e.g. main..HEAD)',
    )
    .option(
      '--fix',
      'Redact secrets; repair v1 partitions (order, copies, placement, quarantine); batch files are never rewritten',
    )
    .option(
      '--history',
      'Check the commits instead (all of HEAD, or the range): no committed entry removed or altered',
    )
    .option('--json', 'Print the result as JSON')
    .action(
      action(async (range: string | undefined, options: Record<string, unknown>) => {
        const { verifyCommand } = await import('./commands/verify.js');
        if (range !== undefined && options.history !== true) {
          throw new UsageError(messages.rangeNeedsHistory());
        }
        if (options.fix === true && options.history === true) {
          throw new UsageError(messages.fixWithHistory());
        }
        return verifyCommand({
          ...context,
          fix: options.fix === true,
          json: options.json === true,
          history: options.history === true,
          range: range === undefined ? undefined : String(range),
        });
      }),
    );

  cli
    .command(
      'show <rev>',
      'Print the entries consolidated by a commit (any revision git understands)',
    )
    .option('--json', 'Print the entries as JSON lines')
    .action(
      action(async (rev: string, options: Record<string, unknown>) => {
        const { showCommand } = await import('./commands/show.js');
        return showCommand({ ...context, rev: String(rev), json: options.json === true });
      }),
    );

  cli
    .command('tail', 'Show the latest entries of the history and the live shards, oldest first')
    .option(
      '-n, --lines <count>',
      'How many entries (default 10; 0 = all, or with --follow none; -n5 and -5 work too)',
    )
    .option('-f, --follow', 'Keep running and print new entries as they are written')
    .option('--json', 'Print the entries as JSON lines (for jq)')
    .option('--session <id>', 'Only this session’s entries')
    .option('--since <time>', 'Only entries since an ISO time or a duration (15m, 2h, 7d)')
    .option('--commit <rev>', 'Only the entries of this commit')
    .option('--all', 'The live shards of every worktree too, each line naming its worktree')
    .option('--agent <name>', 'Only entries whose agent is this')
    .option('--event <name>', 'Only entries whose event is this')
    .option('--tool <name>', 'Only entries whose tool is this')
    .option('--grep <regex>', 'Only entries whose stored line matches this regular expression')
    .action(
      action(async (options: Record<string, unknown>) => {
        const { tailCommand } = await import('./commands/tail.js');
        return tailCommand({
          ...context,
          n: options.lines,
          follow: options.follow === true,
          json: options.json === true,
          all: options.all === true,
          session: stringOption(options, 'session', argv),
          since: stringOption(options, 'since', argv),
          commit: stringOption(options, 'commit', argv),
          agent: stringOption(options, 'agent', argv),
          event: stringOption(options, 'event', argv),
          tool: stringOption(options, 'tool', argv),
          grep: stringOption(options, 'grep', argv),
        });
      }),
    );

  cli
    .command('view', 'Write the audit trail as a timeline (one HTML file) and open it')
    .option('--all', 'Every worktree of the repository')
    .option('--since <time>', 'Only entries since an ISO time or a duration (15m, 2h, 7d)')
    .option('--session <id>', 'Only this session’s entries')
    .option('--out <file>', 'Write here (default: logs/view/index.html, which git ignores)')
    .option('--no-open', 'Only write the file and print its path')
    .action(
      action(async (options: Record<string, unknown>) => {
        const { viewCommand } = await import('./commands/view.js');
        return viewCommand({
          ...context,
          all: options.all === true,
          since: stringOption(options, 'since', argv),
          session: stringOption(options, 'session', argv),
          out: stringOption(options, 'out', argv),
          open: options.open !== false,
        });
      }),
    );

  cli
    .command('status', 'Per worktree: hooks, live shards, quarantine, history, last consolidation')
    .option('--json', 'Print the status as JSON')
    .action(
      action(async (options: Record<string, unknown>) => {
        const { statusCommand } = await import('./commands/status.js');
        return statusCommand({ ...context, json: options.json === true });
      }),
    );

  cli
    .command('scan', 'Report secrets already committed in logs/history (file:line, rule, path)')
    .option('--rev <rev>', 'Scan logs/history as committed in <rev> instead of the working tree')
    .option('--json', 'Print the result as JSON')
    .action(
      action(async (options: Record<string, unknown>) => {
        const { scanCommand } = await import('./commands/scan.js');
        return scanCommand({
          ...context,
          rev: stringOption(options, 'rev', argv),
          json: options.json === true,
        });
      }),
    );

  cli
    .command('install', 'Set up audit-hooks in every worktree of this repository')
    .option('--dry-run', 'Print the changes, write nothing')
    .option('--manager <name>', 'Hook manager: lefthook, husky or git (default: detected)')
    .option(
      '--mode <mode>',
      'in-commit (default: the trail rides in its own commit) or post-commit (written after it, unstaged)',
    )
    .option(
      '--agent <names>',
      'Wire coding agents’ hooks too: claude-code,codex,gemini,cursor,copilot or all',
    )
    .action(
      action(async (options: Record<string, unknown>) => {
        const { installCommand } = await import('./commands/install.js');
        const agents = stringOption(options, 'agent', argv);
        return installCommand({
          ...context,
          dryRun: options.dryRun === true,
          manager: stringOption(options, 'manager', argv),
          mode: stringOption(options, 'mode', argv),
          agents: agents
            ?.split(',')
            .map((name) => name.trim())
            .filter((name) => name !== ''),
        });
      }),
    );

  cli
    .command('uninstall', 'Remove what install added, and nothing else')
    .option('--dry-run', 'Print the changes, write nothing')
    .action(
      action(async (options: Record<string, unknown>) => {
        const { uninstallCommand } = await import('./commands/install.js');
        return uninstallCommand({ ...context, dryRun: options.dryRun === true });
      }),
    );

  cli.help();
  cli.version(version());

  try {
    cli.parse(expandTailCount(argv), { run: false });
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

// Options of tail that take a value: a `-5` right after one of them is that value.
const TAIL_VALUE_OPTIONS = new Set([
  '-n',
  '--lines',
  '--session',
  '--since',
  '--commit',
  '--agent',
  '--event',
  '--tool',
  '--grep',
]);

/** `tail -n5` and `tail -5` as `tail -n 5`, like tail(1); cac takes them for unknown options. */
function expandTailCount(argv: readonly string[]): string[] {
  const command = argv.findIndex((arg, i) => i >= 2 && !arg.startsWith('-'));
  if (argv[command] !== 'tail') return [...argv];
  const out = argv.slice(0, command + 1);
  for (let i = command + 1; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') {
      out.push(...argv.slice(i));
      break;
    }
    const count = /^-n?(\d+)$/.exec(arg);
    if (count !== null && !TAIL_VALUE_OPTIONS.has(argv[i - 1] as string)) {
      out.push('-n', count[1] as string);
    } else out.push(arg);
  }
  return out;
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

function stringOption(
  options: Record<string, unknown>,
  name: string,
  argv: readonly string[],
): string | undefined {
  const value = options[name];
  if (value === undefined) return undefined;
  if (value === true || value === '') throw new UsageError(messages.optionNeedsValue(name));
  // mri turns numeric-looking values into numbers (`--session 0042` would become 42, a
  // different session); ids are strings, so take the value as it was typed.
  return rawOptionValue(argv, name) ?? String(Array.isArray(value) ? value.at(-1) : value);
}

/** The last value given to `--name` (as `--name value` or `--name=value`), before any `--`. */
function rawOptionValue(argv: readonly string[], name: string): string | undefined {
  const flag = `--${name}`;
  let value: string | undefined;
  for (let i = 0; i < argv.length && argv[i] !== '--'; i++) {
    const arg = argv[i] as string;
    if (arg === flag) value = argv[i + 1];
    else if (arg.startsWith(`${flag}=`)) value = arg.slice(flag.length + 1);
  }
  return value;
}
