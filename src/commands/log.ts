// `audit-hooks log`: one entry from the JSON argument or stdin. Runs on every agent tool
// call, so it is on the hot path (src/hooks/log.ts starts it without the CLI): it loads
// the writer, the agent mappings and the budget, nothing else.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { agentNamed } from '../agents/index.js';
import { normalizePayload } from '../agents/normalize.js';
import { exportSession } from '../agents/session-env.js';
import type { AgentSpec } from '../agents/types.js';
import { AuditHooksError, UsageError } from '../errors.js';
import { applyBudget, type Budget, DEFAULT_BUDGET, withTrimNote } from '../hooks/budget.js';
import { loadBudget } from '../hooks/budget-config.js';
import { recordHookFailure } from '../hooks/hook-failures.js';
import * as messages from '../messages.js';
import {
  AuditLog,
  compactJson,
  decodeJson,
  detectRepoRoot,
  type JsonMember,
  type JsonNode,
  JsonTextError,
  parseJsonText,
  SESSION_ID_PATTERN,
} from '../writer/index.js';

/** Options of {@link logCommand}. */
export interface LogCommandOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  stdin: Readable & { isTTY?: boolean };
  /** Where hook mode says what went wrong (one line); nothing else is ever written. */
  stderr?: Writable | undefined;
  /** The entry as JSON text; read from `stdin` when absent. */
  json?: string | undefined;
  session?: string | undefined;
  event?: string | undefined;
  /** The coding agent whose hook payload this is (`claude-code`, `codex`, …). */
  agent?: string | undefined;
  /** Hook mode: never fails (exit 0), one warning line at most, the failure kept for `status`. */
  hook?: boolean | undefined;
}

/** `audit-hooks log`: appends one entry to the session's shard; silent on success. */
export async function logCommand(options: LogCommandOptions): Promise<number> {
  if (options.hook !== true) {
    await logEntry(options);
    return 0;
  }
  let root: string | undefined;
  try {
    root = detectRepoRoot(options.cwd);
    await logEntry({ ...options, root });
  } catch (error) {
    const reason = (error as Error).message.split('\n')[0] ?? String(error);
    const kept =
      root !== undefined &&
      recordHookFailure(root, { agent: options.agent, event: options.event, message: reason });
    warn(options.stderr, messages.hookNotLogged(options.agent, options.event, reason, kept));
  }
  return 0;
}

async function logEntry(options: LogCommandOptions & { root?: string }): Promise<void> {
  const spec = options.agent === undefined ? undefined : agentNamed(options.agent);
  if (options.agent !== undefined && spec === undefined) {
    throw new UsageError(messages.unknownAgent(options.agent));
  }
  const text = options.json ?? (await readStdin(options.stdin));
  if (text.trim() === '') throw new UsageError(messages.logNeedsEntry);
  let payload: JsonNode;
  try {
    payload = parseJsonText(text);
  } catch (error) {
    if (!(error instanceof JsonTextError)) throw error;
    throw new AuditHooksError(messages.invalidJson(error.message));
  }
  if (payload.kind !== 'object') {
    throw new AuditHooksError(
      messages.entryNotObject(payload.kind === 'array' ? 'an array' : kindName(text, payload)),
    );
  }
  const root = options.root ?? detectRepoRoot(options.cwd);
  const budget = budgetFor(root, options);
  const built =
    spec === undefined
      ? plainEntry(text, payload, options)
      : agentEntry(spec, text, payload, root, options);
  if (built === undefined) return;
  const tree = parseJsonText(built.text);
  const fitted = applyBudget(built.text, tree, budget);
  const line = withTrimNote(fitted.text, tree, fitted.trimmed);
  const writer = new AuditLog({ repoRoot: root, sessionId: built.sessionId });
  try {
    writer.logJson(line);
  } finally {
    writer.close();
  }
  if (spec !== undefined && built.event === 'session_start') {
    exportSession(spec, options.env, writer.sessionId, built.agent);
  }
}

interface Built {
  text: string;
  sessionId: string | undefined;
  event?: string;
  agent?: string;
}

