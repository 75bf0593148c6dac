// The page's working data: typed columns built once from the inlined JSON, the filter,
// and the colours. Nothing here touches the DOM.
import type { FacetValues, ViewData } from '../view-data.js';

/** Distinct colours for the most frequent values; the rest share "other". */
export const PALETTE_SIZE = 10;
/** Colour slots after the palette. */
export const OTHER_COLOUR = PALETTE_SIZE;
export const NONE_COLOUR = PALETTE_SIZE + 1;

export type Facet = 'agent' | 'event' | 'tool';

export interface Model {
  data: ViewData;
  /** Number of entries. */
  n: number;
  time: Float64Array;
  lane: Uint32Array;
  event: Uint16Array;
  tool: Uint16Array;
  /** Per lane, its entries' indices in time order. */
  laneEntries: Uint32Array[];
  /** Earliest and latest instant of entries and commits. */
  start: number;
  end: number;
  /** Colour slot of each event and tool value (by index). */
  eventColour: Uint8Array;
  toolColour: Uint8Array;
  /** The entries' stored lines, once {@link Model.loadLines} has them (else `undefined`). */
  lines(): string[] | undefined;
  /** Unpacks the entries' lines (the first call starts it; they come after the first paint). */
  loadLines(): Promise<string[]>;
  /** Indices (into `data.commits`) of the commits an entry belongs to. */
  commitsOf(entry: number): number[];
}

/** Builds the columns; `readLines` is called the first time the lines are needed. */
export function createModel(data: ViewData, readLines: () => Promise<string[]>): Model {
  const n = data.dt.length;
  const time = new Float64Array(n);
  const lane = Uint32Array.from(data.lane);
  const event = Uint16Array.from(data.event);
  const tool = Uint16Array.from(data.tool);
  let t = data.t0;
  for (let i = 0; i < n; i++) {
    t += data.dt[i] as number;
    time[i] = t;
  }
  const counts = new Uint32Array(data.sessions.length);
  for (let i = 0; i < n; i++) {
    const l = lane[i] as number;
    counts[l] = (counts[l] as number) + 1;
  }
  const laneEntries = Array.from(counts, (count) => new Uint32Array(count));
  const filled = new Uint32Array(data.sessions.length);
  for (let i = 0; i < n; i++) {
    const l = lane[i] as number;
    const at = filled[l] as number;
    (laneEntries[l] as Uint32Array)[at] = i;
    filled[l] = at + 1;
  }
  let start = n > 0 ? (time[0] as number) : Date.now();
  let end = n > 0 ? (time[n - 1] as number) : start;
  for (const commit of data.commits) {
    start = Math.min(start, commit.time);
    end = Math.max(end, commit.time);
  }
  let lines: string[] | undefined;
  let loading: Promise<string[]> | undefined;
  let commitIndex: Map<number, number[]> | undefined;
  return {
    data,
    n,
    time,
    lane,
    event,
    tool,
    laneEntries,
    start,
    end,
    eventColour: colourSlots(data.events),
    toolColour: colourSlots(data.tools),
    lines: () => lines,
    loadLines: () => {
      loading ??= readLines().then((read) => {
        lines = read;
        return read;
      });
      return loading;
    },
    commitsOf: (entry) => {
      if (commitIndex === undefined) {
        commitIndex = new Map();
        data.commits.forEach((commit, c) => {
          for (const i of commit.entries) {
            const list = commitIndex?.get(i);
            if (list === undefined) commitIndex?.set(i, [c]);
            else list.push(c);
          }
        });
      }
      return commitIndex.get(entry) ?? [];
    },
  };
}

/** Palette slots by rank ("no value" has its own neutral slot). */
export function colourSlots(values: FacetValues): Uint8Array {
  const slots = new Uint8Array(values.length);
  let rank = 0;
  values.forEach((value, i) => {
    if (value === '') slots[i] = NONE_COLOUR;
    else if (value === null || rank >= PALETTE_SIZE) slots[i] = OTHER_COLOUR;
    else slots[i] = rank++;
  });
  return slots;
}

/** What is shown: one flag per facet value, and a text to find in the entries' lines. */
export interface Filter {
  agent: Uint8Array;
  event: Uint8Array;
  tool: Uint8Array;
  text: string;
}

/** A filter that shows everything. */
export function showAll(data: ViewData): Filter {
  return {
    agent: new Uint8Array(data.agents.length).fill(1),
    event: new Uint8Array(data.events.length).fill(1),
    tool: new Uint8Array(data.tools.length).fill(1),
    text: '',
  };
}

/** The result of {@link applyFilter}. */
export interface Shown {
  /** 1 where the entry passes the filter. */
  mask: Uint8Array;
  /** Per lane, how many of its entries pass. */
  perLane: Uint32Array;
  total: number;
}

let lowerLines: string[] | undefined;

/** Parses the entries' lines and lowers their case for the text filter, once. */
export function prepareTextFilter(model: Model): void {
  lowerCaseLines(model);
}

/** The entries' lines in lower case, made once (the text filter is case-insensitive). */
function lowerCaseLines(model: Model): string[] {
  const lines = model.lines();
  if (lines === undefined) return [];
  lowerLines ??= lines.map((line) => line.toLowerCase());
  return lowerLines;
}

/**
 * Which entries pass `filter` (text is matched case-insensitively in the stored line; with
 * a text, call it once {@link Model.loadLines} is done: until then no entry matches).
 */
export function applyFilter(model: Model, filter: Filter): Shown {
  const { n, data } = model;
  const mask = new Uint8Array(n);
  const perLane = new Uint32Array(data.sessions.length);
  const laneOk = data.sessions.map((session) => filter.agent[session.agent] === 1);
  const text = filter.text.trim().toLowerCase();
  const lower = text === '' ? undefined : lowerCaseLines(model);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const l = model.lane[i] as number;
    if (
      laneOk[l] &&
      filter.event[model.event[i] as number] === 1 &&
      filter.tool[model.tool[i] as number] === 1 &&
      (lower === undefined || (lower[i] ?? '').includes(text))
    ) {
      mask[i] = 1;
      perLane[l] = (perLane[l] as number) + 1;
      total++;
    }
  }
  return { mask, perLane, total };
}

/** The first index in the sorted `entries` whose time is at or after `t`. */
export function lowerBound(entries: Uint32Array, time: Float64Array, t: number): number {
  let lo = 0;
  let hi = entries.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((time[entries[mid] as number] as number) < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
