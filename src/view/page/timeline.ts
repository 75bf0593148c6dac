/// <reference lib="dom" />
// The timeline: one lane per session (labels in the DOM, grouped by worktree and agent),
// entries drawn as marks on a canvas, commits as lines across the lanes. Drawing costs
// what is on screen, not what is loaded: each lane's entries are in time order, so only
// the visible range is visited (binary search), and marks that land on the same pixel
// in the same colour are drawn once.
import { formatCount, h } from './dom.js';
import { displayLabel } from './format-json.js';
import {
  lowerBound,
  type Model,
  NONE_COLOUR,
  OTHER_COLOUR,
  PALETTE_SIZE,
  type Shown,
} from './model.js';
import { formatTick, formatTime, ticks } from './time-scale.js';

/** Height of a row (lane or group heading), in CSS pixels; the labels use the same. */
export const ROW = 22;
const AXIS_HEIGHT = 30;
const MARK_WIDTH = 3;
const MARK_TOP = 4;
const MARK_HEIGHT = ROW - 2 * MARK_TOP;
/** How far (px) from a mark a click or hover still finds it. */
const HIT = 6;
const MIN_SPAN = 10; // ms
const SLOTS = PALETTE_SIZE + 2;

type Row =
  | { kind: 'worktree'; worktree: number }
  | { kind: 'agent'; agent: number; sessions: number }
  | { kind: 'lane'; lane: number };

/** What the timeline tells the rest of the page. */
export interface TimelineEvents {
  openEntry(entry: number): void;
  openCommit(commit: number): void;
  viewChanged(start: number, end: number): void;
}

interface Colours {
  background: string;
  laneAlt: string;
  group: string;
  grid: string;
  text: string;
  muted: string;
  commit: string;
  focus: string;
  select: string;
  slots: string[];
}

export class Timeline {
  readonly element: HTMLElement;
  /** The focusable canvas that holds the marks. */
  readonly canvas: HTMLCanvasElement;
  private readonly axis: HTMLCanvasElement;
  private readonly lanesBox: HTMLElement;
  private readonly plot: HTMLElement;
  private readonly status: HTMLElement;
  private readonly tooltip: HTMLElement;
  private readonly laneLabels: HTMLLIElement[] = [];
  private readonly rows: Row[] = [];
  private readonly rowOfLane: Uint32Array;
  private viewStart: number;
  private viewEnd: number;
  private colourBy: 'event' | 'tool' = 'event';
  private cursor = -1;
  private selectedEntry = -1;
  private selectedCommit = -1;
  private commitMask: Uint8Array | undefined;
  private colours: Colours;
  private width = 0;
  private height = 0;
  private pending = 0;
  private drag: { x: number; start: number; end: number; moved: boolean } | undefined;

  constructor(
    private readonly model: Model,
    private shown: Shown,
    private readonly events: TimelineEvents,
  ) {
    const { data } = model;
    this.rowOfLane = new Uint32Array(data.sessions.length);
    this.buildRows();
    this.axis = h('canvas', { class: 'axis', 'aria-hidden': 'true' });
    this.canvas = h('canvas', {
      class: 'marks',
      tabindex: 0,
      role: 'application',
      'aria-roledescription': 'timeline',
      'aria-label': `Timeline of ${formatCount(model.n)} entries in ${formatCount(data.sessions.length)} sessions. Left and right arrows move between entries of a session, up and down between sessions, Enter opens the entry, plus and minus zoom, 0 shows all.`,
      'aria-describedby': 'timeline-status',
    });
    this.plot = h('div', { class: 'plot' }, this.canvas);
    this.plot.style.height = `${this.rows.length * ROW}px`;
    const labels = h('ul', { class: 'lane-labels', 'aria-label': 'Sessions' });
    for (const row of this.rows) labels.append(this.rowLabel(row));
    this.lanesBox = h('div', { class: 'lanes' }, labels, this.plot);
    this.status = h('p', { id: 'timeline-status', class: 'timeline-status', role: 'status' });
    this.tooltip = h('div', { class: 'tooltip', hidden: true });
    this.element = h(
      'section',
      {
        class: 'timeline',
        'aria-label': 'Timeline',
        'data-lanes': data.sessions.length,
        'data-entries': model.n,
      },
      h('div', { class: 'axis-row' }, h('div', { class: 'axis-corner' }, 'Sessions'), this.axis),
      this.lanesBox,
      this.status,
      this.tooltip,
    );
    this.viewStart = model.start;
    this.viewEnd = model.end;
    this.colours = readColours();
    this.setShown(shown);
    this.fit();
    this.listen();
  }

