// Line-based edits of a user's file (.gitignore, .gitattributes, husky hooks): add a
// marked block once, remove exactly that block, keep every other byte.

/** The comment that opens every block audit-hooks adds. */
export const BLOCK_HEADER = '# audit-hooks';

function hasLine(text: string, line: string): boolean {
  return text.split(/\r?\n/).some((existing) => existing.trim() === line);
}

/** `text` with the missing `lines` appended under a `# audit-hooks` header. */
export function ensureLines(
  text: string | undefined,
  lines: readonly string[],
  comment: string,
): string {
  const current = text ?? '';
  const missing = lines.filter((line) => !hasLine(current, line));
  if (missing.length === 0) return current;
  const eol = current.includes('\r\n') ? '\r\n' : '\n';
  let base = current;
  if (base !== '' && !base.endsWith('\n')) base += eol;
  const gap = base === '' || base.endsWith(`${eol}${eol}`) || base.trim() === '' ? '' : eol;
  return `${base}${gap}${BLOCK_HEADER}: ${comment}${eol}${missing.join(eol)}${eol}`;
}

/** `text` without the block install added: its header and the `lines` right below it. */
export function removeLines(text: string, lines: readonly string[]): string {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const parts = text.split(eol);
  const kept: string[] = [];
  for (let i = 0; i < parts.length; i++) {
    if (!(parts[i] as string).startsWith(`${BLOCK_HEADER}: `)) {
      kept.push(parts[i] as string);
      continue;
    }
    // Drop the blank line install put before its block, the header, and the block.
    if (kept.length > 1 && kept.at(-1) === '') kept.pop();
    while (i + 1 < parts.length && lines.includes((parts[i + 1] as string).trim())) i++;
  }
  const result = kept.join(eol);
  return result.trim() === '' ? '' : result;
}
