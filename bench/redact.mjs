// Redaction cost (SPEC §12): what applying the rules adds per entry at consolidation, and
// the worst a hostile line can cost. Run with `npm run build && node bench/redact.mjs`.
//
// 1. µs per line of `redactLine` (what consolidation runs on each line's text) for typical
//    entries (~230 bytes, bench/history.mjs), lines whose strings pass the cheap pre-check
//    (URLs, "token", "--"), lines with escapes or configured rules (walked in full), and
//    lines that hold a secret.
// 2. Lines of 1 MB made of one near-match of the built-in rules repeated (`&sig=`, `a://b:c@`,
//    `"password": "`, …, 468 kinds): the slowest kind, which must stay well under a second
//    per megabyte (every built-in rule is linear; configured ones are checked at load).
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { payload } from './history.mjs';

const DIST = new URL('../dist/index.js', import.meta.url);
if (!existsSync(DIST)) throw new Error('dist/index.js is missing: run `npm run build` first');
const { redactLine, compileRedactConfig, DEFAULT_REDACTION_RULES } = await import(DIST.href);

const COUNT = 1000;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 200);
const HOSTILE_SIZE = Number(process.env.BENCH_HOSTILE_SIZE ?? 1_000_000);

const envelope = (n) => ({
  id: randomUUID(),
  timestamp: new Date(Date.UTC(2026, 10, 24, 13, 33, 3, n)).toISOString(),
  session_id: randomUUID().slice(0, 8),
  seq: n + 1,
});

const fake = (n) => Array.from({ length: n }, (_, i) => 'aB3xK9pQ'[(i * 7) % 8]).join('');
const configured = compileRedactConfig({
  keys: ['tenant_ref'],
  patterns: [{ name: 'internal', pattern: 'itk_[A-Za-z0-9]{20}' }],
});

const sets = {
  typical: (n) => ({ ...envelope(n), ...payload(n) }),
  'pre-checked': (n) => ({
    ...envelope(n),
    ...payload(n),
    command: `curl -sSfL https://registry.npmjs.org/vitest --max-tokens ${n} && git push origin main`,
    usage: { input_tokens: 1200 + n, output_tokens: 300, cache_read_input_tokens: 0 },
  }),
  'with escapes': (n) => ({ ...envelope(n), ...payload(n), output: `line one\nline "two" ${n}` }),
  'with a secret': (n) => ({
    ...envelope(n),
    ...payload(n),
    command: `git push https://ghp_${fake(36)}@github.com/acme/app.git`,
  }),
};

function median(fn) {
  const times = [];
  for (let round = 0; round < ROUNDS; round++) {
    const start = performance.now();
    fn();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return times[times.length >> 1];
}

for (const [name, make] of Object.entries(sets)) {
  const lines = Array.from({ length: COUNT }, (_, n) => JSON.stringify(make(n)));
  const bytes = lines.reduce((sum, line) => sum + line.length, 0) / COUNT;
  for (const [label, rules] of [
    ['built-in rules', DEFAULT_REDACTION_RULES],
    ['+ keys, patterns', configured],
  ]) {
    let changed = 0;
    for (const line of lines) if (redactLine(line, rules).line !== line) changed++;
    const ms = median(() => {
      for (const line of lines) redactLine(line, rules);
    });
    console.log(
      `${name.padEnd(14)} ${label.padEnd(17)} ${bytes.toFixed(0).padStart(4)} B/line  ${((ms * 1000) / COUNT).toFixed(2).padStart(6)} µs/line  (${changed} redacted)`,
    );
  }
}

// Near-matches of the built-in rules, alone and followed by a character that breaks them.
const atoms = [
  'a',
  'A',
  '0',
  '_',
  '-',
  ' ',
  '.',
  ':',
  '/',
  '@',
  '=',
  '"',
  '\\"',
  '\\',
  'eyJ',
  'eyJaaaaaaaaaaaa.',
  'AKIA',
  'ghp_',
  'github_pat_',
  'glpat-',
  'xoxb-',
  'sk-',
  'sk-ant-',
  'sk-proj-',
  'sk_live_',
  'AIza',
  'npm_',
  'hf_',
  'pypi-AgEIcHlwaS5vcmc',
  'https://hooks.slack.com/services/',
  'a://',
  'a://b:',
  'a://b:c',
  'Bearer ',
  'Basic ',
  'X-Api-Key: ',
  'Cookie: ',
  '?token=',
  '&sig=',
  '--password ',
  '--a-',
  'PASSWORD=',
  'A_',
  'A_PASSWORD=',
  '"password": "',
  '"a":"',
  '-----BEGIN PRIVATE KEY-----',
  'aws_secret_access_key=',
  'secret_access_key: ',
  `ghp_${fake(36)} `,
  '[REDACTED:x]',
];
const units = [...atoms];
for (const a of atoms) for (const b of ['a', ' ', ':', '@', '=', '-', '/', '"']) units.push(a + b);
let worst = { ms: 0, unit: '' };
let total = 0;
for (const unit of units) {
  const value = unit.repeat(Math.ceil(HOSTILE_SIZE / unit.length)).slice(0, HOSTILE_SIZE);
  const line = JSON.stringify({ id: 'x', timestamp: '2026-11-24T13:33:03Z', value });
  const start = performance.now();
  redactLine(line, DEFAULT_REDACTION_RULES);
  const ms = performance.now() - start;
  total += ms;
  if (ms > worst.ms) worst = { ms, unit };
}
console.log(
  `hostile: ${units.length} kinds of near-matches, ${(HOSTILE_SIZE / 1e6).toFixed(1)} MB each: slowest ${worst.ms.toFixed(0)} ms (${JSON.stringify(worst.unit)} repeated), mean ${(total / units.length).toFixed(0)} ms`,
);
