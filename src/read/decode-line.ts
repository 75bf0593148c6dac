import { type ParsedLine, parseLine } from '../history/entry-line.js';
import * as messages from '../messages.js';

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** Parses one line's bytes (no `\n`); `undefined` for a blank line. */
export function decodeLine(bytes: Uint8Array): ParsedLine | undefined {
  let text: string;
  try {
    text = UTF8.decode(bytes);
  } catch {
    return { problem: messages.notUtf8 };
  }
  if (text.startsWith('\uFEFF')) text = text.slice(1);
  if (text.endsWith('\r')) text = text.slice(0, -1);
  if (text.trim() === '') return undefined;
  return parseLine(text);
}
