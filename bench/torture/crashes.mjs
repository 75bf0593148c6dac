// Crashes: SIGKILL of consolidation at random moments (manual runs, and the commit steps of
// real commits), before every single step of the protocol in four situations, and of writers
// mid-line while another process appends to the same shard. After each: every acknowledged
// entry once (committed, or still pending), never lost or altered; the next commit finishes
// the job with nothing to say; no temp file, claim set or lock left.
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { checkRepo, historyFindings, sha256, walk } from './check.mjs';
import {
  addCounts,
  BAD_LINE,
  caseResult,
  countQuarantined,
  finalCommit,
  merge,
  QUARANTINE_WARNING,
  seedShard,
} from './common.mjs';
import { cli, commit, freshDir, hookedRepo, hookWarnings, startCli, startWriter } from './env.mjs';
import { spreadTimestamp } from './payload.mjs';

const HOOK_FAILED = /^audit-hooks: warning: hook (pre|post)-commit(?: --mode \S+)? failed; /;

// ---------------------------------------------------------------------------------------
// SIGKILL at random moments: `consolidate`, `consolidate --hook` and the two steps of real
// commits killed after a random delay (a kill -9 from outside, or from a thread of the hook
// process itself), while writer processes append and are themselves killed now and then.

export async function randomKills(build, s, progress) {
  const repo = hookedRepo(build, 'kill');
  const ledgers = freshDir('kill-ledgers');
  const failures = [];
  const live = new Set();
  const ledgerFiles = [];
  const seen = new Map();
  let writersStarted = 0;
  let writersKilled = 0;
  const startOne = () => {
    const label = `k${++writersStarted}`;
    const ledger = join(ledgers, `${label}.ledger`);
    ledgerFiles.push(ledger);
    const proc = startWriter(build, {
      root: repo.root,
      session: `sess-${writersStarted % 3}`,
      label,
      // Every 4th writer writes a few 256 kB lines: long writes, so kills land mid-line.
      count: writersStarted % 4 === 0 ? 12 : s.writerEntries,
      profile: writersStarted % 4 === 0 ? 'big' : 'mixed',
      spread: true,
      ledger,
    });
    live.add(proc);
    proc.done.then((result) => {
      live.delete(proc);
      if (result.signal === null && result.status !== 0) {
        failures.push(`writer ${label} failed: ${result.stderr.trim()}`);
      }
    });
  };

  // The kill window starts at one undisturbed run's length, then follows the runs.
  while (live.size < 3) startOne();
  await sleep(300);
  const t0 = Date.now();
  const probe = await startCli(build, ['consolidate'], { cwd: repo.root }).done;
  if (probe.status !== 0) failures.push(`undisturbed consolidate failed: ${probe.stderr}`);
  let estimateMs = Math.max(50, Date.now() - t0);
  const killed = { consolidate: 0, hook: 0, 'pre-commit': 0, 'post-commit': 0 };
  let finished = 0;
  for (let trial = 0; trial < s.randomKills; trial++) {
    while (live.size < 3) startOne();
    if (trial % 3 === 1) {
      const victims = [...live];
      const victim = victims[Math.floor(Math.random() * victims.length)];
      setTimeout(() => {
        if (victim.child.exitCode === null && victim.child.kill('SIGKILL')) writersKilled++;
      }, Math.random() * 100);
    }
    const kind = ['consolidate', 'hook', 'pre-commit', 'post-commit'][trial % 4];
    const delay = Math.random() * estimateMs * 1.3;
    const t1 = Date.now();
    if (kind === 'pre-commit' || kind === 'post-commit') {
      const result = await commit(repo.root, `trial ${trial}`, {
        fault: { kind: 'kill-after', ms: delay, argv: kind },
      });
      const said = hookWarnings(result.stderr).filter((line) => !QUARANTINE_WARNING.test(line));
      if (result.status !== 0) failures.push(`commit of trial ${trial} failed: ${result.stderr}`);
      if (said.length === 1 && HOOK_FAILED.test(said[0])) killed[kind]++;
      else if (said.length > 0) failures.push(`commit of trial ${trial} said: ${said.join(' | ')}`);
      else finished++;
    } else {
      const run = startCli(build, ['consolidate', ...(kind === 'hook' ? ['--hook'] : [])], {
        cwd: repo.root,
      });
      const timer = setTimeout(
        () => run.child.exitCode === null && run.child.kill('SIGKILL'),
        delay,
      );
      const result = await run.done;
      clearTimeout(timer);
      if (result.signal === 'SIGKILL') {
        killed[kind]++;
        // Runs grow with the pending work: stretch the window so some get to finish.
        estimateMs *= 1.05;
      } else {
        finished++;
        estimateMs = 0.7 * estimateMs + 0.3 * (Date.now() - t1);
        const stderr = result.stderr;
        if (result.status !== 0 || (stderr !== '' && !QUARANTINE_WARNING.test(stderr))) {
          failures.push(`consolidate (${kind}) exited ${result.status}: ${stderr.trim()}`);
        }
      }
    }
    for (const failure of historyFindings(repo.root, seen))
      failures.push(`trial ${trial}: ${failure}`);
    if ((trial + 1) % 20 === 0) progress(`random kills: ${trial + 1}/${s.randomKills}`);
  }
  await Promise.all([...live].map((proc) => proc.done));
  const counts = await finalCommit(repo.root, failures, 'random kills', {
    quarantine: true,
    check: { ledgers: ledgerFiles, quarantine: 'torn', seen },
  });
  const total = Object.values(killed).reduce((a, b) => a + b, 0);
  return caseResult(
    'sigkill-random',
    'SIGKILL at a random moment of `consolidate`, `consolidate --hook` and of the pre-commit and post-commit steps of real commits, while writers append; writers SIGKILLed too',
    {
      trials: s.randomKills,
      killedConsolidate: killed.consolidate,
      killedHookRun: killed.hook,
      killedPreCommit: killed['pre-commit'],
      killedPostCommit: killed['post-commit'],
      finishedFirst: finished,
      writerProcesses: writersStarted,
      writersKilled,
      acknowledged: counts.acknowledged,
      inFlightAtKill: counts.inflight,
      tornLinesQuarantined: counts.tornQuarantined,
    },
    counts,
    failures,
    total + writersKilled,
  );
}

