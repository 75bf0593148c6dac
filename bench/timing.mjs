// Shared by the benchmarks: medians, and timing child processes in interleaved rounds, so
// that a machine busy with something else slows every contestant alike.
import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * Runs each task once per round, in an order that rotates from round to round, for
 * `warmup` untimed rounds and then `rounds` timed ones. A task is
 * `{ name, command, args, cwd, env, before?, after? }`; `before` and `after` run untimed
 * around it (e.g. to set up pending entries). Returns `{ [name]: ms[] }`, one sample per
 * round, in round order, so that differences can be taken round by round.
 */
export function interleaved(tasks, { rounds, warmup = 1 }) {
  const samples = Object.fromEntries(tasks.map((task) => [task.name, []]));
  for (let round = 0; round < warmup + rounds; round++) {
    for (let i = 0; i < tasks.length; i++) {
      const task = tasks[(i + round) % tasks.length];
      task.before?.();
      const started = performance.now();
      const child = spawnSync(task.command, task.args, {
        cwd: task.cwd,
        env: task.env,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const ms = performance.now() - started;
      if (child.status !== 0 || child.error) {
        throw new Error(
          `${task.name}: ${[task.command, ...task.args].join(' ')} exited ${child.status}: ${child.error?.message ?? ''}${child.stderr}`,
        );
      }
      task.after?.(child);
      if (round >= warmup) samples[task.name][round - warmup] = ms;
    }
  }
  return samples;
}

/** Median of the round-by-round differences `a[i] - b[i]` (paired: same round, same load). */
export function medianDifference(a, b) {
  return median(a.map((value, i) => value - b[i]));
}
