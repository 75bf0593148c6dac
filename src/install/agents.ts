// `install --agent …`: each coding agent's hook configuration, merged into the user's
// file as text (json-text spans), so every other byte stays; `uninstall` cuts out exactly
// what was added. Planned as Actions, like the rest of install, so --dry-run shows it.
import { lstatSync } from 'node:fs';
import { join } from 'node:path';
import { AGENTS, agentNamed } from '../agents/index.js';
import type { AgentEvent, AgentSpec } from '../agents/types.js';
import { AuditHooksError, UsageError } from '../errors.js';
import { readTextIfExists } from '../files.js';
import { gitMaybe } from '../git/git.js';
import * as messages from '../messages.js';
import { type JsonMember, type JsonNode, JsonTextError, parseJsonText } from '../writer/index.js';
import type { Action } from './actions.js';
import { FIND } from './launcher.js';

/** The `--agent` names, and `all`. */
export const AGENT_NAMES = AGENTS.map((agent) => agent.name);

/** How audit-hooks' own hook commands are recognised in a configuration. */
export function agentMarker(agent: string): string {
  return `log --hook --agent ${agent}`;
}

/**
 * The command a tool runs for one of its events: into the project folder where the tool
 * names it, find audit-hooks as the git hooks do (worktree, main worktree, PATH; never
 * npx), log the payload, never fail the tool. Stable across versions on purpose: Codex
 * asks the user to trust a hook again whenever its command changes.
 */
export function agentHookCommand(spec: AgentSpec, event?: AgentEvent): string {
  const cd =
    spec.projectDirVariable === undefined
      ? ''
      : `cd "\${${spec.projectDirVariable}:-.}" 2>/dev/null; `;
  const named =
    spec.eventInCommand === true && event !== undefined ? ` --event ${event.native}` : '';
  return `${cd}${FIND}; if [ -n "$b" ]; then "$b" ${agentMarker(spec.name)}${named}; else echo "audit-hooks: warning: did not log (audit-hooks not found: npm i -D audit-hooks, or npm i -g audit-hooks)" >&2; fi`;
}

/** The agents `names` stands for: `all` = those whose own folder exists in `root`. */
export function resolveAgents(root: string, names: readonly string[]): AgentSpec[] {
  if (names.includes('all')) return AGENTS.filter((agent) => isFolder(join(root, agent.folder)));
  return names.map((name) => {
    const spec = agentNamed(name);
    if (spec === undefined) throw new UsageError(messages.unknownAgent(name));
    return spec;
  });
}

/** The changes that wire `agents` (names, or `all`) into the worktree at `root`. */
export function planAgentInstall(
  root: string,
  agents: readonly string[],
  say: (path: string, what: string) => string,
): Action[] {
  const actions: Action[] = [];
  for (const spec of resolveAgents(root, agents)) {
    const path = join(root, spec.configFile);
    const text = readTextIfExists(path);
    if (text === undefined) {
      actions.push({
        kind: 'write',
        path,
        content: freshConfig(spec),
        summary: say(path, `create (${spec.title} hooks)`),
      });
      continue;
    }
    const next = mergeConfig(spec, path, text);
    if (next !== text) {
      actions.push({
        kind: 'write',
        path,
        content: next,
        summary: say(path, `add the audit-hooks ${spec.title} hooks`),
      });
    }
  }
  return actions;
}

/** The changes that remove every agent integration from the worktree at `root`. */
export function planAgentUninstall(
  root: string,
  say: (path: string, what: string) => string,
): Action[] {
  const actions: Action[] = [];
  for (const spec of AGENTS) {
    const path = join(root, spec.configFile);
    const text = readTextIfExists(path);
    if (text === undefined || !text.includes(agentMarker(spec.name))) continue;
    // A file HEAD holds without our hooks was the user's before install (`{"hooks": {}}`
    // merged looks exactly like the file install creates): it is kept.
    const committed = gitMaybe(root, ['show', `HEAD:./${spec.configFile}`]);
    const keepFile = committed !== undefined && !committed.includes(agentMarker(spec.name));
    const next = removeFromConfig(spec, path, text, keepFile);
    if (next === undefined) {
      actions.push({
        kind: 'delete',
        path,
        summary: say(path, 'delete (only the audit-hooks hooks were left)'),
      });
      // The agent's folder stays, even empty: it is the tool's (and what --agent all looks for).
    } else if (next !== text) {
      actions.push({
        kind: 'write',
        path,
        content: next,
        summary: say(path, `remove the audit-hooks ${spec.title} hooks`),
      });
    }
  }
  return actions;
}

/** Which agents are wired in the worktree at `root`. */
export function agentStatus(
  root: string,
): Array<{ agent: string; file: string; installed: boolean }> {
  return AGENTS.map((spec) => {
    const text = readTextIfExists(join(root, spec.configFile));
    return {
      agent: spec.name,
      file: spec.configFile,
      installed: text?.includes(agentMarker(spec.name)) === true,
    };
  });
}