// ---------------------------------------------------------------------------------------
// SIGKILL before each mutating call (fs or git) of a run, one run per call, in four
// situations: every step of claim → batch → manifest → publish → stage → release is
// interrupted, and the next commit must finish the job.

/** The situations, each a template repository and the run to kill in a copy of it. */
async function scenarios(build) {
  // A history committed over several days, a claim set whose commit was aborted (its batch
  // staged, the set waiting), and new shards over the same and new days: one with a line to
  // quarantine and a copy of an entry that the waiting set holds.
  const template = hookedRepo(build, 'steps-template');
  const root = template.root;
  const day = (i) => spreadTimestamp('step', i % 3);
  const committed = seedShard(root, '20260101T000000_old.jsonl', 'old', 80, { timestamp: day });
  const setup = [await commit(root, 'history')];
  const waiting = seedShard(root, '20260101T000001_wait.jsonl', 'wait', 40, { timestamp: day });
  // An empty message: git aborts the commit after the pre-commit step staged the batch.
  const aborted = await commit(root, '');
  if (!/empty commit message/.test(aborted.stderr)) setup.push(aborted);
  const fresh = merge(
    seedShard(root, '20260102T000000_a.jsonl', 'a', 60, { timestamp: day }),
    seedShard(root, '20260102T000001_b.jsonl', 'b', 60, { timestamp: (i) => day(i + 1) }),
    seedShard(root, '20260102T000002_c.jsonl', 'c', 30, { timestamp: day }),
  );
  writeFileSync(
    join(root, 'logs', 'active', '20260102T000003_d.jsonl'),
    Buffer.concat([Buffer.from(`${waiting.get('wait-3')}\n`), BAD_LINE, Buffer.from('\n')]),
  );
  const seeds = merge(committed, waiting, fresh);
  // Only lines to quarantine: a claim set with no batch file at all.
  const bad = hookedRepo(build, 'steps-bad');
  writeFileSync(
    join(bad.root, 'logs', 'active', '20260102T000000_bad.jsonl'),
    Buffer.concat([BAD_LINE, Buffer.from('\nnot json either\n')]),
  );
  const consolidate = (dir, fault) => cli(build, ['consolidate'], { cwd: dir, inject: fault });
  const inStep = (argv) => (dir, fault) =>
    commit(dir, `killed in ${argv}`, { fault: { ...fault, argv } });
  const main = { root, seeds, quarantined: [BAD_LINE] };
  return {
    setup,
    list: [
      { name: 'consolidate', ...main, run: consolidate },
      { name: 'pre-commit', ...main, run: inStep('pre-commit') },
      { name: 'post-commit', ...main, run: inStep('post-commit') },
      {
        name: 'quarantine-only',
        root: bad.root,
        seeds: new Map(),
        quarantined: [BAD_LINE, Buffer.from('not json either')],
        run: consolidate,
      },
    ],
  };
}

