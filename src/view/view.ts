import { detectRepoRoot } from '../writer/index.js';
import { type CollectOptions, collectView } from './collect.js';
import { readPageAssets } from './page-assets.js';
import { type PageAssets, renderPage } from './render-page.js';
import { buildViewData } from './view-data.js';
import { writeViewFile } from './view-file.js';

/** Options of {@link writeView}. */
export interface ViewOptions extends CollectOptions {
  /** The file to write, relative to `cwd` (default: `logs/view/index.html` of the worktree). */
  out?: string | undefined;
  /** The page's script and CSS (default: the built ones in `dist/view/`). */
  assets?: PageAssets;
  /** The time the page says it was made (default: now). */
  generatedAt?: Date;
}

/** What {@link writeView} wrote. */
export interface ViewResult {
  /** Absolute path of the HTML file. */
  file: string;
  entries: number;
  sessions: number;
  commits: number;
}

/** Writes the timeline of the audit trail as one self-contained HTML file. */
export async function writeView(options: ViewOptions = {}): Promise<ViewResult> {
  const cwd = options.cwd ?? process.cwd();
  const root = detectRepoRoot(cwd);
  const assets = options.assets ?? readPageAssets(); // a missing build fails before the work
  const input = collectView({ ...options, cwd: root });
  const page = buildViewData(input, { generatedAt: options.generatedAt ?? new Date() });
  const file = await writeViewFile(renderPage(page, assets), { root, cwd, out: options.out });
  return {
    file,
    entries: page.lines.length,
    sessions: page.data.sessions.length,
    commits: page.data.commits.length,
  };
}
