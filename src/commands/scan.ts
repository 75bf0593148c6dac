import type { Writable } from 'node:stream';
import * as messages from '../messages.js';
import { scanHistory } from '../redact/scan.js';

/** Options of {@link scanCommand}. */
export interface ScanCommandOptions {
  cwd: string;
  stdout: Writable;
  stderr: Writable;
  rev?: string | undefined;
  json?: boolean;
}

/** `audit-hooks scan [--rev REV] [--json]`: `file:line: rule at path` per secret; exit 1 when any. */
export async function scanCommand(options: ScanCommandOptions): Promise<number> {
  const result = scanHistory({
    cwd: options.cwd,
    ...(options.rev === undefined ? {} : { rev: options.rev }),
  });
  const exit = result.findings.length > 0 ? 1 : 0;
  if (options.json) {
    options.stdout.write(`${JSON.stringify(result)}\n`);
    return exit;
  }
  const where = options.rev === undefined ? 'logs/history' : `logs/history at ${options.rev}`;
  const prefix = options.rev === undefined ? '' : `${options.rev}:`;
  for (const finding of result.findings) {
    options.stdout.write(
      `${prefix}${finding.file}:${finding.line}: ${finding.rule} at ${finding.path}\n`,
    );
  }
  if (exit === 0) {
    options.stdout.write(`${messages.scanClean(result.files, result.entries, where)}\n`);
    return 0;
  }
  const lines = new Set(result.findings.map((finding) => `${finding.file}:${finding.line}`)).size;
  options.stderr.write(`${messages.scanFound(result.findings.length, lines, where)}\n`);
  return 1;
}
