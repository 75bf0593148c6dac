// The size budget (SPEC §9): the history is committed and cloned by everyone, so what
// `log` records is bounded before it is written. A long string is cut to its first
// bytes; an entry still too large loses its largest values. Each cut is noted in the
// entry's `trimmed` list with the path, the original size and its sha256, so the
// original can be recognised later. Nothing is refused for its size.
//
// Works on the caller's text (json-text spans): what is not cut keeps its bytes.
import { createHash } from 'node:crypto';
import { compactJson, decodeJson, type JsonMember, type JsonNode } from '../writer/index.js';

/** Sizes in bytes of UTF-8. */
export interface Budget {
  /** Longest string value kept whole. */
  valueBytes: number;
  /** Largest entry (its JSON line) kept whole. */
  entryBytes: number;
}

/** A few KB per value, 64 KiB per entry: a 20 KB file read stays a few KB in git. */
export const DEFAULT_BUDGET: Budget = { valueBytes: 4096, entryBytes: 64 * 1024 };

/** One cut: where, how large the original was, and its sha256 (of its UTF-8 / JSON text). */
export interface Trim {
  path: string;
  bytes: number;
  sha256: string;
}

/** Top-level fields that are never cut as a whole (they identify the entry). */
const KEPT = new Set([
  'id',
  'timestamp',
  'session_id',
  'seq',
  'agent',
  'event',
  'native_event',
  'tool',
  'tool_call_id',
  'turn_id',
  'cwd',
  'model',
]);

// The envelope and `trimmed` note the writer and this module add, for the entry budget.
const OVERHEAD = 200;

/**
 * `text` (one JSON object, parsed as `root`) fitted to `budget`: the compact JSON text
 * to log and the cuts made. Untouched values keep their bytes.
 */
export function applyBudget(
  text: string,
  root: JsonNode,
  budget: Budget,
): { text: string; trimmed: Trim[] } {
  const replace = new Map<JsonNode, string>();
  const trimmed: Trim[] = [];
  // 1. Long strings, anywhere.
  walk(root, '', (node, path) => {
    if (node.kind !== 'string' || node.end - node.start <= budget.valueBytes / 3) return;
    const value = decodeJson(text, node) as string;
    const bytes = Buffer.byteLength(value);
    if (bytes <= budget.valueBytes) return;
    replace.set(node, JSON.stringify(`${headOf(value, budget.valueBytes)}…`));
    trimmed.push({ path, bytes, sha256: sha256(value) });
  });
  let out = compactJson(text, root, replace);
  // 2. Still over: cut the largest values until it fits.
  for (let cuts = 0; bytesOf(out) + OVERHEAD + noteBytes(trimmed) > budget.entryBytes; cuts++) {
    const excess = bytesOf(out) + OVERHEAD + noteBytes(trimmed) - budget.entryBytes;
    const victim = cuts < 32 ? largestCut(text, root, replace, excess) : undefined;
    if (victim === undefined) {
      // Thousands of small fields: keep only the identifying ones.
      const all = out;
      for (const member of root.kind === 'object' ? root.members : []) {
        if (!KEPT.has(member.key)) replace.set(member.value, '"[trimmed]"');
      }
      trimmed.push({ path: '', bytes: bytesOf(all), sha256: sha256(all) });
      out = compactJson(text, root, replace);
      break;
    }
    const original = compactJson(text, victim.node, replace);
    replace.set(victim.node, '"[trimmed]"');
    trimmed.push({ path: victim.path, bytes: bytesOf(original), sha256: sha256(original) });
    out = compactJson(text, root, replace);
  }
  return { text: out, trimmed };
}

/** Adds `"trimmed":[…]` to a compact object text (or `audit_trimmed` if the name is taken). */
export function withTrimNote(text: string, root: JsonNode, trimmed: readonly Trim[]): string {
  if (trimmed.length === 0) return text;
  const taken = root.kind === 'object' && root.members.some((m) => m.key === 'trimmed');
  const field = `${JSON.stringify(taken ? 'audit_trimmed' : 'trimmed')}:${JSON.stringify(trimmed)}`;
  return text === '{}' ? `{${field}}` : `${text.slice(0, -1)},${field}}`;
}

function walk(node: JsonNode, path: string, visit: (node: JsonNode, path: string) => void): void {
  visit(node, path);
  if (node.kind === 'object') {
    for (const member of node.members) walk(member.value, join(path, member.key), visit);
  } else if (node.kind === 'array') {
    node.items.forEach((item, index) => {
      walk(item, `${path}[${index}]`, visit);
    });
  }
}

function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

/**
 * The value to cut: descend into the largest child as long as cutting that child alone
 * would remove the excess, so small siblings (a file path next to its content) survive.
 */
function largestCut(
  text: string,
  root: JsonNode,
  replace: ReadonlyMap<JsonNode, string>,
  excess: number,
): { node: JsonNode; path: string } | undefined {
  const size = (node: JsonNode) => bytesOf(compactJson(text, node, replace));
  const children = (node: JsonNode, path: string, top: boolean) => {
    if (node.kind === 'object') {
      return node.members
        .filter((member: JsonMember) => !(top && KEPT.has(member.key)))
        .map((member) => ({ node: member.value, path: join(path, member.key) }));
    }
    if (node.kind === 'array') {
      return node.items.map((item, index) => ({ node: item, path: `${path}[${index}]` }));
    }
    return [];
  };
  let best: { node: JsonNode; path: string; size: number } | undefined;
  let level = children(root, '', true);
  for (;;) {
    const candidates = level
      .filter((child) => !replace.has(child.node))
      .map((child) => ({ ...child, size: size(child.node) }))
      .sort((a, b) => b.size - a.size);
    const largest = candidates[0];
    if (largest === undefined || largest.size <= 16) return best;
    if (best !== undefined && largest.size < excess) return best;
    best = largest;
    if (largest.size < excess) return best;
    level = children(largest.node, largest.path, false);
  }
}

/** The longest prefix of `value` of at most `bytes` UTF-8 bytes, never splitting a character. */
function headOf(value: string, bytes: number): string {
  let head = Buffer.from(value, 'utf8').subarray(0, bytes).toString('utf8');
  if (head.endsWith('\uFFFD')) head = head.slice(0, -1);
  return head;
}

function bytesOf(text: string): number {
  return Buffer.byteLength(text);
}

function noteBytes(trimmed: readonly Trim[]): number {
  return trimmed.length === 0 ? 0 : bytesOf(JSON.stringify(trimmed)) + 16;
}

function sha256(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}
