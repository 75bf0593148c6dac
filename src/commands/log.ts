import type { Readable } from 'node:stream';
import { AuditHooksError } from '../errors.js';
import * as messages from '../messages.js';
import { AuditLog, detectRepoRoot, SESSION_ID_PATTERN } from '../writer/index.js';

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
    throw new AuditHooksError(
      messages.entryNotObject(
        payload === null ? 'null' : Array.isArray(payload) ? 'an array' : typeof payload,
      ),
    );
  }
  const fields = payload as Record<string, unknown>;
  const payloadSession = typeof fields.session_id === 'string' ? fields.session_id : undefined;
  const sessionId =
    options.session ?? (options.env.AUDIT_HOOKS_SESSION || undefined) ?? payloadSession;
  if (
    sessionId !== undefined &&
    sessionId === payloadSession &&
    !SESSION_ID_PATTERN.test(sessionId)
  ) {
    throw new AuditHooksError(messages.payloadSessionInvalid(sessionId));
  }
  const writer = new AuditLog({ repoRoot: detectRepoRoot(options.cwd), sessionId });
  const entry = { ...fields };
  // --event names the entry; a different event the payload carried is kept beside it.
  if (options.event !== undefined) {
    if (fields.event !== undefined && fields.event !== options.event) {
      entry.payload_event = fields.event;
    }
    entry.event = options.event;
  }
  // The session chosen by flag or environment is the entry's session; an agent tool's
  // own id from the payload is kept beside it.
  if (sessionId !== undefined && sessionId !== payloadSession && 'session_id' in fields) {
    entry.session_id = sessionId;
    entry.payload_session_id = fields.session_id;
  }
  try {
    writer.log(entry);
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
