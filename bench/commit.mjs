// Commit overhead (issue 7): what the post-commit hook adds to `git commit`. Four
// repositories side by side, committing in interleaved rounds (`git commit --allow-empty`):
//
//   bare       no hooks at all
//   lefthook   lefthook's hooks with one empty post-commit job (`true`): lefthook's own cost
//   idle       audit-hooks installed (`node dist/bin.js install`), nothing to consolidate
//   pending    audit-hooks installed, 1,000 new entries in 4 shards before each commit
//
// plus a bare `node -e 0`, the floor of any Node.js hook. As in scripts/demo.mjs, each
// repository's `node_modules/.bin/audit-hooks` is a symbolic link to dist/bin.js, which is
// what the installed hook command finds first.
//
// Standalone: `npm run build && node bench/commit.mjs`. Environment (all optional):
//   COMMIT_BENCH_ROUNDS  timed rounds, median reported (default 15)
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeShards } from './history.mjs';
import { BIN, identityEnv, makeRepo, removeRepo } from './repo.mjs';
import { interleaved, median, medianDifference } from './timing.mjs';

const PENDING = 1000;
const SHARDS = 4;

const EMPTY_JOB_CONFIG = `# lefthook alone: one empty post-commit job.
post-commit:
  jobs:
    - name: empty
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
}

/**
 * Times the commits and returns medians (ms): `node`, `bare`, and for `lefthook`, `idle`
 * and `pending` the commit time and what it adds to a bare commit (round by round).
 */
export async function benchCommit({ rounds = 15, warmup = 2 } = {}) {
  const { AuditLog } = await import('../dist/index.js');
  const env = withoutNpmBinOnPath(identityEnv());
  const repo = () => makeRepo({ commit: true });
  const repos = { bare: repo(), lefthook: repo(), idle: repo(), pending: repo() };
  try {
    for (const name of ['lefthook', 'idle', 'pending']) installAuditHooks(repos[name], env);
    writeFileSync(join(repos.lefthook, 'lefthook.yml'), EMPTY_JOB_CONFIG);

    const active = (root) => join(root, 'logs', 'active');
    const commit = (name, extra = {}) => ({
      name,
      command: 'git',
      args: ['commit', '-q', '--allow-empty', '-m', 'bench'],
      cwd: repos[name],
      env,
      after: (child) => {
        if (/warning|did not consolidate/i.test(child.stderr)) {
          throw new Error(`${name}: the hook complained: ${child.stderr}`);
        }
      },
      ...extra,
    });
    const tasks = [
      { name: 'node', command: process.execPath, args: ['-e', '0'], cwd: repos.bare, env },
      commit('bare'),
      commit('lefthook'),
      commit('idle'),
      commit('pending', {
        before: () => writeShards(AuditLog, repos.pending, PENDING, SHARDS),
        after: (child) => {
          const left = readdirSync(active(repos.pending)).filter((name) => name.endsWith('.jsonl'));
          if (left.length > 0 || /warning|did not consolidate/i.test(child.stderr)) {
            throw new Error(`the hook did not consolidate: ${left.join(', ')} ${child.stderr}`);
          }
          // Back to the same history for the next round (today's partition was new).
          const history = join(repos.pending, 'logs', 'history');
          const entries = readdirSync(history).reduce(
            (sum, name) => sum + readFileSync(join(history, name), 'utf8').split('\n').length - 1,
            0,
          );
          if (entries !== PENDING) throw new Error(`history holds ${entries}, not ${PENDING}`);
          rmSync(history, { recursive: true, force: true });
        },
      }),
    ];
    const samples = interleaved(tasks, { rounds, warmup });
    const row = (name) => ({
      ms: median(samples[name]),
      addedMs: medianDifference(samples[name], samples.bare),
    });
    return {
      node: median(samples.node),
      bare: median(samples.bare),
      lefthook: row('lefthook'),
      idle: { ...row('idle'), oursMs: medianDifference(samples.idle, samples.lefthook) },
      pending: { ...row('pending'), oursMs: medianDifference(samples.pending, samples.lefthook) },
    };
  } finally {
    for (const root of Object.values(repos)) removeRepo(root);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const r = await benchCommit({ rounds: Number(process.env.COMMIT_BENCH_ROUNDS ?? 15) });
  const ms = (value) => `${value.toFixed(1)} ms`;
  const x = (value) => `${(value / r.node).toFixed(2)}× node -e 0`;
  process.stdout.write(
    [
      `node -e 0                          ${ms(r.node)}`,
      `git commit, no hooks               ${ms(r.bare)}`,
      `  + lefthook, empty job            ${ms(r.lefthook.ms)}  adds ${ms(r.lefthook.addedMs)} (${x(r.lefthook.addedMs)})`,
      `  + audit-hooks, nothing pending   ${ms(r.idle.ms)}  adds ${ms(r.idle.addedMs)} (${x(r.idle.addedMs)}); our job ${ms(r.idle.oursMs)} (${x(r.idle.oursMs)})`,
      `  + audit-hooks, ${PENDING} pending     ${ms(r.pending.ms)}  adds ${ms(r.pending.addedMs)}; our job ${ms(r.pending.oursMs)}`,
      '',
    ].join('\n'),
  );
}
