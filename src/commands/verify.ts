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
  const at = (finding: { file: string; line: number }) =>
    finding.line > 0 ? `${finding.file}:${finding.line}` : finding.file;
  for (const finding of result.findings)
    options.stdout.write(`${at(finding)}: ${finding.problem}\n`);
  for (const note of result.notes) options.stdout.write(`${at(note)}: note: ${note.problem}\n`);
  if (result.findings.length === 0) {
    options.stdout.write(`${messages.verifyClean(result.files, result.entries)}\n`);
    return 0;
  }
  if (!options.fix) {
    options.stderr.write(`${messages.verifyFound(result.findings.length, result.fixable)}\n`);
    for (const advice of result.advice) options.stderr.write(`${messages.PREFIX} ${advice}\n`);
    return 1;
  }
  if (result.fixed.length > 0) {
    options.stdout.write(
      `${messages.verifyFixed(result.findings.length - result.remaining.length, result.fixed)}\n`,
    );
  }
  if (result.remaining.length > 0) {
    options.stderr.write(`${messages.verifyRemaining(result.remaining.length)}\n`);
    for (const advice of result.advice) options.stderr.write(`${messages.PREFIX} ${advice}\n`);
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
  for (const entry of result.missing) options.stdout.write(`${messages.historyMissing(entry)}\n`);
  if (result.shallow) options.stderr.write(`${messages.historyShallow}\n`);
  const redactions = result.findings.filter((finding) => finding.kind === 'redacted').length;
  if (result.ok) {
    options.stdout.write(
      `${messages.historyClean(result.commits, redactions, result.findings.length - redactions)}\n`,
    );
    return 0;
  }
  options.stderr.write(`${messages.historyTampered(result.commits, result.missing.length)}\n`);
  return 1;
}
