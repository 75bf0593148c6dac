#!/usr/bin/env node
import { nothingToConsolidate } from './history/nothing-to-consolidate.js';

// The post-commit hook's call, with nothing pending (nearly every commit), is answered
// before the CLI and its dependencies load: it costs little more than starting node.
const args = process.argv.slice(2);
const hookWithNothingToDo =
  args.length === 2 && args[0] === 'consolidate' && args[1] === '--hook' && nothingToConsolidate();

if (!hookWithNothingToDo) {
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
