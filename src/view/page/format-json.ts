// The detail view's JSON: the stored line re-indented token by token, never parsed and
// printed again, so what the history holds is what is shown (an integer beyond 2^53, a
// number spelled `1.50`, an escape sequence stay as they are; SPEC §3 fidelity).

/**
 * Characters that would be invisible or would reorder the text around them (C0/C1
 * controls, bidi overrides and isolates, zero-width and line/paragraph separators).
 */
const INVISIBLE = new RegExp(
  '[\\u0000-\\u001f\\u007f-\\u009f\\u00ad\\u061c\\u115f\\u1160\\u17b4\\u17b5\\u180e\\u200b-\\u200f' +
    '\\u2028-\\u202e\\u2060-\\u206f\\u3164\\ufeff\\ufff9-\\ufffb]',
  'g',
);

/** `text` with every invisible or reordering character shown as a `\uXXXX` escape. */
export function showInvisible(text: string): string {
  return text.replace(
    INVISIBLE,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** Deeper than this, nesting is not indented further (a hostile line may nest 10,000 deep). */
const MAX_INDENT = 32;
const DELIMITER = /[\s,:{}[\]"]/;

/** `line` (one JSON value) indented by two spaces per level, tokens kept byte for byte. */
export function formatJson(line: string): string {
  const n = line.length;
  const parts: string[] = [];
  let depth = 0;
  const newline = () => `\n${'  '.repeat(Math.min(depth, MAX_INDENT))}`;
  let i = 0;
  while (i < n) {
    const char = line[i] as string;
    if (char === '"') {
      let j = i + 1;
      while (j < n && line[j] !== '"') j += line[j] === '\\' ? 2 : 1;
      parts.push(showInvisible(line.slice(i, j + 1)));
      i = j + 1;
    } else if (char === '{' || char === '[') {
      let j = i + 1;
      while (j < n && /\s/.test(line[j] as string)) j++;
      if (line[j] === (char === '{' ? '}' : ']')) {
        parts.push(char === '{' ? '{}' : '[]');
        i = j + 1;
      } else {
        depth++;
        parts.push(char + newline());
        i++;
      }
    } else if (char === '}' || char === ']') {
      depth = Math.max(0, depth - 1);
      parts.push(newline() + char);
      i++;
    } else if (char === ',') {
      parts.push(`,${newline()}`);
      i++;
    } else if (char === ':') {
      parts.push(': ');
      i++;
    } else if (/\s/.test(char)) {
      i++;
    } else {
      let j = i + 1;
      while (j < n && !DELIMITER.test(line[j] as string)) j++;
      parts.push(showInvisible(line.slice(i, j)));
      i = j;
    }
  }
  return parts.join('');
}

/** A short label for a value shown outside the JSON: invisible characters escaped, cut. */
export function displayLabel(text: string, max = 80): string {
  const shown = showInvisible(text);
  return shown.length > max ? `${shown.slice(0, max - 1)}…` : shown;
}
