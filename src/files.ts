// Reading files and folders that may not exist yet: a missing one is an answer (nothing
// there), every other error is rethrown.
import { readdirSync, readFileSync } from 'node:fs';

function isMissing(error: unknown): boolean {
  return (error as NodeJS.ErrnoException).code === 'ENOENT';
}

/** The names in `dir`, sorted; none when it does not exist. */
export function listNames(dir: string): string[] {
  try {
    return readdirSync(dir).sort();
  } catch (error) {
    if (isMissing(error)) return [];
    throw error;
  }
}

/** The file's text, or `undefined` when it does not exist. */
export function readTextIfExists(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    if (isMissing(error)) return undefined;
    throw error;
  }
}