/** What the user must do by hand for the hooks of `agents` to run (install prints it). */
export function agentUserSteps(root: string, agents: readonly string[]): string[] {
  return resolveAgents(root, agents).flatMap((spec) =>
    // `{root}`: the worktree, as a TOML (and JSON) string.
    spec.userSteps.map(
      (step) => `${spec.title}: ${step.replaceAll('{root}', JSON.stringify(root))}`,
    ),
  );
}

// ---------------------------------------------------------------------------------------
// The configuration shapes

/** One hook entry as the tool's configuration spells it. */
function hookEntry(spec: AgentSpec, event: AgentEvent): Record<string, unknown> {
  const command = agentHookCommand(spec, event);
  const timeout = spec.timeout === undefined ? {} : { [spec.timeout.field]: spec.timeout.value };
  switch (spec.shape) {
    case 'matcher-groups':
      return {
        ...(event.matcher === undefined ? {} : { matcher: event.matcher }),
        hooks: [{ type: 'command', command, ...timeout }],
      };
    case 'cursor':
      return { command };
    case 'copilot':
      return { type: 'command', bash: command, cwd: '.', ...timeout };
  }
}

function freshConfig(spec: AgentSpec): string {
  const hooks = Object.fromEntries(
    spec.events.map((event) => [event.native, [hookEntry(spec, event)]]),
  );
  const config = spec.shape === 'matcher-groups' ? { hooks } : { version: 1, hooks };
  return `${JSON.stringify(config, null, 2)}\n`;
}

interface Edit {
  start: number;
  end: number;
  text: string;
}

function parse(spec: AgentSpec, path: string, text: string): JsonNode & { kind: 'object' } {
  let root: JsonNode;
  try {
    root = parseJsonText(text, { jsonc: spec.jsonc === true });
  } catch (error) {
    if (!(error instanceof JsonTextError)) throw error;
    const { line, column } = lineColumn(text, error.position);
    throw new AuditHooksError(
      messages.configUnparseable(
        path,
        `${line}:${column}`,
        error.message.replace(/ at position \d+$/, ''),
      ),
    );
  }
  if (root.kind !== 'object')
    throw new AuditHooksError(messages.configUnparseable(path, '', 'not a JSON object'));
  return root;
}

function mergeConfig(spec: AgentSpec, path: string, text: string): string {
  const root = parse(spec, path, text);
  const unit = indentUnit(text);
  const marker = agentMarker(spec.name);
  const hooks = member(root, 'hooks');
  if (hooks === undefined) {
    const all = Object.fromEntries(
      spec.events.map((event) => [event.native, [hookEntry(spec, event)]]),
    );
    return applyEdits(text, [insertMembers(text, root, [['hooks', all]], unit)]);
  }
  if (hooks.value.kind !== 'object') {
    throw new AuditHooksError(
      messages.configCannotEdit(path, 'hooks', agentHookCommand(spec, spec.events[0])),
    );
  }
  const edits: Edit[] = [];
  const missing: Array<[string, unknown]> = [];
  for (const event of spec.events) {
    const list = member(hooks.value, event.native);
    if (list === undefined) {
      missing.push([event.native, [hookEntry(spec, event)]]);
      continue;
    }
    if (list.value.kind !== 'array') {
      throw new AuditHooksError(
        messages.configCannotEdit(path, event.native, agentHookCommand(spec, event)),
      );
    }
    // Already wired (by this version, or an earlier one that had the same command): keep.
    if (text.slice(list.value.start, list.value.end).includes(marker)) continue;
    edits.push(appendItem(text, list.value, hookEntry(spec, event), unit));
  }
  if (missing.length > 0) edits.push(insertMembers(text, hooks.value, missing, unit));
  return applyEdits(text, edits);
}

