// The disk and the folders refuse: a full disk (a real tmpfs filled to the byte, or injected
// ENOSPC), read-only folders (a read-only bind mount, chattr +i, or injected EROFS), a file
// where a day folder goes, another file holding a batch's name. The commit steps warn in one
// line and exit 0, plain `consolidate` exits 1, nothing in logs/history changes, and once
// the obstacle is gone the next commit finishes the job.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkRepo, files, readHistory, readQuarantine } from './check.mjs';
import {
  BAD_LINE,
  caseResult,
  countQuarantined,
  finalCommit,
  merge,
  seedShard,
  snapshot,
} from './common.mjs';
import {
  bindReadOnly,
  cleanEnv,
  cli,
  fillDisk,
  freshDir,
  hookedRepo,
  INJECT,
  initRepo,
  installHooks,
  makeImmutable,
  makeMutable,
  mountTmpfs,
  unmount,
} from './env.mjs';
import { spreadTimestamp } from './payload.mjs';

const ONE_WARNING = /^audit-hooks: warning: [^\n]+\n$/;
const QUARANTINE_LINE = /^audit-hooks: warning: quarantined 1 line [^\n]+\n$/;

/** Stages a change, so that a commit step run by hand has something to commit. */
function stageAChange(root, text) {
  writeFileSync(join(root, 'code.txt'), `${text}\n`);
  spawnSync('git', ['add', 'code.txt'], { cwd: root, env: cleanEnv() });
}

/** The pre-commit step, run as the hook runs it (a staged change waiting). */
function preCommit(build, root, inject) {
  return cli(build, ['hook', 'pre-commit'], { cwd: root, inject });
}

/** A commit step that met a fault: exit 0, one warning line, nothing on stdout but its report. */
function expectOneWarning(result, failures, what) {
  if (result.status !== 0) failures.push(`${what}: the step exited ${result.status}`);
  if (!ONE_WARNING.test(result.stderr)) {
    failures.push(`${what}: not one warning line: ${JSON.stringify(result.stderr)}`);
  }
}

// ---------------------------------------------------------------------------------------
// Disk full: a small tmpfs filled so that exactly `free` bytes remain, for `free` from 0 up
// to what a commit step needs; fault injection (ENOSPC past a byte budget) where mounts are
// refused. The repository (its .git too) lives on that disk: `git add` meets it as well.