/** The protocol step of each mutating call an undisturbed run makes (from a trace). */
async function traceSteps(scenario) {
  const dir = freshDir(`trace-${scenario.name}`);
  cpSync(scenario.root, dir, { recursive: true });
  const out = join(freshDir('trace-out'), 'trace');
  writeFileSync(out, '');
  await scenario.run(dir, { kind: 'trace', out });
  rmSync(dir, { recursive: true, force: true });
  return readFileSync(out, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => line.split(' ')[0]);
}

/** Crash points: all of them (full), or each step's first call plus an even spread (ci). */
function crashPoints(steps, limit) {
  const all = steps.map((_, i) => i + 1);
  if (all.length + 1 <= limit) return [...all, steps.length + 1];
  const points = new Set([steps.length, steps.length + 1]);
  // The first two calls of each step (a lock is created, then its token written).
  const seen = new Map();
  steps.forEach((step, i) => {
    const n = (seen.get(step) ?? 0) + 1;
    seen.set(step, n);
    if (n <= 2) points.add(i + 1);
  });
  const stride = Math.max(1, Math.ceil(steps.length / Math.max(1, limit - points.size)));
  for (let at = 1; at <= steps.length; at += stride) points.add(at);
  return [...points].sort((a, b) => a - b);
}

export async function killAtEveryStep(build, s, progress) {
  const failures = [];
  const built = await scenarios(build);
  for (const result of built.setup) {
    if (result.status !== 0) failures.push(`setup commit failed: ${result.stderr}`);
  }
  const perStep = {};
  const perScenario = {};
  const counts = { acknowledged: 0, lost: 0, altered: 0, quarantined: 0 };
  let killedAt = 0;
  let failedPoints = 0;
  for (const scenario of built.list) {
    const steps = await traceSteps(scenario);
    const template = new Map(
      walk(join(scenario.root, 'logs', 'history'))
        .filter((path) => !path.endsWith('/'))
        .map((path) => [path.slice(join(scenario.root, 'logs', 'history').length + 1), path]),
    );
    const points = crashPoints(steps, s.crashPoints);
    perScenario[scenario.name] = `${points.length} of ${steps.length + 1}`;
    counts.acknowledged += scenario.seeds.size;
    for (const at of points) {
      const failuresBefore = failures.length;
      const step = steps[at - 1] ?? 'after the last';
      const where = `${scenario.name}, killed before call ${at} (${step})`;
      const dir = freshDir(`step-${scenario.name}-${at}`);
      cpSync(scenario.root, dir, { recursive: true });
      // Whatever the history held before must keep its bytes.
      const seen = new Map([...template].map(([name, path]) => [name, sha256(readFileSync(path))]));
      const run = await scenario.run(dir, { kind: 'kill', at });
      const died =
        run.signal === 'SIGKILL' || hookWarnings(run.stderr).some((line) => HOOK_FAILED.test(line));
      if (died) {
        killedAt++;
        perStep[step] = (perStep[step] ?? 0) + 1;
      } else if (at <= steps.length)
        failures.push(`${where}: the run was not killed (${run.status})`);
      if (run.status !== 0 && run.signal !== 'SIGKILL') {
        failures.push(`${where}: exit ${run.status}: ${run.stderr.trim()}`);
      }
      // Right after the crash: batch files whole, nothing lost (committed or still pending).
      const middle = checkRepo(dir, {
        seeds: scenario.seeds,
        allowPending: true,
        allowLock: true,
        allowTemp: true,
        quarantine: 'any',
        seen,
      });
      for (const failure of middle.failures) failures.push(`${where}: ${failure}`);
      // The next commit (with an entry of its own) finishes the job, whatever was left.
      const next = seedShard(dir, '20260103T000000_next.jsonl', `next${at}`, 1);
      const end = await finalCommit(dir, failures, `after ${where}`, {
        quarantine: true,
        check: { seeds: merge(scenario.seeds, next), quarantine: 'any', seen },
      });
      for (const bytes of scenario.quarantined) {
        const times = countQuarantined(dir, bytes);
        if (times !== 1) {
          failures.push(
            `after ${where}: ${JSON.stringify(bytes.toString())} quarantined ${times} times, not once`,
          );
          counts.lost += times === 0 ? 1 : 0;
        }
      }
      if (end.quarantined !== scenario.quarantined.length) {
        failures.push(
          `after ${where}: ${end.quarantined} quarantine records, expected ${scenario.quarantined.length}`,
        );
      }
      addCounts(counts, middle.counts);
      addCounts(counts, end);
      if (failures.length > failuresBefore) failedPoints++;
      rmSync(dir, { recursive: true, force: true });
    }
    progress(`every step, ${scenario.name}: ${points.length} crash points of ${steps.length}`);
  }
  return caseResult(
    'sigkill-every-step',
    'SIGKILL just before the 1st, 2nd, … mutating call (fs or git) of `consolidate`, of the pre-commit and of the post-commit step of a real commit, and of a run whose lines all go to quarantine; then the next commit',
    {
      ...perScenario,
      killed: killedAt,
      ...Object.fromEntries(Object.entries(perStep).map(([k, v]) => [`at ${k}`, v])),
    },
    counts,
    failures,
    killedAt,
    failedPoints,
  );
}

