// What audit-hooks adds to `git commit` (issue 15), as users feel it: repositories side by
// side, committing a one-line change in interleaved rounds:
//
//   bare      no hooks at all
//   noop      lefthook with one no-op job (`true`) in pre-commit and in post-commit: the
//             peer, what any lefthook job costs
//   idle      `audit-hooks install` (lefthook, in-commit mode: both steps), nothing pending
//   pending   the same, with 1,000 new entries in 4 shards before each commit
//
// plus a bare `node -e 0`, the floor of anything that starts Node.js. As in scripts/demo.mjs,
// each repository's `node_modules/.bin/audit-hooks` is a symbolic link to dist/bin.js, which
// is what the installed hook command finds first. The pending repository's history grows by
// one batch per round: as in real use, today is not empty (consolidation never reads it).
//
// Standalone: `npm run build && node bench/commit.mjs`. Environment (all optional):
//   COMMIT_BENCH_ROUNDS  timed rounds, median reported (default 15)
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeShards } from './history.mjs';
import { BIN, identityEnv, makeRepo, removeRepo } from './repo.mjs';
import { interleaved, median, medianDifference } from './timing.mjs';

export const PENDING = 1000;
const SHARDS = 4;

const NOOP_CONFIG = `# lefthook alone: one no-op job in each hook audit-hooks uses.
pre-commit:
  jobs:
    - name: noop
      run: 'true'
post-commit:
  jobs:
    - name: noop
      run: 'true'
`;

// `npm run bench` puts node_modules/.bin first on PATH. lefthook's hook script then finds
// lefthook's Node.js wrapper before the binary, and runs it twice per hook (a probe, then
// the run): ~110 ms more per commit. A commit from a terminal does not pay that.
function withoutNpmBinOnPath(env) {
  const path = (env.PATH ?? '')
    .split(':')
    .filter((dir) => !dir.endsWith(join('node_modules', '.bin')));
  return { ...env, PATH: path.join(':') };
}

function installAuditHooks(root, env) {
  mkdirSync(join(root, 'node_modules', '.bin'), { recursive: true });
  symlinkSync(BIN, join(root, 'node_modules', '.bin', 'audit-hooks'));
  writeFileSync(join(root, '.git', 'info', 'exclude'), 'node_modules/\n');
  execFileSync(process.execPath, [BIN, 'install'], { cwd: root, env, stdio: 'pipe' });
  // Commit the configuration, as install says to: the tree is clean before the rounds.
  execFileSync('git', ['add', 'lefthook.yml'], { cwd: root, env, stdio: 'pipe' });
  execFileSync('git', ['commit', '-q', '-m', 'install audit-hooks'], {
    cwd: root,
    env,
    stdio: 'pipe',
  });
}

/**
 * Times the commits and returns medians (ms): `node`, `bare`, and for `noop`, `idle` and
 * `pending` the commit time and, round by round, what it adds to another repository's.
 */
export async function benchCommit({ rounds = 15, warmup = 2, log } = {}) {
  const { AuditLog } = await import('../dist/index.js');
  const env = withoutNpmBinOnPath(identityEnv());
  const repo = () => makeRepo({ commit: true });
  const repos = { bare: repo(), noop: repo(), idle: repo(), pending: repo() };
  try {
    for (const name of ['noop', 'idle', 'pending']) installAuditHooks(repos[name], env);
    writeFileSync(join(repos.noop, 'lefthook.yml'), NOOP_CONFIG);
    execFileSync('git', ['commit', '-q', '-am', 'no-op jobs'], {
      cwd: repos.noop,
      env,
      stdio: 'pipe',
    });

    const git = (root, ...args) =>
      execFileSync('git', args, { cwd: root, env, encoding: 'utf8' }).trim();
    let change = 0;
    const commit = (name, extra = {}) => ({
      name,
      command: 'git',
      args: ['commit', '-q', '-m', 'bench'],
      cwd: repos[name],
      env,
      before: () => {
        // A change to commit (an empty commit would carry no trail: SPEC §5, in-commit).
        writeFileSync(join(repos[name], 'work.txt'), `change ${++change}\n`);
        git(repos[name], 'add', 'work.txt');
        extra.before?.();
      },
      after: (child) => {
        if (/warning|did not consolidate/i.test(child.stderr)) {
          throw new Error(`${name}: the hook complained: ${child.stderr}`);
        }
        extra.after?.(child);
      },
    });
    const active = join(repos.pending, 'logs', 'active');
    const tasks = [
      { name: 'node', command: process.execPath, args: ['-e', '0'], cwd: repos.bare, env },
      commit('bare'),
      commit('noop'),
      commit('idle'),
      commit('pending', {
        before: () => writeShards(AuditLog, repos.pending, PENDING, SHARDS),
        after: () => {
          // The commit carries the batch, the shards are gone, the claims released.
          const left = readdirSync(active).filter((name) => name.endsWith('.jsonl'));
          const claims = readdirSync(join(active, '.claimed'));
          const added = git(repos.pending, 'show', '--format=', '--name-only', 'HEAD')
            .split('\n')
            .filter((file) => file.startsWith('logs/history/'));
          const entries = added.reduce(
            (sum, file) =>
              sum + git(repos.pending, 'show', `HEAD:${file}`).split('\n').filter(Boolean).length,
            0,
          );
          if (left.length > 0 || claims.length > 0 || entries !== PENDING) {
            throw new Error(
              `the commit did not carry its trail: ${entries} entries, left ${left}, claims ${claims}`,
            );
          }
        },
      }),
    ];
    const samples = interleaved(tasks, { rounds, warmup });
    log?.(
      `  commit (ms): ${['bare', 'noop', 'idle', 'pending'].map((n) => `${n} ${median(samples[n]).toFixed(0)}`).join(', ')}`,
    );
    const against = (name, other) => medianDifference(samples[name], samples[other]);
    return {
      node: median(samples.node),
      bare: median(samples.bare),
      noop: { ms: median(samples.noop), overBare: against('noop', 'bare') },
      idle: {
        ms: median(samples.idle),
        overBare: against('idle', 'bare'),
        overNoop: against('idle', 'noop'),
      },
      pending: { ms: median(samples.pending), overIdle: against('pending', 'idle') },
    };
  } finally {
    for (const root of Object.values(repos)) removeRepo(root);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const r = await benchCommit({
    rounds: Number(process.env.COMMIT_BENCH_ROUNDS ?? 15),
    log: (text) => process.stderr.write(`${text}\n`),
  });
  const ms = (value) => `${value.toFixed(1)} ms`;
  process.stdout.write(
    [
      `node -e 0                                  ${ms(r.node)}`,
      `git commit, no hooks                       ${ms(r.bare)}`,
      `  lefthook, no-op jobs                     ${ms(r.noop.ms)}  +${ms(r.noop.overBare)} over no hooks`,
      `  audit-hooks, nothing pending             ${ms(r.idle.ms)}  +${ms(r.idle.overNoop)} over the no-op jobs (target ≤ +10 ms)`,
      `  audit-hooks, ${PENDING} pending             ${ms(r.pending.ms)}  +${ms(r.pending.overIdle)} over idle = ${(r.pending.overIdle / r.node).toFixed(2)}× node -e 0 (target ≤ 2.0×)`,
      '',
    ].join('\n'),
  );
}
