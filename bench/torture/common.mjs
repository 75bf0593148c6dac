// What the fault cases share: seeding shards, the result record, and the checks every case
// ends with (the last commit through the hooks, then checkRepo).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkRepo, readQuarantine, walk } from './check.mjs';
import { cleanEnv, cli, commit, hookWarnings } from './env.mjs';
import { spreadTimestamp } from './payload.mjs';

/** A line no consolidation may take for an entry: it goes to quarantine, byte for byte. */
export const BAD_LINE = Buffer.from('{"id":"broken", "timestamp": "2026-01-0');

export const HOOK_WARNING =
  /^audit-hooks: warning: did not consolidate \(.+\); the entries stay in logs\/active for the next commit\n$/;
export const QUARANTINE_WARNING = /^audit-hooks: warning: quarantined \d+ lines? /;

/** Writes a shard of `count` entries spread over many days; returns id → exact line. */
export function seedShard(root, name, prefix, count, options = {}) {
  const seeds = new Map();
  const lines = [];
  for (let i = 0; i < count; i++) {
    const entry = {
      id: `${prefix}-${i}`,
      timestamp: options.timestamp?.(i) ?? spreadTimestamp(prefix, i),
      session_id: prefix,
      seq: i + 1,
      n: i,
      text: `${prefix} entry ${i} é漢🙂 ${'x'.repeat(i % 300)}`,
    };
    const line = JSON.stringify(entry);
    seeds.set(entry.id, line);
    lines.push(line);
  }
  mkdirSync(join(root, 'logs', 'active'), { recursive: true });
  writeFileSync(join(root, 'logs', 'active', name), lines.map((l) => `${l}\n`).join(''));
  return seeds;
}

/** Several id → line maps as one. */
export function merge(...maps) {
  return new Map(maps.flatMap((map) => [...map]));
}

/** The bytes of every file below `dir`, for "untouched" checks. */
export function snapshot(dir) {
  return walk(dir)
    .map((file) => `${file}\0${/[/@]$/.test(file) ? '' : readFileSync(file).toString('base64')}`)
    .join('\n');
}

/** Checks a hook step run directly that met a fault: exit 0 and exactly one warning line. */
export function expectHookWarning(result, failures, what) {
  if (result.status !== 0) failures.push(`${what}: the hook step exited ${result.status}`);
  if (!HOOK_WARNING.test(result.stderr)) {
    failures.push(
      `${what}: the hook step did not print one warning line: ${JSON.stringify(result.stderr)}`,
    );
  }
}

/** How many quarantine records hold exactly `bytes`. */
export function countQuarantined(root, bytes) {
  return readQuarantine(root, []).filter((record) => record.bytes.equals(bytes)).length;
}

/**
 * The last commit of a case, through the hooks, with nothing to say but its report (and, with
 * `quarantine`, the quarantine's one line); then the whole end state: every acknowledged
 * entry once and unaltered, every batch file committed as it is, nothing left behind.
 */
export async function finalCommit(root, failures, what, options = {}) {
  const result = await commit(root, `${what}: last`, options.commit);
  const said = hookWarnings(result.stderr).filter(
    (line) => !(options.quarantine && QUARANTINE_WARNING.test(line)),
  );
  if (result.status !== 0 || said.length > 0) {
    failures.push(`${what}: the last commit: exit ${result.status} ${said.join(' | ')}`);
  }
  const end = checkRepo(root, {
    quarantine: 'none',
    committed: { env: cleanEnv() },
    ...options.check,
  });
  for (const failure of end.failures) failures.push(`${what}: ${failure}`);
  return end.counts;
}

/** A plain `audit-hooks consolidate` that must succeed (a quarantine line allowed). */
export function consolidateOk(build, root, failures, what) {
  const result = cli(build, ['consolidate'], { cwd: root });
  if (result.status !== 0 || (result.stderr !== '' && !QUARANTINE_WARNING.test(result.stderr))) {
    failures.push(`${what}: consolidate exited ${result.status}: ${result.stderr.trim()}`);
  }
  return result;
}

/**
 * The record of one fault case. `failedFaults`: after how many of its faults a check failed
 * (default: all of them, when the case failed at all).
 */
export function caseResult(name, title, figures, counts, failures, faultCount, failedFaults) {
  return {
    group: 'faults',
    name,
    title,
    figures,
    faults: faultCount,
    failedFaults: failures.length === 0 ? 0 : Math.min(faultCount, failedFaults ?? faultCount),
    tried: counts.acknowledged ?? 0,
    lost: counts.lost ?? 0,
    altered: counts.altered ?? 0,
    quarantined: counts.quarantined ?? 0,
    failures,
  };
}

/** Adds what a check counted to a running total. */
export function addCounts(total, counts) {
  total.lost += counts.lost ?? 0;
  total.altered += counts.altered ?? 0;
  return total;
}