// ---------------------------------------------------------------------------------------
// Two writers share a session (so a shard): one writes 256 kB lines and is SIGKILLed at a
// random moment, likely mid-line; the other keeps writing. Consolidation runs in a loop.

export async function sharedShardWriterKilled(build, s, progress) {
  const repo = hookedRepo(build, 'shared');
  const ledgers = freshDir('shared-ledgers');
  const failures = [];
  const ledgerFiles = [join(ledgers, 'steady.ledger')];
  const steady = startWriter(build, {
    root: repo.root,
    session: 'shared',
    label: 'steady',
    count: s.sharedEntries,
    profile: 'small',
    spread: true,
    ledger: ledgerFiles[0],
    paceMs: 1,
  });
  let running = true;
  const loop = (async () => {
    let runs = 0;
    while (running) {
      // `consolidate`, then a commit through the hooks, in turn.
      const viaCommit = runs++ % 2 === 1;
      const result = viaCommit
        ? await commit(repo.root, `loop ${runs}`)
        : await startCli(build, ['consolidate'], { cwd: repo.root }).done;
      const said = (viaCommit ? hookWarnings(result.stderr) : [result.stderr.trim()]).filter(
        (line) => line !== '' && !QUARANTINE_WARNING.test(line),
      );
      if (result.status !== 0 || said.length > 0) {
        failures.push(`consolidation exited ${result.status}: ${said.join(' | ')}`);
      }
    }
    return runs;
  })();
  let killed = 0;
  let tears = 0;
  for (let k = 0; k < s.sharedKills; k++) {
    const label = `big${k}`;
    const ledger = join(ledgers, `${label}.ledger`);
    ledgerFiles.push(ledger);
    // Every other writer tears its line for sure: SIGKILL right after writing half of its
    // n-th line (fault injection); the others get a real SIGKILL at a random moment.
    const tear = k % 2 === 1;
    const big = startWriter(
      build,
      {
        root: repo.root,
        session: 'shared',
        label,
        count: 200,
        profile: 'big',
        spread: true,
        ledger,
      },
      tear
        ? { kind: 'tear', at: 1 + Math.floor(Math.random() * 5), under: join(repo.root, 'logs') }
        : undefined,
    );
    if (!tear) {
      await sleep(80 + Math.random() * 250);
      if (big.child.exitCode === null && big.child.kill('SIGKILL')) killed++;
    }
    const result = await big.done;
    if (tear && result.signal === 'SIGKILL') tears++;
    // Let the steady writer append after the torn line before the next kill.
    await sleep(20);
    if ((k + 1) % 10 === 0) progress(`shared shard: ${k + 1}/${s.sharedKills} kills`);
  }
  const steadyResult = await steady.done;
  running = false;
  const runs = await loop;
  if (steadyResult.status !== 0) failures.push(`steady writer failed: ${steadyResult.stderr}`);
  const counts = await finalCommit(repo.root, failures, 'shared shard', {
    quarantine: true,
    check: { ledgers: ledgerFiles, quarantine: 'torn' },
  });
  return caseResult(
    'sigkill-writer-mid-line',
    'writers of 256 kB lines SIGKILLed at random moments, or right after writing half a line (injected), while another process keeps appending to the same shard; consolidations and commits in a loop',
    {
      writersKilled: killed,
      writersTornByInjection: tears,
      consolidationRuns: runs + 1,
      acknowledged: counts.acknowledged,
      tornLinesQuarantined: counts.tornQuarantined,
    },
    counts,
    failures,
    killed + tears,
  );
}
