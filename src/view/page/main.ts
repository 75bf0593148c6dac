/// <reference lib="dom" />
// The page of `audit-hooks view`: reads the data inlined by the command, builds the
// controls, the timeline and the details panel, and draws once before anything else.
import type { FacetValues, ViewData } from '../view-data.js';
import { Detail } from './detail.js';
import { byId, formatCount, h } from './dom.js';
import { displayLabel } from './format-json.js';
import {
  applyFilter,
  createModel,
  type Facet,
  type Filter,
  NONE_COLOUR,
  OTHER_COLOUR,
  prepareTextFilter,
  showAll,
} from './model.js';
import { formatDuration, formatRange, formatTime } from './time-scale.js';
import { agentName, Timeline, valueName } from './timeline.js';

/** Commits listed in the side panel, newest first; the rest are counted. */
const MAX_COMMITS_LISTED = 1000;

const data = JSON.parse(byId('audit-data').textContent ?? 'null') as ViewData;
const model = createModel(data, readLines);

/** The entries' lines: gzip, then base64, inside the page (see render-page.ts). */
async function readLines(): Promise<string[]> {
  if (data.dt.length === 0) return [];
  const base64 = byId('audit-lines').textContent ?? '';
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  const text = await new Response(
    new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip')),
  ).text();
  return text.split('\n');
}
const filter: Filter = showAll(data);
let colourBy: 'event' | 'tool' = 'event';

const detail = new Detail(model, {
  openEntry: (entry) => openEntry(entry, true),
  openCommit: (commit) => openCommit(commit),
  zoomToCommit: (commit) => timeline.zoomToCommit(commit),
});
const range = h('span', { class: 'range', 'aria-label': 'Time in sight' });
const timeline = new Timeline(model, applyFilter(model, filter), {
  openEntry: (entry) => openEntry(entry, false),
  openCommit: (commit) => openCommit(commit),
  viewChanged: (start, end) => {
    range.textContent = formatRange(start, end);
  },
});

function openEntry(entry: number, reveal: boolean): void {
  timeline.selectEntry(entry, reveal);
  detail.showEntry(entry);
}

function openCommit(commit: number): void {
  timeline.selectCommit(commit);
  detail.showCommit(commit);
  for (const button of commitList.querySelectorAll('button')) {
    button.setAttribute('aria-pressed', String(button.dataset.index === String(commit)));
  }
}

// -------------------------------------------------------------------------------------
// Toolbar: text, facets, colours, zoom

const shownCount = h('span', { class: 'shown', role: 'status' });
function refilter(): void {
  // A text is looked for in the entries' lines: wait for them if they are still unpacking.
  if (filter.text.trim() !== '' && model.lines() === undefined) {
    void model.loadLines().then(refilter);
    return;
  }
  const shown = applyFilter(model, filter);
  timeline.setShown(shown);
  shownCount.textContent =
    shown.total === model.n
      ? `${formatCount(model.n)} entries`
      : `${formatCount(shown.total)} of ${formatCount(model.n)} entries shown`;
}

const search = h('input', {
  type: 'search',
  class: 'search',
  placeholder: 'Filter by text…',
  'aria-label': 'Filter entries by text',
  spellcheck: 'false',
});
let searchTimer = 0;
search.addEventListener('input', () => {
  clearTimeout(searchTimer);
  searchTimer = window.setTimeout(() => {
    filter.text = search.value;
    refilter();
  }, 150);
});

