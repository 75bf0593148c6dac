// Concurrency that does not trust the lock (SPEC §5.4): consolidations of one worktree at
// once, past the lock (`lockWaitMs: 0`); a run stopped (Ctrl-Z) while it holds the lock, at
// each step of the protocol, overtaken by another past its lock wait and then resumed; a
// lock holder in another PID namespace, whose pid is not visible here; and a clock stepped
// back between two runs. After each: every entry once, nothing left behind.

import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { historyFindings, readHistory } from './check.mjs';
import { caseResult, finalCommit, merge, seedShard } from './common.mjs';
import {
  cleanEnv,
  commit,
  faultEnv,
  findProcess,
  freshDir,
  hookedRepo,
  hookWarnings,
  isAlive,
  pidIn,
  pidNamespaces,
  RUN_SCRIPT,
  startCli,
  startCommit,
  startRun,
  startWriter,
  waitFor,
  waitStopped,
} from './env.mjs';

const LOCK = join('logs', 'active', '.consolidate.lock');

/** Every seeded entry in the history, exactly as written (what a run must have done). */
function missingFromHistory(root, seeds) {
  const history = readHistory(root, []);
  return [...seeds].filter(([id, line]) => history.get(id)?.line !== line).map(([id]) => id);
}

function expectRunOk(result, failures, what) {
  if (result.status !== 0 || result.signal !== null) {
    failures.push(
      `${what}: exit ${result.status ?? result.signal}: ${result.stdout}${result.stderr}`,
    );
  }
}

// ---------------------------------------------------------------------------------------
// Four at once: three library runs that skip the lock and one commit through the hooks,
// round after round, while writers append.

export async function fourAtOnce(build, s, progress) {
  const repo = hookedRepo(build, 'four');
  const ledgers = freshDir('four-ledgers');
  const failures = [];
  const ledgerFiles = [];
  const writers = [0, 1].map((k) => {
    const ledger = join(ledgers, `f${k}.ledger`);
    ledgerFiles.push(ledger);
    return startWriter(build, {
      root: repo.root,
      session: 'four',
      label: `f${k}`,
      count: s.fourWriterEntries,
      profile: 'small',
      spread: true,
      ledger,
      paceMs: 1,
    });
  });
  let seeds = new Map();
  const seen = new Map();
  let lockTimeouts = 0;
  for (let round = 0; round < s.fourRounds; round++) {
    seeds = merge(
      seeds,
      seedShard(repo.root, `20260201T00000${round % 10}_r${round}a.jsonl`, `r${round}a`, 200),
      seedShard(repo.root, `20260201T00000${round % 10}_r${round}b.jsonl`, `r${round}b`, 100),
    );
    const runs = [0, 1, 2].map(() => startRun(build, repo.root, { lockWaitMs: 0 }));
    const committing = commit(repo.root, `round ${round}`);
    for (const result of await Promise.all(runs.map((run) => run.done))) {
      expectRunOk(result, failures, `round ${round}, a run`);
    }
    const done = await committing;
    const said = hookWarnings(done.stderr);
    lockTimeouts += said.filter((line) => /another consolidation/.test(line)).length;
    for (const line of said.filter((l) => !/another consolidation/.test(l))) {
      failures.push(`round ${round}: the commit said ${line}`);
    }
    for (const failure of historyFindings(repo.root, seen))
      failures.push(`round ${round}: ${failure}`);
    if ((round + 1) % 10 === 0) progress(`four at once: ${round + 1}/${s.fourRounds}`);
  }
  for (const writer of writers) {
    const result = await writer.done;
    if (result.status !== 0) failures.push(`writer failed: ${result.stderr}`);
  }
  const counts = await finalCommit(repo.root, failures, 'four at once', {
    check: { seeds, ledgers: ledgerFiles, seen },
  });
  return caseResult(
    'four-at-once',
    'three consolidations that skip the lock and a real commit, at once, round after round, while two writers append to one shard',
    {
      rounds: s.fourRounds,
      runs: s.fourRounds * 4,
      lockTimeouts,
      acknowledged: counts.acknowledged,
    },
    counts,
    failures,
    s.fourRounds * 3,
  );
}

