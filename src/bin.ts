#!/usr/bin/env node
import { run } from './cli.js';

process.exitCode = await run(process.argv, {
  cwd: process.cwd(),
  env: process.env,
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
});
