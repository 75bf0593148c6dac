// Edits lefthook.yml as text, so that every byte the user wrote stays as it was, and
// uses the `yaml` Document API to find where to edit and to prove afterwards that the
// edit means exactly "this job added" (or removed) and nothing else.
//
// Removal is the exact inverse of addition, so uninstall gives back the user's bytes: a
// new hook block goes after one blank line, which removal takes away again; and a file
// without a final newline keeps having none (the added text goes before the end instead
// of after it), which removal recognises.
import { isDeepStrictEqual } from 'node:util';
import { isMap, isScalar, isSeq, type Node, type Pair, parseDocument, type YAMLMap } from 'yaml';
import { AuditHooksError } from '../errors.js';
import * as messages from '../messages.js';

/** lefthook's configuration files, in the order lefthook looks for them. */
export const LEFTHOOK_FILES = ['lefthook.yml', '.lefthook.yml', 'lefthook.yaml', '.lefthook.yaml'];
/** lefthook's local configuration files (merged into the main one, never committed). */
export const LEFTHOOK_LOCAL_FILES = [
  'lefthook-local.yml',
  '.lefthook-local.yml',
  'lefthook-local.yaml',
  '.lefthook-local.yaml',
];

/** One job audit-hooks adds under a git hook in lefthook.yml. */
export interface LefthookJob {
  hook: string;
  name: string;
  run: string;
}

type Plain = Record<string, unknown>;

function parse(text: string, file: string) {
  const doc = parseDocument(text, { keepSourceTokens: false });
  const error = doc.errors[0];
  if (error !== undefined) {
    const where = error.linePos?.[0];
    throw new AuditHooksError(
      messages.configUnparseable(
        file,
        where ? `${where.line}:${where.col}` : '',
        (error.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, ''),
      ),
    );
  }
  const contents = doc.contents as Node | null;
  if (contents !== null && !isMap(contents)) {
    throw new AuditHooksError(
      messages.configUnparseable(file, '', 'the top level is not a mapping'),
    );
  }
  return { doc, map: contents as YAMLMap | null, value: (doc.toJS() ?? {}) as Plain };
}

function pairOf(map: YAMLMap | null, key: string): Pair | undefined {
  return map?.items.find((pair) => isScalar(pair.key) && pair.key.value === key) as
    | Pair
    | undefined;
}

