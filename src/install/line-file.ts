// Line-based edits of a user's file (.gitignore, .gitattributes, husky hooks): add a
// marked block once, remove exactly that block, keep every other byte.
//
// The block is always appended as `<eol><header><eol><lines…><eol>`. After a file that
// ends with a newline this leaves one blank line before the header; after a file without
// a final newline, none. So removing the block and the one line break before it gives
// back the file exactly as it was, final newline or not.

/** The comment that opens every block audit-hooks adds. */
export const BLOCK_HEADER = '# audit-hooks';

function hasLine(text: string, line: string): boolean {
  return text.split(/\r?\n/).some((existing) => existing.trim() === line);
}

function eolOf(text: string): string {
  return text.includes('\r\n') ? '\r\n' : '\n';
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
  const eol = eolOf(current);
  const block = `${BLOCK_HEADER}: ${comment}${eol}${missing.join(eol)}${eol}`;
  return current === '' ? block : `${current}${eol}${block}`;
}

/** `text` without the block install added: its header, the `lines` right below it, and
 * the line break install put before it. */
export function removeLines(text: string, lines: readonly string[]): string {
  const eol = eolOf(text);
  let result = text;
  let from = 0;
  for (;;) {
    const start = headerAt(result, eol, from);
    if (start === -1) return result;
    const header = lineEndAt(result, start, eol);
    let end = header;
    while (end < result.length) {
      const next = lineEndAt(result, end, eol);
      if (!lines.includes(lineText(result, end, next, eol).trim())) break;
      end = next;
    }
    if (end === header) {
      // A comment of the user's that happens to start like ours: not our block.
      from = header;
      continue;
    }
    const cut = start >= eol.length ? start - eol.length : 0;
    result = result.slice(0, cut) + result.slice(end);
    from = cut;
  }
}

function headerAt(text: string, eol: string, from: number): number {
  if (from === 0 && text.startsWith(`${BLOCK_HEADER}: `)) return 0;
  const at = text.indexOf(`${eol}${BLOCK_HEADER}: `, Math.max(from - eol.length, 0));
  return at === -1 ? -1 : at + eol.length;
}

function lineEndAt(text: string, start: number, eol: string): number {
  const at = text.indexOf(eol, start);
  return at === -1 ? text.length : at + eol.length;
}

function lineText(text: string, start: number, end: number, eol: string): string {
  const line = text.slice(start, end);
  return line.endsWith(eol) ? line.slice(0, -eol.length) : line;
}
