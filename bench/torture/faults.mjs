// Faults: SIGKILL of consolidation (at random moments, and before every single mutating fs
// call of a run) and of writers (also mid-line, sharing a shard with a live writer); a full
// disk; a read-only history and a read-only logs/active; a partition replaced by a folder.
// End state each time: every acknowledged entry once (consolidated, or still pending in
// logs/active), never lost or altered; no temp file or lock left; `consolidate --hook`
// exits 0 with one warning line whenever it could not do its job.
import { spawn } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { checkRepo, files, readHistory, readQuarantine, walk } from './check.mjs';
import {
  bindReadOnly,
  cleanEnv,
  cli,
  fillDisk,
  freshDir,
  INJECT,
  initRepo,
  makeImmutable,
  makeMutable,
  makeRepo,
  mountTmpfs,
  startCli,
  startWriter,
  unmount,
} from './env.mjs';
import { spreadTimestamp } from './payload.mjs';

const SIZES = {
  full: {
    randomKills: 120,
    writerEntries: 400,
    crashPoints: Number.POSITIVE_INFINITY,
    enospcLevels: 40,
    sharedKills: 40,
    sharedEntries: 4000,
  },
  ci: {
    randomKills: 15,
    writerEntries: 150,
    crashPoints: 24,
    enospcLevels: 8,
    sharedKills: 8,
    sharedEntries: 800,
  },
};

const HOOK_WARNING =
  /^audit-hooks: warning: did not consolidate \(.+\); the entries stay in logs\/active for the next commit\n$/;
const QUARANTINE_WARNING = /^audit-hooks: warning: quarantined \d+ lines? /;

/** Every fault case, in order. */
export async function faults(build, size, progress = () => {}) {
  const s = SIZES[size];
  const cases = [];
  for (const [name, run] of [
    ['sigkill-random', () => randomKills(build, s, progress)],
    ['sigkill-every-step', () => killAtEveryStep(build, s, progress)],
    ['sigkill-writer-mid-line', () => sharedShardWriterKilled(build, s, progress)],
    ['disk-full-consolidation', () => diskFull(build, s, progress)],
    ['disk-full-writer', () => writerOnFullDisk(build, progress)],
    ['read-only-history', () => readOnlyHistory(build)],
    ['read-only-active', () => readOnlyActive(build)],
    ['partition-is-folder', () => partitionIsFolder(build)],
  ]) {
    if (process.env.TORTURE_CASE && !process.env.TORTURE_CASE.split(',').includes(name)) continue;
    progress(`${name}…`);
    try {
      cases.push(await run());
    } catch (error) {
      const failures = [`the case crashed: ${error.stack ?? error}`];
      cases.push(caseResult(name, 'crashed', {}, { lost: 0, altered: 0 }, failures, 0));
    }
  }
  return cases;
}

// ---------------------------------------------------------------------------------------
// Helpers

