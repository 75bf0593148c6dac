import { IdColumn } from './id-index.js';

// The entries of a claim set, held as columns of typed arrays plus the two strings the
// §3 order needs (session and id), never as parsed objects: a million pending entries
// take ~70 MB here instead of the ~2.6 GB of v1's parsed records. The line's bytes stay
// in the claim file and are read back, in order, when the batch is written. Ids are kept
// in an IdColumn (a UUID as its 16 bytes).

export class EntryTable {
  size = 0;
  instants = new Float64Array(1024);
  seqs = new Float64Array(1024);
  offsets = new Float64Array(1024);
  lengths = new Uint32Array(1024);
  sources = new Uint32Array(1024);
  /** 1 when the entry has a `commit` field of its own (it is not stamped again). */
  stamped = new Uint8Array(1024);
  private readonly ids = new IdColumn();
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
    this.ids.set(i, row.id);
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
    this.ids.truncate(size, this.size);
    this.size = size;
    this.sessions.length = size;
  }

  /** The id of `row`. */
  idOf(row: number): string {
    return this.ids.get(row);
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
  }
}

function copy<T extends Float64Array | Uint32Array | Uint8Array>(to: T, from: T): T {
  to.set(from as never);
  return to;
}