// ---------------------------------------------------------------------------------------
// A run stopped while it holds the lock, at each step; another one past its lock wait does
// the whole job meanwhile; the stopped one resumes and must neither lose nor duplicate.

const POINTS = [
  // after its first shard moved into the set being filled
  { kind: 'stop', step: 'claim', nth: 4 },
  // its run folder made, before the first batch file is written
  { kind: 'stop', step: 'batch', nth: 3 },
  // its run done, before its decision (the manifest link)
  { kind: 'stop', step: 'manifest' },
  // decided, before the first link into logs/history
  { kind: 'stop', step: 'publish' },
];

export async function stoppedPastLock(build, s, progress) {
  const repo = hookedRepo(build, 'stopped');
  const failures = [];
  let seeds = new Map();
  const seen = new Map();
  let stops = 0;
  let overtaken = 0;
  let failedStops = 0;
  const seed = (name, count) => seedShard(repo.root, `20260301T000000_${name}.jsonl`, name, count);
  for (let round = 0; round < s.stopRounds; round++) {
    for (const [index, point] of POINTS.entries()) {
      const failuresBefore = failures.length;
      const name = `${point.step}${round}`;
      seeds = merge(seeds, seed(`${name}a`, 120), seed(`${name}b`, 60));
      const stopped = startRun(build, repo.root, {}, point);
      await waitStopped(stopped.child.pid, stopped.child);
      stops++;
      const lock = readFileSync(join(repo.root, LOCK), 'utf8');
      if (!lock.startsWith(`${stopped.child.pid} `))
        failures.push(`${name}: the lock is not the stopped run's`);
      seeds = merge(seeds, seed(`${name}c`, 30));
      // Every other time the one that overtakes is a real commit (past its 2 s lock wait),
      // which also releases the set the stopped run works on.
      if ((round + index) % 2 === 0) {
        expectRunOk(
          await startRun(build, repo.root, { lockWaitMs: 100 }).done,
          failures,
          `past ${name}`,
        );
      } else {
        const done = await commit(repo.root, `past ${name}`);
        const said = hookWarnings(done.stderr).filter((l) => !/another consolidation/.test(l));
        if (done.status !== 0 || said.length > 0) failures.push(`past ${name}: ${done.stderr}`);
      }
      const missing = missingFromHistory(repo.root, seeds);
      if (missing.length === 0) overtaken++;
      else
        failures.push(
          `${name}: ${missing.length} entries not consolidated by the run that went past the lock`,
        );
      stopped.child.kill('SIGCONT');
      expectRunOk(await stopped.done, failures, `${name}, resumed`);
      for (const failure of historyFindings(repo.root, seen)) failures.push(`${name}: ${failure}`);
      if (failures.length > failuresBefore) failedStops++;
    }
    // stage, and release: the steps of a real commit, stopped in the hook.
    for (const [argv, step] of [
      ['pre-commit', 'stage'],
      ['post-commit', 'release'],
    ]) {
      const failuresBefore = failures.length;
      const name = `${step}${round}`;
      seeds = merge(seeds, seed(`${name}a`, 100));
      const pidFile = join(freshDir('pid'), 'pid');
      const committing = startCommit(repo.root, `stopped at ${name}`, {
        fault: { kind: 'stop', step, argv, pidFile },
      });
      const hook = await pidIn(pidFile);
      await waitStopped(hook, committing.child);
      stops++;
      seeds = merge(seeds, seed(`${name}b`, 30));
      expectRunOk(
        await startRun(build, repo.root, { lockWaitMs: 100 }).done,
        failures,
        `past ${name}`,
      );
      if (missingFromHistory(repo.root, seeds).length === 0) overtaken++;
      else failures.push(`${name}: the run that went past the lock left entries unconsolidated`);
      process.kill(hook, 'SIGCONT');
      const done = await committing.done;
      const said = hookWarnings(done.stderr);
      if (done.status !== 0 || said.length > 0) failures.push(`${name}, resumed: ${done.stderr}`);
      for (const failure of historyFindings(repo.root, seen)) failures.push(`${name}: ${failure}`);
      if (failures.length > failuresBefore) failedStops++;
    }
    progress(`stopped past the lock: round ${round + 1}/${s.stopRounds}`);
  }
  const counts = await finalCommit(repo.root, failures, 'stopped past the lock', {
    check: { seeds, seen },
  });
  return caseResult(
    'stopped-past-lock',
    'a consolidation SIGSTOPped while it holds the lock (during claim, during batch, before its manifest, before publish; the commit steps before stage and before release), another run goes past its lock wait and does the job, then the first is resumed',
    { rounds: s.stopRounds, stops, overtaken, acknowledged: counts.acknowledged },
    counts,
    failures,
    stops,
    failedStops,
  );
}

