// One line of a quarantine file (SPEC §5.5): where a line that is not a valid entry came
// from, why, and its bytes as they were (`text`, or `base64` when they are not UTF-8).

// `ignoreBOM` keeps a byte-order mark in the text, so a quarantined line keeps its bytes.
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export interface QuarantinedLine {
  source: string;
  line: number;
  problem: string;
  text?: string;
  base64?: string;
}

/** The quarantine record of `bytes`, found at `source`:`line`. */
export function quarantineRecord(
  source: string,
  line: number,
  problem: string,
  bytes: Buffer,
): QuarantinedLine {
  try {
    return { source, line, problem, text: UTF8.decode(bytes) };
  } catch {
    return { source, line, problem, base64: bytes.toString('base64') };
  }
}
