// Headless Chromium for the view's tests and benchmark: Debian's `chromium` (installed by
// .ci/run), driven by playwright-core, isolated from the network and from any profile.
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';

/** The browser to drive: `$CHROMIUM` or Debian's. */
export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

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

/** A browser with a fresh, empty profile (playwright makes a new one for each launch). */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `no Chromium at ${CHROMIUM}: install it (apt-get install chromium) or set CHROMIUM to its path`,
    );
  }
  return chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
}

/** What a page did while it loaded and was used. */
export interface PageLog {
  /** Console messages of type error, and uncaught exceptions. */
  errors: string[];
  /** Every request but the page's own file. */
  requests: string[];
}

/** Opens `file` in a new page of `browser`, recording errors and requests. */
export async function openPage(
  browser: Browser,
  file: string,
  viewport = { width: 1280, height: 800 },
  colorScheme: 'light' | 'dark' = 'light',
): Promise<{ page: Page; log: PageLog; close(): Promise<void> }> {
  const context = await browser.newContext({ viewport, colorScheme, deviceScaleFactor: 1 });
  const page = await context.newPage();
  const url = pathToFileURL(file).href;
  const log: PageLog = { errors: [], requests: [] };
  page.on('console', (message) => {
    if (message.type() === 'error') log.errors.push(message.text());
  });
  page.on('pageerror', (error) => log.errors.push(String(error)));
  page.on('request', (request) => {
    if (request.url() !== url) log.requests.push(request.url());
  });
  await page.goto(url);
  await page.waitForSelector('.timeline[data-state="ready"], .empty', { state: 'attached' });
  return { page, log, close: () => context.close() };
}
