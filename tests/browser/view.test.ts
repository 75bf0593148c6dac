// `audit-hooks view` in a real browser: Debian's Chromium, headless, driven by
// playwright-core. The page is written by the built CLI from a fixture trail in the v2
// layout, then used as a person would: look, filter, click, type.
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, openPage, type PageLog } from '../helpers/browser.js';
import { tempDir } from '../helpers/git-repo.js';
import {
  FAKE_TOKEN,
  type FixtureEntry,
  HOSTILE,
  makeViewFixture,
  type ViewFixture,
} from '../helpers/view-fixture.js';

let fixture: ViewFixture;
let file: string;
let browser: Browser;
let opened: { page: Page; log: PageLog; close(): Promise<void> } | undefined;

beforeAll(async () => {
  fixture = makeViewFixture();
  file = join(tempDir(), 'view.html');
  const run = fixture.repo.cli(['view', '--no-open', '--out', file]);
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  fixture?.repo.cleanup();
});

afterEach(async () => {
  await opened?.close();
  opened = undefined;
});

async function open(colorScheme: 'light' | 'dark' = 'light') {
  opened = await openPage(browser, file, { width: 1280, height: 800 }, colorScheme);
  return opened;
}

const byId = (id: string) => fixture.entries.find((entry) => entry.id === id) as FixtureEntry;
const where = (test: (entry: FixtureEntry) => boolean) => fixture.entries.filter(test);

/** Where the mark of `entry` is drawn: its lane's row, its instant on the time axis. */
async function markPoint(page: Page, entry: FixtureEntry): Promise<{ x: number; y: number }> {
  return page.evaluate(
    ({ session, instant }) => {
      const timeline = document.querySelector('.timeline') as HTMLElement;
      const canvas = (timeline.querySelector('canvas.marks') as Element).getBoundingClientRect();
      const lane = (
        timeline.querySelector(`li.lane[data-session="${CSS.escape(session)}"]`) as Element
      ).getBoundingClientRect();
      const start = Number(timeline.dataset.viewStart);
      const end = Number(timeline.dataset.viewEnd);
      return {
        x: canvas.left + ((instant - start) / (end - start)) * canvas.width,
        y: lane.top + lane.height / 2,
      };
    },
    { session: entry.session_id, instant: Date.parse(entry.timestamp) },
  );
}

async function clickMark(page: Page, entry: FixtureEntry): Promise<void> {
  const { x, y } = await markPoint(page, entry);
  await page.mouse.click(x, y);
}

const shownEntry = (page: Page) =>
  page.locator('.detail').evaluate((detail: HTMLElement) => detail.dataset.entry ?? '');
const shownJson = (page: Page) => page.locator('.detail pre.json').textContent();
const attribute = (page: Page, selector: string, name: string) =>
  page.locator(selector).evaluate((el, key) => el.getAttribute(key), name);