function facetMenu(
  facet: Facet,
  title: string,
  values: FacetValues,
  counts: number[],
): HTMLElement {
  const flags = filter[facet];
  const state = h('span', { class: 'facet-state' }, 'all');
  const boxes: HTMLInputElement[] = [];
  const update = () => {
    const on = flags.reduce((sum, flag) => sum + flag, 0);
    state.textContent = on === flags.length ? 'all' : `${on} of ${flags.length}`;
    refilter();
  };
  const list = h('ul', { class: 'facet-values' });
  const slots =
    facet === 'event' ? model.eventColour : facet === 'tool' ? model.toolColour : undefined;
  values.forEach((value, i) => {
    const name = facet === 'agent' ? agentName(value) : valueName(value, 'none');
    const box = h('input', { type: 'checkbox', checked: true, 'data-value': value ?? '' });
    box.addEventListener('change', () => {
      flags[i] = box.checked ? 1 : 0;
      update();
    });
    boxes.push(box);
    list.append(
      h(
        'li',
        {},
        h(
          'label',
          {},
          box,
          slots && h('span', { class: `swatch c${slots[i]}`, 'aria-hidden': 'true' }),
          h('span', { class: 'facet-value' }, name),
          h('span', { class: 'facet-count' }, formatCount(counts[i] ?? 0)),
        ),
      ),
    );
  });
  const setAll = (on: boolean) => {
    flags.fill(on ? 1 : 0);
    for (const box of boxes) box.checked = on;
    update();
  };
  const all = h('button', { type: 'button' }, 'All');
  all.addEventListener('click', () => setAll(true));
  const none = h('button', { type: 'button' }, 'None');
  none.addEventListener('click', () => setAll(false));
  const menu = h(
    'details',
    { class: 'facet', 'data-facet': facet },
    h('summary', {}, `${title} `, state),
    h(
      'div',
      { class: 'facet-menu', role: 'group', 'aria-label': title },
      h('div', { class: 'facet-actions' }, all, none),
      list,
    ),
  );
  menu.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && menu.open) {
      menu.open = false;
      menu.querySelector('summary')?.focus();
    }
  });
  return menu;
}

function countsOf(column: Uint16Array, size: number): number[] {
  const counts = new Array<number>(size).fill(0);
  for (const value of column) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}
const agentCounts = new Array<number>(data.agents.length).fill(0);
for (const lane of model.lane) {
  const agent = data.sessions[lane]?.agent ?? 0;
  agentCounts[agent] = (agentCounts[agent] ?? 0) + 1;
}

const legend = h('ul', { class: 'legend', 'aria-label': 'Colours' });
function drawLegend(): void {
  const values = colourBy === 'event' ? data.events : data.tools;
  const slots = colourBy === 'event' ? model.eventColour : model.toolColour;
  const items: HTMLElement[] = [];
  const seen = new Set<number>();
  values.forEach((value, i) => {
    const slot = slots[i] as number;
    if (seen.has(slot)) return;
    seen.add(slot);
    const name =
      slot === OTHER_COLOUR
        ? '(other values)'
        : slot === NONE_COLOUR
          ? '(none)'
          : valueName(value, 'none');
    items.push(h('li', {}, h('span', { class: `swatch c${slot}`, 'aria-hidden': 'true' }), name));
  });
  legend.setAttribute('aria-label', `Colours by ${colourBy}`);
  legend.replaceChildren(h('li', { class: 'legend-title' }, `Colour by ${colourBy}:`), ...items);
}

const colourSelect = h(
  'select',
  { 'aria-label': 'Colour marks by' },
  h('option', { value: 'event' }, 'Colour by event'),
  h('option', { value: 'tool' }, 'Colour by tool'),
);
colourSelect.addEventListener('change', () => {
  colourBy = colourSelect.value === 'tool' ? 'tool' : 'event';
  timeline.setColourBy(colourBy);
  drawLegend();
});

const zoomButton = (label: string, text: string, act: () => void) => {
  const button = h('button', { type: 'button', 'aria-label': label, title: label }, text);
  button.addEventListener('click', act);
  return button;
};

// -------------------------------------------------------------------------------------
// Commits