function indentUnit(text: string): string {
  const match = /^[^\s#][^\n]*:\s*\n( +)\S/m.exec(text);
  return match?.[1] ?? '  ';
}

function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

function lineEnd(text: string, offset: number): number {
  const end = text.indexOf('\n', Math.max(offset - 1, 0));
  return end === -1 ? text.length : end + 1;
}

function indentAt(text: string, offset: number): string {
  const start = lineStart(text, offset);
  return /^ */.exec(text.slice(start))?.[0] ?? '';
}

function quote(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

function key(value: string): string {
  return /^[A-Za-z0-9_][A-Za-z0-9 _./-]*$/.test(value) ? value : quote(value);
}

/** True when lefthook.yml already holds this job (as a `jobs` item or a `commands` key). */
export function hasJob(value: Plain, job: LefthookJob): boolean {
  const hook = value[job.hook] as Plain | undefined;
  if (hook === null || typeof hook !== 'object') return false;
  const jobs = hook.jobs;
  if (Array.isArray(jobs) && jobs.some((item) => (item as Plain)?.name === job.name)) return true;
  const commands = hook.commands as Plain | undefined;
  return commands !== null && typeof commands === 'object' && job.name in commands;
}

function expectedWith(value: Plain, job: LefthookJob, style: 'jobs' | 'commands'): Plain {
  const copy = structuredClone(value);
  const hook = (copy[job.hook] ?? {}) as Plain;
  copy[job.hook] = hook;
  if (style === 'commands') {
    hook.commands = { ...(hook.commands as Plain), [job.name]: { run: job.run } };
  } else {
    hook.jobs = [...((hook.jobs as unknown[]) ?? []), { name: job.name, run: job.run }];
  }
  return copy;
}

/** lefthook.yml text with `job` added; unchanged if it is there already. */
export function addJob(text: string, job: LefthookJob, file = 'lefthook.yml'): string {
  const { map, value } = parse(text, file);
  if (hasJob(value, job)) return text;
  const unit = indentUnit(text);
  const hookPair = pairOf(map, job.hook);
  let result: string;
  let style: 'jobs' | 'commands' = 'jobs';
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  if (hookPair === undefined) {
    const block = [
      `${job.hook}:`,
      `${unit}jobs:`,
      `${unit}${unit}- name: ${key(job.name)}`,
      `${unit}${unit}  run: ${quote(job.run)}`,
    ].join(eol);
    if (text === '') result = `${block}${eol}`;
    else if (text.endsWith('\n')) result = `${text}${eol}${block}${eol}`;
    else result = `${text}${eol}${eol}${block}`;
  } else if (isMap(hookPair.value)) {
    const hookMap = hookPair.value;
    const jobs = pairOf(hookMap, 'jobs');
    const commands = pairOf(hookMap, 'commands');
    if (
      jobs !== undefined &&
      isSeq(jobs.value) &&
      jobs.value.items.length > 0 &&
      !jobs.value.flow
    ) {
      const seq = jobs.value;
      const indent = indentAt(text, (seq.items[0] as Node).range?.[0] ?? 0);
      const at = lineEnd(text, seq.range?.[1] ?? 0);
      result = insertLines(text, at, eol, [
        `${indent}- name: ${key(job.name)}`,
        `${indent}  run: ${quote(job.run)}`,
      ]);
    } else if (
      jobs === undefined &&
      commands !== undefined &&
      isMap(commands.value) &&
      !commands.value.flow &&
      commands.value.items.length > 0
    ) {
      style = 'commands';
      const first = commands.value.items[0] as Pair;
      const indent = indentAt(text, (first.key as Node).range?.[0] ?? 0);
      const at = lineEnd(text, commands.value.range?.[1] ?? 0);
      result = insertLines(text, at, eol, [
        `${indent}${key(job.name)}:`,
        `${indent}${unit}run: ${quote(job.run)}`,
      ]);
    } else if (jobs === undefined && !hookMap.flow && hookMap.items.length > 0) {
      const indent = indentAt(text, ((hookMap.items[0] as Pair).key as Node).range?.[0] ?? 0);
      const at = lineEnd(text, hookMap.range?.[1] ?? 0);
      result = insertLines(text, at, eol, [
        `${indent}jobs:`,
        `${indent}${unit}- name: ${key(job.name)}`,
        `${indent}${unit}  run: ${quote(job.run)}`,
      ]);
    } else {
      throw new AuditHooksError(messages.configCannotEdit(file, job.hook, snippet(job, unit)));
    }
  } else {
    throw new AuditHooksError(messages.configCannotEdit(file, job.hook, snippet(job, unit)));
  }
  const check = parseDocument(result);
  if (
    check.errors.length > 0 ||
    !isDeepStrictEqual(check.toJS(), expectedWith(value, job, style))
  ) {
    throw new AuditHooksError(messages.configCannotEdit(file, job.hook, snippet(job, unit)));
  }
  return result;
}

// `at` is a line start, or the end of a file without a final newline: then the lines go
// before that end, so the file still has no final newline.
function insertLines(text: string, at: number, eol: string, lines: string[]): string {
  if (at >= text.length && text !== '' && !text.endsWith('\n')) {
    return `${text}${eol}${lines.join(eol)}`;
  }
  return `${text.slice(0, at)}${lines.join(eol)}${eol}${text.slice(at)}`;
}

function snippet(job: LefthookJob, _unit: string): string {
  return `a job named ${JSON.stringify(job.name)} under ${job.hook} (see templates/lefthook.yml in the audit-hooks package)`;
}

/** lefthook.yml text without `job` (and without its hook block if that held nothing else). */
export function removeJob(text: string, job: LefthookJob, file = 'lefthook.yml'): string {
  const { map, value } = parse(text, file);
  if (!hasJob(value, job)) return text;
  const hookPair = pairOf(map, job.hook) as Pair;
  const hookMap = hookPair.value as YAMLMap;
  const expected = structuredClone(value);
  const expectedHook = expected[job.hook] as Plain;
  let cut: [number, number];
  const jobs = pairOf(hookMap, 'jobs');
  if (jobs !== undefined && isSeq(jobs.value)) {
    const seq = jobs.value;
    const item = seq.items.find((node) => isMap(node) && node.get('name') === job.name) as Node;
    expectedHook.jobs = (expectedHook.jobs as Plain[]).filter((entry) => entry?.name !== job.name);
    if (seq.items.length === 1) {
      cut = removalOfPair(text, hookMap, jobs);
      delete expectedHook.jobs;
    } else {
      cut = [lineStart(text, item.range?.[0] ?? 0), lineEnd(text, item.range?.[1] ?? 0)];
    }
  } else {
    const commands = pairOf(hookMap, 'commands') as Pair;
    const commandsMap = commands.value as YAMLMap;
    const pair = pairOf(commandsMap, job.name) as Pair;
    delete (expectedHook.commands as Plain)[job.name];
    cut =
      commandsMap.items.length === 1
        ? removalOfPair(text, hookMap, commands)
        : [
            lineStart(text, (pair.key as Node).range?.[0] ?? 0),
            lineEnd(text, (pair.value as Node).range?.[1] ?? 0),
          ];
    if (commandsMap.items.length === 1) delete expectedHook.commands;
  }
  const ownBlock = Object.keys(expectedHook).length === 0;
  if (ownBlock) {
    cut = removalOfPair(text, map as YAMLMap, hookPair);
    delete expected[job.hook];
  }
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  let start = cut[0];
  if (cut[1] >= text.length && !text.endsWith('\n') && start > 0) {
    // At the end of a file without a final newline, addJob put the line break before
    // the lines it added: take it away with them (and the blank line before a block).
    start -= eol.length;
    if (ownBlock && start > 0 && text[start - 1] === '\n') start -= eol.length;
  } else if (ownBlock && isBlankLineBefore(text, start)) {
    // A hook block of its own came after one blank line: take that line away too.
    start -= eol.length;
  }
  const result = text.slice(0, start) + text.slice(cut[1]);
  const check = parseDocument(result);
  const after = (check.toJS() ?? {}) as Plain;
  if (check.errors.length > 0 || !isDeepStrictEqual(after, expected)) {
    throw new AuditHooksError(
      messages.configCannotEdit(file, job.hook, `remove the job named ${job.name}`),
    );
  }
  return result;
}

/** True when the line that ends right before `at` (a line start) is empty. */
function isBlankLineBefore(text: string, at: number): boolean {
  if (at === 0 || text[at - 1] !== '\n') return false;
  const end = text[at - 2] === '\r' ? at - 2 : at - 1;
  return end === 0 || text[end - 1] === '\n';
}

function removalOfPair(text: string, _map: YAMLMap, pair: Pair): [number, number] {
  const start = lineStart(text, (pair.key as Node).range?.[0] ?? 0);
  const value = pair.value as Node | null;
  const end = lineEnd(text, value?.range?.[1] ?? (pair.key as Node).range?.[1] ?? 0);
  return [start, end];
}

/** The `run` of the job named `name` under `hook`, if there is one. */
export function jobRun(
  text: string,
  hook: string,
  name: string,
  file = 'lefthook.yml',
): string | undefined {
  const { value } = parse(text, file);
  const block = value[hook] as Plain | undefined;
  if (block === null || typeof block !== 'object') return undefined;
  if (Array.isArray(block.jobs)) {
    const found = (block.jobs as Plain[]).find((item) => item?.name === name);
    if (found !== undefined) return typeof found.run === 'string' ? found.run : '';
  }
  const commands = block.commands as Plain | undefined;
  if (commands !== null && typeof commands === 'object' && name in commands) {
    const run = (commands[name] as Plain | null)?.run;
    return typeof run === 'string' ? run : '';
  }
  return undefined;
}

/** lefthook.yml text with `job` as given: added, or replacing a job of that name that runs something else. */
export function setJob(text: string, job: LefthookJob, file = 'lefthook.yml'): string {
  const run = jobRun(text, job.hook, job.name, file);
  if (run === job.run) return text;
  if (run === undefined) return addJob(text, job, file);
  // In place where the job's `run` is a plain value (so switching modes back and forth
  // gives back the same file); else the job goes and comes back at the end.
  return replaceRun(text, job, file) ?? addJob(removeJob(text, job, file), job, file);
}

/** `text` with the `run` of the existing `job` replaced where it stands, if that is safe. */
function replaceRun(text: string, job: LefthookJob, file: string): string | undefined {
  const { map, value } = parse(text, file);
  const hookMap = pairOf(map, job.hook)?.value;
  if (!isMap(hookMap)) return undefined;
  const expected = structuredClone(value);
  const expectedHook = expected[job.hook] as Plain;
  let run: Node | undefined;
  const jobs = pairOf(hookMap, 'jobs')?.value;
  const item = isSeq(jobs)
    ? jobs.items.find((node) => isMap(node) && node.get('name') === job.name)
    : undefined;
  if (isMap(item)) {
    run = pairOf(item, 'run')?.value as Node | undefined;
    const entry = (expectedHook.jobs as Plain[]).find((candidate) => candidate?.name === job.name);
    if (entry !== undefined) entry.run = job.run;
  } else {
    const command = pairOf(hookMap, 'commands')?.value;
    const pair = isMap(command) ? pairOf(command, job.name) : undefined;
    if (isMap(pair?.value)) run = pairOf(pair.value, 'run')?.value as Node | undefined;
    const commands = expectedHook.commands as Record<string, Plain>;
    if (commands?.[job.name] !== undefined)
      commands[job.name] = { ...commands[job.name], run: job.run };
  }
  if (!isScalar(run) || run.range === undefined || run.range === null) return undefined;
  const result = `${text.slice(0, run.range[0])}${quote(job.run)}${text.slice(run.range[1])}`;
  const check = parseDocument(result);
  if (check.errors.length > 0 || !isDeepStrictEqual(check.toJS(), expected)) return undefined;
  return result;
}

// lefthook's own postinstall writes a lefthook.yml of comments only. Into such a file
// install also writes the quiet output its own template has (a commit would otherwise
// print lefthook's banner and summary twice); uninstall takes exactly these lines away.
const QUIET_OUTPUT = [
  '# Quiet commits (added by audit-hooks install): what a job prints and what fails, without',
  "# lefthook's banner and summary (https://lefthook.dev/configuration/output.html).",
  'output:',
  '  - execution_out',
  '  - failure',
];

/** lefthook.yml text with the quiet output added when it holds no setting at all yet. */
export function addQuietOutput(text: string, file = 'lefthook.yml'): string {
  const { value } = parse(text, file);
  if (text === '' || !text.endsWith('\n') || Object.keys(value).length > 0) return text;
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  return `${text}${eol}${QUIET_OUTPUT.join(eol)}${eol}`;
}

/** lefthook.yml text without what {@link addQuietOutput} added. */
export function removeQuietOutput(text: string): string {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const block = `${eol}${QUIET_OUTPUT.join(eol)}${eol}`;
  const at = text.lastIndexOf(block);
  if (at <= 0 || text[at - 1] !== '\n') return text;
  return text.slice(0, at) + text.slice(at + block.length);
}
