import { spawn } from 'node:child_process';

/** How {@link openInBrowser} ended. */
export type OpenResult =
  | { opened: true }
  | { opened: false; reason: 'no-display' }
  | { opened: false; reason: 'failed'; detail: string };

/** The command that opens a file in the default browser on `platform`. */
export function openerCommand(
  file: string,
  platform: NodeJS.Platform,
): { command: string; args: string[]; verbatim?: boolean } {
  if (platform === 'darwin') return { command: 'open', args: [file] };
  if (platform === 'win32') {
    // `start` is built into cmd; its first quoted argument is a window title.
    return { command: 'cmd', args: ['/d', '/s', '/c', `start "" "${file}"`], verbatim: true };
  }
  return { command: 'xdg-open', args: [file] };
}

/** Whether a browser can be shown: on Linux and the BSDs that needs an X or Wayland display. */
export function hasDisplay(platform: NodeJS.Platform, env: NodeJS.ProcessEnv): boolean {
  if (platform === 'darwin' || platform === 'win32') return true;
  return Boolean(env.DISPLAY || env.WAYLAND_DISPLAY);
}

/**
 * Opens `file` in the default browser, detached, ignoring what the opener prints: the
 * command returns as soon as the opener has started, and the browser outlives it.
 */
export async function openInBrowser(
  file: string,
  options: { platform?: NodeJS.Platform; env?: NodeJS.ProcessEnv } = {},
): Promise<OpenResult> {
  const platform = options.platform ?? process.platform;
  const env = options.env ?? process.env;
  if (!hasDisplay(platform, env)) return { opened: false, reason: 'no-display' };
  const { command, args, verbatim } = openerCommand(file, platform);
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      detached: true,
      stdio: 'ignore',
      env,
      windowsHide: true,
      windowsVerbatimArguments: verbatim === true,
    });
    child.once('error', (error: NodeJS.ErrnoException) =>
      resolve({
        opened: false,
        reason: 'failed',
        detail: `${command}: ${error.code ?? error.message}`,
      }),
    );
    child.once('spawn', () => {
      child.unref();
      resolve({ opened: true });
    });
  });
}
