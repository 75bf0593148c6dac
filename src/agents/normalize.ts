// A tool's hook payload onto the common schema (SPEC §15): `agent`, `event`,
// `native_event`, `tool`, `tool_call_id`, `turn_id`, `model`, `cwd` (relative to the
// worktree), `input`, `output`, `error`, then what else the payload said under `details`.
// Values are taken as the tool wrote them (json-text spans, no re-serialization);
// absolute paths of the worktree and the home folder become `.` and `~`.
import { realpathSync } from 'node:fs';
import { isAbsolute, relative } from 'node:path';
import {
  compactJson,
  decodeJson,
  type JsonMember,
  type JsonNode,
  memberValue,
  parseJsonText,
} from '../writer/index.js';
import { sessionIdFor } from './session-id.js';
import { type AgentSpec, type CommonField, EVENTS, type EventName } from './types.js';

/** The order of the common fields in an entry. */
const FIELD_ORDER: CommonField[] = [
  'tool',
  'tool_call_id',
  'turn_id',
  'model',
  'cwd',
  'input',
  'output',
  'error',
];

/** A payload mapped onto the common schema. */
export interface Normalized {
  /** The shard's session: the tool's session id, made valid if needed; none if the payload has none. */
  sessionId: string | undefined;
  event: EventName;
  /** One JSON object, compact, without the envelope. */
  text: string;
}

/** Where the payload runs and what the tool passed along. */
export interface NormalizeContext {
  /** The worktree root. */
  root: string;
  /** The home folder, replaced by `~` in recorded paths. */
  home?: string | undefined;
  /** `--event`: the native event, for tools whose payload does not name it. */
  nativeEvent?: string | undefined;
  /** Label the entry as another agent (a tool running this tool's hooks). */
  agentLabel?: string | undefined;
}

/** Maps `payload` (parsed with json-text from `text`) for `spec`. Throws if it is not an object. */
export function normalizePayload(
  spec: AgentSpec,
  text: string,
  payload: JsonNode,
  context: NormalizeContext,
): Normalized {
  if (payload.kind !== 'object') {
    throw new TypeError(
      `the hook payload must be a JSON object, not ${payload.kind === 'array' ? 'an array' : `a ${payload.kind}`}`,
    );
  }
  const stringAt = (key: string | undefined): string | undefined => {
    if (key === undefined) return undefined;
    const node = memberValue(payload, key);
    return node?.kind === 'string' ? (decodeJson(text, node) as string) : undefined;
  };
  const native = context.nativeEvent ?? stringAt(spec.eventKey) ?? 'unknown';
  const known = spec.events.find((event) => event.native === native);
  const event: EventName =
    known?.event ??
    ((EVENTS as readonly string[]).includes(native) ? (native as EventName) : 'other');
  let agentSessionId: string | undefined;
  for (const key of spec.sessionKeys) {
    agentSessionId = stringAt(key);
    if (agentSessionId !== undefined && agentSessionId !== '') break;
  }
  if (agentSessionId === '') agentSessionId = undefined;
  const sessionId = agentSessionId === undefined ? undefined : sessionIdFor(agentSessionId);

  const parts: string[] = [
    `"agent":${JSON.stringify(context.agentLabel ?? spec.name)}`,
    `"event":${JSON.stringify(event)}`,
    `"native_event":${JSON.stringify(native)}`,
  ];
  const used = new Set<string>([...spec.drop, ...(spec.eventKey ? [spec.eventKey] : [])]);
  for (const field of FIELD_ORDER) {
    const key = known?.fields?.[field] ?? spec.common[field];
    if (key === undefined) continue;
    const node = memberValue(payload, key);
    if (node === undefined) continue;
    used.add(key);
    if (field === 'cwd') {
      const cwd =
        node.kind === 'string'
          ? relativeCwd(decodeJson(text, node) as string, context.root)
          : undefined;
      if (cwd !== undefined) parts.push(`"cwd":${JSON.stringify(cwd)}`);
      continue;
    }
    parts.push(`${JSON.stringify(field)}:${valueText(spec, key, text, node)}`);
  }
  if (agentSessionId !== undefined && agentSessionId !== sessionId) {
    parts.push(`"agent_session_id":${JSON.stringify(agentSessionId)}`);
  }
  const details = payload.members
    .filter((member: JsonMember) => !used.has(member.key))
    .map(
      (member) =>
        `${text.slice(member.keyStart, member.keyEnd)}:${compactJson(text, member.value)}`,
    );
  if (details.length > 0) parts.push(`"details":{${details.join(',')}}`);
  return { sessionId, event, text: scrubPaths(`{${parts.join(',')}}`, context) };
}

function valueText(spec: AgentSpec, key: string, text: string, node: JsonNode): string {
  if (spec.jsonStrings?.includes(key) && node.kind === 'string') {
    // Copilot passes tool arguments as JSON text: record them as the object they are.
    const inner = decodeJson(text, node) as string;
    try {
      const parsed = parseJsonText(inner);
      if (parsed.kind === 'object' || parsed.kind === 'array') return compactJson(inner, parsed);
    } catch {
      // Not JSON after all: keep the string.
    }
  }
  return compactJson(text, node);
}

/** `cwd` relative to the worktree root (`.` for the root itself). */
function relativeCwd(cwd: string, root: string): string {
  if (!isAbsolute(cwd)) return cwd;
  let path = relative(root, cwd);
  if (path.startsWith('..')) {
    try {
      path = relative(root, realpathSync(cwd));
    } catch {
      // A folder that is gone: keep the lexical answer.
    }
  }
  return path === '' ? '.' : path;
}

/**
 * The worktree's absolute path becomes `.`, the home folder's `~`, wherever they start a
 * path inside a string of `json`: local paths are not committed as such (SPEC §15).
 */
export function scrubPaths(
  json: string,
  context: { root: string; home?: string | undefined },
): string {
  let out = json;
  for (const [path, name] of [
    [context.root, '.'],
    [context.home, '~'],
  ] as const) {
    if (path === undefined || path === '' || path === '/' || !isAbsolute(path)) continue;
    const escaped = JSON.stringify(path).slice(1, -1);
    if (!out.includes(escaped)) continue;
    out = out.replace(new RegExp(`${escapeRegExp(escaped)}(?=/|\\\\\\\\|")`, 'g'), name);
  }
  return out;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