describe('audit-hooks view in Chromium', () => {
  it('loads with no console error and no request, one lane per session and a mark per entry', async () => {
    const { page, log } = await open();

    expect(await attribute(page, '.timeline', 'data-lanes')).toBe('4');
    expect(await attribute(page, '.timeline', 'data-entries')).toBe(String(fixture.entries.length));
    expect(await attribute(page, '.timeline', 'data-shown')).toBe(String(fixture.entries.length));
    // Lanes grouped by agent (alphabetical, no agent last), each with its entry count.
    const lanes = await page
      .locator('li.lane')
      .evaluateAll((items) =>
        items.map((li) => [(li as HTMLElement).dataset.session, (li as HTMLElement).dataset.shown]),
      );
    expect(lanes).toEqual(
      ['claude-a1', 'claude-b2', 'codex-c3', 'person-d4'].map((session) => [
        session,
        String(where((entry) => entry.session_id === session).length),
      ]),
    );
    expect(await page.locator('li.group.agent').allTextContents()).toEqual([
      'claude-code · 2 sessions',
      'codex · 1 session',
      '(no agent) · 1 session',
    ]);
    // Commits, newest first, each with the number of entries that belong to it.
    const commits = await page
      .locator('button.commit')
      .evaluateAll((buttons) =>
        buttons.map((b) => [
          (b as HTMLElement).dataset.sha,
          b.querySelector('.commit-count')?.textContent,
        ]),
      );
    expect(commits).toEqual(
      ['Fix the lexer', 'Add the parser', 'initial'].map((subject) => {
        const commit = fixture.commits.get(subject) as { sha: string; ids: string[] };
        return [commit.sha, String(commit.ids.length)];
      }),
    );
    expect(log.errors).toEqual([]);
    expect(log.requests).toEqual([]);
  });

  it('a click on a mark shows that entry as stored, indented, live ones redacted', async () => {
    const { page, log } = await open();
    const bash = where((e) => e.session_id === 'codex-c3' && e.event === 'tool_call')[0];
    await clickMark(page, bash as FixtureEntry);

    await expect.poll(() => shownEntry(page)).toBe(bash?.id);
    // Indented two spaces a level, as JSON.stringify would (for a line that needs no care).
    expect(await shownJson(page)).toBe(JSON.stringify(bash, null, 2));

    // A live entry is shown as the history will hold it: its secret redacted.
    const secret = byId(fixture.live[0] as string);
    await clickMark(page, secret);
    await expect.poll(() => shownEntry(page)).toBe(secret.id);
    const redacted = (await shownJson(page)) ?? '';
    expect(redacted).not.toContain(FAKE_TOKEN);
    expect(redacted).toContain('[REDACTED:');

    // What is stored is what is shown: 1.50 stays 1.50, a big integer is not rounded,
    // and a bidi override is shown as an escape instead of reordering the text.
    const faithful = byId(fixture.live[1] as string);
    await clickMark(page, faithful);
    await expect.poll(() => shownEntry(page)).toBe(faithful.id);
    const stored = (await shownJson(page)) ?? '';
    expect(stored).toContain('"cost": 1.50,');
    expect(stored).toContain('"tokens": 12345678901234567890,');
    expect(stored).toContain('"output": "ok \\u202egnp.exe"');
    expect(log.errors).toEqual([]);
  });

  it('shows a hostile value as text and runs nothing of it', async () => {
    const { page, log } = await open();
    const title = await page.title();
    const hostile = where((e) => e.tool === HOSTILE)[0] as FixtureEntry;
    await clickMark(page, hostile);

    await expect.poll(() => shownEntry(page)).toBe(hostile.id);
    expect(JSON.parse((await shownJson(page)) ?? '')).toEqual(hostile);
    await page.locator('details[data-facet="tool"] summary').click();
    expect(
      await page.locator('details[data-facet="tool"] .facet-value').allTextContents(),
    ).toContain(HOSTILE);
    expect(await page.locator('.detail dd', { hasText: '</script>' }).textContent()).toBe(HOSTILE);
    expect(await page.locator('img').count()).toBe(0);
    expect(await page.title()).toBe(title);
    expect(log.errors).toEqual([]);
    expect(log.requests).toEqual([]);
  });

  it('filters by event, agent and text hide exactly the marks that do not match', async () => {
    const { page } = await open();
    const total = fixture.entries.length;
    const calls = where((e) => e.event === 'tool_call');
    const events = page.locator('details[data-facet="event"]');
    await events.locator('summary').click();
    await events
      .locator('label', { hasText: /^tool_call/ })
      .locator('input')
      .uncheck();

    expect(await attribute(page, '.timeline', 'data-shown')).toBe(String(total - calls.length));
    expect(await attribute(page, 'li.lane[data-session="codex-c3"]', 'data-shown')).toBe(
      String(where((e) => e.session_id === 'codex-c3' && e.event !== 'tool_call').length),
    );
    // Where a hidden mark was, a click finds nothing.
    await page.keyboard.press('Escape');
    const hidden = calls.find((e) => e.session_id === 'codex-c3') as FixtureEntry;
    await clickMark(page, hidden);
    expect(await page.locator('.detail h2').textContent()).toBe('Details');
    await events.locator('summary').click();
    await events.getByRole('button', { name: 'All' }).click();
    expect(await attribute(page, '.timeline', 'data-shown')).toBe(String(total));

    const agents = page.locator('details[data-facet="agent"]');
    await agents.locator('summary').click();
    await agents
      .locator('label', { hasText: /^codex/ })
      .locator('input')
      .uncheck();
    expect(await attribute(page, '.timeline', 'data-shown')).toBe(
      String(where((e) => e.agent !== 'codex').length),
    );
    expect(await attribute(page, 'li.lane[data-session="codex-c3"]', 'data-shown')).toBe('0');
    await agents.getByRole('button', { name: 'All' }).click();

    await page.getByRole('searchbox', { name: 'Filter entries by text' }).fill('readme.MD');
    await expect.poll(() => attribute(page, '.timeline', 'data-shown')).toBe('1');
  });

  it('works from the keyboard: Tab to the timeline, arrows between marks, Enter opens', async () => {
    const { page } = await open();
    await page.getByRole('searchbox').focus();
    for (let i = 0; i < 20; i++) {
      if (await page.evaluate(() => document.activeElement?.matches('canvas.marks'))) break;
      await page.keyboard.press('Tab');
    }
    expect(await page.evaluate(() => document.activeElement?.getAttribute('role'))).toBe(
      'application',
    );
    const a1 = where((e) => e.session_id === 'claude-a1');
    const b2 = where((e) => e.session_id === 'claude-b2');
    // Focus starts on the first entry of the first lane; the status line says which.
    const status = page.getByRole('status').filter({ hasText: 'in this session' });
    await expect.poll(() => status.textContent()).toContain('session_start');
    await expect.poll(() => status.textContent()).toContain(`entry 1 of ${a1.length}`);
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => status.textContent()).toContain(`entry 2 of ${a1.length}`);
    await page.keyboard.press('Enter');
    await expect.poll(() => shownEntry(page)).toBe(a1[1]?.id);
    // Down: the next session's entry nearest in time.
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await expect.poll(() => shownEntry(page)).toBe(b2[0]?.id);
    await page.keyboard.press('End');
    await page.keyboard.press('Enter');
    await expect.poll(() => shownEntry(page)).toBe(b2.at(-1)?.id);
    expect(await page.evaluate(() => document.activeElement?.matches('canvas.marks'))).toBe(true);
  });

  it('zooms and pans with keys, buttons, the wheel and dragging', async () => {
    const { page } = await open();
    const view = async () => {
      const [start, end] = await page
        .locator('.timeline')
        .evaluate((el: HTMLElement) => [Number(el.dataset.viewStart), Number(el.dataset.viewEnd)]);
      return {
        start: start as number,
        end: end as number,
        span: (end as number) - (start as number),
      };
    };
    const fit = await view();
    await page.getByRole('button', { name: 'Zoom in' }).click();
    expect((await view()).span).toBeCloseTo(fit.span / 2, 0);
    await page.locator('canvas.marks').focus();
    await page.keyboard.press('0');
    expect(await view()).toEqual(fit);

    const canvas = await page.locator('canvas.marks').boundingBox();
    if (canvas === null) throw new Error('no canvas');
    await page.mouse.move(canvas.x + canvas.width / 2, canvas.y + 40);
    await page.keyboard.down('Control');
    await page.mouse.wheel(0, -500);
    await page.keyboard.up('Control');
    await expect.poll(async () => (await view()).span).toBeLessThan(fit.span / 2);
    const zoomed = await view();
    await page.mouse.down();
    await page.mouse.move(canvas.x + canvas.width / 2 + 200, canvas.y + 40, { steps: 5 });
    await page.mouse.up();
    const panned = await view();
    expect(panned.span).toBeCloseTo(zoomed.span, 3);
    expect(panned.start).toBeLessThan(zoomed.start);
  });

  it('shows a commit with the entries of its batch, and each opens', async () => {
    const { page } = await open();
    const parser = fixture.commits.get('Add the parser') as { sha: string; ids: string[] };
    await page.locator(`button.commit[data-sha="${parser.sha}"]`).click();

    expect(await attribute(page, '.detail', 'data-commit')).toBe(parser.sha);
    const listed = page.locator('.detail .commit-entries button');
    expect(await listed.count()).toBe(parser.ids.length);
    // Zoomed to them: every one of its entries is in sight.
    const { start, end } = await page.locator('.timeline').evaluate((el: HTMLElement) => ({
      start: Number(el.dataset.viewStart),
      end: Number(el.dataset.viewEnd),
    }));
    for (const id of parser.ids) {
      const instant = Date.parse(byId(id).timestamp);
      expect(instant).toBeGreaterThanOrEqual(start);
      expect(instant).toBeLessThanOrEqual(end);
    }
    await listed.first().click();
    await expect.poll(() => shownEntry(page)).not.toBe('');
    expect(parser.ids).toContain(await shownEntry(page));
    // And the entry links back to its commit.
    await page.locator(`.detail button[data-sha="${parser.sha}"]`).click();
    expect(await attribute(page, '.detail', 'data-commit')).toBe(parser.sha);
  });

  it('is readable in dark mode', async () => {
    const { page, log } = await open('dark');
    const colours = await page.evaluate(() => {
      const canvas = document.querySelector('canvas.marks') as HTMLCanvasElement;
      const pixel = (canvas.getContext('2d') as CanvasRenderingContext2D).getImageData(
        2,
        2,
        1,
        1,
      ).data;
      return {
        body: getComputedStyle(document.body).backgroundColor,
        text: getComputedStyle(document.body).color,
        canvas: [pixel[0], pixel[1], pixel[2]],
      };
    });
    expect(colours.body).toBe('rgb(13, 17, 23)');
    expect(colours.text).toBe('rgb(230, 237, 243)');
    expect(Math.max(...(colours.canvas as number[]))).toBeLessThan(60);
    expect(log.errors).toEqual([]);
  });
});