/** A plain `log` call: the caller's object as given, `--event` and `--session` applied. */
function plainEntry(
  text: string,
  payload: JsonNode & { kind: 'object' },
  options: LogCommandOptions,
): Built {
  const payloadSessionNode = memberAt(payload, 'session_id');
  const payloadSession =
    payloadSessionNode?.value.kind === 'string'
      ? (decodeJson(text, payloadSessionNode.value) as string)
      : undefined;
  const sessionId =
    options.session ?? (options.env.AUDIT_HOOKS_SESSION || undefined) ?? payloadSession;
  if (
    sessionId !== undefined &&
    sessionId === payloadSession &&
    !SESSION_ID_PATTERN.test(sessionId)
  ) {
    throw new AuditHooksError(messages.payloadSessionInvalid(sessionId));
  }
  const members: string[] = [];
  for (const member of payload.members) {
    const raw = compactJson(text, member.value);
    const key = text.slice(member.keyStart, member.keyEnd);
    // --event names the entry; a different event the payload carried is kept beside it.
    if (member.key === 'event' && options.event !== undefined) {
      if (member.value.kind !== 'string' || decodeJson(text, member.value) !== options.event) {
        members.push(`"payload_event":${raw}`);
      }
      continue;
    }
    // The session chosen by flag or environment is the entry's; the payload's own id
    // (an agent tool's) is kept beside it.
    if (member.key === 'session_id' && sessionId !== undefined && sessionId !== payloadSession) {
      members.push(`"payload_session_id":${raw}`);
      continue;
    }
    members.push(`${key}:${raw}`);
  }
  if (options.event !== undefined) members.unshift(`"event":${JSON.stringify(options.event)}`);
  return { text: `{${members.join(',')}}`, sessionId };
}

/** An agent's hook payload, mapped onto the common schema. */
function agentEntry(
  spec: AgentSpec,
  text: string,
  payload: JsonNode,
  root: string,
  options: LogCommandOptions,
): Built | undefined {
  let label: string | undefined;
  const host = spec.alsoRunBy;
  if (
    host !== undefined &&
    ((host.env !== undefined && (options.env[host.env] ?? '') !== '') ||
      (host.payloadKey !== undefined && memberAt(payload, host.payloadKey) !== undefined))
  ) {
    // Another tool runs this tool's hooks: record the moment once, as that tool.
    if (agentInstalled(root, host.agent)) return undefined;
    label = host.agent;
  }
  const mapped = normalizePayload(spec, text, payload, {
    root,
    home: options.env.HOME,
    nativeEvent: options.event,
    agentLabel: label,
  });
  const sessionId =
    options.session ?? mapped.sessionId ?? (options.env.AUDIT_HOOKS_SESSION || undefined);
  return { text: mapped.text, sessionId, event: mapped.event, agent: label ?? spec.name };
}

function budgetFor(root: string, options: LogCommandOptions): Budget {
  try {
    return loadBudget(root);
  } catch (error) {
    if (options.hook !== true) throw new AuditHooksError((error as Error).message);
    // Never lose the entry for a broken config: log it with the defaults, and say so.
    recordHookFailure(root, {
      agent: options.agent,
      event: options.event,
      message: (error as Error).message,
    });
    warn(options.stderr, messages.budgetDefaults((error as Error).message));
    return DEFAULT_BUDGET;
  }
}

/** True when `.../<agent config>` holds audit-hooks' hook for `agent`. */
function agentInstalled(root: string, agent: string): boolean {
  const spec = agentNamed(agent);
  if (spec === undefined) return false;
  try {
    return readFileSync(join(root, spec.configFile), 'utf8').includes(
      `log --hook --agent ${agent}`,
    );
  } catch {
    return false;
  }
}

function memberAt(node: JsonNode, key: string): JsonMember | undefined {
  if (node.kind !== 'object') return undefined;
  for (let i = node.members.length - 1; i >= 0; i--) {
    if (node.members[i]?.key === key) return node.members[i];
  }
  return undefined;
}

function kindName(text: string, node: JsonNode): string {
  if (node.kind === 'literal')
    return text.slice(node.start, node.end) === 'null' ? 'null' : 'boolean';
  return node.kind;
}

function warn(stderr: Writable | undefined, line: string): void {
  try {
    stderr?.write(`${line}\n`);
  } catch {
    // stderr closed: the failure is kept for status all the same.
  }
}

const decoder = new TextDecoder('utf-8', { fatal: true });

async function readStdin(stdin: Readable & { isTTY?: boolean }): Promise<string> {
  if (stdin.isTTY) throw new UsageError(messages.logNeedsEntry);
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(Buffer.from(chunk as Buffer));
  try {
    // Invalid UTF-8 would silently become U+FFFD: refused instead (SPEC §3 fidelity).
    return decoder.decode(Buffer.concat(chunks));
  } catch {
    throw new AuditHooksError(messages.notUtf8Input);
  }
}
