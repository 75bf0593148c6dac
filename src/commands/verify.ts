import type { Writable } from 'node:stream';
import { verify } from '../history/verify.js';
import * as messages from '../messages.js';

/** Options of {@link verifyCommand}. */
export interface VerifyCommandOptions {
  cwd: string;
  stdout: Writable;
  stderr: Writable;
  fix?: boolean;
  json?: boolean;
}

/** `audit-hooks verify [--fix]`: `file:line: problem` per finding; non-zero while any remain. */
export async function verifyCommand(options: VerifyCommandOptions): Promise<number> {
  const result = await verify({ cwd: options.cwd, fix: options.fix === true });
  if (options.json) {
    options.stdout.write(`${JSON.stringify(result)}\n`);
    return result.remaining.length > 0 ? 1 : 0;
  }
  for (const finding of result.findings) {
    options.stdout.write(
      `${finding.line > 0 ? `${finding.file}:${finding.line}` : finding.file}: ${finding.problem}\n`,
    );
  }
  if (result.findings.length === 0) {
    options.stdout.write(`${messages.verifyClean(result.partitions, result.entries)}\n`);
    return 0;
  }
  if (!options.fix) {
    options.stderr.write(`${messages.verifyFound(result.findings.length)}\n`);
    return 1;
  }
  options.stdout.write(`${messages.verifyFixed(result.findings.length, result.fixed)}\n`);
  if (result.remaining.length > 0) {
    options.stderr.write(`${messages.verifyRemaining(result.remaining.length)}\n`);
    return 1;
  }
  return 0;
}
