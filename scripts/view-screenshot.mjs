// Writes docs/view.png, the README's picture of `audit-hooks view`: the browser tests'
// fixture trail (tests/helpers/view-fixture.ts, bundled here with esbuild), drawn by the
// built CLI, opened in headless Chromium, with a live entry shown redacted in the details.
// Run with `npm run build && node scripts/view-screenshot.mjs` (needs Debian's chromium).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'audit-hooks-screenshot-'));
try {
  // Inside the project, so that the bundle's imports (playwright-core) resolve.
  const helpers = join(
    root,
    'node_modules',
    '.cache',
    'audit-hooks-view',
    `helpers-${process.pid}.mjs`,
  );
  await build({
    stdin: {
      contents: `export * from './tests/helpers/view-fixture.ts';
export * from './tests/helpers/browser.ts';
export { removeTempDirs } from './tests/helpers/git-repo.ts';`,
      resolveDir: root,
      loader: 'ts',
    },
    bundle: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    outfile: helpers,
    logLevel: 'warning',
  });
  const { makeViewFixture, launchChromium, openPage, removeTempDirs } = await import(
    pathToFileURL(helpers).href
  );
  rmSync(helpers);
  const fixture = makeViewFixture();
  const page = join(work, 'view.html');
  execFileSync(
    process.execPath,
    [join(root, 'dist', 'bin.js'), 'view', '--no-open', '--out', page],
    {
      cwd: fixture.repo.root,
      stdio: 'inherit',
    },
  );
  const browser = await launchChromium();
  try {
    const opened = await openPage(browser, page, { width: 1280, height: 720 });
    const secret = fixture.entries.find((entry) => entry.id === fixture.live[0]);
    const point = await opened.page.evaluate(
      ({ session, instant }) => {
        const timeline = document.querySelector('.timeline');
        const canvas = timeline.querySelector('canvas.marks').getBoundingClientRect();
        const lane = timeline
          .querySelector(`li.lane[data-session="${session}"]`)
          .getBoundingClientRect();
        const start = Number(timeline.dataset.viewStart);
        const end = Number(timeline.dataset.viewEnd);
        return {
          x: canvas.left + ((instant - start) / (end - start)) * canvas.width,
          y: lane.top + 10,
        };
      },
      { session: secret.session_id, instant: Date.parse(secret.timestamp) },
    );
    await opened.page.mouse.click(point.x, point.y);
    await opened.page.mouse.move(5, 5); // no tooltip over the marks
    await opened.page.waitForSelector(`.detail[data-entry="${secret.id}"]`);
    await opened.page.screenshot({ path: join(root, 'docs', 'view.png') });
    if (opened.log.errors.length > 0 || opened.log.requests.length > 0) {
      throw new Error(`the page misbehaved: ${JSON.stringify(opened.log)}`);
    }
    await opened.close();
  } finally {
    await browser.close();
    fixture.repo.cleanup();
    removeTempDirs();
  }
  process.stdout.write('wrote docs/view.png\n');
} finally {
  rmSync(work, { recursive: true, force: true });
}
