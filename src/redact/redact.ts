// Redaction of entries as objects: the library's `redactEntry` and `applyRedaction`. Both
// serialize the entry and run the line redaction (redact-line.ts) on it, so objects and
// lines follow exactly the same rules; the rules themselves are in rules.ts.
import { matcherFor, replaceSpans } from './matcher.js';
import { redactLine, redactLineValues } from './redact-line.js';
import { DEFAULT_REDACTION_RULES, type RedactionFinding, type RedactionRules } from './rules.js';

export {
  type CustomPattern,
  DEFAULT_REDACTION_RULES,
  KEY_RULE,
  normaliseKey,
  type RedactionFinding,
  type RedactionRules,
  RULE_NAME,
  redactionMarker,
  SHAPE_RULE_NAMES,
} from './rules.js';

/** The result of {@link redactEntry}. */
export interface Redaction<T> {
  /** A new object, never the input (which is never modified). */
  entry: T;
  /** JSON paths of the values that were redacted, each once, in document order. */
  paths: string[];
  /** Every (path, rule) pair, in document order. */
  findings: RedactionFinding[];
}

/**
 * Redacts secrets in an entry (SPEC §12) and says where. Never modifies `entry`: the
 * result is a new object. Every field is checked except the envelope values audit-hooks
 * writes itself (see redact-line.ts). The caller records `paths` in the entry;
 * {@link applyRedaction} does both.
 */
export function redactEntry<T extends Record<string, unknown>>(
  entry: T,
  rules: RedactionRules = DEFAULT_REDACTION_RULES,
): Redaction<T> {
  const line = serialize(entry);
  const { line: out, paths, findings } = redactLineValues(line, rules);
  return { entry: JSON.parse(out) as T, paths, findings };
}

/**
 * The entry as it may enter git: redacted, with the paths of what was redacted added to
 * its `redacted` list. Returns the SAME object when nothing matched, so identity tells
 * the caller whether anything changed.
 */
export function applyRedaction<T extends Record<string, unknown>>(
  entry: T,
  rules: RedactionRules = DEFAULT_REDACTION_RULES,
): T & { redacted?: unknown[] } {
  if (!rules.enabled) return entry;
  const line = serialize(entry);
  const out = redactLine(line, rules).line;
  return out === line ? entry : (JSON.parse(out) as T & { redacted?: unknown[] });
}

/** Redacts one string as shape rules see it (no key rule); `rules` lists what matched. */
export function redactText(
  text: string,
  rules: RedactionRules = DEFAULT_REDACTION_RULES,
): { text: string; rules: string[] } {
  const spans = matcherFor(rules).findSpans(text);
  return { text: replaceSpans(text, spans), rules: [...new Set(spans.map((span) => span.rule))] };
}

/** Whether a field of this name holds a secret by the key rule (default list plus `rules.keys`). */
export function isSecretKey(key: string, rules: RedactionRules = DEFAULT_REDACTION_RULES): boolean {
  return matcherFor(rules).isSecretKey(key);
}

// JSON.stringify recurses, and a parsed history line can be nested deeper than the stack
// allows (JSON.parse does not recurse): such an entry is written out by a loop instead.
function serialize(entry: Record<string, unknown>): string {
  try {
    return JSON.stringify(entry);
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    return serializeDeep(entry);
  }
}

/** JSON text of plain JSON data (what JSON.parse makes), at any depth, without recursion. */
function serializeDeep(root: unknown): string {
  let out = '';
  // Each item is a value to write, or text to write as it is (commas, closings).
  const todo: Array<{ value: unknown } | string> = [{ value: root }];
  while (todo.length > 0) {
    const item = todo.pop() as { value: unknown } | string;
    if (typeof item === 'string') {
      out += item;
      continue;
    }
    const { value } = item;
    if (Array.isArray(value)) {
      out += '[';
      todo.push(']');
      for (let i = value.length - 1; i >= 0; i--) {
        todo.push({ value: value[i] ?? null });
        if (i > 0) todo.push(',');
      }
    } else if (typeof value === 'object' && value !== null && !('toJSON' in value)) {
      const keys = Object.keys(value).filter((key) => {
        const v = (value as Record<string, unknown>)[key];
        return v !== undefined && typeof v !== 'function' && typeof v !== 'symbol';
      });
      out += '{';
      todo.push('}');
      for (let i = keys.length - 1; i >= 0; i--) {
        const key = keys[i] as string;
        todo.push({ value: (value as Record<string, unknown>)[key] });
        todo.push(`${i > 0 ? ',' : ''}${JSON.stringify(key)}:`);
      }
    } else out += JSON.stringify(value) ?? 'null';
  }
  return out;
}
