// What the suite's writers log: caller fields derived only from (writer label, index), so
// the checker can rebuild every entry a writer acknowledged and compare it field by field.

const DAY_MS = 86_400_000;
/** Spread timestamps start here and cover `SPREAD_DAYS` daily partitions. */
const SPREAD_START = Date.UTC(2026, 0, 1);
const SPREAD_DAYS = 40;

// Multi-byte UTF-8, characters JSON must escape, and U+2028 (a line break to some readers).
const UNIT_TAIL = 'é漢🙂 "quoted" back\\slash tab\t nl\n ls\u2028;';

/** Size of the `pad` field: mostly a few hundred bytes, some 10 kB, a few 100 kB or more. */
export function padSize(i, profile = 'mixed') {
  if (profile === 'big') return 256 * 1024;
  if (profile === 'small') return 60 + ((i * 37) % 200);
  if (i % 1009 === 1008) return 100 * 1024;
  if (i % 97 === 96) return 10 * 1024;
  return 80 + ((i * 37) % 400);
}

/** The caller fields of entry `i` of writer `label`. */
export function fields(label, i, profile = 'mixed') {
  const unit = `${label}:${i}:${UNIT_TAIL}`;
  const pad = unit.repeat(Math.max(1, Math.round(padSize(i, profile) / unit.length)));
  return { writer: label, i, pad };
}

/** A timestamp that spreads entries over many daily partitions (for fault runs). */
export function spreadTimestamp(label, i) {
  let hash = 2166136261;
  for (const char of `${label}:${i}`) hash = Math.imul(hash ^ char.charCodeAt(0), 16777619);
  const day = (hash >>> 0) % SPREAD_DAYS;
  return new Date(SPREAD_START + day * DAY_MS + ((i * 7919) % DAY_MS)).toISOString();
}

/**
 * The entry the writer builds from a ledger record: the envelope first (id, timestamp,
 * session_id, seq), then the caller's other fields in their order (SPEC §3, §4).
 */
export function expectedEntry(record, profile) {
  const { writer, i, pad } = fields(record.w, record.i, profile);
  return {
    id: record.id,
    timestamp: record.ts,
    session_id: record.s,
    seq: record.seq,
    writer,
    i,
    pad,
  };
}