/** Writes a shard of `count` entries spread over many days; returns id → exact line. */
function seedShard(root, name, prefix, count, options = {}) {
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

function merge(...maps) {
  return new Map(maps.flatMap((map) => [...map]));
}

/** The bytes of every file below `dir`, for "untouched" checks. */
function snapshot(dir) {
  return walk(dir)
    .map((file) => `${file}\0${/[/@]$/.test(file) ? '' : readFileSync(file).toString('base64')}`)
    .join('\n');
}

/** Checks a hook-mode run that met a fault: exit 0 and exactly one warning line. */
function expectHookWarning(result, failures, what) {
  if (result.status !== 0) failures.push(`${what}: consolidate --hook exited ${result.status}`);
  if (!HOOK_WARNING.test(result.stderr)) {
    failures.push(
      `${what}: consolidate --hook did not print one warning line: ${JSON.stringify(result.stderr)}`,
    );
  }
}

function expectFinalRun(build, root, failures, what) {
  const result = cli(build, ['consolidate'], { cwd: root });
  if (result.status !== 0 || (result.stderr !== '' && !QUARANTINE_WARNING.test(result.stderr))) {
    failures.push(`${what}: final consolidate exited ${result.status}: ${result.stderr.trim()}`);
  }
  return result;
}

function countQuarantined(root, bytes) {
  return readQuarantine(root, []).filter((record) => record.bytes.equals(bytes)).length;
}

function caseResult(name, title, figures, counts, failures, faultCount) {
  return {
    group: 'faults',
    name,
    title,
    figures,
    faults: faultCount,
    tried: counts.acknowledged,
    lost: counts.lost,
    altered: counts.altered,
    quarantined: counts.quarantined,
    failures,
  };
}

// ---------------------------------------------------------------------------------------
// SIGKILL at random moments: consolidation runs (plain and hook) killed after a random
// delay, while writer processes append and are themselves killed now and then.

async function randomKills(build, s, progress) {
  const repo = makeRepo('kill');
  const ledgers = freshDir('kill-ledgers');
  const failures = [];
  const live = new Set();
  const ledgerFiles = [];
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
  let killed = 0;
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
    const hook = trial % 2 === 1;
    const t0 = Date.now();
    const run = startCli(build, ['consolidate', ...(hook ? ['--hook'] : [])], { cwd: repo.root });
    const timer = setTimeout(
      () => run.child.exitCode === null && run.child.kill('SIGKILL'),
      Math.random() * estimateMs * 1.3,
    );
    const result = await run.done;
    clearTimeout(timer);
    if (result.signal === 'SIGKILL') {
      killed++;
      // Runs grow with the pending work: stretch the window so some get to finish.
      estimateMs *= 1.05;
    } else {
      finished++;
      estimateMs = 0.7 * estimateMs + 0.3 * (Date.now() - t0);
      const stderr = result.stderr;
      if (result.status !== 0 || (stderr !== '' && !QUARANTINE_WARNING.test(stderr))) {
        failures.push(
          `consolidate${hook ? ' --hook' : ''} exited ${result.status}: ${stderr.trim()}`,
        );
      }
    }
    if ((trial + 1) % 20 === 0) progress(`random kills: ${trial + 1}/${s.randomKills}`);
  }
  await Promise.all([...live].map((proc) => proc.done));
  expectFinalRun(build, repo.root, failures, 'random kills');
  const { counts, failures: found } = checkRepo(repo.root, {
    ledgers: ledgerFiles,
    quarantine: 'torn',
  });
  failures.push(...found);
  return caseResult(
    'sigkill-random',
    'consolidation (plain and `--hook`) SIGKILLed at a random moment of each run while writers append; writers SIGKILLed too',
    {
      trials: s.randomKills,
      killedMidRun: killed,
      finishedFirst: finished,
      writerProcesses: writersStarted,
      writersKilled,
      acknowledged: counts.acknowledged,
      inFlightAtKill: counts.inflight,
      tornLinesQuarantined: counts.tornQuarantined,
    },
    counts,
    failures,
    killed + writersKilled,
  );
}

// ---------------------------------------------------------------------------------------
// SIGKILL before each mutating fs call of a consolidation, one run per call: every step of
// the claim → read → write partitions → quarantine → delete claims protocol is interrupted.

const BAD_LINE = Buffer.from('{"id":"broken", "timestamp": "2026-01-0');

