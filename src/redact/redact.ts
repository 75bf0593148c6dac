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
  const line = JSON.stringify(entry);
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
  const line = JSON.stringify(entry);
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