const commitList = h('ol', { class: 'commit-list' });
const commitsNewestFirst = data.commits.map((_, i) => i).reverse();
for (const i of commitsNewestFirst.slice(0, MAX_COMMITS_LISTED)) {
  const commit = data.commits[i];
  if (commit === undefined) continue;
  const button = h(
    'button',
    {
      type: 'button',
      class: 'commit',
      'data-sha': commit.sha,
      'data-index': i,
      'aria-pressed': 'false',
    },
    h('code', {}, commit.sha.slice(0, 7)),
    h('span', { class: 'commit-subject' }, displayLabel(commit.subject, 120)),
    h('span', { class: 'commit-count', title: 'entries' }, formatCount(commit.entries.length)),
  );
  button.addEventListener('click', () => {
    openCommit(i);
    timeline.zoomToCommit(i);
  });
  commitList.append(h('li', {}, button));
}
const moreCommits = data.commits.length - MAX_COMMITS_LISTED;

// -------------------------------------------------------------------------------------
// Layout

const first = model.n > 0 ? (model.time[0] as number) : undefined;
const last = model.n > 0 ? (model.time[model.n - 1] as number) : undefined;
const summary =
  first === undefined || last === undefined
    ? 'No entries to show: nothing was logged yet, or nothing matches --since/--session.'
    : `${formatCount(model.n)} entries · ${formatCount(data.sessions.length)} sessions · ${formatCount(data.commits.length)} commits · ${formatTime(first)} – ${formatTime(last)} (${formatDuration(last - first)}) · written ${formatTime(Date.parse(data.generatedAt))}`;

document.body.append(
  h(
    'header',
    { class: 'page-header' },
    h('h1', {}, 'audit-hooks view ', h('span', { class: 'repo' }, displayLabel(data.title))),
    h('p', { class: 'summary' }, summary),
  ),
  h(
    'div',
    { class: 'toolbar', role: 'toolbar', 'aria-label': 'Filters and zoom' },
    search,
    facetMenu('agent', 'Agents', data.agents, agentCounts),
    facetMenu('event', 'Events', data.events, countsOf(model.event, data.events.length)),
    facetMenu('tool', 'Tools', data.tools, countsOf(model.tool, data.tools.length)),
    colourSelect,
    h(
      'div',
      { class: 'zoom', role: 'group', 'aria-label': 'Zoom' },
      zoomButton('Zoom out', '−', () => timeline.zoom(2)),
      zoomButton('Zoom in', '+', () => timeline.zoom(0.5)),
      zoomButton('Show all', 'Fit', () => timeline.fit()),
    ),
    shownCount,
  ),
  h('div', { class: 'legend-row' }, legend, range),
  h(
    'main',
    { class: 'content' },
    model.n === 0 ? h('p', { class: 'empty' }, summary) : timeline.element,
    h(
      'aside',
      { class: 'side' },
      detail.element,
      h(
        'section',
        { class: 'commits', 'aria-label': 'Commits' },
        h('h2', {}, `Commits (${formatCount(data.commits.length)})`),
        data.commits.length === 0
          ? h('p', { class: 'hint' }, 'No commit holds these entries yet.')
          : commitList,
        moreCommits > 0 && h('p', { class: 'hint' }, `… and ${formatCount(moreCommits)} older`),
      ),
    ),
  ),
);
drawLegend();
refilter();
if (model.n > 0) timeline.start();
timeline.element.dataset.state = 'ready';
// First paint: the frame after the first draw is on screen (the benchmark reads this
// mark). Then unpack the entries' lines and, when the page is idle, prepare the text
// filter, so that neither the first click nor the first search waits for them.
requestAnimationFrame(() =>
  requestAnimationFrame(() => {
    performance.mark('audit-hooks:first-paint');
    if (model.n === 0) return;
    void model.loadLines().then(() => {
      const warm = () => prepareTextFilter(model);
      if ('requestIdleCallback' in window) requestIdleCallback(warm, { timeout: 1000 });
      else setTimeout(warm, 100);
    });
  }),
);