async function killAtEveryStep(build, s, progress) {
  const failures = [];
  // A history that already holds days of entries, then new shards over the same days and
  // new ones, one with a line that must be quarantined and one re-appended duplicate.
  const template = makeRepo('steps-template');
  const old = seedShard(template.root, '20260101T000000_old.jsonl', 'old', 120, {
    timestamp: (i) => spreadTimestamp('step', i % 6),
  });
  const setup = cli(build, ['consolidate'], { cwd: template.root });
  if (setup.status !== 0) failures.push(`setup consolidate failed: ${setup.stderr}`);
  const fresh = merge(
    seedShard(template.root, '20260102T000000_a.jsonl', 'a', 80),
    seedShard(template.root, '20260102T000001_b.jsonl', 'b', 80),
    seedShard(template.root, '20260102T000002_c.jsonl', 'c', 40, {
      timestamp: (i) => spreadTimestamp('step', i % 6),
    }),
  );
  // A line to quarantine, and a copy of an entry the history already holds.
  const dupLine = old.get('old-3');
  writeFileSync(
    join(template.root, 'logs', 'active', '20260102T000003_d.jsonl'),
    Buffer.concat([Buffer.from(`${dupLine}\n`), BAD_LINE, Buffer.from('\n')]),
  );
  const seeds = merge(old, fresh);
  const logs = join(template.root, 'logs');
  const reset = (root) => {
    rmSync(join(root, 'logs'), { recursive: true, force: true });
    cpSync(logs, join(root, 'logs'), { recursive: true });
  };

  // How many mutating fs calls does an undisturbed run make?
  const probe = makeRepo('steps-probe');
  reset(probe.root);
  const countFile = join(freshDir('steps-count'), 'count');
  const counted = cli(build, ['consolidate'], {
    cwd: probe.root,
    inject: { kind: 'count', out: countFile },
  });
  if (counted.status !== 0) failures.push(`counting run failed: ${counted.stderr}`);
  const steps = Number(readFileSync(countFile, 'utf8').trim().split('\n').at(-1));

  let killedAt = 0;
  let checked = 0;
  const counts = { acknowledged: seeds.size, lost: 0, altered: 0, quarantined: 0 };
  const repo = makeRepo('steps');
  // Evenly spread crash points (all of them at full size), always with the last steps:
  // the deletion of the claims and of the lock.
  const stride = Math.max(1, Math.ceil((steps + 1) / s.crashPoints));
  const points = new Set([steps - 1, steps, steps + 1].filter((at) => at >= 1));
  for (let at = 1; at <= steps + 1; at += stride) points.add(at);
  for (const at of [...points].sort((a, b) => a - b)) {
    reset(repo.root);
    const hook = at % 2 === 0;
    const run = cli(build, ['consolidate', ...(hook ? ['--hook'] : [])], {
      cwd: repo.root,
      inject: { kind: 'kill', at },
    });
    if (run.signal === 'SIGKILL') killedAt++;
    else if (at <= steps) failures.push(`step ${at}: the run was not killed (${run.status})`);
    // Right after the crash: partitions whole, nothing lost (done or still pending).
    const middle = checkRepo(repo.root, {
      seeds,
      allowPending: true,
      allowLock: true,
      allowTemp: true,
      quarantine: 'any',
    });
    for (const failure of middle.failures) failures.push(`killed at step ${at}: ${failure}`);
    expectFinalRun(build, repo.root, failures, `after a kill at step ${at}`);
    // A run killed just before removing its lock leaves it (with a dead pid), and a run
    // with nothing to do does not look at it: the next commit with entries must take it over
    // at once, and leave nothing behind.
    const probe = seedShard(repo.root, '20260103T000000_next.jsonl', `next${at}`, 1);
    const next = cli(build, ['consolidate', '--hook'], { cwd: repo.root });
    if (next.status !== 0 || next.stderr !== '') {
      failures.push(`the commit after step ${at}: exit ${next.status} ${next.stderr.trim()}`);
    }
    const end = checkRepo(repo.root, { seeds: merge(seeds, probe), quarantine: 'any' });
    for (const failure of end.failures) failures.push(`after step ${at}: ${failure}`);
    const bad = countQuarantined(repo.root, BAD_LINE);
    if (bad !== 1)
      failures.push(`after step ${at}: the bad line is quarantined ${bad} times, not once`);
    if (end.counts.quarantined !== 1) {
      failures.push(`after step ${at}: ${end.counts.quarantined} quarantine records, expected 1`);
    }
    counts.lost += end.counts.lost + middle.counts.lost;
    counts.altered += end.counts.altered + middle.counts.altered;
    checked++;
  }
  progress(`every step: ${checked} crash points of ${steps} steps`);
  return caseResult(
    'sigkill-every-step',
    'consolidation SIGKILLed just before its 1st, 2nd, … mutating fs call (claim, write, fsync, rename, unlink), then run again',
    { mutatingCallsPerRun: steps, crashPointsTried: checked, killed: killedAt },
    counts,
    failures,
    killedAt,
  );
}