export async function diskFull(build, s, progress) {
  const failures = [];
  const dir = freshDir('enospc');
  const tmpfs = mountTmpfs(dir, 24 * 1024 * 1024);
  const method = tmpfs ? 'tmpfs (mount -t tmpfs -o size=24M)' : 'fault injection (ENOSPC)';
  try {
    // The template lives outside the small disk; each level starts from a copy of it.
    const template = hookedRepo(build, 'enospc-template');
    const day = (n) => (i) => spreadTimestamp('enospc', (i + n) % 12);
    const old = seedShard(template.root, '20260101T000000_old.jsonl', 'old', 1500, {
      timestamp: day(0),
    });
    await finalCommit(template.root, failures, 'disk full setup', { check: { seeds: old } });
    const fresh = merge(
      ...[0, 1, 2, 3].map((n) =>
        seedShard(template.root, `20260102T00000${n}_s${n}.jsonl`, `s${n}`, 300, {
          timestamp: day(n),
        }),
      ),
    );
    writeFileSync(
      join(template.root, 'logs', 'active', '20260102T000009_bad.jsonl'),
      Buffer.concat([BAD_LINE, Buffer.from('\n')]),
    );
    stageAChange(template.root, 'staged');
    const seeds = merge(old, fresh);
    // A step needs room for the new batch files (the claims stay until released), git's
    // objects and index for them, and the set's own files: twice the new shards is ample.
    const shardBytes = bytesBelow(join(template.root, 'logs', 'active'));
    const needed = shardBytes * 2.2;
    const step = Math.ceil((needed * 1.3) / s.enospcLevels / 4096) * 4096;
    const repoDir = join(dir, 'repo');

    let warned = 0;
    let completed = 0;
    const counts = { acknowledged: seeds.size, lost: 0, altered: 0, quarantined: 0 };
    for (let level = 0; level <= s.enospcLevels; level++) {
      const free = level * step;
      rmSync(join(dir, 'filler.bin'), { force: true });
      rmSync(repoDir, { recursive: true, force: true });
      cpSync(template.root, repoDir, { recursive: true, verbatimSymlinks: true });
      const inject = tmpfs
        ? undefined
        : { kind: 'errno', code: 'ENOSPC', under: join(repoDir, 'logs'), budget: free };
      if (tmpfs) fillDisk(dir, free);
      const run = preCommit(build, repoDir, inject);
      const hit = run.stderr.includes('did not consolidate');
      if (hit) {
        warned++;
        expectOneWarning(run, failures, `${free} bytes free`);
        if (!/ENOSPC|no space/i.test(run.stderr)) {
          failures.push(
            `${free} bytes free: the warning does not say the disk is full: ${run.stderr.trim()}`,
          );
        }
      } else {
        completed++;
        if (run.status !== 0 || !QUARANTINE_LINE.test(run.stderr)) {
          failures.push(`${free} bytes free: exit ${run.status}: ${run.stderr.trim()}`);
        }
      }
      const middle = checkRepo(repoDir, { seeds, allowPending: true, quarantine: 'any' });
      for (const failure of middle.failures) failures.push(`${free} bytes free: ${failure}`);
      rmSync(join(dir, 'filler.bin'), { force: true });
      const end = await finalCommit(repoDir, failures, `after ${free} bytes free`, {
        quarantine: true,
        check: { seeds, quarantine: 'any' },
      });
      if (countQuarantined(repoDir, BAD_LINE) !== 1) {
        failures.push(`after ${free} bytes free: the bad line is not quarantined exactly once`);
      }
      counts.lost += middle.counts.lost + end.lost;
      counts.altered += middle.counts.altered + end.altered;
    }
    progress(`disk full: ${warned} runs met ENOSPC, ${completed} fitted (${method})`);
    if (warned === 0) failures.push('no run met a full disk: the sweep proves nothing');
    return caseResult(
      'disk-full-consolidation',
      `the pre-commit step with 0 … ${((s.enospcLevels * step) / 1024).toFixed(0)} kB free (${s.enospcLevels + 1} levels, ${step / 1024} kB apart; repository and .git on that disk), by ${method}`,
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

function bytesBelow(dir) {
  return files(dir).reduce((sum, file) => sum + statSync(file).size, 0);
}

// The writer on a full disk: log() must throw (fail-closed), the CLI must say so, nothing
// half-written may hide a later entry, and once there is room again writing resumes.
export async function writerOnFullDisk(build, _s, progress) {
  const failures = [];
  const dir = freshDir('writer-full');
  const tmpfs = mountTmpfs(dir, 2 * 1024 * 1024);
  const method = tmpfs ? 'tmpfs (mount -t tmpfs -o size=2M)' : 'fault injection (ENOSPC)';
  try {
    mkdirSync(join(dir, 'repo'));
    const repo = initRepo(join(dir, 'repo'));
    installHooks(build, repo.root);
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
    const seeds = new Map(
      [...firstPhase.acknowledged, ...secondPhase.acknowledged].map((line) => [
        JSON.parse(line).id,
        line,
      ]),
    );
    const counts = await finalCommit(repo.root, failures, 'writer on a full disk', {
      quarantine: true,
      check: { seeds, quarantine: 'any' },
    });
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

export async function readOnlyHistory(build) {
  const failures = [];
  const repo = hookedRepo(build, 'ro-history');
  const first = seedShard(repo.root, '20260101T000000_a.jsonl', 'a', 200);
  await finalCommit(repo.root, failures, 'read-only history setup', { check: { seeds: first } });
  const second = seedShard(repo.root, '20260102T000000_b.jsonl', 'b', 200);
  const seeds = merge(first, second);
  stageAChange(repo.root, 'staged');
  const history = join(repo.root, 'logs', 'history');
  const before = snapshot(history);
  const ro = makeReadOnly(history);
  let hook;
  let plain;
  try {
    hook = preCommit(build, repo.root, ro.inject);
    plain = cli(build, ['consolidate'], { cwd: repo.root, inject: ro.inject });
  } finally {
    ro.undo();
  }
  expectOneWarning(hook, failures, 'read-only history, pre-commit');
  if (plain.status === 0) failures.push('plain consolidate exited 0 on a read-only history');
  if (!/^audit-hooks: .*(EROFS|EPERM|read-only).*\n$/.test(plain.stderr)) {
    failures.push(`plain consolidate on a read-only history said: ${JSON.stringify(plain.stderr)}`);
  }
  if (snapshot(history) !== before) failures.push('the read-only history changed');
  const middle = checkRepo(repo.root, { seeds, allowPending: true, quarantine: 'none' });
  failures.push(...middle.failures);
  const end = await finalCommit(repo.root, failures, 'read-only history', { check: { seeds } });
  return caseResult(
    'read-only-history',
    `logs/history read-only (${ro.method}): the pre-commit step warns and exits 0, plain \`consolidate\` exits 1; nothing changes until it is writable, then the next commit carries everything`,
    { method: ro.method.split(' (')[0] },
    { ...end, lost: end.lost + middle.counts.lost },
    failures,
    2,
  );
}

export async function readOnlyActive(build) {
  const failures = [];
  const repo = hookedRepo(build, 'ro-active');
  const seeds = seedShard(repo.root, '20260101T000000_a.jsonl', 'a', 100);
  stageAChange(repo.root, 'staged');
  const active = join(repo.root, 'logs', 'active');
  const before = snapshot(active);
  const ro = makeReadOnly(active);
  let hook;
  let log;
  try {
    hook = preCommit(build, repo.root, ro.inject);
    log = cli(build, ['log', '{"event":"x"}', '--session', 'ro'], {
      cwd: repo.root,
      inject: ro.inject,
    });
  } finally {
    ro.undo();
  }
  expectOneWarning(hook, failures, 'read-only logs/active, pre-commit');
  if (log.status === 0) failures.push('audit-hooks log succeeded into a read-only logs/active');
  if (!/^audit-hooks: Could not append to .*not logged.*\n$/.test(log.stderr)) {
    failures.push(`audit-hooks log into a read-only folder said: ${JSON.stringify(log.stderr)}`);
  }
  if (snapshot(active) !== before) failures.push('the read-only logs/active changed');
  const end = await finalCommit(repo.root, failures, 'read-only logs/active', { check: { seeds } });
  return caseResult(
    'read-only-active',
    `logs/active read-only (${ro.method}): \`audit-hooks log\` exits 1 (fail-closed), the pre-commit step warns and exits 0`,
    { method: ro.method.split(' (')[0] },
    end,
    failures,
    2,
  );
}

// ---------------------------------------------------------------------------------------
// Something of the user's where consolidation publishes: a file where a day folder goes, and
// a file that holds the name of the very batch file a run makes, with other bytes.

export async function historyPathBlocked(build) {
  const failures = [];
  const repo = hookedRepo(build, 'blocked');
  const day = (i) => `2026-03-0${1 + (i % 3)}T10:00:${String(i % 60).padStart(2, '0')}.000Z`;
  const seeds = seedShard(repo.root, '20260101T000000_a.jsonl', 'a', 90, { timestamp: day });
  mkdirSync(join(repo.root, 'logs', 'history'), { recursive: true });
  const blocker = join(repo.root, 'logs', 'history', '2026-03-02');
  writeFileSync(blocker, 'a file of mine\n');
  stageAChange(repo.root, 'staged');

  const hook = preCommit(build, repo.root);
  expectOneWarning(hook, failures, 'a file where a day folder goes');
  const plain = cli(build, ['consolidate'], { cwd: repo.root });
  if (plain.status === 0)
    failures.push('plain consolidate exited 0 with a file where a day folder goes');
  if (!plain.stderr.includes('logs/history/2026-03-02')) {
    failures.push(`plain consolidate does not name the file: ${plain.stderr.trim()}`);
  }
  if (readFileSync(blocker, 'utf8') !== 'a file of mine\n') failures.push('the file was changed');
  const middle = checkRepo(repo.root, {
    seeds,
    allowPending: true,
    quarantine: 'none',
    expected: ['2026-03-02'],
  });
  failures.push(...middle.failures);
  rmSync(blocker);
  const first = await finalCommit(repo.root, failures, 'day folder blocked', { check: { seeds } });

  // The exact name of the next batch, learnt from a run in a copy (names follow the bytes).
  const more = seedShard(repo.root, '20260102T000000_b.jsonl', 'b', 40, { timestamp: day });
  const copy = freshDir('blocked-copy');
  cpSync(repo.root, copy, { recursive: true, verbatimSymlinks: true });
  const probe = JSON.parse(cli(build, ['consolidate', '--json'], { cwd: copy }).stdout);
  const taken = probe.batches[0];
  const impostor = join(repo.root, taken);
  mkdirSync(join(impostor, '..'), { recursive: true });
  writeFileSync(impostor, '{"id":"impostor","timestamp":"2026-03-01T00:00:00.000Z"}\n');
  stageAChange(repo.root, 'staged again');
  const named = preCommit(build, repo.root);
  if (named.status !== 0 || !named.stderr.includes(`${taken} already exists with other content`)) {
    failures.push(`a batch name taken by another file: ${named.stderr.trim()}`);
  }
  if (!readFileSync(impostor, 'utf8').startsWith('{"id":"impostor"'))
    failures.push('the other file was overwritten');
  const waiting = checkRepo(repo.root, {
    seeds: merge(seeds, more),
    allowPending: true,
    quarantine: 'none',
    expected: [taken.slice('logs/history/'.length)],
  });
  failures.push(...waiting.failures);
  rmSync(impostor);
  const end = await finalCommit(repo.root, failures, 'batch name taken', {
    check: { seeds: merge(seeds, more) },
  });
  return caseResult(
    'history-path-blocked',
    'a file where a day folder of logs/history goes, and a file holding the name of the batch file a run makes (with other bytes): the step warns naming it, leaves it as it is, keeps the entries in their claim set; once it is gone the next commit carries them',
    { obstacles: 2 },
    {
      ...end,
      acknowledged: seeds.size + more.size,
      lost: end.lost + first.lost + middle.counts.lost,
    },
    failures,
    3,
  );
}
