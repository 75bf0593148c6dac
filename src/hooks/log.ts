// The short path for `audit-hooks log`, which agent hooks run on every tool call: the
// bin hands `log` here before loading the CLI (cac), so a call costs about one Node.js
// start-up. Anything this parser does not know (--help, a typo) goes to the full CLI,
// which prints the usage. Errors become one line and an exit code, as in cli.ts.
import type { CliContext } from '../cli.js';

const VALUE_OPTIONS = new Set(['session', 'event', 'agent']);
/** How long hook mode waits for the tool to close stdin before giving up (never hangs the agent). */
export const HOOK_STDIN_SECONDS = 10;

interface LogArgs {
  json?: string;
  session?: string;
  event?: string;
  agent?: string;
  hook: boolean;
}

/** The `log` arguments, or `undefined` when only the full CLI can handle them. */
export function parseLogArgs(args: readonly string[]): LogArgs | undefined {
  if (args[0] !== 'log') return undefined;
  const out: LogArgs = { hook: false };
  for (let i = 1; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === '--hook') {
      out.hook = true;
      continue;
    }
    const match = /^--([a-z]+)(?:=(.*))?$/s.exec(arg);
    if (match !== null) {
      const name = match[1] as string;
      if (!VALUE_OPTIONS.has(name)) return undefined;
      const value = match[2] ?? args[++i];
      if (value === undefined || value === '') return undefined;
      (out as unknown as Record<string, string>)[name] = value;
      continue;
    }
    if (arg.startsWith('-') || out.json !== undefined) return undefined;
    out.json = arg;
  }
  return out;
}

/** Runs `log` without the CLI; `undefined` when the arguments need the full CLI. */
export async function runLog(
  args: readonly string[],
  context: CliContext,
): Promise<number | undefined> {
  const parsed = parseLogArgs(args);
  if (parsed === undefined) return undefined;
  const [{ logCommand }, messages, { recordHookFailure }, { detectRepoRoot }] = await Promise.all([
    import('../commands/log.js'),
    import('../messages.js'),
    import('./hook-failures.js'),
    import('../writer/index.js'),
  ]);
  const options = { ...context, ...parsed };
  if (parsed.hook) {
    // A tool that never closes stdin must not hang its agent.
    const timer = setTimeout(() => {
      const reason = messages.hookTimedOut(HOOK_STDIN_SECONDS);
      let kept = false;
      try {
        kept = recordHookFailure(detectRepoRoot(context.cwd), {
          agent: parsed.agent,
          event: parsed.event,
          message: reason,
        });
      } catch {
        // Not in a repository: nowhere to keep it.
      }
      context.stderr.write(`${messages.hookNotLogged(parsed.agent, parsed.event, reason, kept)}\n`);
      process.exit(0);
    }, HOOK_STDIN_SECONDS * 1000);
    try {
      return await logCommand(options);
    } finally {
      clearTimeout(timer);
    }
  }
  try {
    return await logCommand(options);
  } catch (error) {
    const { UsageError } = await import('../errors.js');
    const err = error instanceof Error ? error : new Error(String(error));
    context.stderr.write(`${messages.failed(err.message.split('\n')[0] ?? '')}\n`);
    if (err instanceof UsageError) context.stderr.write(`${messages.USAGE}\n`);
    if ((context.env.DEBUG ?? '').split(',').includes('audit-hooks')) {
      context.stderr.write(`${err.stack ?? err.message}\n`);
    }
    return err instanceof UsageError ? 2 : 1;
  }
}
