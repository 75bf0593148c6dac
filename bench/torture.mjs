// The torture suite: load, faults and hostile input against the built CLI, library and
// writer, with real processes, real files, real git commits through installed hooks and
// (where this machine allows) real full and read-only filesystems and PID namespaces. It
// reports figures, and fails when any entry is lost, altered or duplicated, when anything is
// left behind, or when a message is not the one clear line it should be.
//
//   npm run torture                      full size; rewrites the figures in docs/RELIABILITY.md
//   TORTURE_SIZE=ci node bench/torture.mjs    reduced size (what `npm test` runs); no doc rewrite
//   node bench/torture.mjs --only faults,hostile --json   some groups; JSON report on stdout
//   TORTURE_NO_MOUNT=1 …                 never mount: disk full and read-only by fault injection
//   TORTURE_CASE=disk-full-writer,…      only these cases (with --only their groups)
//   TORTURE_DIST=/path/to/dist …         torture another build (e.g. an older commit's)
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { privateBuild, ROOT, removeScratch } from './torture/env.mjs';
import { faults } from './torture/faults.mjs';
import { hostile } from './torture/hostile.mjs';
import { load } from './torture/load.mjs';

const GROUPS = { load: async (b, s) => [await load(b, s)], faults, hostile };
const DOC = join(ROOT, 'docs', 'RELIABILITY.md');
const START = '<!-- torture:figures:start -->';
const END = '<!-- torture:figures:end -->';

const args = process.argv.slice(2);
const only = args.includes('--only') ? args[args.indexOf('--only') + 1].split(',') : undefined;
const json = args.includes('--json');
const size = process.env.TORTURE_SIZE === 'ci' ? 'ci' : 'full';
const names = only ?? Object.keys(GROUPS);
for (const name of names) {
  if (!(name in GROUPS)) throw new Error(`unknown group ${name}: use ${Object.keys(GROUPS)}`);
}