  /** Lays the canvases out for the current size and draws at once. */
  start(): void {
    this.resize();
    new ResizeObserver(() => this.resize()).observe(this.lanesBox);
    matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () => {
      this.colours = readColours();
      this.invalidate();
    });
  }

  setShown(shown: Shown): void {
    this.shown = shown;
    this.element.dataset.shown = String(shown.total);
    for (const [lane, label] of this.laneLabels.entries()) {
      const count = shown.perLane[lane] as number;
      label.dataset.shown = String(count);
      const total = this.model.laneEntries[lane]?.length ?? 0;
      (label.lastElementChild as HTMLElement).textContent =
        count === total ? formatCount(total) : `${formatCount(count)}/${formatCount(total)}`;
      label.classList.toggle('empty', count === 0);
    }
    if (this.cursor !== -1 && shown.mask[this.cursor] !== 1) this.cursor = -1;
    this.invalidate();
  }

  setColourBy(by: 'event' | 'tool'): void {
    this.colourBy = by;
    this.invalidate();
  }

  /** Marks `entry` as the one shown in the details (and moves the keyboard focus there). */
  selectEntry(entry: number, reveal = false): void {
    this.selectedEntry = entry;
    if (entry !== -1) {
      this.cursor = entry;
      if (reveal) this.reveal(entry);
    }
    this.invalidate();
  }

  /** Highlights a commit and its entries (-1: none). */
  selectCommit(commit: number): void {
    this.selectedCommit = commit;
    this.commitMask = undefined;
    const found = this.model.data.commits[commit];
    if (found !== undefined) {
      this.commitMask = new Uint8Array(this.model.n);
      for (const i of found.entries) this.commitMask[i] = 1;
    }
    this.invalidate();
  }

  /** Shows a commit's entries and its line, with a margin. */
  zoomToCommit(commit: number): void {
    const found = this.model.data.commits[commit];
    if (found === undefined) return;
    let lo = found.time;
    let hi = found.time;
    for (const i of found.entries) {
      lo = Math.min(lo, this.model.time[i] as number);
      hi = Math.max(hi, this.model.time[i] as number);
    }
    const pad = Math.max((hi - lo) * 0.05, 1000);
    this.setView(lo - pad, hi + pad);
  }

  fit(): void {
    const span = this.model.end - this.model.start;
    const pad = span === 0 ? 30_000 : Math.max(span * 0.02, 250);
    this.setView(this.model.start - pad, this.model.end + pad);
  }

  /** Zooms by `factor` (< 1: in) keeping instant `at` where it is. */
  zoom(factor: number, at = (this.viewStart + this.viewEnd) / 2): void {
    const span = this.viewEnd - this.viewStart;
    const next = this.clampSpan(span * factor);
    const ratio = (at - this.viewStart) / span;
    this.setView(at - next * ratio, at - next * ratio + next);
  }

  /** Zooms around the focused entry if there is one. */
  zoomAtFocus(factor: number): void {
    this.zoom(factor, this.cursor === -1 ? undefined : (this.model.time[this.cursor] as number));
  }

  private setView(start: number, end: number): void {
    const span = this.clampSpan(end - start);
    // Keep some of the data in sight, however far one pans.
    const min = this.model.start - span * 0.9;
    const max = this.model.end + span * 0.9 - span;
    const from = Math.min(Math.max(start, min), Math.max(min, max));
    this.viewStart = from;
    this.viewEnd = from + span;
    this.element.dataset.viewStart = String(this.viewStart);
    this.element.dataset.viewEnd = String(this.viewEnd);
    this.events.viewChanged(this.viewStart, this.viewEnd);
    this.invalidate();
  }

  private clampSpan(span: number): number {
    const full = this.model.end - this.model.start;
    return Math.min(Math.max(span, MIN_SPAN), Math.max(full * 10, 3_600_000));
  }

  private buildRows(): void {
    const { data } = this.model;
    let worktree = -1;
    let agent = -1;
    let group: { kind: 'agent'; agent: number; sessions: number } | undefined;
    data.sessions.forEach((session, lane) => {
      if (session.worktree !== worktree) {
        worktree = session.worktree;
        agent = -1;
        this.rows.push({ kind: 'worktree', worktree });
      }
      if (session.agent !== agent) {
        agent = session.agent;
        group = { kind: 'agent', agent, sessions: 0 };
        this.rows.push(group);
      }
      if (group !== undefined) group.sessions++;
      this.rowOfLane[lane] = this.rows.length;
      this.rows.push({ kind: 'lane', lane });
    });
  }

  private rowLabel(row: Row): HTMLLIElement {
    const { data } = this.model;
    if (row.kind === 'worktree') {
      const worktree = data.worktrees[row.worktree];
      const text = `${displayLabel(worktree?.label ?? '')}${worktree?.branch ? ` · ${displayLabel(worktree.branch)}` : ''}`;
      return h('li', { class: 'group worktree', title: worktree?.path ?? '' }, text);
    }
    if (row.kind === 'agent') {
      const name = agentName(data.agents[row.agent]);
      return h(
        'li',
        { class: 'group agent' },
        `${name} · ${formatCount(row.sessions)} ${row.sessions === 1 ? 'session' : 'sessions'}`,
      );
    }
    const session = data.sessions[row.lane];
    const label = h(
      'li',
      {
        class: 'lane',
        'data-session': session?.id ?? '',
        'data-lane': row.lane,
        'data-total': this.model.laneEntries[row.lane]?.length ?? 0,
        title: `session ${session?.id ?? ''}`,
      },
      h('span', { class: 'lane-name' }, displayLabel(session?.id ?? '', 40)),
      h('span', { class: 'lane-count' }),
    );
    this.laneLabels[row.lane] = label;
    return label;
  }

  private resize(): void {
    const dpr = window.devicePixelRatio || 1;
    this.width = Math.max(this.plot.clientWidth, 1);
    this.height = Math.max(Math.min(this.lanesBox.clientHeight, this.rows.length * ROW), 1);
    for (const [canvas, height] of [
      [this.canvas, this.height],
      [this.axis, AXIS_HEIGHT],
    ] as const) {
      canvas.width = Math.round(this.width * dpr);
      canvas.height = Math.round(height * dpr);
      canvas.style.width = `${this.width}px`;
      canvas.style.height = `${height}px`;
    }
    this.draw();
  }

  /** Draws on the next frame (once, however often it is asked). */
  invalidate(): void {
    if (this.pending !== 0) return;
    this.pending = requestAnimationFrame(() => {
      this.pending = 0;
      this.draw();
    });
  }

  /** Draws now. */
  draw(): void {
    this.drawAxis();
    this.drawMarks();
  }

  private x(t: number): number {
    return ((t - this.viewStart) / (this.viewEnd - this.viewStart)) * this.width;
  }

  private timeAt(x: number): number {
    return this.viewStart + (x / this.width) * (this.viewEnd - this.viewStart);
  }

  private context(canvas: HTMLCanvasElement): CanvasRenderingContext2D {
    const ctx = canvas.getContext('2d', { alpha: false }) as CanvasRenderingContext2D;
    const dpr = canvas.width / Math.max(this.width, 1);
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    return ctx;
  }

  private drawAxis(): void {
    const ctx = this.context(this.axis);
    const c = this.colours;
    ctx.fillStyle = c.background;
    ctx.fillRect(0, 0, this.width, AXIS_HEIGHT);
    const { step, times } = ticks(this.viewStart, this.viewEnd, this.width);
    ctx.font = '11px system-ui, sans-serif';
    ctx.textBaseline = 'top';
    ctx.fillStyle = c.muted;
    ctx.strokeStyle = c.grid;
    ctx.beginPath();
    for (const t of times) {
      const x = Math.round(this.x(t)) + 0.5;
      ctx.moveTo(x, 0);
      ctx.lineTo(x, AXIS_HEIGHT);
      ctx.fillText(formatTick(t, step), x + 3, 3);
    }
    ctx.stroke();
    // Commits as diamonds on the axis's lower edge.
    this.model.data.commits.forEach((commit, i) => {
      const x = this.x(commit.time);
      if (x < -6 || x > this.width + 6) return;
      const r = i === this.selectedCommit ? 6 : 4;
      ctx.fillStyle = i === this.selectedCommit ? c.select : c.commit;
      ctx.beginPath();
      ctx.moveTo(x, AXIS_HEIGHT - 2 - 2 * r);
      ctx.lineTo(x + r, AXIS_HEIGHT - 2 - r);
      ctx.lineTo(x, AXIS_HEIGHT - 2);
      ctx.lineTo(x - r, AXIS_HEIGHT - 2 - r);
      ctx.closePath();
      ctx.fill();
    });
  }

  private drawMarks(): void {
    const ctx = this.context(this.canvas);
    const c = this.colours;
    const { model } = this;
    const top = this.lanesBox.scrollTop;
    ctx.fillStyle = c.background;
    ctx.fillRect(0, 0, this.width, this.height);
    const first = Math.floor(top / ROW);
    const last = Math.min(this.rows.length - 1, Math.floor((top + this.height) / ROW));
    for (let r = first; r <= last; r++) {
      const row = this.rows[r] as Row;
      const fill = row.kind !== 'lane' ? c.group : row.lane % 2 === 1 ? c.laneAlt : undefined;
      if (fill === undefined) continue;
      ctx.fillStyle = fill;
      ctx.fillRect(0, r * ROW - top, this.width, ROW);
    }
    // Faint grid at the axis's ticks.
    ctx.strokeStyle = c.grid;
    ctx.beginPath();
    for (const t of ticks(this.viewStart, this.viewEnd, this.width).times) {
      const x = Math.round(this.x(t)) + 0.5;
      ctx.moveTo(x, 0);
      ctx.lineTo(x, this.height);
    }
    ctx.stroke();
    // Commits: a line across every lane.
    model.data.commits.forEach((commit, i) => {
      const x = Math.round(this.x(commit.time)) + 0.5;
      if (x < -2 || x > this.width + 2) return;
      const selected = i === this.selectedCommit;
      ctx.strokeStyle = selected ? c.select : c.commit;
      ctx.lineWidth = selected ? 2 : 1;
      ctx.setLineDash(selected ? [] : [4, 3]);
      ctx.beginPath();
      ctx.moveTo(x, 0);
      ctx.lineTo(x, this.height);
      ctx.stroke();
    });
    ctx.setLineDash([]);
    ctx.lineWidth = 1;

    const buckets: number[][] = Array.from({ length: SLOTS }, () => []);
    const linked: number[] = [];
    const slotOf = this.colourBy === 'event' ? model.eventColour : model.toolColour;
    const valueIndex = this.colourBy === 'event' ? model.event : model.tool;
    const pad = (HIT / this.width) * (this.viewEnd - this.viewStart);
    const scale = this.width / (this.viewEnd - this.viewStart);
    const lastX = new Int32Array(SLOTS);
    const { mask } = this.shown;
    for (let r = first; r <= last; r++) {
      const row = this.rows[r] as Row;
      if (row.kind !== 'lane') continue;
      const y = r * ROW - top + MARK_TOP;
      const entries = model.laneEntries[row.lane] as Uint32Array;
      lastX.fill(-1_000_000);
      let lastLinked = -1_000_000;
      const end = this.viewEnd + pad;
      for (let k = lowerBound(entries, model.time, this.viewStart - pad); k < entries.length; k++) {
        const i = entries[k] as number;
        const t = model.time[i] as number;
        if (t > end) break;
        if (mask[i] !== 1) continue;
        const x = Math.floor((t - this.viewStart) * scale);
        const slot = slotOf[valueIndex[i] as number] as number;
        if (lastX[slot] !== x) {
          lastX[slot] = x;
          (buckets[slot] as number[]).push(x, y);
        }
        if (this.commitMask?.[i] === 1 && lastLinked !== x) {
          lastLinked = x;
          linked.push(x, y);
        }
      }
    }
    buckets.forEach((points, slot) => {
      if (points.length === 0) return;
      ctx.fillStyle = c.slots[slot] as string;
      for (let p = 0; p < points.length; p += 2) {
        ctx.fillRect((points[p] as number) - 1, points[p + 1] as number, MARK_WIDTH, MARK_HEIGHT);
      }
    });
    ctx.fillStyle = c.select;
    for (let p = 0; p < linked.length; p += 2) {
      ctx.fillRect((linked[p] as number) - 2, (linked[p + 1] as number) + MARK_HEIGHT, 5, 3);
    }
    if (this.selectedEntry !== -1) this.ring(ctx, this.selectedEntry, c.select, 2);
    if (this.cursor !== -1 && document.activeElement === this.canvas) {
      this.ring(ctx, this.cursor, c.focus, 3);
    }
  }

  private ring(ctx: CanvasRenderingContext2D, entry: number, colour: string, gap: number): void {
    if (this.shown.mask[entry] !== 1) return;
    const y = (this.rowOfLane[this.model.lane[entry] as number] as number) * ROW;
    const top = y - this.lanesBox.scrollTop + MARK_TOP;
    const x = Math.floor(this.x(this.model.time[entry] as number));
    ctx.strokeStyle = colour;
    ctx.lineWidth = 2;
    ctx.strokeRect(x - 1 - gap, top - gap, MARK_WIDTH + 2 * gap, MARK_HEIGHT + 2 * gap);
    ctx.lineWidth = 1;
  }

  // ---------------------------------------------------------------------------------
  // Finding what is under the pointer

  private laneAt(y: number): number | undefined {
    const row = this.rows[Math.floor((y + this.lanesBox.scrollTop) / ROW)];
    return row?.kind === 'lane' ? row.lane : undefined;
  }

  /** The shown entry of `lane` nearest to `x`, within {@link HIT} pixels. */
  private entryAt(lane: number, x: number): number | undefined {
    const entries = this.model.laneEntries[lane] as Uint32Array;
    const t = this.timeAt(x);
    const pad = (HIT / this.width) * (this.viewEnd - this.viewStart);
    let best: number | undefined;
    let bestDistance = Number.POSITIVE_INFINITY;
    for (let k = lowerBound(entries, this.model.time, t - pad); k < entries.length; k++) {
      const i = entries[k] as number;
      const ti = this.model.time[i] as number;
      if (ti > t + pad) break;
      if (this.shown.mask[i] !== 1) continue;
      const distance = Math.abs(ti - t);
      // The latest of marks drawn on one spot is on top.
      if (distance <= bestDistance) {
        best = i;
        bestDistance = distance;
      }
    }
    return best;
  }

  private commitAt(x: number): number | undefined {
    let best: number | undefined;
    let bestDistance = HIT;
    this.model.data.commits.forEach((commit, i) => {
      const distance = Math.abs(this.x(commit.time) - x);
      if (distance <= bestDistance) {
        best = i;
        bestDistance = distance;
      }
    });
    return best;
  }

  // ---------------------------------------------------------------------------------
  // Pointer, wheel and keys

  private listen(): void {
    const canvas = this.canvas;
    canvas.addEventListener('pointerdown', (event) => {
      if (event.button !== 0) return;
      canvas.setPointerCapture(event.pointerId);
      this.drag = { x: event.offsetX, start: this.viewStart, end: this.viewEnd, moved: false };
    });
    canvas.addEventListener('pointermove', (event) => {
      const drag = this.drag;
      if (drag === undefined) {
        this.hover(event);
        return;
      }
      const dx = event.offsetX - drag.x;
      if (Math.abs(dx) > 3) drag.moved = true;
      if (!drag.moved) return;
      const shift = (dx / this.width) * (drag.end - drag.start);
      this.setView(drag.start - shift, drag.end - shift);
      this.tooltip.hidden = true;
    });
    canvas.addEventListener('pointerup', (event) => {
      const drag = this.drag;
      this.drag = undefined;
      if (drag !== undefined && !drag.moved) this.click(event.offsetX, event.offsetY);
    });
    canvas.addEventListener('pointercancel', () => {
      this.drag = undefined;
    });
    canvas.addEventListener('pointerleave', () => {
      this.tooltip.hidden = true;
    });
    canvas.addEventListener('dblclick', (event) => this.zoom(0.5, this.timeAt(event.offsetX)));
    this.axis.addEventListener('click', (event) => {
      const commit = this.commitAt(event.offsetX);
      if (commit !== undefined) this.events.openCommit(commit);
    });
    this.element.addEventListener(
      'wheel',
      (event) => {
        const rect = this.canvas.getBoundingClientRect();
        const x = event.clientX - rect.left;
        if (event.ctrlKey || event.metaKey) {
          event.preventDefault();
          this.zoom(Math.exp(event.deltaY * 0.002), this.timeAt(x));
        } else if (event.shiftKey || Math.abs(event.deltaX) > Math.abs(event.deltaY)) {
          event.preventDefault();
          const delta = event.shiftKey && event.deltaX === 0 ? event.deltaY : event.deltaX;
          const shift = (delta / this.width) * (this.viewEnd - this.viewStart);
          this.setView(this.viewStart + shift, this.viewEnd + shift);
        }
      },
      { passive: false },
    );
    this.lanesBox.addEventListener('scroll', () => this.invalidate(), { passive: true });
    canvas.addEventListener('focus', () => {
      if (this.cursor === -1) this.cursor = this.firstInView();
      this.announce();
      this.invalidate();
    });
    canvas.addEventListener('blur', () => this.invalidate());
    canvas.addEventListener('keydown', (event) => this.key(event));
  }

  private click(x: number, y: number): void {
    const lane = this.laneAt(y);
    const entry = lane === undefined ? undefined : this.entryAt(lane, x);
    if (entry !== undefined) {
      this.cursor = entry;
      this.announce();
      this.events.openEntry(entry);
      return;
    }
    const commit = this.commitAt(x);
    if (commit !== undefined) this.events.openCommit(commit);
  }

  private hover(event: PointerEvent): void {
    const lane = this.laneAt(event.offsetY);
    const entry = lane === undefined ? undefined : this.entryAt(lane, event.offsetX);
    let text: string | undefined;
    if (entry !== undefined) text = this.describe(entry);
    else {
      const commit = this.commitAt(event.offsetX);
      const found = commit === undefined ? undefined : this.model.data.commits[commit];
      if (found !== undefined) {
        text = `commit ${found.sha.slice(0, 10)} · ${formatTime(found.time)}\n${displayLabel(found.subject)}`;
      }
    }
    if (text === undefined) {
      this.tooltip.hidden = true;
      return;
    }
    this.tooltip.textContent = text;
    this.tooltip.hidden = false;
    const box = this.element.getBoundingClientRect();
    const left = Math.min(event.clientX - box.left + 14, box.width - this.tooltip.offsetWidth - 4);
    this.tooltip.style.left = `${Math.max(left, 4)}px`;
    this.tooltip.style.top = `${event.clientY - box.top + 16}px`;
  }

  /** One line about an entry, for the tooltip and the screen reader. */
  describe(entry: number): string {
    const { data } = this.model;
    const session = data.sessions[this.model.lane[entry] as number];
    const event = valueName(data.events[this.model.event[entry] as number], 'no event');
    const tool = data.tools[this.model.tool[entry] as number];
    const agent = session === undefined ? '' : data.agents[session.agent];
    return `${event}${tool ? ` · ${displayLabel(tool)}` : ''} · ${formatTime(this.model.time[entry] as number)}\nsession ${displayLabel(session?.id ?? '', 40)}${agent ? ` (${displayLabel(agent)})` : ''}`;
  }

  private key(event: KeyboardEvent): void {
    const span = this.viewEnd - this.viewStart;
    let handled = true;
    switch (event.key) {
      case 'ArrowRight':
      case 'ArrowLeft': {
        const dir = event.key === 'ArrowRight' ? 1 : -1;
        if (event.shiftKey)
          this.setView(this.viewStart + dir * span * 0.2, this.viewEnd + dir * span * 0.2);
        else this.moveInLane(dir);
        break;
      }
      case 'ArrowDown':
      case 'ArrowUp':
        this.moveLane(event.key === 'ArrowDown' ? 1 : -1);
        break;
      case 'Home':
      case 'End':
        this.moveToEnd(event.key === 'End');
        break;
      case 'Enter':
      case ' ':
        if (this.cursor !== -1) this.events.openEntry(this.cursor);
        break;
      case '+':
      case '=':
        this.zoomAtFocus(0.5);
        break;
      case '-':
      case '_':
        this.zoomAtFocus(2);
        break;
      case '0':
        this.fit();
        break;
      default:
        handled = false;
    }
    if (handled) event.preventDefault();
  }

  private focusEntry(entry: number): void {
    this.cursor = entry;
    this.reveal(entry);
    this.announce();
    this.invalidate();
  }

  /** Pans and scrolls so that `entry` is in sight. */
  private reveal(entry: number): void {
    const t = this.model.time[entry] as number;
    const span = this.viewEnd - this.viewStart;
    if (t < this.viewStart + span * 0.02 || t > this.viewEnd - span * 0.02) {
      this.setView(t - span / 2, t + span / 2);
    }
    const y = (this.rowOfLane[this.model.lane[entry] as number] as number) * ROW;
    const box = this.lanesBox;
    if (y < box.scrollTop) box.scrollTop = Math.max(0, y - ROW);
    else if (y + ROW > box.scrollTop + box.clientHeight)
      box.scrollTop = y + 2 * ROW - box.clientHeight;
  }

  private positionInLane(entry: number): number {
    const entries = this.model.laneEntries[this.model.lane[entry] as number] as Uint32Array;
    let k = lowerBound(entries, this.model.time, this.model.time[entry] as number);
    while (k < entries.length && entries[k] !== entry) k++;
    return k;
  }

  private moveInLane(dir: 1 | -1): void {
    if (this.cursor === -1) {
      const first = this.firstInView();
      if (first !== -1) this.focusEntry(first);
      return;
    }
    const entries = this.model.laneEntries[this.model.lane[this.cursor] as number] as Uint32Array;
    for (let k = this.positionInLane(this.cursor) + dir; k >= 0 && k < entries.length; k += dir) {
      const i = entries[k] as number;
      if (this.shown.mask[i] === 1) {
        this.focusEntry(i);
        return;
      }
    }
  }

  private moveToEnd(last: boolean): void {
    const lane =
      this.cursor === -1 ? this.firstLane(0, 1) : (this.model.lane[this.cursor] as number);
    if (lane === undefined) return;
    const entries = this.model.laneEntries[lane] as Uint32Array;
    const order = last ? [...entries].reverse() : entries;
    for (const i of order) {
      if (this.shown.mask[i] === 1) {
        this.focusEntry(i);
        return;
      }
    }
  }

  private moveLane(dir: 1 | -1): void {
    if (this.cursor === -1) {
      const first = this.firstInView();
      if (first !== -1) this.focusEntry(first);
      return;
    }
    const from = this.model.lane[this.cursor] as number;
    const lane = this.firstLane(from + dir, dir);
    if (lane === undefined) return;
    const nearest = this.nearestShown(lane, this.model.time[this.cursor] as number);
    if (nearest !== undefined) this.focusEntry(nearest);
  }

  /** The first lane from `from` on (in `dir`) that shows any entry. */
  private firstLane(from: number, dir: 1 | -1): number | undefined {
    for (let lane = from; lane >= 0 && lane < this.model.laneEntries.length; lane += dir) {
      if ((this.shown.perLane[lane] as number) > 0) return lane;
    }
    return undefined;
  }

  private nearestShown(lane: number, t: number): number | undefined {
    const entries = this.model.laneEntries[lane] as Uint32Array;
    const at = lowerBound(entries, this.model.time, t);
    for (let d = 0; d <= entries.length; d++) {
      const candidates = [at - 1 - d, at + d]
        .filter((k) => k >= 0 && k < entries.length)
        .map((k) => entries[k] as number)
        .filter((i) => this.shown.mask[i] === 1)
        .sort(
          (a, b) =>
            Math.abs((this.model.time[a] as number) - t) -
            Math.abs((this.model.time[b] as number) - t),
        );
      if (candidates.length > 0) return candidates[0];
    }
    return undefined;
  }

  /** The earliest shown entry in sight in the topmost lane that has one (-1: none). */
  private firstInView(): number {
    for (let lane = 0; lane < this.model.laneEntries.length; lane++) {
      if ((this.shown.perLane[lane] as number) === 0) continue;
      const nearest = this.nearestShown(lane, this.viewStart);
      if (nearest !== undefined) return nearest;
    }
    return -1;
  }

  private announce(): void {
    if (this.cursor === -1) {
      this.status.textContent = 'No entry is shown.';
      return;
    }
    const entries = this.model.laneEntries[this.model.lane[this.cursor] as number] as Uint32Array;
    const k = this.positionInLane(this.cursor);
    let before = 0;
    for (let j = 0; j < k; j++) if (this.shown.mask[entries[j] as number] === 1) before++;
    const inLane = this.shown.perLane[this.model.lane[this.cursor] as number] as number;
    this.status.textContent = `${this.describe(this.cursor).replace('\n', ', ')}, entry ${formatCount(before + 1)} of ${formatCount(inLane)} in this session`;
  }
}

/** `(no agent)` for the empty value, `(other …)` for the bucket of the rest. */
export function agentName(value: string | null | undefined): string {
  return valueName(value, 'no agent');
}

/** A facet value for people. */
export function valueName(value: string | null | undefined, none: string): string {
  if (value === null) return '(other values)';
  if (value === undefined || value === '') return `(${none})`;
  return displayLabel(value);
}

/** The palette and theme colours, from the page's CSS (light or dark). */
function readColours(): Colours {
  const style = getComputedStyle(document.documentElement);
  const get = (name: string) => style.getPropertyValue(name).trim() || '#888';
  const slots: string[] = [];
  for (let i = 0; i < PALETTE_SIZE; i++) slots.push(get(`--c${i}`));
  slots[OTHER_COLOUR] = get('--c-other');
  slots[NONE_COLOUR] = get('--c-none');
  return {
    background: get('--bg'),
    laneAlt: get('--lane-alt'),
    group: get('--group-bg'),
    grid: get('--grid'),
    text: get('--fg'),
    muted: get('--muted'),
    commit: get('--commit'),
    focus: get('--focus'),
    select: get('--select'),
    slots,
  };
}
