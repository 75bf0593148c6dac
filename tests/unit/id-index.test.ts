// The structures that hold a million pending entries in little memory: the id index (a hash
// table over the table's own ids) and the entry table's packed UUIDs.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { EntryTable } from '../../src/history/entry-table.js';
import { IdIndex } from '../../src/history/id-index.js';

function tableOf(ids: string[]): EntryTable {
  const table = new EntryTable();
  for (const [n, id] of ids.entries()) {
    table.push({
      instant: 1_700_000_000_000 + n,
      seq: n,
      offset: n * 100,
      length: 99,
      source: 0,
      stamped: false,
      id,
      session: 's',
    });
  }
  return table;
}

describe('EntryTable ids', () => {
  it('gives back every id as it was pushed: UUIDs (packed) and any other string', () => {
    const ids = [
      randomUUID(),
      randomUUID().toUpperCase(), // not the writer's form: kept as given
      'entry-000001',
      '',
      'ünïcødé-id',
      '00000000-0000-0000-0000-00000000000g', // a UUID's shape, not its digits
      ...Array.from({ length: 3000 }, () => randomUUID()), // past the first growth
    ];
    const table = tableOf(ids);
    expect(Array.from({ length: table.size }, (_, row) => table.idOf(row))).toEqual(ids);
    table.truncate(3);
    expect([table.idOf(0), table.idOf(1), table.idOf(2)]).toEqual(ids.slice(0, 3));
  });

  it('orders by id last, as §3 says, whatever form the ids have', () => {
    const same = { instant: 1, seq: 1, offset: 0, length: 1, source: 0, stamped: false };
    const table = new EntryTable();
    const ids = [
      'b',
      'ffffffff-0000-4000-8000-000000000000',
      'A',
      '00000000-0000-4000-8000-0000000000ff',
    ];
    for (const id of ids) table.push({ ...same, id, session: 's' });
    expect([...table.sortedOrder()].map((row) => table.idOf(row))).toEqual([...ids].sort());
  });
});

describe('IdIndex', () => {
  it('finds each row by its id, and nothing for ids it was not given', () => {
    const ids = Array.from({ length: 50_000 }, (_, n) => (n % 2 ? randomUUID() : `id-${n}`));
    const index = new IdIndex((row) => ids[row] as string);
    for (const [row, id] of ids.entries()) {
      expect(index.get(id)).toBe(-1);
      index.add(id, row);
    }
    expect(index.size).toBe(ids.length);
    for (const [row, id] of ids.entries()) if (index.get(id) !== row) throw new Error(id);
    expect(index.get('id-1')).toBe(-1);
    expect(index.get(randomUUID())).toBe(-1);
  });

  it('forgets ids without losing the others that shared their slots', () => {
    // Ids that differ only in the middle hash alike: one long chain of collisions.
    const ids = Array.from(
      { length: 200 },
      (_, n) => `prefix--${String(n).padStart(4, '0')}--the-same-sixteen-chars`,
    );
    const index = new IdIndex((row) => ids[row] as string);
    for (const [row, id] of ids.entries()) index.add(id, row);
    for (let row = 0; row < ids.length; row += 3) index.delete(ids[row] as string);
    for (const [row, id] of ids.entries()) {
      expect(index.get(id)).toBe(row % 3 === 0 ? -1 : row);
    }
  });
});