const say = (text) => process.stderr.write(`${text}\n`);
const started = performance.now();
const cases = [];
const build = await privateBuild();
try {
  for (const name of names) {
    const t0 = performance.now();
    say(`torture: ${name} (${size})…`);
    try {
      const results = await GROUPS[name](build, size, (line) => say(`  ${line}`));
      for (const result of results) {
        cases.push(result);
        say(
          `  ${result.failures.length === 0 ? 'ok  ' : 'FAIL'} ${result.group}/${result.name}: ${summary(result)}`,
        );
        for (const failure of result.failures.slice(0, 15)) say(`       ${failure}`);
        if (result.failures.length > 15) say(`       … ${result.failures.length - 15} more`);
      }
    } catch (error) {
      cases.push({
        group: name,
        name: 'crashed',
        title: 'the group itself crashed',
        figures: {},
        tried: 0,
        lost: 0,
        altered: 0,
        failures: [String(error.stack ?? error)],
      });
      say(`  FAIL ${name} crashed: ${error.stack ?? error}`);
    }
    say(`torture: ${name} done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
} finally {
  build.remove();
  removeScratch();
}

const seconds = (performance.now() - started) / 1000;
const report = {
  size,
  seconds: Number(seconds.toFixed(1)),
  node: process.version,
  platform: `${process.platform}/${process.arch}`,
  date: new Date().toISOString(),
  cases,
  totals: totals(cases),
};
say(
  `torture: ${report.totals.cases} cases in ${report.seconds} s — ${report.totals.failed} failed; lost ${report.totals.lost}, altered ${report.totals.altered}, duplicated ${report.totals.duplicated}`,
);
if (json) process.stdout.write(`${JSON.stringify(report)}\n`);
else process.stdout.write(`${renderFigures(report)}\n`);
const partial = only !== undefined || process.env.TORTURE_CASE || process.env.TORTURE_DIST;
if (size === 'full' && !partial) {
  writeDoc(report);
  say(`torture: figures written to ${DOC}`);
}
process.exitCode = report.totals.failed > 0 ? 1 : 0;

function summary(result) {
  const figures = Object.entries(result.figures)
    .map(([key, value]) => `${key}=${value}`)
    .join(' ');
  return `${figures}; lost ${result.lost}, altered ${result.altered}`;
}

function totals(all) {
  const sum = (group, key) =>
    all
      .filter((c) => group === undefined || c.group === group)
      .reduce((n, c) => n + (c[key] ?? 0), 0);
  return {
    cases: all.length,
    failed: all.filter((c) => c.failures.length > 0).length,
    lost: sum(undefined, 'lost'),
    altered: sum(undefined, 'altered'),
    duplicated: all.reduce(
      (n, c) => n + c.failures.filter((f) => /: id \S+ is in the history twice/.test(f)).length,
      0,
    ),
    loadEntries: sum('load', 'tried'),
    faultsSurvived: all
      .filter((c) => c.group === 'faults')
      .reduce(
        (n, c) =>
          n + (c.faults ?? 0) - (c.failures.length === 0 ? 0 : (c.failedFaults ?? c.faults ?? 0)),
        0,
      ),
    faults: sum('faults', 'faults'),
    badInputs: sum('hostile', 'tried'),
  };
}

function renderFigures(r) {
  const t = r.totals;
  const lines = [
    `Last full run: ${r.date.slice(0, 10)}, ${r.seconds} s on ${r.platform}, Node ${r.node}, ${cpuCount()} CPUs.`,
    '',
    `- **Load held**: ${t.loadEntries.toLocaleString('en-US')} entries written concurrently while real commits and consolidations ran in loops.`,
    `- **Faults survived**: ${t.faultsSurvived.toLocaleString('en-US')} of ${t.faults.toLocaleString('en-US')} injected faults, each survived when every check after it passed (SIGKILL at random and before every protocol step, stopped runs overtaken past the lock, PID namespaces, a clock stepped back, git merge/checkout/reset/stash/sparse checkout under a consolidation, full disk, read-only folders, blocked paths).`,
    `- **Bad inputs tried**: ${t.badInputs.toLocaleString('en-US')} (lines, files, links and commands across ${r.cases.filter((c) => c.group === 'hostile').length} hostile cases).`,
    `- **Lost: ${t.lost}. Altered: ${t.altered}.** Duplicated in history: ${t.duplicated}. Cases failed: ${t.failed} of ${t.cases}${
      t.failed > 0
        ? ` (${r.cases
            .filter((c) => c.failures.length > 0)
            .map((c) => `${c.group}/${c.name}`)
            .join(', ')})`
        : ''
    }.`,
    '',
    '| case | what was done | figures | lost | altered | result |',
    '| --- | --- | --- | --- | --- | --- |',
  ];
  for (const c of r.cases) {
    const figures = Object.entries(c.figures)
      .map(
        ([key, value]) =>
          `${key} ${typeof value === 'number' ? value.toLocaleString('en-US') : value}`,
      )
      .join(', ');
    lines.push(
      `| ${c.group}/${c.name} | ${c.title.replaceAll('|', '\\|')} | ${figures.replaceAll('|', '\\|')} | ${c.lost} | ${c.altered} | ${c.failures.length === 0 ? 'ok' : `FAILED (${c.failures.length})`} |`,
    );
  }
  return lines.join('\n');
}

function cpuCount() {
  try {
    return readFileSync('/proc/cpuinfo', 'utf8').match(/^processor\s*:/gm)?.length ?? '?';
  } catch {
    return '?';
  }
}

function writeDoc(r) {
  const doc = readFileSync(DOC, 'utf8');
  const start = doc.indexOf(START);
  const end = doc.indexOf(END);
  if (start === -1 || end < start) throw new Error(`${DOC} has no ${START} … ${END} section`);
  const body = [
    START,
    '<!-- Generated by `npm run torture` (full size); do not edit by hand. -->',
    '',
    renderFigures(r),
    '',
  ].join('\n');
  writeFileSync(DOC, `${doc.slice(0, start)}${body}${doc.slice(end)}`);
  // In the project's own format (it aligns the table), so `npm run lint` stays clean.
  try {
    execFileSync(join(ROOT, 'node_modules', '.bin', 'biome'), ['format', '--write', DOC], {
      stdio: 'ignore',
    });
  } catch {
    say(`torture: could not format ${DOC}; run \`npx biome format --write\` on it`);
  }
}