// ---------------------------------------------------------------------------------------
// Two writers share a session (so a shard): one writes 256 kB lines and is SIGKILLed at a
// random moment, likely mid-line; the other keeps writing. Consolidation runs in a loop.

async function sharedShardWriterKilled(build, s, progress) {
  const repo = makeRepo('shared');
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
      const result = await startCli(build, ['consolidate'], { cwd: repo.root }).done;
      runs++;
      if (
        result.status !== 0 ||
        (result.stderr !== '' && !QUARANTINE_WARNING.test(result.stderr))
      ) {
        failures.push(`consolidate exited ${result.status}: ${result.stderr.trim()}`);
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
  expectFinalRun(build, repo.root, failures, 'shared shard');
  const { counts, failures: found } = checkRepo(repo.root, {
    ledgers: ledgerFiles,
    quarantine: 'torn',
  });
  failures.push(...found);
  return caseResult(
    'sigkill-writer-mid-line',
    'writers of 256 kB lines SIGKILLed at random moments, or right after writing half a line (injected), while another process keeps appending to the same shard; consolidation in a loop',
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

// ---------------------------------------------------------------------------------------
// Disk full: a small tmpfs filled so that exactly `free` bytes remain, for `free` from 0 up
// to what the run needs; fault injection (ENOSPC past a byte budget) where mounts are refused.

async function diskFull(build, s, progress) {
  const failures = [];
  const dir = freshDir('enospc');
  const tmpfs = mountTmpfs(dir, 24 * 1024 * 1024);
  const method = tmpfs ? 'tmpfs (mount -t tmpfs -o size=24M)' : 'fault injection (ENOSPC)';
  try {
    mkdirSync(join(dir, 'repo'));
    const repo = initRepo(join(dir, 'repo'));
    const old = seedShard(repo.root, '20260101T000000_old.jsonl', 'old', 2000, {
      timestamp: (i) => spreadTimestamp('enospc', i % 10),
    });
    if (cli(build, ['consolidate'], { cwd: repo.root }).status !== 0) {
      failures.push('setup consolidate failed');
    }
    const fresh = merge(
      ...[0, 1, 2, 3].map((n) =>
        seedShard(repo.root, `20260102T00000${n}_s${n}.jsonl`, `s${n}`, 300, {
          timestamp: (i) => spreadTimestamp('enospc', (i + n) % 12),
        }),
      ),
    );
    writeFileSync(
      join(repo.root, 'logs', 'active', '20260102T000009_bad.jsonl'),
      Buffer.concat([BAD_LINE, Buffer.from('\n')]),
    );
    const seeds = merge(old, fresh);
    const template = new Map(
      files(join(repo.root, 'logs')).map((file) => [file, readFileSync(file)]),
    );
    // A run needs room for the new entries (the shards go only at the end, the history
    // grows first) plus the largest partition it replaces (temp file next to the old one).
    const sizes = (part) =>
      [...template].filter(([file]) => file.includes(part)).map(([, bytes]) => bytes.length);
    const needed =
      sizes('/logs/active/').reduce((a, b) => a + b, 0) * 1.2 +
      Math.max(...sizes('/logs/history/'));
    // Injected, the budget counts every byte written (nothing is freed by a rename).
    const total = tmpfs ? needed : needed + sizes('/logs/history/').reduce((a, b) => a + b, 0);
    const step = Math.ceil((total * 1.3) / s.enospcLevels / 4096) * 4096;
    const filler = join(repo.root, 'filler.bin');

    let warned = 0;
    let completed = 0;
    const counts = { acknowledged: seeds.size, lost: 0, altered: 0, quarantined: 0 };
    for (let level = 0; level <= s.enospcLevels; level++) {
      const free = level * step;
      rmSync(filler, { force: true });
      rmSync(join(repo.root, 'logs'), { recursive: true, force: true });
      for (const [file, bytes] of template) {
        mkdirSync(join(file, '..'), { recursive: true });
        writeFileSync(file, bytes);
      }
      const inject = tmpfs
        ? undefined
        : { kind: 'errno', code: 'ENOSPC', under: join(repo.root, 'logs'), budget: free };
      if (tmpfs) fillDisk(repo.root, free);
      const run = cli(build, ['consolidate', '--hook'], { cwd: repo.root, inject });
      const hit = run.stderr.includes('did not consolidate');
      if (hit) {
        warned++;
        expectHookWarning(run, failures, `${free} bytes free`);
        if (!/ENOSPC|no space/i.test(run.stderr)) {
          failures.push(
            `${free} bytes free: the warning does not say the disk is full: ${run.stderr.trim()}`,
          );
        }
      } else {
        completed++;
        if (run.status !== 0) failures.push(`${free} bytes free: exit ${run.status}`);
      }
      const middle = checkRepo(repo.root, { seeds, allowPending: true, quarantine: 'any' });
      for (const failure of middle.failures) failures.push(`${free} bytes free: ${failure}`);
      rmSync(filler, { force: true });
      expectFinalRun(build, repo.root, failures, `${free} bytes free`);
      const end = checkRepo(repo.root, { seeds, quarantine: 'any' });
      for (const failure of end.failures) failures.push(`after ${free} bytes free: ${failure}`);
      if (countQuarantined(repo.root, BAD_LINE) !== 1) {
        failures.push(`after ${free} bytes free: the bad line is not quarantined exactly once`);
      }
      counts.lost += middle.counts.lost + end.counts.lost;
      counts.altered += middle.counts.altered + end.counts.altered;
    }
    progress(`disk full: ${warned} runs met ENOSPC, ${completed} fitted (${method})`);
    if (warned === 0) failures.push('no run met a full disk: the sweep proves nothing');
    return caseResult(
      'disk-full-consolidation',
      `\`consolidate --hook\` with 0 … ${((s.enospcLevels * step) / 1024).toFixed(0)} kB free (${s.enospcLevels + 1} levels, ${step / 1024} kB apart), by ${method}`,
      {
        method: tmpfs ? 'tmpfs' : 'injection',
        levels: s.enospcLevels + 1,
        enospcHits: warned,
        fitted: completed,
      },
      counts,
      failures,
      warned,
    );
  } finally {
    if (tmpfs) unmount(dir);
  }
}

// The writer on a full disk: log() must throw (fail-closed), the CLI must say so, nothing
// half-written may hide a later entry, and once there is room again writing resumes.
async function writerOnFullDisk(build, progress) {
  const failures = [];
  const dir = freshDir('writer-full');
  const tmpfs = mountTmpfs(dir, 2 * 1024 * 1024);
  const method = tmpfs ? 'tmpfs (mount -t tmpfs -o size=2M)' : 'fault injection (ENOSPC)';
  try {
    mkdirSync(join(dir, 'repo'));
    const repo = initRepo(join(dir, 'repo'));
    const script = join(freshDir('writer-full-script'), 'full.mjs');
    writeFileSync(script, FULL_DISK_WRITER);
    const filler = join(dir, 'filler.bin');
    const env = cleanEnv(
      tmpfs
        ? {}
        : {
            AUDIT_HOOKS_TORTURE_FAULT: JSON.stringify({
              kind: 'errno',
              code: 'ENOSPC',
              under: join(repo.root, 'logs'),
              budget: 10_000,
            }),
          },
    );
    if (tmpfs) {
      // Leave a few kB: the first entries fit, then one is cut short, then none fits.
      writeFileSync(join(repo.root, 'logs', 'active', '.keep'), '');
      fillDisk(dir, 10_000);
    }
    const child = spawn(
      process.execPath,
      [...(tmpfs ? [] : ['--import', INJECT]), script, build.writer, repo.root],
      { env, stdio: ['pipe', 'pipe', 'pipe'] },
    );
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk) => {
      out += chunk;
    });
    const firstPhase = await new Promise((resolve) => {
      child.stdout.on('data', () => {
        if (out.includes('\n')) resolve(JSON.parse(out.slice(0, out.indexOf('\n'))));
      });
    });
    // While the disk is full, the CLI must refuse with one clear line.
    const viaCli = cli(
      build,
      ['log', `{"event":"while-full","pad":"${'p'.repeat(20_000)}"}`, '--session', 'full'],
      {
        cwd: repo.root,
        inject: tmpfs
          ? undefined
          : { kind: 'errno', code: 'ENOSPC', under: join(repo.root, 'logs'), budget: 0 },
      },
    );
    if (viaCli.status === 0) failures.push('audit-hooks log succeeded on a full disk');
    if (
      !/^audit-hooks: Could not append to .*(ENOSPC|disk full).*not logged.*\n$/.test(viaCli.stderr)
    ) {
      failures.push(`audit-hooks log on a full disk said: ${JSON.stringify(viaCli.stderr)}`);
    }
    rmSync(filler, { force: true });
    child.stdin.end('room\n');
    await new Promise((resolve) => child.on('close', resolve));
    const secondPhase = JSON.parse(out.trim().split('\n').at(-1));
    if (firstPhase.failed.length === 0) failures.push('no write failed: the disk was never full');
    for (const message of firstPhase.errors) {
      if (!/not logged/.test(message) || !/ENOSPC|disk full/.test(message)) {
        failures.push(`unclear writer error: ${message}`);
      }
    }
    expectFinalRun(build, repo.root, failures, 'writer on a full disk');
    const seeds = new Map(
      [...firstPhase.acknowledged, ...secondPhase.acknowledged].map((line) => [
        JSON.parse(line).id,
        line,
      ]),
    );
    const { counts, failures: found } = checkRepo(repo.root, { seeds, quarantine: 'any' });
    failures.push(...found);
    // A quarantined line may only be a cut-short copy of an entry whose log() threw.
    const failedLines = firstPhase.failed.map((line) => Buffer.from(line));
    for (const record of readQuarantine(repo.root, [])) {
      const isCut = failedLines.some(
        (line) =>
          record.bytes.length < line.length &&
          line.subarray(0, record.bytes.length).equals(record.bytes),
      );
      if (!isCut)
        failures.push(
          `quarantined a line that is not a cut-short failed entry: ${record.bytes.subarray(0, 80)}`,
        );
    }
    for (const line of firstPhase.failed) {
      const id = JSON.parse(line).id;
      if (readHistory(repo.root, []).has(id)) {
        failures.push(`entry ${id} is in the history although log() threw for it`);
      }
    }
    progress(
      `writer on a full disk: ${firstPhase.acknowledged.length} fitted, ${firstPhase.failed.length} refused (${method})`,
    );
    return caseResult(
      'disk-full-writer',
      `writers on a full disk (${method}): \`AuditLog.log()\` throws and \`audit-hooks log\` exits 1; writing resumes once there is room`,
      {
        method: tmpfs ? 'tmpfs' : 'injection',
        fitted: firstPhase.acknowledged.length,
        refused: firstPhase.failed.length + 1,
        afterRoom: secondPhase.acknowledged.length,
      },
      counts,
      failures,
      firstPhase.failed.length + 1,
    );
  } finally {
    if (tmpfs) unmount(dir);
  }
}

// Runs in a child: logs 2 kB entries until the disk refuses three in a row, prints what it
// got, waits for "room", logs more through the same and a new writer, prints again.
const FULL_DISK_WRITER = `
import { randomUUID } from 'node:crypto';
const [writerModule, root] = process.argv.slice(2);
const { AuditLog } = await import(writerModule);
const make = (i) => ({ id: randomUUID(), timestamp: new Date(Date.UTC(2026, 0, 5, 0, 0, i)).toISOString(), i, pad: 'f'.repeat(2000 + i) });
const one = new AuditLog({ repoRoot: root, sessionId: 'full' });
const acknowledged = [], failed = [], errors = [];
let refusedInARow = 0;
for (let i = 0; refusedInARow < 3 && i < 10000; i++) {
  const fields = make(i);
  try { acknowledged.push(JSON.stringify(one.log(fields))); refusedInARow = 0; }
  catch (error) {
    refusedInARow++;
    errors.push(error.message);
    failed.push(JSON.stringify({ id: fields.id, timestamp: fields.timestamp, session_id: 'full', seq: acknowledged.length + 1, i: fields.i, pad: fields.pad }));
  }
}
process.stdout.write(JSON.stringify({ acknowledged, failed, errors }) + '\\n');
process.stdin.once('data', () => {
  globalThis.__AUDIT_HOOKS_TORTURE_REFILL?.();
  const after = [];
  for (let i = 20000; i < 20005; i++) after.push(JSON.stringify(one.log(make(i))));
  one.close();
  const two = new AuditLog({ repoRoot: root, sessionId: 'full' });
  for (let i = 30000; i < 30005; i++) after.push(JSON.stringify(two.log(make(i))));
  two.close();
  process.stdout.write(JSON.stringify({ acknowledged: after }) + '\\n');
  process.stdin.destroy();
});
`;

// ---------------------------------------------------------------------------------------
// Read-only folders: a read-only bind mount, else `chattr +i`, else fault injection (EROFS).

function makeReadOnly(dir) {
  if (bindReadOnly(dir)) return { method: 'read-only bind mount', undo: () => unmount(dir) };
  if (makeImmutable(dir)) return { method: 'chattr +i', undo: () => makeMutable(dir) };
  return {
    method: 'fault injection (EROFS)',
    inject: { kind: 'errno', code: 'EROFS', under: dir },
    undo: () => {},
  };
}

async function readOnlyHistory(build) {
  const failures = [];
  const repo = makeRepo('ro-history');
  const first = seedShard(repo.root, '20260101T000000_a.jsonl', 'a', 200);
  if (cli(build, ['consolidate'], { cwd: repo.root }).status !== 0) failures.push('setup failed');
  const second = seedShard(repo.root, '20260102T000000_b.jsonl', 'b', 200);
  const seeds = merge(first, second);
  const history = join(repo.root, 'logs', 'history');
  const before = snapshot(history);
  const ro = makeReadOnly(history);
  let hook;
  let plain;
  try {
    hook = cli(build, ['consolidate', '--hook'], { cwd: repo.root, inject: ro.inject });
    plain = cli(build, ['consolidate'], { cwd: repo.root, inject: ro.inject });
  } finally {
    ro.undo();
  }
  expectHookWarning(hook, failures, 'read-only history');
  if (plain.status === 0) failures.push('plain consolidate exited 0 on a read-only history');
  if (!/^audit-hooks: .*(EROFS|EPERM|read-only).*\n$/.test(plain.stderr)) {
    failures.push(`plain consolidate on a read-only history said: ${JSON.stringify(plain.stderr)}`);
  }
  if (snapshot(history) !== before) failures.push('the read-only history changed');
  const middle = checkRepo(repo.root, { seeds, allowPending: true, quarantine: 'none' });
  failures.push(...middle.failures);
  expectFinalRun(build, repo.root, failures, 'read-only history');
  const end = checkRepo(repo.root, { seeds, quarantine: 'none' });
  failures.push(...end.failures);
  return caseResult(
    'read-only-history',
    `logs/history read-only (${ro.method}): \`consolidate --hook\` warns and exits 0, plain \`consolidate\` exits 1; nothing changes until it is writable`,
    { method: ro.method.split(' (')[0] },
    { ...end.counts, lost: end.counts.lost + middle.counts.lost },
    failures,
    2,
  );
}

async function readOnlyActive(build) {
  const failures = [];
  const repo = makeRepo('ro-active');
  const seeds = seedShard(repo.root, '20260101T000000_a.jsonl', 'a', 100);
  const active = join(repo.root, 'logs', 'active');
  const before = snapshot(active);
  const ro = makeReadOnly(active);
  let hook;
  let log;
  try {
    hook = cli(build, ['consolidate', '--hook'], { cwd: repo.root, inject: ro.inject });
    log = cli(build, ['log', '{"event":"x"}', '--session', 'ro'], {
      cwd: repo.root,
      inject: ro.inject,
    });
  } finally {
    ro.undo();
  }
  expectHookWarning(hook, failures, 'read-only logs/active');
  if (log.status === 0) failures.push('audit-hooks log succeeded into a read-only logs/active');
  if (!/^audit-hooks: Could not append to .*not logged.*\n$/.test(log.stderr)) {
    failures.push(`audit-hooks log into a read-only folder said: ${JSON.stringify(log.stderr)}`);
  }
  if (snapshot(active) !== before) failures.push('the read-only logs/active changed');
  expectFinalRun(build, repo.root, failures, 'read-only logs/active');
  const end = checkRepo(repo.root, { seeds, quarantine: 'none' });
  failures.push(...end.failures);
  return caseResult(
    'read-only-active',
    `logs/active read-only (${ro.method}): \`audit-hooks log\` exits 1 (fail-closed), \`consolidate --hook\` warns and exits 0`,
    { method: ro.method.split(' (')[0] },
    end.counts,
    failures,
    2,
  );
}

// ---------------------------------------------------------------------------------------
// A partition replaced by a folder (the original moved inside it).

async function partitionIsFolder(build) {
  const failures = [];
  const repo = makeRepo('partition-folder');
  const day = (i) => `2026-03-0${1 + (i % 3)}T10:00:${String(i % 60).padStart(2, '0')}.000Z`;
  const first = seedShard(repo.root, '20260101T000000_a.jsonl', 'a', 90, { timestamp: day });
  if (cli(build, ['consolidate'], { cwd: repo.root }).status !== 0) failures.push('setup failed');
  const second = seedShard(repo.root, '20260102T000000_b.jsonl', 'b', 90, { timestamp: day });
  const seeds = merge(first, second);
  const partition = join(repo.root, 'logs', 'history', '2026-03-02.jsonl');
  const moved = join(repo.root, 'moved.jsonl');
  renameSync(partition, moved);
  mkdirSync(partition);
  renameSync(moved, join(partition, 'original.jsonl'));
  const before = snapshot(partition);

  const hook = cli(build, ['consolidate', '--hook'], { cwd: repo.root });
  expectHookWarning(hook, failures, 'partition is a folder');
  const plain = cli(build, ['consolidate'], { cwd: repo.root });
  if (plain.status === 0)
    failures.push('plain consolidate exited 0 with a partition that is a folder');
  if (!plain.stderr.includes('logs/history/2026-03-02.jsonl is not a regular file')) {
    failures.push(`plain consolidate said: ${plain.stderr.trim()}`);
  }
  const verify = cli(build, ['verify'], { cwd: repo.root });
  if (
    verify.status === 0 ||
    !`${verify.stdout}${verify.stderr}`.includes('logs/history/2026-03-02.jsonl')
  ) {
    failures.push(`verify does not name the folder partition: ${verify.stdout}${verify.stderr}`);
  }
  if (snapshot(partition) !== before) failures.push('the folder (or the file in it) was changed');
  // Nothing lost meanwhile: the old entries of that day sit in the folder, the rest is
  // consolidated or pending.
  const inFolder = readFileSync(join(partition, 'original.jsonl'), 'utf8');
  const middle = checkRepo(repo.root, {
    seeds: new Map([...seeds].filter(([, line]) => !inFolder.includes(line))),
    allowPending: true,
    quarantine: 'none',
  });
  failures.push(...middle.failures.filter((f) => !f.startsWith('stray ')));
  renameSync(join(partition, 'original.jsonl'), moved);
  rmSync(partition, { recursive: true });
  renameSync(moved, partition);
  expectFinalRun(build, repo.root, failures, 'partition is a folder');
  const end = checkRepo(repo.root, { seeds, quarantine: 'none' });
  failures.push(...end.failures);
  if (
    existsSync(join(repo.root, 'logs', 'active', '.claimed')) &&
    readdirSync(join(repo.root, 'logs', 'active', '.claimed')).length > 0
  ) {
    failures.push('claims left after the final run');
  }
  return caseResult(
    'partition-is-folder',
    'a history partition replaced by a folder: `consolidate --hook` warns and exits 0, plain exits 1 naming it, `verify` names it; the folder is left as it was',
    { partitions: 3 },
    { ...end.counts, lost: end.counts.lost + middle.counts.lost },
    failures,
    3,
  );
}
