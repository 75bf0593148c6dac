// View cost (SPEC §16, issue 16): `audit-hooks view` of 100,000 entries must paint its
// timeline within 2 s in headless Chromium here, and stay responsive. Builds two trails in
// the v2 layout (batch files added by commits, 1% still live), writes each view with the
// built CLI, opens it in Debian's Chromium (playwright-core) and reads the page's own
// `audit-hooks:first-paint` mark (navigation start → the frame after the first draw).
// Standalone: `npm run build && node bench/view.mjs` prints a table.
//
// Environment (all optional):
//   VIEW_BENCH_SIZES  entry counts, the first one the reference (default `1k,100k`)
//   VIEW_BENCH_RUNS   page loads per size, median reported (default 5)
//   CHROMIUM          the browser (default /usr/bin/chromium)
//   BENCH_STRICT=1    exit 1 when the target is missed
import { execFileSync } from 'node:child_process';
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { count, markdownTable, megabytes } from './format.mjs';
import { BIN, identityEnv, makeRepo, removeRepo, requireBuild } from './repo.mjs';
import { median } from './timing.mjs';

/** First paint of 100k entries, in ms. */
export const VIEW_TARGET_MS = 2000;

const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const AGENTS = ['claude-code', 'codex', 'gemini', 'cursor', 'copilot'];
const EVENTS = [
  ['tool_call', 40],
  ['tool_result', 38],
  ['prompt', 8],
  ['permission_request', 5],
  ['tool_failure', 3],
  ['session_start', 2],
  ['stop', 2],
  ['compact', 1],
  ['commit', 1],
];
const TOOLS = [
  'Bash',
  'Edit',
  'Read',
  'Write',
  'Grep',
  'Glob',
  'WebFetch',
  'Task',
  'mcp__github__pr',
];

/**
 * A repository whose trail holds `n` entries of 20 sessions (5 agents) over one working day:
 * 99% in batch files that 50 commits added, 1% in live shards.
 */
export function makeTrail(n) {
  const root = makeRepo({ commit: false });
  const env = identityEnv();
  const git = (args, extra = {}) =>
    execFileSync('git', args, { cwd: root, env: { ...env, ...extra }, stdio: 'ignore' });
  const day = '2026-11-24';
  const start = Date.parse(`${day}T08:00:00.000Z`);
  const span = 9 * 3600_000;
  const sessions = Array.from({ length: 20 }, (_, i) => ({
    id: `${AGENTS[i % 5]}-${(i * 7919).toString(16).padStart(6, '0')}`,
    agent: AGENTS[i % 5],
    seq: 0,
  }));
  const weights = EVENTS.reduce((sum, [, w]) => sum + w, 0);
  let seed = 42;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const lines = [];
  for (let i = 0; i < n; i++) {
    const session = sessions[Math.floor(random() * sessions.length)];
    let pick = random() * weights;
    let event = 'tool_call';
    for (const [name, weight] of EVENTS) {
      pick -= weight;
      if (pick < 0) {
        event = name;
        break;
      }
    }
    const instant = start + Math.floor((i / n) * span);
    const entry = {
      id: `00000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`,
      timestamp: new Date(instant).toISOString(),
      session_id: session.id,
      seq: ++session.seq,
      agent: session.agent,
      event,
      ...(event.startsWith('tool') ? { tool: TOOLS[Math.floor(random() * TOOLS.length)] } : {}),
      input: {
        command: `npm test -- --run tests/unit/parser-${i % 97}.test.ts`,
        cwd: 'packages/core',
      },
      model: 'model-x',
    };
    lines.push({ instant, line: JSON.stringify(entry) });
  }
  const live = lines.splice(Math.floor(lines.length * 0.99));
  const commits = 50;
  const per = Math.ceil(lines.length / commits);
  mkdirSync(join(root, 'logs', 'history', day), { recursive: true });
  for (let c = 0; c * per < lines.length; c++) {
    const batch = lines.slice(c * per, (c + 1) * per);
    const last = batch.at(-1);
    const name = `${new Date(last.instant).toISOString().replace(/[-:.]/g, '')}-${String(c).padStart(8, '0')}.jsonl`;
    writeFileSync(
      join(root, 'logs', 'history', day, name),
      batch.map((item) => `${item.line}\n`).join(''),
    );
    git(['add', '-f', 'logs/history']);
    const date = new Date(last.instant + 30_000).toISOString();
    git(['commit', '-q', '-m', `Change ${c + 1}`], {
      GIT_AUTHOR_DATE: date,
      GIT_COMMITTER_DATE: date,
    });
  }
  mkdirSync(join(root, 'logs', 'active'), { recursive: true });
  writeFileSync(join(root, 'logs', 'active', '.gitignore'), '*\n');
  writeFileSync(
    join(root, 'logs', 'active', `20261124T160000_${sessions[0].id}.jsonl`),
    live.map((item) => `${item.line}\n`).join(''),
  );
  return root;
}

