// Shared by the benchmarks that print tables: counts from the environment, sizes, and
// markdown tables with aligned columns.

/** `10000`, `10k`, `1M` … as a number. */
export function count(text) {
  const match = /^(\d+(?:\.\d+)?)([kKmM]?)$/.exec(String(text).trim());
  if (match === null)
    throw new Error(`not a count: ${JSON.stringify(text)} (e.g. 0, 10000, 10k, 1M)`);
  const scale = { '': 1, k: 1e3, m: 1e6 }[match[2].toLowerCase()];
  return Math.round(Number(match[1]) * scale);
}

export const megabytes = (bytes) => `${(bytes / 1e6).toFixed(bytes < 1e7 ? 1 : 0)} MB`;

/** A markdown table, each column as wide as its widest cell (as Biome formats it). */
export function markdownTable(header, rows) {
  const table = [header, ...rows];
  const widths = header.map((_, col) => Math.max(3, ...table.map((line) => line[col].length)));
  const render = (line) => `| ${line.map((cell, col) => cell.padEnd(widths[col])).join(' | ')} |`;
  return [render(header), render(widths.map((w) => '-'.repeat(w))), ...rows.map(render)].join('\n');
}
