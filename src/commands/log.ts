import type { Readable } from 'node:stream';
import { AuditHooksError } from '../errors.js';
import * as messages from '../messages.js';
import { AuditLog, detectRepoRoot } from '../writer/index.js';

/** Options of {@link logCommand}. */
export interface LogCommandOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  stdin: Readable & { isTTY?: boolean };
  /** The entry as JSON text; read from `stdin` when absent. */
  json?: string | undefined;
  session?: string | undefined;
  event?: string | undefined;
}

/** `audit-hooks log`: appends one entry to the session's shard; silent on success. */
export async function logCommand(options: LogCommandOptions): Promise<number> {
  const text = options.json ?? (await readStdin(options.stdin));
  if (text.trim() === '') throw new AuditHooksError(messages.logNeedsEntry);
  let payload: unknown;
  try {
    payload = JSON.parse(text);
  } catch (error) {
    throw new AuditHooksError(messages.invalidJson((error as Error).message));
  }
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    throw new AuditHooksError(messages.invalidJson('it is not an object'));
  }
  const fields = payload as Record<string, unknown>;
  const payloadSession = typeof fields.session_id === 'string' ? fields.session_id : undefined;
  const sessionId =
    options.session ?? (options.env.AUDIT_HOOKS_SESSION || undefined) ?? payloadSession;
  const writer = new AuditLog({ repoRoot: detectRepoRoot(options.cwd), sessionId });
  try {
    writer.log(options.event === undefined ? fields : { ...fields, event: options.event });
  } finally {
    writer.close();
  }
  return 0;
}

async function readStdin(stdin: Readable & { isTTY?: boolean }): Promise<string> {
  if (stdin.isTTY) throw new AuditHooksError(messages.logNeedsEntry);
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}
