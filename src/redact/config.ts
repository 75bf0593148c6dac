import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AuditHooksError } from '../errors.js';
import * as messages from '../messages.js';
import { backtrackingProblem } from './backtracking.js';
import {
  type CustomPattern,
  DEFAULT_REDACTION_RULES,
  normaliseKey,
  type RedactionRules,
  RULE_NAME,
} from './redact.js';

/** The configuration file at the worktree root; it wins over `package.json`. */
export const CONFIG_FILE = '.audit-hooks.json';
/** The key of `package.json` read when there is no {@link CONFIG_FILE}. */
export const PACKAGE_KEY = 'audit-hooks';

/** The `redact` section, as written by the user. */
export interface RedactConfig {
  enabled?: boolean;
  keys?: string[];
  patterns?: Array<{ name: string; pattern: string; flags?: string }>;
}

/**
 * The redaction rules of the worktree at `root`: the `redact` section of
 * `.audit-hooks.json`, else of the `"audit-hooks"` key of `package.json`, else the
 * defaults. Throws an `AuditHooksError` naming the file and the problem when the
 * configuration is invalid: a broken config must stop the run, not let secrets through.
 */
export function loadRedactionRules(root: string): RedactionRules {
  const own = readJson(root, CONFIG_FILE);
  if (own !== undefined) return fromSection(own, CONFIG_FILE, 'redact');
  const pkg = readJson(root, 'package.json');
  if (pkg === undefined || !isObject(pkg) || pkg[PACKAGE_KEY] === undefined) {
    return DEFAULT_REDACTION_RULES;
  }
  const section = pkg[PACKAGE_KEY];
  if (!isObject(section)) {
    throw invalid('package.json', `"${PACKAGE_KEY}" must be an object`);
  }
  return fromSection(section, 'package.json', `${PACKAGE_KEY}.redact`);
}

function fromSection(container: unknown, file: string, where: string): RedactionRules {
  if (!isObject(container)) throw invalid(file, 'the file must hold a JSON object');
  const redact = container.redact;
  if (redact === undefined) return { ...DEFAULT_REDACTION_RULES, source: file };
  return compileRedactConfig(redact, file, where);
}

/**
 * Validates a `redact` section and compiles it into rules. `file` and `where` (the
 * section's path in that file, e.g. `redact`) name the place in error messages.
 */
export function compileRedactConfig(
  value: unknown,
  file = CONFIG_FILE,
  where = 'redact',
): RedactionRules {
  if (!isObject(value)) throw invalid(file, `"${where}" must be an object`);
  for (const key of Object.keys(value)) {
    if (!['enabled', 'keys', 'patterns'].includes(key)) {
      throw invalid(file, `unknown option "${where}.${key}" (expected enabled, keys, patterns)`);
    }
  }
  const { enabled, keys, patterns } = value;
  if (enabled !== undefined && typeof enabled !== 'boolean') {
    throw invalid(file, `"${where}.enabled" must be true or false`);
  }
  if (
    keys !== undefined &&
    (!Array.isArray(keys) || !keys.every((key) => typeof key === 'string' && key.trim() !== ''))
  ) {
    throw invalid(file, `"${where}.keys" must be an array of field names`);
  }
  if (patterns !== undefined && !Array.isArray(patterns)) {
    throw invalid(file, `"${where}.patterns" must be an array of { "name", "pattern" } objects`);
  }
  const compiled: CustomPattern[] = (patterns ?? []).map((item: unknown, index: number) =>
    compilePattern(item, `${where}.patterns[${index}]`, file),
  );
  return {
    enabled: enabled ?? true,
    keys: new Set(((keys as string[] | undefined) ?? []).map(normaliseKey)),
    patterns: compiled,
    source: file,
  };
}

function compilePattern(item: unknown, where: string, file: string): CustomPattern {
  if (!isObject(item)) throw invalid(file, `"${where}" must be a { "name", "pattern" } object`);
  for (const key of Object.keys(item)) {
    if (!['name', 'pattern', 'flags'].includes(key)) {
      throw invalid(file, `unknown option "${where}.${key}" (expected name, pattern, flags)`);
    }
  }
  const { name, pattern, flags } = item;
  if (typeof name !== 'string' || !RULE_NAME.test(name)) {
    throw invalid(
      file,
      `"${where}.name" must be 1-64 letters, digits, "-" or "_" (it appears as [REDACTED:<name>])`,
    );
  }
  if (typeof pattern !== 'string' || pattern === '') {
    throw invalid(file, `"${where}.pattern" must be a non-empty regular expression string`);
  }
  if (
    flags !== undefined &&
    (typeof flags !== 'string' || !/^(?:([imsu])(?!.*\1))*$/.test(flags))
  ) {
    throw invalid(file, `"${where}.flags" may only hold i, m, s and u`);
  }
  let regex: RegExp;
  try {
    regex = new RegExp(pattern, `g${(flags as string | undefined) ?? ''}`);
  } catch (error) {
    throw invalid(
      file,
      `"${where}.pattern" is not a valid regular expression (${(error as Error).message})`,
    );
  }
  if (regex.test('')) {
    throw invalid(
      file,
      `"${where}.pattern" matches the empty string; make it match the secret itself`,
    );
  }
  regex.lastIndex = 0;
  // A commit must never hang on a regular expression (SPEC §12).
  const problem = backtrackingProblem(pattern, regex.flags);
  if (problem !== undefined) {
    throw invalid(file, `"${where}.pattern" (${name}: ${pattern}) ${problem}`);
  }
  return { name, regex };
}

function readJson(root: string, name: string): unknown {
  let text: string;
  try {
    text = readFileSync(join(root, name), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw invalid(name, `unreadable (${(error as Error).message})`);
  }
  try {
    return JSON.parse(text.startsWith('\uFEFF') ? text.slice(1) : text);
  } catch (error) {
    throw invalid(name, `not valid JSON (${(error as Error).message})`);
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function invalid(file: string, problem: string): AuditHooksError {
  return new AuditHooksError(messages.redactConfigInvalid(file, problem));
}
