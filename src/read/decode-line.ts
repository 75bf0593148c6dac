import { isUtf8 } from 'node:buffer';
import { type ParsedLine, parseLine } from '../history/entry-line.js';
import * as messages from '../messages.js';

/** Parses one line's bytes (no `\n`); `undefined` for a blank line. */
export function decodeLine(bytes: Uint8Array): ParsedLine | undefined {
  // Invalid UTF-8 is refused, never turned into U+FFFD (SPEC §3). isUtf8 and a plain decode
  // cost a fifth of a fatal TextDecoder, on every line of a million.
  if (!isUtf8(bytes)) return { problem: messages.notUtf8 };
  let text = (
    Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  ).toString('utf8');
  // A byte-order mark (the fatal TextDecoder before dropped one, and this line another).
  if (text.startsWith('\uFEFF')) text = text.slice(1);
  if (text.startsWith('\uFEFF')) text = text.slice(1);
  if (text.endsWith('\r')) text = text.slice(0, -1);
  if (text.trim() === '') return undefined;
  return parseLine(text);
}
