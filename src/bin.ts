#!/usr/bin/env node
import { nothingToConsolidate } from './history/nothing-to-consolidate.js';

// The post-commit hook's call, with nothing pending (nearly every commit), is answered
// before the CLI and its dependencies load: it costs little more than starting node.
const args = process.argv.slice(2);
const hookWithNothingToDo =
  args.length === 2 && args[0] === 'consolidate' && args[1] === '--hook' && nothingToConsolidate();

// `log` runs on every agent tool call: it has its own short path, without the CLI.
const logged =
  !hookWithNothingToDo && args[0] === 'log'
    ? await (await import('./hooks/log.js')).runLog(args, {
        cwd: process.cwd(),
        env: process.env,
        stdin: process.stdin,
        stdout: process.stdout,
        stderr: process.stderr,
      })
    : undefined;
if (logged !== undefined) process.exitCode = logged;

if (!hookWithNothingToDo && logged === undefined) {
  // A reader that stops early (`audit-hooks show HEAD | head -1`) is not an error.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
    throw error;
  });

  const { run } = await import('./cli.js');
  process.exitCode = await run(process.argv, {
    cwd: process.cwd(),
    env: process.env,
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
  });
}
