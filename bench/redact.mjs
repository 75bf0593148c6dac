// Redaction cost (SPEC §12): what applying the rules adds per entry at consolidation.
// Run with `npm run build && node bench/redact.mjs`. Prints µs per entry for typical
// entries (~230 bytes, bench/history.mjs), entries whose strings pass the cheap
// pre-check (URLs, "token", "--"), and entries that hold a secret.
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { payload } from './history.mjs';

const DIST = new URL('../dist/index.js', import.meta.url);
if (!existsSync(DIST)) throw new Error('dist/index.js is missing: run `npm run build` first');
const { applyRedaction, DEFAULT_REDACTION_RULES } = await import(DIST.href);

const COUNT = 1000;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 200);

const envelope = (n) => ({
  id: randomUUID(),
  timestamp: new Date(Date.UTC(2026, 10, 24, 13, 33, 3, n)).toISOString(),
  session_id: randomUUID().slice(0, 8),
  seq: n + 1,
});

const fake = (n) => Array.from({ length: n }, (_, i) => 'aB3xK9pQ'[(i * 7) % 8]).join('');

const sets = {
  typical: (n) => ({ ...envelope(n), ...payload(n) }),
  'pre-checked': (n) => ({
    ...envelope(n),
    ...payload(n),
    command: `curl -sSfL https://registry.npmjs.org/vitest --max-tokens ${n} && git push origin main`,
    usage: { input_tokens: 1200 + n, output_tokens: 300, cache_read_input_tokens: 0 },
  }),
  'with a secret': (n) => ({
    ...envelope(n),
    ...payload(n),
    command: `git push https://ghp_${fake(36)}@github.com/acme/app.git`,
  }),
};

for (const [name, make] of Object.entries(sets)) {
  const entries = Array.from({ length: COUNT }, (_, n) => make(n));
  const bytes = entries.reduce((sum, entry) => sum + JSON.stringify(entry).length, 0) / COUNT;
  let changed = 0;
  for (const entry of entries)
    if (applyRedaction(entry, DEFAULT_REDACTION_RULES) !== entry) changed++;
  const times = [];
  for (let round = 0; round < ROUNDS; round++) {
    const start = performance.now();
    for (const entry of entries) applyRedaction(entry, DEFAULT_REDACTION_RULES);
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  const median = times[times.length >> 1];
  console.log(
    `${name.padEnd(14)} ${bytes.toFixed(0).padStart(4)} B/entry  ${((median * 1000) / COUNT).toFixed(2).padStart(6)} µs/entry  ${median.toFixed(2)} ms per ${COUNT} entries  (${changed} redacted)`,
  );
}