// ---------------------------------------------------------------------------------------
// The lock holder runs in another PID namespace (a container sharing the checkout): its pid
// in the lock names nobody here. Really, with `unshare --pid` where this machine allows it;
// else the run reports the pid it would have there.

export async function pidNamespace(build, s, progress) {
  const repo = hookedRepo(build, 'pidns');
  const failures = [];
  const real = pidNamespaces();
  let seeds = new Map();
  let invisible = 0;
  for (let round = 0; round < s.nsRounds; round++) {
    seeds = merge(
      seeds,
      seedShard(repo.root, `20260401T000000_n${round}a.jsonl`, `n${round}a`, 150),
      seedShard(repo.root, `20260401T000000_n${round}b.jsonl`, `n${round}b`, 80),
    );
    // Even rounds: stopped before its decision; odd rounds: running, at the same time.
    const fault = round % 2 === 0 ? { kind: 'stop', step: 'manifest' } : { kind: 'none' };
    let foreign = 300 + round * 7;
    while (isAlive(foreign)) foreign++;
    const args = [RUN_SCRIPT, build.index, JSON.stringify({ cwd: repo.root })];
    let holder;
    let pid;
    if (real) {
      // `sh` is pid 1 there and each `true` takes the next pid, so node gets `foreign`.
      const burn = `i=0; while [ $i -lt ${foreign - 2} ]; do /bin/true; i=$((i+1)); done`;
      holder = spawn(
        'unshare',
        [
          '--pid',
          '--fork',
          '--kill-child',
          'sh',
          '-c',
          `${burn}; "$0" "$@"`,
          process.execPath,
          ...args,
        ],
        { cwd: repo.root, env: cleanEnv(faultEnv(fault)), stdio: ['ignore', 'pipe', 'pipe'] },
      );
      pid = await waitFor('the run in its namespace', () =>
        findProcess(`${process.execPath}\0${RUN_SCRIPT}\0`, repo.root),
      );
    } else {
      const run = startRun(build, repo.root, {}, { ...fault, pid: foreign });
      holder = run.child;
      pid = run.child.pid;
    }
    const ended = new Promise((resolve) => holder.on('close', (code) => resolve(code)));
    if (round % 2 === 0) await waitStopped(pid, holder);
    else
      await waitFor('its lock', () => {
        try {
          return readFileSync(join(repo.root, LOCK), 'utf8') !== '';
        } catch {
          return holder.exitCode !== null;
        }
      });
    try {
      const named = Number.parseInt(readFileSync(join(repo.root, LOCK), 'utf8'), 10);
      if (named === foreign && !isAlive(named)) invisible++;
    } catch {
      // finished already (odd rounds): it raced nobody this time
    }
    seeds = merge(
      seeds,
      seedShard(repo.root, `20260401T000000_n${round}c.jsonl`, `n${round}c`, 40),
    );
    expectRunOk(
      await startRun(build, repo.root, { lockWaitMs: 30_000 }).done,
      failures,
      `round ${round}, the other run`,
    );
    if (round % 2 === 0) process.kill(pid, 'SIGCONT');
    const code = await ended;
    if (code !== 0) failures.push(`round ${round}: the namespaced run exited ${code}`);
    if (missingFromHistory(repo.root, seeds).length > 0)
      failures.push(`round ${round}: entries not consolidated`);
  }
  progress(`pid namespace: ${s.nsRounds} rounds (${real ? 'unshare --pid' : 'reported pid'})`);
  const counts = await finalCommit(repo.root, failures, 'pid namespace', { check: { seeds } });
  return caseResult(
    'pid-namespace',
    `the lock holder runs in another PID namespace (${real ? '`unshare --pid --fork`' : 'its pid as it would report it there'}): its pid names nobody here, while it is stopped or running`,
    {
      rounds: s.nsRounds,
      method: real ? 'unshare' : 'reported pid',
      lockNamedInvisiblePid: invisible,
    },
    counts,
    failures,
    s.nsRounds,
  );
}

