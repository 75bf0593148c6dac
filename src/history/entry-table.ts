// The entries of a claim set, held as columns of typed arrays plus the two strings the
// §3 order needs (session and id), never as parsed objects: a million pending entries
// take ~70 MB here instead of the ~2.6 GB of v1's parsed records. The line's bytes stay
// in the claim file and are read back, in order, when the batch is written. An id in the
// writer's form (a lowercase UUID) is kept as its 16 bytes, not as a 36-character string
// (~56 bytes on the heap, plus a pointer): ~50 MB less per million entries.

export class EntryTable {
  size = 0;
  instants = new Float64Array(1024);
  seqs = new Float64Array(1024);
  offsets = new Float64Array(1024);
  lengths = new Uint32Array(1024);
  sources = new Uint32Array(1024);
  /** 1 when the entry has a `commit` field of its own (it is not stamped again). */
  stamped = new Uint8Array(1024);
  /** The UUID ids, 16 bytes a row (rows whose id is not one have theirs in `otherIds`). */
  private uuids = new Uint8Array(16 * 1024);
  private readonly otherIds = new Map<number, string>();
  readonly sessions: string[] = [];
  private readonly interned = new Map<string, string>();

  push(row: {
    instant: number;
    seq: number;
    offset: number;
    length: number;
    source: number;
    stamped: boolean;
    id: string;
    session: string;
  }): number {
    if (this.size === this.instants.length) this.grow();
    const i = this.size++;
    this.instants[i] = row.instant;
    this.seqs[i] = row.seq;
    this.offsets[i] = row.offset;
    this.lengths[i] = row.length;
    this.sources[i] = row.source;
    this.stamped[i] = row.stamped ? 1 : 0;
    if (!packUuid(row.id, this.uuids, i * 16)) this.otherIds.set(i, row.id);
    let session = this.interned.get(row.session);
    if (session === undefined) {
      session = row.session;
      this.interned.set(session, session);
    }
    this.sessions[i] = session;
    return i;
  }

  /** Forgets the rows from `size` on (a claim that turned out unreadable halfway). */
  truncate(size: number): void {
    for (let row = size; row < this.size; row++) this.otherIds.delete(row);
    this.size = size;
    this.sessions.length = size;
  }

  /** The id of `row`. */
  idOf(row: number): string {
    return this.otherIds.get(row) ?? unpackUuid(this.uuids, row * 16);
  }

  /** §3 order: instant, session_id, seq, id (strings by code unit). */
  compare = (a: number, b: number): number => {
    const instant = (this.instants[a] as number) - (this.instants[b] as number);
    if (instant !== 0) return instant;
    const sa = this.sessions[a] as string;
    const sb = this.sessions[b] as string;
    if (sa !== sb) return sa < sb ? -1 : 1;
    const seq = (this.seqs[a] as number) - (this.seqs[b] as number);
    if (seq !== 0) return seq;
    const ia = this.idOf(a);
    const ib = this.idOf(b);
    return ia < ib ? -1 : ia > ib ? 1 : 0;
  };

  /** Row numbers in §3 order. TimSort merges the already sorted runs of each shard cheaply. */
  sortedOrder(): Uint32Array {
    const order = new Uint32Array(this.size);
    for (let i = 0; i < this.size; i++) order[i] = i;
    return order.sort(this.compare);
  }

  private grow(): void {
    const n = this.instants.length * 2;
    this.instants = copy(new Float64Array(n), this.instants);
    this.seqs = copy(new Float64Array(n), this.seqs);
    this.offsets = copy(new Float64Array(n), this.offsets);
    this.lengths = copy(new Uint32Array(n), this.lengths);
    this.sources = copy(new Uint32Array(n), this.sources);
    this.stamped = copy(new Uint8Array(n), this.stamped);
    this.uuids = copy(new Uint8Array(16 * n), this.uuids);
  }
}

function copy<T extends Float64Array | Uint32Array | Uint8Array>(to: T, from: T): T {
  to.set(from as never);
  return to;
}

const HEX = '0123456789abcdef';
const HEX_VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < 16; i++) HEX_VALUE[HEX.charCodeAt(i)] = i;
// Where the dashes of `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx` are.
const DASHES = [8, 13, 18, 23];

/** Writes a lowercase UUID's 16 bytes at `at`; false (and nothing written) for any other id. */
function packUuid(id: string, into: Uint8Array, at: number): boolean {
  if (id.length !== 36) return false;
  for (const dash of DASHES) if (id.charCodeAt(dash) !== 0x2d) return false;
  let out = at;
  for (let i = 0; i < 36; i += 2) {
    if (i === 8 || i === 13 || i === 18 || i === 23) i++;
    const high = HEX_VALUE[id.charCodeAt(i)] ?? -1;
    const low = HEX_VALUE[id.charCodeAt(i + 1)] ?? -1;
    if (high < 0 || low < 0) {
      into.fill(0, at, out);
      return false;
    }
    into[out++] = (high << 4) | low;
  }
  return true;
}

function unpackUuid(from: Uint8Array, at: number): string {
  let text = '';
  for (let i = 0; i < 16; i++) {
    if (i === 4 || i === 6 || i === 8 || i === 10) text += '-';
    const byte = from[at + i] as number;
    text += HEX[byte >> 4] + (HEX[byte & 15] as string);
  }
  return text;
}
