// One self-contained HTML file: the page's own CSS and script inline, the data inline as
// JSON (and the entries' lines packed). Entries are hostile input (any string may hold `</script>`, markup, U+2028), so
// the JSON is escaped to hold no `<`, `>` or `&` at all, and a Content-Security-Policy
// allows only this exact script and style (by hash): no network, no injected handler.
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { PageData } from './view-data.js';

/** The page's built script and stylesheet (see `scripts/build.mjs`). */
export interface PageAssets {
  script: string;
  css: string;
}

const UNSAFE_IN_SCRIPT = /[<>&\u2028\u2029]/g;

/**
 * JSON text safe inside a `<script type="application/json">` element: `<`, `>`, `&`,
 * U+2028 and U+2029 become `\uXXXX` escapes, so it parses to the very same value.
 */
export function embedJson(value: unknown): string {
  return JSON.stringify(value).replace(
    UNSAFE_IN_SCRIPT,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/**
 * The entries' lines, joined by newlines (no stored line holds one), gzipped and in
 * base64: a tenth of the size of the lines as JSON text, so the browser reads and parses
 * the file quickly, and unpacks them (`DecompressionStream`) after the first paint.
 * Base64 holds no character that HTML gives a meaning to.
 */
export function packLines(lines: readonly string[]): string {
  return gzipSync(Buffer.from(lines.join('\n'), 'utf8'), { level: 3 }).toString('base64');
}

/** The HTML of the view. */
export function renderPage(page: PageData, assets: PageAssets): string {
  // Our own bundle must not end its element early either (esbuild escapes `</script`).
  if (/<\/script|<!--/i.test(assets.script) || /<\/style/i.test(assets.css)) {
    throw new Error('the view page bundle holds a closing tag; it cannot be inlined');
  }
  const csp = [
    "default-src 'none'",
    `script-src '${hash(assets.script)}'`,
    `style-src '${hash(assets.css)}'`,
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
  const title = `audit-hooks view — ${page.data.title}`.replace(/[<>&"]/g, (char) => {
    return `&#${char.charCodeAt(0)};`;
  });
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta name="referrer" content="no-referrer">
<title>${title}</title>
<style>${assets.css}</style>
</head>
<body>
<noscript>This page draws the audit trail with JavaScript; allow scripts for this file to see it.</noscript>
<script type="application/json" id="audit-data">${embedJson(page.data)}</script>
<script type="application/gzip;base64" id="audit-lines">${packLines(page.lines)}</script>
<script>${assets.script}</script>
</body>
</html>
`;
}

function hash(text: string): string {
  return `sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}`;
}
