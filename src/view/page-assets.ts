import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { AuditHooksError } from '../errors.js';
import * as messages from '../messages.js';
import type { PageAssets } from './render-page.js';

/**
 * The page's script and stylesheet, built by `scripts/build.mjs` into `dist/view/`, next to
 * the chunk this code is bundled into.
 */
export function readPageAssets(): PageAssets {
  const script = new URL('./view/page.js', import.meta.url);
  const css = new URL('./view/page.css', import.meta.url);
  try {
    return { script: readFileSync(script, 'utf8'), css: readFileSync(css, 'utf8') };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    throw new AuditHooksError(messages.viewNotBuilt(fileURLToPath(script)));
  }
}
