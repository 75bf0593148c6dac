/// <reference lib="dom" />
// The details panel: the whole entry (its stored line, indented), or a commit and its entries.
import { formatCount, h } from './dom.js';
import { displayLabel, formatJson } from './format-json.js';
import type { Model } from './model.js';
import { formatTime } from './time-scale.js';
import { agentName, valueName } from './timeline.js';

/** Entries listed under a commit; the rest are counted. */
const MAX_LISTED = 300;

export interface DetailEvents {
  openEntry(entry: number): void;
  openCommit(commit: number): void;
  zoomToCommit(commit: number): void;
}

export class Detail {
  readonly element: HTMLElement;
  private readonly body: HTMLElement;
  /** The entry (or -1) whose details are shown. */
  private shown = -1;

  constructor(
    private readonly model: Model,
    private readonly events: DetailEvents,
  ) {
    this.body = h('div', { class: 'detail-body' });
    this.element = h('section', { class: 'detail', 'aria-label': 'Details' }, this.body);
    this.clear();
  }

  clear(): void {
    this.shown = -1;
    delete this.element.dataset.entry;
    delete this.element.dataset.commit;
    this.body.replaceChildren(
      h('h2', {}, 'Details'),
      h(
        'p',
        { class: 'hint' },
        'Click a mark (or focus the timeline and press Enter) to see the whole entry; click a commit line or a commit below to see its entries.',
      ),
    );
  }

  showEntry(entry: number): void {
    const { model } = this;
    const { data } = model;
    const session = data.sessions[model.lane[entry] as number];
    const worktree = session === undefined ? undefined : data.worktrees[session.worktree];
    const tool = data.tools[model.tool[entry] as number];
    const t = model.time[entry] as number;
    const facts = h('dl', { class: 'facts' });
    const fact = (term: string, ...value: Array<Node | string>) =>
      facts.append(h('dt', {}, term), h('dd', {}, ...value));
    fact('Time', `${formatTime(t)} (local)`, h('br'), new Date(t).toISOString());
    fact('Session', displayLabel(session?.id ?? '', 64));
    fact('Agent', agentName(session === undefined ? undefined : data.agents[session.agent]));
    if (worktree !== undefined) {
      fact(
        'Worktree',
        `${displayLabel(worktree.label)}${worktree.branch ? ` · ${displayLabel(worktree.branch)}` : ''}`,
      );
    }
    fact('Event', valueName(data.events[model.event[entry] as number], 'none'));
    if (tool) fact('Tool', valueName(tool, 'none'));
    for (const c of model.commitsOf(entry)) {
      const commit = data.commits[c];
      if (commit === undefined) continue;
      const button = h(
        'button',
        { type: 'button', class: 'link', 'data-sha': commit.sha },
        `${commit.sha.slice(0, 10)} ${displayLabel(commit.subject, 60)}`,
      );
      button.addEventListener('click', () => this.events.openCommit(c));
      fact('Commit', button);
    }
    const json = h(
      'pre',
      { class: 'json', tabindex: 0, 'aria-label': 'The entry as stored, indented' },
      'Unpacking the entries…',
    );
    delete this.element.dataset.entry;
    delete this.element.dataset.commit;
    this.shown = entry;
    this.body.replaceChildren(h('h2', {}, 'Entry'), facts, json);
    // The lines are unpacked after the first paint; a click before that waits for them.
    const fill = (lines: string[]) => {
      if (this.shown !== entry) return;
      const line = lines[entry] ?? '';
      json.textContent = formatJson(line);
      this.element.dataset.entry = idOf(line);
    };
    const lines = model.lines();
    if (lines !== undefined) fill(lines);
    else void model.loadLines().then(fill);
  }

  showCommit(c: number): void {
    const { data } = this.model;
    const commit = data.commits[c];
    if (commit === undefined) return;
    const facts = h('dl', { class: 'facts' });
    const fact = (term: string, ...value: Array<Node | string>) =>
      facts.append(h('dt', {}, term), h('dd', {}, ...value));
    fact('Commit', h('code', {}, commit.sha));
    fact('Time', formatTime(commit.time));
    if (commit.branch) fact('Branch', displayLabel(commit.branch));
    fact('Entries', formatCount(commit.entries.length));
    const zoom = h('button', { type: 'button' }, 'Zoom to its entries');
    zoom.addEventListener('click', () => this.events.zoomToCommit(c));
    const list = h('ol', { class: 'commit-entries', 'aria-label': 'Its entries' });
    for (const i of commit.entries.slice(0, MAX_LISTED)) {
      const event = valueName(data.events[this.model.event[i] as number], 'no event');
      const tool = data.tools[this.model.tool[i] as number];
      const session = data.sessions[this.model.lane[i] as number];
      const button = h(
        'button',
        { type: 'button', class: 'link', 'data-entry-index': i },
        `${formatTime(this.model.time[i] as number).slice(11)} ${event}${tool ? ` · ${displayLabel(tool, 30)}` : ''} · ${displayLabel(session?.id ?? '', 12)}`,
      );
      button.addEventListener('click', () => this.events.openEntry(i));
      list.append(h('li', {}, button));
    }
    const more = commit.entries.length - MAX_LISTED;
    this.shown = -1;
    this.element.dataset.commit = commit.sha;
    delete this.element.dataset.entry;
    this.body.replaceChildren(
      h('h2', {}, `Commit ${commit.sha.slice(0, 10)}`),
      h('p', { class: 'subject' }, displayLabel(commit.subject, 300)),
      facts,
      zoom,
      list,
      ...(more > 0 ? [h('p', { class: 'hint' }, `… and ${formatCount(more)} more`)] : []),
    );
  }
}

/** The `id` of a stored line ('' if it has none). */
function idOf(line: string): string {
  try {
    const id = (JSON.parse(line) as { id?: unknown }).id;
    return typeof id === 'string' ? id : '';
  } catch {
    return '';
  }
}