/** The text without audit-hooks' hooks; `undefined` when nothing is left that must stay. */
function removeFromConfig(
  spec: AgentSpec,
  path: string,
  text: string,
  keepFile: boolean,
): string | undefined {
  if (text === freshConfig(spec) && !keepFile) return undefined;
  const root = parse(spec, path, text);
  const marker = agentMarker(spec.name);
  const hooks = member(root, 'hooks');
  if (hooks === undefined || hooks.value.kind !== 'object') return text;
  const isOurs = (node: JsonNode) => text.slice(node.start, node.end).includes(marker);
  const edits: Edit[] = [];
  const emptied = new Set<number>();
  hooks.value.members.forEach((event, index) => {
    if (event.value.kind !== 'array' || !isOurs(event.value)) return;
    const keep = new Set<number>();
    event.value.items.forEach((item, i) => {
      if (!isOurs(item)) {
        keep.add(i);
        return;
      }
      // A group of the user's that also holds our hook: only our hook goes.
      const inner = spec.shape === 'matcher-groups' ? member(item, 'hooks')?.value : undefined;
      if (inner?.kind === 'array' && inner.items.some((hook) => !isOurs(hook))) {
        keep.add(i);
        edits.push(
          ...removeElements(
            text,
            spans(inner),
            new Set(inner.items.flatMap((h, j) => (isOurs(h) ? [j] : []))),
          ),
        );
      }
    });
    const removed = new Set(event.value.items.flatMap((_, i) => (keep.has(i) ? [] : [i])));
    if (removed.size === event.value.items.length) emptied.add(index);
    else edits.push(...removeElements(text, spans(event.value), removed));
  });
  if (emptied.size === hooks.value.members.length && hooks.value.members.length > 0) {
    const rootRemoved = new Set([root.members.indexOf(hooks)]);
    const onlyVersion = root.members.every(
      (m) => m === hooks || (m.key === 'version' && spec.shape !== 'matcher-groups'),
    );
    if (root.members.length === rootRemoved.size || onlyVersion) {
      // Nothing else in the file. It goes, unless it was the user's before install came:
      // then it stays, with the hooks object it had, empty.
      if (!keepFile) return undefined;
      return applyEdits(text, [{ start: hooks.value.start, end: hooks.value.end, text: '{}' }]);
    }
    return applyEdits(text, removeElements(text, spans(root), rootRemoved));
  }
  edits.push(...removeElements(text, spans(hooks.value), emptied));
  return applyEdits(text, edits);
}

// ---------------------------------------------------------------------------------------
// Text edits that keep the rest of the file

function member(node: JsonNode | undefined, key: string): JsonMember | undefined {
  if (node?.kind !== 'object') return undefined;
  return node.members.findLast((m) => m.key === key);
}

/** [start, end] of each element of a container, and the container's own brackets. */
function spans(node: JsonNode): { open: number; close: number; elements: Array<[number, number]> } {
  const elements: Array<[number, number]> =
    node.kind === 'object'
      ? node.members.map((m) => [m.keyStart, m.value.end])
      : node.kind === 'array'
        ? node.items.map((item) => [item.start, item.end])
        : [];
  return { open: node.start + 1, close: node.end - 1, elements };
}

/** Edits removing the elements at `indices`, each with its separator, as install added them. */
function removeElements(
  _text: string,
  container: ReturnType<typeof spans>,
  indices: ReadonlySet<number>,
): Edit[] {
  const { elements } = container;
  if (indices.size === 0) return [];
  if (indices.size === elements.length)
    return [{ start: container.open, end: container.close, text: '' }];
  const edits: Edit[] = [];
  for (let a = 0; a < elements.length; a++) {
    if (!indices.has(a)) continue;
    let b = a;
    while (indices.has(b + 1)) b++;
    const first = elements[a] as [number, number];
    const last = elements[b] as [number, number];
    if (a > 0)
      edits.push({ start: (elements[a - 1] as [number, number])[1], end: last[1], text: '' });
    else edits.push({ start: first[0], end: (elements[b + 1] as [number, number])[0], text: '' });
    a = b;
  }
  return edits;
}

function insertMembers(
  text: string,
  object: JsonNode,
  members: Array<[string, unknown]>,
  unit: string,
): Edit {
  const base = lineIndent(text, object.start);
  const inner = base + unit;
  const body = members
    .map(([key, value]) => `${inner}${JSON.stringify(key)}: ${pretty(value, inner, unit)}`)
    .join(`,\n`);
  const last = object.kind === 'object' ? object.members.at(-1) : undefined;
  if (last === undefined)
    return { start: object.start + 1, end: object.start + 1, text: `\n${body}\n${base}` };
  return { start: last.value.end, end: last.value.end, text: `,\n${body}` };
}

function appendItem(
  text: string,
  array: JsonNode & { kind: 'array' },
  value: unknown,
  unit: string,
): Edit {
  const base = lineIndent(text, array.start);
  const inner = base + unit;
  const last = array.items.at(-1);
  const item = `${inner}${pretty(value, inner, unit)}`;
  if (last === undefined)
    return { start: array.start + 1, end: array.start + 1, text: `\n${item}\n${base}` };
  return { start: last.end, end: last.end, text: `,\n${item}` };
}

function pretty(value: unknown, indent: string, unit: string): string {
  return JSON.stringify(value, null, unit).replaceAll('\n', `\n${indent}`);
}

function applyEdits(text: string, edits: readonly Edit[]): string {
  let out = text;
  for (const edit of [...edits].sort((a, b) => b.start - a.start)) {
    out = out.slice(0, edit.start) + edit.text + out.slice(edit.end);
  }
  return out;
}

function lineIndent(text: string, offset: number): string {
  const start = text.lastIndexOf('\n', offset - 1) + 1;
  return /^[ \t]*/.exec(text.slice(start))?.[0] ?? '';
}

/** The file's own indentation step (2 spaces when it has none). */
function indentUnit(text: string): string {
  return /\n([ \t]+)\S/.exec(text)?.[1] ?? '  ';
}

function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}

function isFolder(path: string): boolean {
  try {
    return lstatSync(path).isDirectory();
  } catch {
    return false;
  }
}
