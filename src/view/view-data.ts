// The data inlined into the page: columns of small integers (one value per entry) that the
// page can draw from at once, and the entries' lines apart, parsed only when needed.
import { basename } from 'node:path';
import type { ViewInput } from './collect.js';

/** A facet's values; `''` is "no value", `null` the bucket of all values past the limit. */
export type FacetValues = Array<string | null>;

/** What the page reads from its `audit-data` script element. */
export interface ViewData {
  version: 1;
  /** The repository's folder name. */
  title: string;
  /** When the file was written (ISO). */
  generatedAt: string;
  worktrees: Array<{ path: string; label: string; branch?: string }>;
  /** Agents, events and tools, most frequent first. */
  agents: FacetValues;
  events: FacetValues;
  tools: FacetValues;
  /** Lanes in display order: by worktree, then agent, then first entry. */
  sessions: Array<{ id: string; worktree: number; agent: number }>;
  /** Instant (ms) of the first entry; `dt[i]` is entry i's instant minus entry i-1's. */
  t0: number;
  dt: number[];
  /** Per entry, in §3 order: its lane (index into `sessions`), event and tool. */
  lane: number[];
  event: number[];
  tool: number[];
  /** Oldest first; `entries` are indices into the entry columns. */
  commits: Array<{
    sha: string;
    time: number;
    subject: string;
    branch?: string;
    entries: number[];
  }>;
}

/** The page's data, and each entry's stored line (same order) for the detail view. */
export interface PageData {
  data: ViewData;
  lines: string[];
}

/** More distinct values than this go into one "other" bucket (a hostile log may hold 100k). */
export const MAX_FACET_VALUES = 150;
/** Longer facet values are cut (the entry itself keeps the whole value). */
export const MAX_LABEL_CHARS = 200;

/** Builds the page's columns from the collected entries and commits. */
export function buildViewData(
  input: ViewInput,
  options: { title?: string; generatedAt?: Date } = {},
): PageData {
  const entries = input.entries;
  const worktreeIndex = new Map<string, number>();
  const worktrees: ViewData['worktrees'] = [];
  const addWorktree = (path: string, branch?: string) => {
    if (worktreeIndex.has(path)) return worktreeIndex.get(path) as number;
    worktreeIndex.set(path, worktrees.length);
    worktrees.push({ path, label: basename(path) || path, ...(branch ? { branch } : {}) });
    return worktrees.length - 1;
  };
  for (const worktree of input.worktrees) addWorktree(worktree.path, worktree.branch);

  // A session's agent is the first `agent` its entries name.
  type Session = { id: string; worktree: number; agent: string; n: number };
  const sessionsById = new Map<string, Session>();
  const sessionOfEntry: Session[] = [];
  for (const { entry, worktree } of entries) {
    const id = label(entry.session_id);
    const key = `${worktree}\0${id}`;
    let session = sessionsById.get(key);
    if (session === undefined) {
      session = { id, worktree: addWorktree(worktree), agent: '', n: sessionsById.size };
      sessionsById.set(key, session);
    }
    if (session.agent === '') session.agent = label(entry.agent);
    sessionOfEntry.push(session);
  }
  const sessionList = [...sessionsById.values()];

  const agents = facet(sessionList.map((session) => session.agent));
  const events = facet(entries.map(({ entry }) => label(entry.event)));
  const tools = facet(entries.map(({ entry }) => label(entry.tool)));

  // Lanes: worktree (first seen), agent (alphabetical, none last), first entry.
  const lanes = [...sessionList].sort(
    (a, b) => a.worktree - b.worktree || compareAgents(a.agent, b.agent) || a.n - b.n,
  );
  const laneOf = new Map(lanes.map((session, i) => [session, i]));

  const dt: number[] = new Array(entries.length);
  const lane: number[] = new Array(entries.length);
  const event: number[] = new Array(entries.length);
  const tool: number[] = new Array(entries.length);
  const lines: string[] = new Array(entries.length);
  const indexOfId = new Map<string, number>();
  const t0 = entries[0]?.instant ?? 0;
  let previous = t0;
  entries.forEach((record, i) => {
    dt[i] = record.instant - previous;
    previous = record.instant;
    lane[i] = laneOf.get(sessionOfEntry[i] as Session) as number;
    event[i] = events.index(label(record.entry.event));
    tool[i] = tools.index(label(record.entry.tool));
    lines[i] = record.line;
    indexOfId.set(record.entry.id, i);
  });

  const data: ViewData = {
    version: 1,
    title: options.title ?? worktrees[0]?.label ?? '',
    generatedAt: (options.generatedAt ?? new Date()).toISOString(),
    worktrees,
    agents: agents.values,
    events: events.values,
    tools: tools.values,
    sessions: lanes.map((session) => ({
      id: session.id,
      worktree: session.worktree,
      agent: agents.index(session.agent),
    })),
    t0,
    dt,
    lane,
    event,
    tool,
    commits: input.commits.map((commit) => ({
      sha: commit.sha,
      time: commit.time,
      subject: label(commit.subject),
      ...(commit.branch === undefined ? {} : { branch: label(commit.branch) }),
      entries: commit.ids
        .map((id) => indexOfId.get(id))
        .filter((i): i is number => i !== undefined)
        .sort((a, b) => a - b),
    })),
  };
  return { data, lines };
}

/** A field's value as a short label: strings and numbers as text, anything else none. */
function label(value: unknown): string {
  const text = typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '';
  return text.length > MAX_LABEL_CHARS ? `${text.slice(0, MAX_LABEL_CHARS - 1)}…` : text;
}

function compareAgents(a: string, b: string): number {
  if (a === b) return 0;
  if (a === '') return 1;
  if (b === '') return -1;
  return a < b ? -1 : 1;
}

/** Distinct values, most frequent first; past {@link MAX_FACET_VALUES}, one `null` bucket. */
function facet(all: readonly string[]): { values: FacetValues; index(value: string): number } {
  const counts = new Map<string, number>();
  for (const value of all) counts.set(value, (counts.get(value) ?? 0) + 1);
  const ranked = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  const kept = ranked.slice(0, MAX_FACET_VALUES).map(([value]) => value);
  const values: FacetValues = ranked.length > kept.length ? [...kept, null] : kept;
  const indexOf = new Map(kept.map((value, i) => [value, i]));
  const other = kept.length;
  return { values, index: (value) => indexOf.get(value) ?? other };
}
