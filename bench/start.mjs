// CLI start-up (issue 7): what `audit-hooks` costs before it does anything, next to a bare
// `node -e 0` (the floor for any Node.js CLI on this machine). Each command runs as a
// child process, in interleaved rounds.
//
// Standalone: `npm run build && node bench/start.mjs`. Environment (all optional):
//   START_BENCH_ROUNDS  timed rounds, median reported (default 15)
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BIN, identityEnv, makeRepo, removeRepo } from './repo.mjs';
import { interleaved, median, medianDifference } from './timing.mjs';

export const START_COMMANDS = [
  ['--version'],
  ['log', '{"event":"bench","tool":"Bash","command":"npm test"}'],
  ['tail', '-n', '1'],
  ['consolidate', '--hook'],
];

/**
 * Times `node -e 0` and `node dist/bin.js <args>` for each of START_COMMANDS. `log` and
 * `tail` run in one repository (tail reads what log wrote), `consolidate --hook` in
 * another with nothing pending. Returns `{ node, commands: [{ args, ms, addedMs }] }`.
 */
export function benchStart({ rounds = 15, warmup = 2 } = {}) {
  const busy = makeRepo({ commit: true });
  const idle = makeRepo({ commit: true });
  try {
    for (const root of [busy, idle]) mkdirSync(join(root, 'logs', 'active'), { recursive: true });
    const env = identityEnv();
    const tasks = [
      { name: 'node -e 0', command: process.execPath, args: ['-e', '0'], cwd: busy, env },
      ...START_COMMANDS.map((args) => ({
        name: args.join(' '),
        command: process.execPath,
        args: [BIN, ...args],
        cwd: args[0] === 'consolidate' ? idle : busy,
        env,
      })),
    ];
    const samples = interleaved(tasks, { rounds, warmup });
    const node = samples['node -e 0'];
    return {
      node: median(node),
      commands: START_COMMANDS.map((args) => {
        const own = samples[args.join(' ')];
        return { args, ms: median(own), addedMs: medianDifference(own, node) };
      }),
    };
  } finally {
    removeRepo(busy);
    removeRepo(idle);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const result = benchStart({ rounds: Number(process.env.START_BENCH_ROUNDS ?? 15) });
  process.stdout.write(`node -e 0: ${result.node.toFixed(1)} ms\n`);
  for (const row of result.commands) {
    process.stdout.write(
      `audit-hooks ${row.args.join(' ').padEnd(60)} ${row.ms.toFixed(1)} ms (+${row.addedMs.toFixed(1)} ms, ${(row.ms / result.node).toFixed(2)}× node -e 0)\n`,
    );
  }
}
