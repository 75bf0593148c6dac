import { mergeHistory } from '../history/merge.js';

/** `audit-hooks merge-driver %O %A %B`: git calls it; exit 0 means merged cleanly. */
export async function mergeDriverCommand(options: {
  ours: string;
  theirs: string;
}): Promise<number> {
  await mergeHistory(options.ours, options.theirs);
  return 0;
}
