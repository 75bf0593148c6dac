// Load: N writer processes × M entries (pairs of them sharing a session id, so sharing a
// shard), plus hook-style `audit-hooks log` calls, while three loops consolidate at once in
// one worktree: real `git commit`s through the installed in-commit hooks (pre-commit claims,
// batches, publishes and stages; post-commit releases), `audit-hooks consolidate`, and
// v1's `consolidate --hook` (the post-commit step of post-commit mode). End state: every
// acknowledged entry exactly once in the history and unaltered, every batch file committed
// as it is, nothing quarantined, no shard, claim set, temp file or lock left, a clean tree.
import { randomUUID } from 'node:crypto';
import { appendFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { checkRepo, files, historyFindings } from './check.mjs';
import {
  cleanEnv,
  cli,
  commit,
  freshDir,
  hookedRepo,
  hookWarnings,
  startCli,
  startWriter,
} from './env.mjs';
import { fields } from './payload.mjs';

const SIZES = {
  full: { writers: 8, entries: 5000, cliEntries: 200 },
  ci: { writers: 4, entries: 800, cliEntries: 20 },
};

/** Runs the load case; returns its figures and failures. */
export async function load(build, size) {
  const { writers, entries, cliEntries } = SIZES[size];
  const repo = hookedRepo(build, 'load');
  const ledgers = freshDir('load-ledgers');
  const failures = [];
  const started = Date.now();
  const seen = new Map();

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

  const stats = { runs: 0, commits: 0, hookRuns: 0, entries: 0, duplicates: 0, lockTimeouts: 0 };
  const consolidating = async (hook) => {
    while (writing) {
      const args = ['consolidate', '--json', ...(hook ? ['--hook'] : [])];
      const result = await startCli(build, args, { cwd: repo.root }).done;
      if (hook) stats.hookRuns++;
      else stats.runs++;
      if (result.status !== 0) {
        failures.push(
          `consolidate${hook ? ' --hook' : ''} exited ${result.status}: ${result.stderr}`,
        );
      }
      const stderr = result.stderr.trim();
      if (stderr !== '') {
        // Only a hook step may give up on a busy lock; anything else is a finding.
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
  };
  const committing = async () => {
    while (writing) {
      const result = await commit(repo.root, `commit ${++stats.commits}`);
      if (result.status !== 0) failures.push(`git commit failed: ${result.stderr.trim()}`);
      const said = hookWarnings(result.stderr);
      // A pre-commit step that waited out the lock of another run goes on (its one line).
      const busy = said.filter((line) => /another consolidation/.test(line));
      stats.lockTimeouts += busy.length;
      for (const line of said.filter((l) => !busy.includes(l)))
        failures.push(`a commit said: ${line}`);
      // Between commits too: whole batch files, each id once, none ever rewritten.
      failures.push(...historyFindings(repo.root, seen));
    }
  };
  await Promise.all([consolidating(false), consolidating(true), committing()]);
  const results = await allWritten;
  for (const [k, result] of results.slice(0, writers).entries()) {
    if (result.status !== 0)
      failures.push(`writer w${k} exited ${result.status}: ${result.stderr}`);
  }
  const writeMs = Date.now() - started;

  const final = await commit(repo.root, 'final');
  if (final.status !== 0 || hookWarnings(final.stderr).length > 0) {
    failures.push(`final commit: exit ${final.status} ${final.stderr}`);
  }
  const verify = cli(build, ['verify'], { cwd: repo.root });
  if (verify.status !== 0) failures.push(`verify after load: ${verify.stdout}${verify.stderr}`);

  const ledgerFiles = [...procs.map((p) => p.config.ledger), cliLedger];
  const { counts, failures: found } = checkRepo(repo.root, {
    ledgers: ledgerFiles,
    quarantine: 'none',
    seen,
    committed: { env: cleanEnv() },
  });
  failures.push(...found);
  if (counts.acknowledged !== writers * entries + cliEntries) {
    failures.push(
      `${counts.acknowledged} entries acknowledged, ${writers * entries + cliEntries} written`,
    );
  }
  const historyFiles = files(join(repo.root, 'logs', 'history'));
  const historyBytes = historyFiles.reduce((sum, file) => sum + statSync(file).size, 0);

  return {
    group: 'load',
    name: 'writers-commits-and-consolidations',
    title: `${writers} writer processes × ${entries.toLocaleString('en-US')} entries + ${cliEntries} \`audit-hooks log\` calls, while real commits (in-commit hooks), \`consolidate\` and \`consolidate --hook\` loop at once`,
    figures: {
      writers,
      entriesPerWriter: entries,
      cliEntries,
      sharedSessions: Math.min(2, writers >> 1),
      acknowledged: counts.acknowledged,
      consolidated: counts.consolidated,
      commits: stats.commits + 1,
      consolidateRuns: stats.runs,
      hookRuns: stats.hookRuns,
      lockTimeouts: stats.lockTimeouts,
      duplicatesDropped: stats.duplicates,
      batchFiles: historyFiles.length,
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