// ---------------------------------------------------------------------------------------
// A clock stepped back between two runs (an NTP step; same-millisecond claims do the same):
// the claim set made later sorts first. A writer's entry that landed in a claimed shard and
// was written again to a new shard (SPEC §4) must still be in the history once.

const TWO_ENTRIES = `
const [writerModule, root] = process.argv.slice(2);
const { AuditLog } = await import(writerModule);
const log = new AuditLog({ repoRoot: root, sessionId: 'clock' });
const ids = [log.log({ n: 1 }).id, log.log({ n: 2 }).id];
log.close();
process.stdout.write(ids.join('\\n') + '\\n');
`;

export async function clockStepBack(build, s, progress) {
  const repo = hookedRepo(build, 'clock');
  const failures = [];
  const script = join(freshDir('clock-script'), 'two.mjs');
  writeFileSync(script, TWO_ENTRIES);
  const ids = [];
  let duplicated = 0;
  for (let round = 0; round < s.clockRounds; round++) {
    // The writer logs its first entry and stops just before writing its second.
    const writer = spawn(process.execPath, [script, build.writer, repo.root], {
      env: cleanEnv(faultEnv({ kind: 'stop', step: 'shard', nth: 2 })),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    writer.stdout.on('data', (chunk) => {
      out += chunk;
    });
    const written = new Promise((resolve) => writer.on('close', resolve));
    await waitStopped(writer.pid, writer);
    // A consolidation claims its shard, and stops before reading it.
    const first = startCli(build, ['consolidate'], {
      cwd: repo.root,
      inject: { kind: 'stop', step: 'batch' },
    });
    await waitStopped(first.child.pid, first.child);
    // The second line lands in the claimed shard; the writer writes it again to a new one.
    writer.kill('SIGCONT');
    await written;
    const pair = out.trim().split('\n');
    ids.push(...pair);
    first.child.kill('SIGCONT');
    expectRunOk(await first.done, failures, `round ${round}, first`);
    // The next run's clock is a minute behind.
    const next = await startCli(build, ['consolidate'], {
      cwd: repo.root,
      inject: { kind: 'none', clockOffsetMs: -60_000 },
    }).done;
    expectRunOk(next, failures, `round ${round}, next`);
    const history = readHistory(repo.root, []);
    const twice = [];
    readHistory(repo.root, twice);
    if (twice.some((f) => /twice/.test(f))) duplicated++;
    for (const id of pair)
      if (!history.has(id)) failures.push(`round ${round}: ${id} is not in the history`);
    // Commit, so that the next round starts from released sets.
    await commit(repo.root, `round ${round}`);
  }
  progress(`clock stepped back: ${duplicated} of ${s.clockRounds} rounds duplicated an entry`);
  if (duplicated > 0) {
    failures.push(
      `${duplicated} of ${s.clockRounds} rounds: a re-appended entry reached the history twice (the later claim set sorts first, and its ledger holds only sets that sort before it)`,
    );
  }
  const counts = await finalCommit(repo.root, failures, 'clock stepped back', {
    check: { extraIds: new Set(ids) },
  });
  return caseResult(
    'clock-step-back',
    'a writer’s line lands in a just-claimed shard and is written again to a new one; the next consolidation runs on a clock a minute behind, so its claim set sorts first',
    { rounds: s.clockRounds, duplicated },
    { ...counts, acknowledged: ids.length },
    failures,
    s.clockRounds,
    duplicated,
  );
}