/** Writes the view of the trail at `root` with the built CLI: its file, size and time. */
export function writeViewFile(root) {
  const file = join(root, 'view.html');
  const started = performance.now();
  execFileSync(process.execPath, [BIN, 'view', '--no-open', '--out', file], {
    cwd: root,
    env: identityEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return { file, ms: performance.now() - started, bytes: statSync(file).size };
}

/** Loads the page `runs` times: first paint (ms) of each, and a zoom and a text filter. */
export async function measurePage(browser, file, runs) {
  const url = pathToFileURL(file).href;
  const paints = [];
  const interactions = { zoom: [], filter: [] };
  for (let run = 0; run < runs; run++) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (error) => errors.push(String(error)));
    await page.goto(url);
    const paint = await page.waitForFunction(() => {
      const [mark] = performance.getEntriesByName('audit-hooks:first-paint');
      return mark?.startTime;
    });
    paints.push(await paint.jsonValue());
    // Interactions: the time from the input to the frame after the redraw.
    const zoom = await page.evaluate(async () => {
      const canvas = document.querySelector('canvas.marks');
      const box = canvas.getBoundingClientRect();
      const t0 = performance.now();
      canvas.dispatchEvent(
        new WheelEvent('wheel', {
          deltaY: -300,
          ctrlKey: true,
          clientX: box.left + box.width / 2,
          clientY: box.top + 20,
          bubbles: true,
          cancelable: true,
        }),
      );
      await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
      return performance.now() - t0;
    });
    const filter = await page.evaluate(async () => {
      const input = document.querySelector('input[type=search]');
      input.value = 'parser-42';
      const t0 = performance.now();
      input.dispatchEvent(new Event('input', { bubbles: true }));
      // The field waits 150 ms for more typing; count from then.
      await new Promise((resolve) => {
        const timeline = document.querySelector('.timeline');
        const seen = new MutationObserver(() => {
          seen.disconnect();
          requestAnimationFrame(() => requestAnimationFrame(resolve));
        });
        seen.observe(timeline, { attributes: true, attributeFilter: ['data-shown'] });
      });
      return performance.now() - t0 - 150;
    });
    interactions.zoom.push(zoom);
    interactions.filter.push(filter);
    if (errors.length > 0) throw new Error(`the page failed: ${errors.join('; ')}`);
    await context.close();
  }
  return {
    paint: median(paints),
    zoom: median(interactions.zoom),
    filter: median(interactions.filter),
  };
}

/** The whole benchmark: one result per size, the ratio to the first size, and the target. */
export async function benchView({ sizes = [1000, 100_000], runs = 5, log = () => {} } = {}) {
  requireBuild();
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
  const results = [];
  try {
    for (const n of sizes) {
      log(`view: ${n.toLocaleString('en-US')} entries`);
      const root = makeTrail(n);
      try {
        const written = writeViewFile(root);
        const page = await measurePage(browser, written.file, runs);
        results.push({ n, written, ...page });
      } finally {
        removeRepo(root);
      }
    }
  } finally {
    await browser.close();
  }
  const largest = results.at(-1);
  return {
    results,
    ratio: largest.paint / results[0].paint,
    target: VIEW_TARGET_MS,
    met: largest.paint <= VIEW_TARGET_MS,
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const sizes = (process.env.VIEW_BENCH_SIZES ?? '1k,100k').split(',').filter(Boolean).map(count);
  const runs = count(process.env.VIEW_BENCH_RUNS ?? '5');
  const log = (text) => process.stderr.write(`${text}\n`);
  const bench = await benchView({ sizes, runs, log });
  const ms = (value) => `${Math.round(value)} ms`;
  const rows = bench.results.map((result) => [
    result.n.toLocaleString('en-US'),
    ms(result.paint),
    `${(result.paint / bench.results[0].paint).toFixed(2)}×`,
    ms(result.zoom),
    ms(result.filter),
    megabytes(result.written.bytes),
    ms(result.written.ms),
  ]);
  process.stdout.write(
    `${markdownTable(
      [
        'entries',
        'first paint',
        'vs first size',
        'zoom step',
        'text filter',
        'HTML',
        '`view` command',
      ],
      rows,
    )}\n\nfirst paint of ${bench.results.at(-1).n.toLocaleString('en-US')} entries: ${ms(bench.results.at(-1).paint)} (target ≤ ${VIEW_TARGET_MS} ms: ${bench.met ? 'met' : 'MISSED'}); ${bench.ratio.toFixed(2)}× the first size\n`,
  );
  if (process.env.BENCH_STRICT === '1' && !bench.met) process.exitCode = 1;
}
