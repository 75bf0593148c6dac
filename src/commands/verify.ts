import type { Writable } from 'node:stream';
import { verify } from '../history/verify.js';
import { verifyHistory } from '../history/verify-history.js';
import * as messages from '../messages.js';

/** Options of {@link verifyCommand}. */
export interface VerifyCommandOptions {
  cwd: string;
  stdout: Writable;
  stderr: Writable;
  fix?: boolean;
  json?: boolean;
  /** Check the committed trail instead: nothing removed or altered (§14). */
  history?: boolean;
  range?: string | undefined;
}

/** `audit-hooks verify [--fix]`: `file:line: problem` per finding; non-zero while any remain. */
export async function verifyCommand(options: VerifyCommandOptions): Promise<number> {
  if (options.history) return verifyHistoryCommand(options);
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

async function verifyHistoryCommand(options: VerifyCommandOptions): Promise<number> {
  const result = await verifyHistory({
    cwd: options.cwd,
    ...(options.range ? { range: options.range } : {}),
  });
  if (options.json) {
    options.stdout.write(`${JSON.stringify(result)}\n`);
    return result.ok ? 0 : 1;
  }
  for (const finding of result.findings) {
    options.stdout.write(`${messages.historyFinding(finding)}\n`);
  }
  const tampered = result.findings.filter((finding) => finding.kind !== 'redacted').length;
  if (tampered === 0) {
    options.stdout.write(`${messages.historyClean(result.commits, result.findings.length)}\n`);
    return 0;
  }
  options.stderr.write(`${messages.historyTampered(result.commits, tampered)}\n`);
  return 1;
}
