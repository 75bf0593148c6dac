// The `budget` section of the configuration (`.audit-hooks.json`, else the
// `"audit-hooks"` key of package.json: the same place as `redact`). Read on every `log`
// call, so it is its own small loader: the redaction one compiles rules `log` never uses.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { budgetConfigInvalid, configNotJson } from '../messages.js';
import { type Budget, DEFAULT_BUDGET } from './budget.js';

/** A configuration that cannot be used; the message names the file and what to fix. */
export class BudgetConfigError extends Error {
  override name = 'BudgetConfigError';
}

const MIN = { valueBytes: 64, entryBytes: 1024 };
const MAX_ENTRY = 1024 * 1024 - 4096; // under the writer's 1 MiB line limit, with room for the envelope

/** The budget of the worktree at `root`; throws {@link BudgetConfigError} when it is invalid. */
export function loadBudget(root: string): Budget {
  const own = readJson(root, '.audit-hooks.json');
  let section: unknown;
  let where: string;
  let file: string;
  if (own !== undefined) {
    file = '.audit-hooks.json';
    where = 'budget';
    section = isObject(own.value)
      ? own.value.budget
      : invalid(file, 'the file must hold a JSON object');
  } else {
    const pkg = readJson(root, 'package.json');
    file = 'package.json';
    where = 'audit-hooks.budget';
    const config = isObject(pkg?.value) ? pkg.value['audit-hooks'] : undefined;
    section = isObject(config) ? config.budget : undefined;
  }
  if (section === undefined) return DEFAULT_BUDGET;
  if (!isObject(section)) return invalid(file, `"${where}" must be an object`);
  const budget = { ...DEFAULT_BUDGET };
  for (const [key, value] of Object.entries(section)) {
    if (key !== 'valueBytes' && key !== 'entryBytes') {
      return invalid(file, `unknown option "${where}.${key}" (expected valueBytes, entryBytes)`);
    }
    if (typeof value !== 'number' || !Number.isInteger(value) || value < MIN[key]) {
      return invalid(
        file,
        `"${where}.${key}" must be a whole number of bytes, at least ${MIN[key]}`,
      );
    }
    budget[key] = Math.min(value, MAX_ENTRY);
  }
  return budget;
}

function readJson(root: string, name: string): { value: unknown } | undefined {
  let text: string;
  try {
    text = readFileSync(join(root, name), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    return invalid(name, (error as NodeJS.ErrnoException).code ?? 'unreadable');
  }
  try {
    return { value: JSON.parse(text) };
  } catch (error) {
    // package.json that does not parse is npm's problem, not a budget to apply.
    if (name === 'package.json') return undefined;
    throw new BudgetConfigError(configNotJson(name, (error as Error).message));
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function invalid(file: string, problem: string): never {
  throw new BudgetConfigError(budgetConfigInvalid(file, problem));
}
