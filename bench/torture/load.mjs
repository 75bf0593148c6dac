// Load: N writer processes × M entries (pairs of them sharing a session id, so sharing a
// shard), plus hook-style `audit-hooks log` calls, while two consolidation loops run the
// CLI back to back (one plain, one `--hook`). End state: every acknowledged entry exactly
// once in the history and unaltered, nothing quarantined, no shard, temp file or lock left.
import { randomUUID } from 'node:crypto';
import { appendFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { checkRepo, files } from './check.mjs';
import { cli, freshDir, makeRepo, startCli, startWriter } from './env.mjs';
import { fields } from './payload.mjs';

const SIZES = {
  full: { writers: 8, entries: 5000, cliEntries: 200 },
  ci: { writers: 4, entries: 800, cliEntries: 20 },
};

/** Runs the load case; returns its figures and failures. */
export async function load(build, size) {
  const { writers, entries, cliEntries } = SIZES[size];
  const repo = makeRepo('load');
  const ledgers = freshDir('load-ledgers');
  const failures = [];
  const started = Date.now();

  // Writers 0+1 and 2+3 share a session (and so a shard); the others have their own.
  const session = (k) => (k < 4 ? `shared-${k >> 1}` : `solo-${k}`);
  const procs = Array.from({ length: writers }, (_, k) =>
    startWriter(build, {
      root: repo.root,
      session: session(k),
      label: `w${k}`,
      count: entries,
      profile: 'mixed',
      ledger: join(ledgers, `w${k}.ledger`),
    }),
  );

  // Hook-style writers: one `audit-hooks log` process per entry, in a shared session.
  const cliLedger = join(ledgers, 'cli.ledger');
  const cliWriter = (async () => {
    for (let i = 0; i < cliEntries; i++) {
      const id = randomUUID();
      const caller = fields('cli', i, 'small');
      const { done } = startCli(
        build,
        ['log', JSON.stringify({ id, ...caller }), '--session', 'shared-0'],
        { cwd: repo.root },
      );
      const result = await done;
      if (result.status !== 0) {
        failures.push(`audit-hooks log failed (${result.status}): ${result.stderr.trim()}`);
        continue;
      }
      appendFileSync(
        cliLedger,
        `${JSON.stringify({ k: 'D', cli: true, w: 'cli', i, p: 'small', s: 'shared-0', id })}\n`,
      );
    }
  })();

  let writing = true;
  const allWritten = Promise.all([...procs.map((p) => p.done), cliWriter]).then((results) => {
    writing = false;
    return results;
  });

  const loop = async (hook) => {
    const stats = { runs: 0, entries: 0, duplicates: 0, lockTimeouts: 0 };
    while (writing) {
      const args = ['consolidate', '--json', ...(hook ? ['--hook'] : [])];
      const result = await startCli(build, args, { cwd: repo.root }).done;
      stats.runs++;
      if (result.status !== 0) {
        failures.push(
          `consolidate${hook ? ' --hook' : ''} exited ${result.status}: ${result.stderr}`,
        );
      }
      const stderr = result.stderr.trim();
      if (stderr !== '') {
        // Only hook mode may give up on a busy lock; anything else is a finding.
        if (hook && /warning: did not consolidate \(another consolidation/.test(stderr)) {
          stats.lockTimeouts++;
        } else failures.push(`consolidate${hook ? ' --hook' : ''} said: ${stderr}`);
      }
      if (result.stdout.trim() !== '') {
        const report = JSON.parse(result.stdout);
        stats.entries += report.entries;
        stats.duplicates += report.duplicates;
        if (report.quarantined.length > 0) {
          failures.push(`consolidation quarantined ${report.quarantined.length} lines under load`);
        }
      }
    }
    return stats;
  };
  const [plain, hooked] = await Promise.all([loop(false), loop(true)]);
  const results = await allWritten;
  for (const [k, result] of results.slice(0, writers).entries()) {
    if (result.status !== 0)
      failures.push(`writer w${k} exited ${result.status}: ${result.stderr}`);
  }
  const writeMs = Date.now() - started;

  const final = cli(build, ['consolidate', '--json'], { cwd: repo.root });
  if (final.status !== 0 || final.stderr !== '') {
    failures.push(`final consolidate: exit ${final.status} ${final.stderr}`);
  }
  const verify = cli(build, ['verify'], { cwd: repo.root });
  if (verify.status !== 0) failures.push(`verify after load: ${verify.stdout}${verify.stderr}`);

  const ledgerFiles = [...procs.map((p) => p.config.ledger), cliLedger];
  const { counts, failures: found } = checkRepo(repo.root, {
    ledgers: ledgerFiles,
    quarantine: 'none',
  });
  failures.push(...found);
  if (counts.acknowledged !== writers * entries + cliEntries) {
    failures.push(
      `${counts.acknowledged} entries acknowledged, ${writers * entries + cliEntries} written`,
    );
  }
  const historyBytes = files(join(repo.root, 'logs', 'history')).reduce(
    (sum, file) => sum + statSync(file).size,
    0,
  );

  return {
    group: 'load',
    name: 'writers-and-consolidation-loops',
    title: `${writers} writer processes × ${entries.toLocaleString('en-US')} entries + ${cliEntries} \`audit-hooks log\` calls, 2 consolidation loops`,
    figures: {
      writers,
      entriesPerWriter: entries,
      cliEntries,
      sharedSessions: Math.min(2, writers >> 1),
      acknowledged: counts.acknowledged,
      consolidated: counts.consolidated,
      consolidationRuns: plain.runs + hooked.runs + 1,
      hookRuns: hooked.runs,
      hookLockTimeouts: hooked.lockTimeouts,
      duplicatesDropped: plain.duplicates + hooked.duplicates,
      historyMB: Number((historyBytes / 1e6).toFixed(1)),
      writeSeconds: Number((writeMs / 1000).toFixed(1)),
      entriesPerSecond: Math.round(counts.acknowledged / (writeMs / 1000)),
    },
    tried: counts.acknowledged,
    lost: counts.lost,
    altered: counts.altered,
    quarantined: counts.quarantined,
    failures,
  };
}
