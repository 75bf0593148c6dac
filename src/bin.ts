#!/usr/bin/env node
// Entries, lightest first: a commit step with nothing to do is answered before anything
// loads; a commit step with work loads src/hooks/ only; `log`, which runs on every agent
// tool call, has its own short path too; everything else loads the CLI.
import { nothingToConsolidate } from './history/nothing-to-consolidate.js';

const args = process.argv.slice(2);
// A function: reading process.stdin/stdout/stderr creates the streams (a few ms), which the
// no-op exit below must not pay.
const io = () => ({
  cwd: process.cwd(),
  env: process.env,
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
});

async function cli(): Promise<number> {
  // A reader that stops early (`audit-hooks show HEAD | head -1`) is not an error.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
    throw error;
  });
  const { run } = await import('./cli.js');
  return run(process.argv, io());
}

const hookCall =
  args[0] === 'hook' || (args.length === 2 && args[0] === 'consolidate' && args[1] === '--hook');

if (hookCall && nothingToConsolidate(process.cwd(), args[0] === 'hook' ? args[1] : 'post-commit')) {
  // The common case on every commit: nothing pending. Exit 0, having loaded nothing.
} else if (args[0] === 'hook') {
  const { commitStep, parseStepArgs } = await import('./hooks/commit-step.js');
  const parsed = parseStepArgs(args.slice(1));
  process.exitCode = parsed === undefined ? await cli() : await commitStep({ ...io(), ...parsed });
} else if (args[0] === 'log') {
  // Anything the short path does not recognise (`--help`, a typo) goes to the full CLI.
  const logged = await (await import('./hooks/log.js')).runLog(args, io());
  process.exitCode = logged ?? (await cli());
} else {
  process.exitCode = await cli();
}
