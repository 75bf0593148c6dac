// Shared by the benchmarks: medians, timing child processes in interleaved rounds (so that
// a machine busy with something else slows every contestant alike), and one child's wall
// time and peak RSS.
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { benchEnv } from './repo.mjs';

const GNU_TIME = '/usr/bin/time';

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * Runs each task once per round, in an order that rotates from round to round, for
 * `warmup` untimed rounds and then `rounds` timed ones. A task is
 * `{ name, command, args, cwd, env, input?, before?, after? }`; `before` and `after` run
 * untimed around it (e.g. to set up pending entries); `input` is written to its stdin. Returns `{ [name]: ms[] }`, one sample per
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
        ...(task.input === undefined
          ? { stdio: ['ignore', 'pipe', 'pipe'] }
          : { input: task.input, stdio: ['pipe', 'pipe', 'pipe'] }),
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

/**
 * Runs `node <script> ...args` in `cwd` and returns its wall time (ms, spawn to exit, as
 * a post-commit hook pays it) and peak RSS (KiB): from GNU time when this machine has it
 * (unless BENCH_RSS=self), else from the child's own `process.resourceUsage().maxRSS` at
 * exit. Throws when the child fails.
 */
export function measure(script, args, { cwd, env = benchEnv(), maxBuffer = 64 * 1024 * 1024 }) {
  const out = join(tmpdir(), `audit-hooks-bench-rss-${process.pid}-${randomUUID()}`);
  const [command, argv] =
    existsSync(GNU_TIME) && process.env.BENCH_RSS !== 'self'
      ? [GNU_TIME, ['-f', '%M', '-o', out, process.execPath, script, ...args]]
      : [process.execPath, ['--input-type=module', '-e', rssWrapper(script, out), ...args]];
  const started = performance.now();
  const child = spawnSync(command, argv, { cwd, env, encoding: 'utf8', maxBuffer });
  const ms = performance.now() - started;
  let rssKiB = Number.NaN;
  try {
    rssKiB = Number.parseInt(readFileSync(out, 'utf8').trim().split('\n').at(-1), 10);
    unlinkSync(out);
  } catch {
    // reported below through the exit status
  }
  if (child.status !== 0) {
    throw new Error(
      `${script} ${args.join(' ')} exited ${child.status}: ${child.stderr || child.stdout}`,
    );
  }
  return { ms, rssKiB, stdout: child.stdout, stderr: child.stderr };
}

// Without GNU time: run the script inside a wrapper that records its own peak RSS at exit.
function rssWrapper(script, out) {
  return [
    `import { writeFileSync } from 'node:fs';`,
    `process.on('exit', () => writeFileSync(${JSON.stringify(out)}, String(process.resourceUsage().maxRSS)));`,
    `process.argv = [process.execPath, ${JSON.stringify(script)}, ...process.argv.slice(1)];`,
    `await import(${JSON.stringify(pathToFileURL(script).href)});`,
  ].join('\n');
}
