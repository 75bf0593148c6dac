import type { Writable } from 'node:stream';
import * as messages from '../messages.js';
import { parseSince } from '../read/parse-since.js';
import type { ReadWarning } from '../read/read-warning.js';
import { openInBrowser } from '../view/open-in-browser.js';
import { writeView } from '../view/view.js';

/** Options of {@link viewCommand}. */
export interface ViewCommandOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  stdout: Writable;
  stderr: Writable;
  all?: boolean;
  since?: string | undefined;
  session?: string | undefined;
  out?: string | undefined;
  /** `false` with `--no-open`. */
  open?: boolean;
  /** For tests: the platform whose opener to use (default: this one). */
  platform?: NodeJS.Platform;
}

/** `audit-hooks view`: writes the timeline page, prints its path, and opens it. */
export async function viewCommand(options: ViewCommandOptions): Promise<number> {
  if (options.since !== undefined) parseSince(options.since); // a bad value fails before any work
  const onWarning = (warning: ReadWarning) =>
    options.stderr.write(`${messages.warning(warning.message)}\n`);
  const result = await writeView({
    cwd: options.cwd,
    all: options.all === true,
    since: options.since,
    session: options.session,
    out: options.out,
    onWarning,
  });
  options.stdout.write(`${messages.viewWritten(result)}\n`);
  if (result.entries === 0) options.stderr.write(`${messages.viewEmpty}\n`);
  if (options.open === false) return 0;
  const opened = await openInBrowser(result.file, {
    env: options.env,
    ...(options.platform === undefined ? {} : { platform: options.platform }),
  });
  if (!opened.opened) {
    options.stderr.write(
      `${opened.reason === 'no-display' ? messages.viewNoDisplay : messages.viewNotOpened(opened.detail)}\n`,
    );
  }
  return 0;
}
