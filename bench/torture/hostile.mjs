// Hostile input, each case in its own repository with the build installed as git hooks.
// Every case ends with a real commit through the hooks and nothing lost: an input entry is
// committed unaltered, or quarantined with its origin (source shard and line) and its
// original bytes, or left where it was — and the user is told, in one line per thing.
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { checkRepo, readHistory, readQuarantine, splitLines, walk } from './check.mjs';
import { cleanEnv, cli, commit, freshDir, hookedRepo, hookWarnings, initRepo } from './env.mjs';

const QUARANTINE_WARNING =
  /^audit-hooks: warning: quarantined \d+ (line that is not a valid entry|lines that are not valid entries) into logs\/quarantine\/\S+; to keep one, fix it and run `(git )?audit-hooks log '<fixed line>'` \(its id and timestamp stay\)$/;
const HOOK_WARNING =
  /^audit-hooks: warning: did not consolidate \(.+\); the entries stay in logs\/active for the next commit\n$/;
const NOT_REGULAR = /^audit-hooks: warning: logs\/active\/\S+: not a regular file /;
const DAY = '2026-04-01';

/** Every hostile case, in order. */
export async function hostile(build, size, progress = () => {}) {
  const cases = [];
  for (const [name, run] of Object.entries(CASES)) {
    if (process.env.TORTURE_CASE && !process.env.TORTURE_CASE.split(',').includes(name)) continue;
    progress(`${name}…`);
    const state = newCase(build, name);
    try {
      await run(state, size);
    } catch (error) {
      state.failures.push(`the case crashed: ${error.stack ?? error}`);
    }
    cases.push(await state.result());
  }
  return cases;
}

// ---------------------------------------------------------------------------------------
// One case: a repository, what was put in, and what must come out.

function newCase(build, name) {
  const repo = hookedRepo(build, `hostile-${name}`);
  const state = {
    build,
    repo,
    root: repo.root,
    failures: [],
    /** id → exact line: must end up in the history, unaltered. */
    seeds: new Map(),
    /** { source, line, bytes }: must end up in quarantine, byte for byte. */
    quarantine: [],
    /** path → bytes: must be left exactly where and as they were. */
    untouched: new Map(),
    /** Warning lines the case expects (a FIFO left alone, …), besides the quarantine's. */
    allowed: [],
    /** Names below logs/history that the case (a user) put there. */
    expectedHistory: [],
    /** v1 daily partitions may be in logs/history. */
    partitions: false,
    /** Ids the history may hold twice (with two contents a person must choose between). */
    twice: new Set(),
    /** `verify` must pass at the end. */
    verifyAfterwards: true,
    /** The case ends with its own last commit (or none). */
    skipLastCommit: false,
    tried: 0,
    refused: 0,
    lost: 0,
    title: name,
    figures: {},
    cli: (args, options = {}) => cli(build, args, { cwd: state.root, ...options }),
    fail: (message) => state.failures.push(message),
    /** Writes a shard from parts (strings get a newline, Buffers go in as they are). */
    shard(name, parts) {
      const bytes = Buffer.concat(
        parts.map((part) => (Buffer.isBuffer(part) ? part : Buffer.from(`${part}\n`))),
      );
      const path = join(state.root, 'logs', 'active', name);
      mkdirSync(join(path, '..'), { recursive: true });
      writeFileSync(path, bytes);
      return { source: `logs/active/${name}`, bytes };
    },
    /** Expects this entry line in the history. */
    keep(line) {
      state.seeds.set(JSON.parse(line).id, line);
    },
    /** Expects line `line` of `source` in quarantine, with exactly `bytes`. */
    quarantined(source, line, bytes) {
      state.quarantine.push({ source, line, bytes: Buffer.from(bytes) });
    },
    /** Expects `path` (absolute) to keep its current bytes (or link target). */
    leave(path) {
      const stat = lstatSync(path);
      state.untouched.set(path, fingerprint(path, stat));
    },
    /** `git add -f` of a path, so the case's last commit carries it. */
    gitAdd(path) {
      spawnSync('git', ['add', '-f', '--', path], { cwd: state.root, env: cleanEnv() });
    },
    /** Expects warning lines matching `pattern` (one a run) from every consolidation. */
    allow(pattern) {
      state.allowed.push(pattern);
    },
    /** Lines of `stderr` nobody expected. */
    unexpected(lines) {
      return lines.filter(
        (line) =>
          line !== '' &&
          !QUARANTINE_WARNING.test(line) &&
          !state.allowed.some((pattern) => pattern.test(line)),
      );
    },
    /** Consolidates (plain or hook) and checks the output says what happened. */
    consolidate(args = []) {
      const result = state.cli(['consolidate', ...args]);
      const hook = args.includes('--hook');
      if (result.hung) state.fail(`consolidate ${args.join(' ')} hung`);
      if (result.status !== 0) {
        state.fail(
          `consolidate ${args.join(' ')} exited ${result.status}: ${result.stderr.trim()}`,
        );
      }
      const lines = result.stderr.split('\n');
      const quarantined = state.quarantine.length > 0;
      if (quarantined && !hook && !lines.some((line) => QUARANTINE_WARNING.test(line))) {
        state.fail(
          `consolidate did not report the quarantine clearly: ${JSON.stringify(result.stderr)}`,
        );
      }
      const odd = state.unexpected(lines);
      if (odd.length > 0) state.fail(`consolidate said: ${odd.join(' | ')}`);
      return result;
    },
    /** A commit through the hooks, which must say nothing unexpected. */
    async commit(message, options = {}) {
      const result = await commit(state.root, message, options);
      const odd = state.unexpected(hookWarnings(result.stderr));
      if (result.status !== 0 || odd.length > 0) {
        state.fail(`commit "${message}": exit ${result.status} ${odd.join(' | ')}`);
      }
      return result;
    },
    async result() {
      await finish(state);
      return {
        group: 'hostile',
        name,
        title: state.title,
        figures: { tried: state.tried, ...state.figures },
        tried: state.tried,
        lost: state.lost,
        altered: state.altered ?? 0,
        quarantined: state.quarantine.length,
        failures: state.failures,
      };
    },
  };
  return state;
}

function fingerprint(path, stat) {
  if (stat.isSymbolicLink()) return `link ${readlinkSync(path)}`;
  if (stat.isFile()) return readFileSync(path).toString('base64');
  if (stat.isDirectory()) return `dir ${readdirSync(path).sort().join(',')}`;
  return `other ${stat.mode}`;
}

/** The checks every case ends with: its last commit, then the whole end state. */
async function finish(state) {
  const { root } = state;
  if (!state.skipLastCommit) await state.commit('hostile: last');
  const { counts, failures: found } = checkRepo(root, {
    seeds: state.seeds,
    quarantine: 'any',
    extraIds: state.twice,
    allowPartitions: state.partitions,
    expected: state.expectedHistory,
    committed: state.skipLastCommit ? undefined : { env: cleanEnv() },
  });
  const twice = [...state.twice];
  state.failures.push(
    ...found.filter(
      (failure) =>
        !twice.some(
          (id) =>
            failure.includes(`id ${id} is in the history twice`) ||
            failure.includes(`id ${id} is out of §3 order or repeated`),
        ),
    ),
  );
  state.lost += counts.lost;
  state.altered = counts.altered;

  // Quarantine: exactly the expected records, with their origin and original bytes.
  const records = readQuarantine(root, state.failures);
  for (const expected of state.quarantine) {
    const matches = records.filter(
      (r) =>
        r.source === expected.source && r.line === expected.line && r.bytes.equals(expected.bytes),
    );
    if (matches.length !== 1) {
      state.lost++;
      const near = records.find((r) => r.source === expected.source && r.line === expected.line);
      state.fail(
        `${expected.source}:${expected.line} is quarantined ${matches.length} times with its original bytes${near ? ` (a record holds ${JSON.stringify(near.bytes.subarray(-60).toString('latin1'))} at its end, problem: ${near.problem})` : ''}`,
      );
    }
  }
  if (records.length !== state.quarantine.length) {
    state.fail(`${records.length} quarantine records, expected ${state.quarantine.length}`);
  }

  for (const [path, before] of state.untouched) {
    if (!existsSync(path) && !isLink(path)) {
      state.lost++;
      state.fail(`${relative(root, path)} is gone`);
    } else if (fingerprint(path, lstatSync(path)) !== before) {
      state.lost++;
      state.fail(`${relative(root, path)} was changed`);
    }
  }

  if (state.verifyAfterwards) {
    const verify = state.cli(['verify']);
    if (verify.status !== 0)
      state.fail(`verify afterwards: ${verify.stdout}${verify.stderr}`.trim());
  }
}

function isLink(path) {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

let seq = 0;
/** A valid entry line (canonical JSON). */
function entry(id, extra = {}, timestamp = `${DAY}T10:00:00.000Z`) {
  return JSON.stringify({ id, timestamp, session_id: 'h', seq: ++seq, ...extra });
}

/** A deterministic pseudo-random byte stream (xorshift). */
function randomBytes(length, seed) {
  const out = Buffer.alloc(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

/** Lines of `bytes` that consolidation must quarantine (not blank once decoded). */
function nonBlankLines(bytes) {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  return splitLines(bytes)
    .map((line, index) => ({ ...line, line: index + 1 }))
    .filter(({ bytes: b }) => {
      try {
        return (
          decoder
            .decode(b)
            .replace(/^\uFEFF/, '')
            .replace(/\r$/, '')
            .trim() !== ''
        );
      } catch {
        return true;
      }
    });
}

// ---------------------------------------------------------------------------------------

const CASES = {
  'binary-garbage'(t) {
    t.title = '64 kB of random bytes (NUL, CR, 0xFF, stray newlines) between two good entries';
    const good1 = entry('good-1');
    const good2 = entry('good-2');
    const garbage = randomBytes(64 * 1024, 0x5eed);
    const { source, bytes } = t.shard('20260401T000000_garbage.jsonl', [
      good1,
      garbage,
      Buffer.from('\n'),
      good2,
    ]);
    t.keep(good1);
    t.keep(good2);
    for (const line of nonBlankLines(bytes)) {
      if (line.line === 1 || line.bytes.toString() === good2) continue;
      t.quarantined(source, line.line, line.bytes);
    }
    t.tried = t.quarantine.length;
    t.consolidate();
    t.figures = { garbageLines: t.quarantine.length };
  },

  'invalid-utf8'(t) {
    t.title =
      'entries whose strings hold invalid UTF-8 (bad continuation, overlong, surrogate, 0xFF)';
    const bad = [
      [0xc3, 0x28],
      [0xc0, 0xaf],
      [0xed, 0xa0, 0x80],
      [0xff, 0xfe],
      [0xe2, 0x82],
    ].map((seqBytes, i) =>
      Buffer.concat([
        Buffer.from(`{"id":"bad-${i}","timestamp":"${DAY}T10:00:00Z","text":"before `),
        Buffer.from(seqBytes),
        Buffer.from(' after"}'),
      ]),
    );
    const good = entry('good', { text: 'é漢🙂' });
    const parts = [good];
    for (const line of bad) parts.push(line, Buffer.from('\n'));
    const { source } = t.shard('20260401T000000_utf8.jsonl', parts);
    t.keep(good);
    bad.forEach((line, i) => {
      t.quarantined(source, i + 2, line);
    });
    t.tried = bad.length;
    t.consolidate();
  },

  'ten-megabyte-lines'(t) {
    t.title =
      'a 10 MB valid entry, a 10 MB line of garbage cut off without a newline, and the writer asked for 10 MB';
    const big = entry('big', { blob: 'b'.repeat(10 * 1024 * 1024) });
    t.shard('20260401T000000_big.jsonl', [big]);
    t.keep(big);
    const garbage = Buffer.alloc(10 * 1024 * 1024, 'g');
    const beforeCut = entry('before-cut');
    const { source } = t.shard('20260401T000001_cut.jsonl', [beforeCut, garbage]);
    t.keep(beforeCut);
    t.quarantined(source, 2, garbage);
    // `audit-hooks log` never refuses for size (§9): it records the entry, trimmed.
    const viaCli = t.cli(['log', '--session', 'big'], {
      input: JSON.stringify({ blob: 'c'.repeat(10 * 1024 * 1024) }),
    });
    if (viaCli.status !== 0) t.fail(`audit-hooks log of 10 MB said: ${viaCli.stderr.trim()}`);
    const logged = readFileSync(join(t.root, 'logs', 'active', '20260401T000000_big.jsonl'), 'utf8')
      .trimEnd()
      .split('\n')
      .at(-1);
    if (JSON.parse(logged).trimmed?.[0]?.bytes !== 10 * 1024 * 1024) {
      t.fail(`audit-hooks log of 10 MB recorded no trim note: ${logged.slice(0, 200)}`);
    }
    t.keep(logged);
    t.tried = 3;
    t.consolidate();
    if (readdirSync(join(t.root, 'logs', 'active')).some((n) => n.endsWith('.jsonl'))) {
      t.fail('a shard is left (the refused 10 MB entry?)');
    }
  },

  'json-not-an-object'(t) {
    t.title =
      'lines that are JSON but not entries: array, string, number, null, true, {}, bad id, no timestamp';
    const lines = [
      '[1,2,3]',
      '"just a string"',
      '42',
      'null',
      'true',
      '{}',
      `{"id":5,"timestamp":"${DAY}T10:00:00Z"}`,
      `{"id":"","timestamp":"${DAY}T10:00:00Z"}`,
      '{"id":"no-timestamp"}',
      `{"id":["a"],"timestamp":"${DAY}T10:00:00Z"}`,
    ];
    const good = entry('good');
    const { source } = t.shard('20260401T000000_notobj.jsonl', [...lines, good]);
    t.keep(good);
    lines.forEach((line, i) => {
      t.quarantined(source, i + 1, line);
    });
    for (const payload of ['[1]', '"s"', 'null', '42']) {
      const result = t.cli(['log', payload, '--session', 'notobj']);
      if (result.status === 0) t.fail(`audit-hooks log accepted ${payload}`);
      else if (!/^audit-hooks: the entry .*JSON object.*\n$/.test(result.stderr)) {
        t.fail(`audit-hooks log ${payload} said: ${result.stderr.trim()}`);
      }
      t.refused++;
    }
    t.tried = lines.length + 4;
    t.consolidate();
  },

  'duplicate-ids'(t) {
    t.title =
      'one id with two contents in a shard, across shards, and against the history; plus exact re-appended copies';
    const historyV1 = entry('in-history', { v: 1 });
    t.shard('20260401T000000_first.jsonl', [historyV1]);
    t.consolidate();
    t.keep(historyV1);
    const inShardV1 = entry('in-shard', { v: 1 });
    const inShardV2 = entry('in-shard', { v: 2 });
    const acrossV1 = entry('across', { v: 1 });
    const acrossV2 = entry('across', { v: 2 });
    const historyV2 = entry('in-history', { v: 2 });
    const a = t.shard('20260401T000001_a.jsonl', [inShardV1, inShardV2, acrossV1, historyV1]);
    const b = t.shard('20260401T000002_b.jsonl', [acrossV2, acrossV1, historyV2, inShardV1]);
    t.keep(inShardV1);
    t.keep(acrossV1);
    t.quarantined(a.source, 2, inShardV2);
    t.quarantined(b.source, 1, acrossV2);
    t.quarantined(b.source, 3, historyV2);
    t.tried = 7;
    const result = t.cli(['consolidate', '--json']);
    const report = JSON.parse(result.stdout || '{}');
    if (report.duplicates !== 3) t.fail(`${report.duplicates} exact copies dropped, expected 3`);
    t.figures = { exactCopiesDropped: report.duplicates, conflicting: 3 };
  },

  'empty-and-blank-shards'(t) {
    t.title =
      'an empty shard and one of blank lines (LF, CRLF, spaces): consumed, nothing quarantined';
    t.shard('20260401T000000_empty.jsonl', [Buffer.alloc(0)]);
    t.shard('20260401T000001_blank.jsonl', [Buffer.from('\n\n\r\n   \n\t\n')]);
    t.tried = 2;
    const result = t.cli(['consolidate', '--json']);
    if (result.status !== 0 || result.stderr !== '') t.fail(`consolidate: ${result.stderr}`);
    const report = JSON.parse(result.stdout || '{}');
    if (report.shards !== 2 || report.entries !== 0 || report.duplicates !== 0) {
      t.fail(`consolidate --json: ${result.stdout.trim()}`);
    }
    // The one line a person reads must say what happened: no entry, and no copy either.
    t.shard('20260401T000002_empty.jsonl', [Buffer.alloc(0)]);
    const said = t.cli(['consolidate']).stdout.trim();
    if (/copies/.test(said)) {
      t.fail(`for a shard that held no entry (0 duplicates) consolidate said: ${said}`);
    }
  },

  'not-shards-in-active'(t) {
    t.title =
      'files in logs/active that are not shards (.txt, .bak, .JSONL, a folder and a FIFO named *.jsonl): left alone, with a warning each run';
    t.allow(NOT_REGULAR);
    const dir = join(t.root, 'logs', 'active');
    const files = {
      'notes.txt': 'my notes\n',
      '20260401T000000_x.jsonl.bak': `${entry('in-bak')}\n`,
      'UPPER.JSONL': `${entry('upper')}\n`,
      '.gitkeep': '',
    };
    for (const [name, text] of Object.entries(files)) {
      writeFileSync(join(dir, name), text);
      t.leave(join(dir, name));
    }
    mkdirSync(join(dir, 'folder.jsonl'));
    writeFileSync(join(dir, 'folder.jsonl', 'inside.jsonl'), `${entry('inside-folder')}\n`);
    t.leave(join(dir, 'folder.jsonl'));
    t.leave(join(dir, 'folder.jsonl', 'inside.jsonl'));
    const fifo = join(dir, '20260401T000000_fifo.jsonl');
    if (spawnSync('mkfifo', [fifo]).status === 0) t.leave(fifo);
    const good = entry('good');
    t.shard('20260401T000001_real.jsonl', [good]);
    t.keep(good);
    t.tried = 6;
    t.consolidate();
    t.consolidate(['--hook']);
  },

  async 'symlinks-in-active'(t) {
    t.title =
      'symbolic links in logs/active to a file, a folder and nothing outside the repo, and logs/active/.claimed as a link to an outside folder';
    t.allow(NOT_REGULAR);
    const outside = freshDir('outside');
    const precious = join(outside, 'precious.jsonl');
    writeFileSync(precious, `${entry('outside-entry')}\n`);
    const victim = join(outside, 'victim.jsonl');
    writeFileSync(victim, `${entry('victim-entry')}\n`);
    const dir = join(t.root, 'logs', 'active');
    const linkToFile = join(dir, '20260401T000000_lnk.jsonl');
    symlinkSync(precious, linkToFile);
    symlinkSync(join(outside, 'nothing.jsonl'), join(dir, 'dangling.jsonl'));
    symlinkSync(outside, join(dir, 'folder-link.jsonl'));
    for (const path of [precious, victim, outside, linkToFile, join(dir, 'dangling.jsonl')])
      t.leave(path);
    const good = entry('good');
    t.shard('20260401T000001_real.jsonl', [good]);
    t.keep(good);
    t.tried = 5;

    t.consolidate();
    // A writer of the link's session must write a real shard, never through the link.
    const log = t.cli(['log', '{"event":"after-link"}', '--session', 'lnk']);
    if (log.status !== 0) t.fail(`audit-hooks log --session lnk: ${log.stderr.trim()}`);
    const tail = t.cli(['tail', '-n', '0']);
    if (!/symbolic link/.test(tail.stderr))
      t.fail(`tail did not mention the link: ${tail.stderr.trim()}`);

    // .claimed as a link: consolidation must refuse rather than consume the outside folder.
    // (A commit first: until then .claimed holds the sets whose batches wait for one.)
    await t.commit('before .claimed is a link');
    rmSync(join(dir, '.claimed'), { recursive: true, force: true });
    symlinkSync(outside, join(dir, '.claimed'));
    const more = entry('after-claimed-link');
    t.shard('20260401T000002_more.jsonl', [more]);
    const hook = t.cli(['consolidate', '--hook']);
    if (hook.status !== 0 || !HOOK_WARNING.test(hook.stderr)) {
      t.fail(
        `consolidate --hook with .claimed as a link: exit ${hook.status} ${hook.stderr.trim()}`,
      );
    }
    if (!/\.claimed/.test(hook.stderr))
      t.fail(`the warning does not name .claimed: ${hook.stderr.trim()}`);
    const plain = t.cli(['consolidate']);
    if (plain.status === 0) t.fail('consolidate exited 0 with .claimed as a link');
    rmSync(join(dir, '.claimed'));
    t.consolidate();
    t.keep(more);
    const logged = readHistory(t.root, []);
    const afterLink = [...logged.values()].find((e) => e.entry.event === 'after-link');
    if (afterLink === undefined) t.fail('the entry logged with session lnk is not in the history');
    else t.seeds.set(afterLink.entry.id, afterLink.line);
  },

  'crlf-and-bom'(t) {
    t.title =
      'a shard from a Windows editor: BOM, CRLF endings; a bad line with a BOM; a CRLF line whose id the history holds';
    const a = entry('crlf-a');
    const b = entry('crlf-b');
    const held = entry('held', { v: 1 });
    t.shard('20260401T000000_first.jsonl', [held]);
    t.consolidate();
    t.keep(held);
    const heldOther = entry('held', { v: 2 });
    const bom = Buffer.from([0xef, 0xbb, 0xbf]);
    const { source } = t.shard('20260401T000001_win.jsonl', [
      Buffer.concat([bom, Buffer.from(`${a}\r\n`)]),
      Buffer.from(`${b}\r\n`),
      Buffer.concat([bom, Buffer.from('not json\r\n')]),
      Buffer.from(`${heldOther}\r\n`),
    ]);
    t.keep(a);
    t.keep(b);
    t.quarantined(source, 3, Buffer.concat([bom, Buffer.from('not json\r')]));
    t.quarantined(source, 4, Buffer.from(`${heldOther}\r`));
    t.tried = 4;
    t.consolidate();
  },

  timestamps(t) {
    t.title =
      'timestamps at the ends of the calendar and beyond, and ones that are not dates (library and CLI too)';
    const ok = [
      entry('year-9999', {}, '9999-12-31T23:59:59.999Z'),
      entry('year-0000', {}, '0000-01-01T00:00:00.000Z'),
      entry('offset', {}, '2026-04-01T00:30:00+02:00'),
    ];
    const bad = [
      '9999-12-31T23:59:59.999-23:59',
      '0000-01-01T00:00:00+01:00',
      '+275760-09-13T00:00:00.000Z',
      '2026-04-01',
      'yesterday',
      1_775_000_000_000,
      '2026-13-45T99:99:99Z',
      null,
    ].map((timestamp, i) => JSON.stringify({ id: `bad-${i}`, timestamp, session_id: 'h', seq: i }));
    const { source } = t.shard('20260401T000000_time.jsonl', [...ok, ...bad]);
    for (const line of ok) t.keep(line);
    bad.forEach((line, i) => {
      t.quarantined(source, ok.length + i + 1, line);
    });
    for (const timestamp of ['9999-12-31T23:59:59-23:59', 'tomorrow']) {
      const result = t.cli(['log', JSON.stringify({ timestamp }), '--session', 'time']);
      if (result.status === 0) t.fail(`audit-hooks log accepted timestamp ${timestamp}`);
      else if (!/timestamp must be an ISO 8601 date-time/.test(result.stderr)) {
        t.fail(`audit-hooks log with timestamp ${timestamp} said: ${result.stderr.trim()}`);
      }
      t.refused++;
    }
    t.tried = ok.length + bad.length + 2;
    t.consolidate();
    // Every day folder a four-digit year (readers and verify skip anything else).
    for (const name of readdirSync(join(t.root, 'logs', 'history'))) {
      if (!/^\d{4}-\d{2}-\d{2}$/.test(name)) t.fail(`a day folder named ${name}`);
    }
  },

  async 'session-traversal'(t) {
    t.title =
      'session ids that try path traversal: AuditLog, `log --session`, $AUDIT_HOOKS_SESSION, the payload’s session_id';
    const parent = freshDir('traversal');
    mkdirSync(join(parent, 'repo'));
    const repo = initRepo(join(parent, 'repo'));
    t.root = repo.root;
    t.cli = (args, options = {}) => cli(t.build, args, { cwd: repo.root, ...options });
    const before = walk(parent).sort().join('\n');
    const ids = [
      '../x',
      '..',
      'a/b',
      '/etc/passwd',
      '..\\x',
      'x\0y',
      '',
      'a'.repeat(65),
      'é',
      'x y',
    ];
    const { AuditLog } = await import(pathToFileURL(t.build.writer).href);
    for (const sessionId of ids) {
      try {
        new AuditLog({ repoRoot: repo.root, sessionId });
        t.fail(`AuditLog accepted session id ${JSON.stringify(sessionId)}`);
      } catch (error) {
        if (!/Invalid session id .*A-Z a-z 0-9 _ -/.test(error.message)) {
          t.fail(`AuditLog(${JSON.stringify(sessionId)}) said: ${error.message}`);
        }
      }
      t.refused++;
    }
    for (const sessionId of ['../x', '..', 'a/b', '/tmp/evil', 'x y']) {
      // Each refusal names the rule; the payload's also says how to choose another session.
      const named = /^audit-hooks: Invalid session id .*A-Z a-z 0-9 _ -\n$/;
      const attempts = [
        [t.cli(['log', '{"e":1}', '--session', sessionId]), named],
        [t.cli(['log', '{"e":1}'], { env: { AUDIT_HOOKS_SESSION: sessionId } }), named],
        [
          t.cli(['log', JSON.stringify({ e: 1, session_id: sessionId })]),
          /^audit-hooks: the payload's session_id .* cannot name a shard \(use 1-64 characters from A-Z a-z 0-9 _ -\): pass --session ID, or set AUDIT_HOOKS_SESSION\n$/,
        ],
      ];
      for (const [result, expected] of attempts) {
        t.refused++;
        if (result.status === 0)
          t.fail(`audit-hooks log accepted session ${JSON.stringify(sessionId)}`);
        else if (!expected.test(result.stderr)) {
          t.fail(
            `audit-hooks log with session ${JSON.stringify(sessionId)} said: ${result.stderr.trim()}`,
          );
        }
      }
    }
    const tail = t.cli(['tail', '--session', '../x']);
    if (tail.status !== 0) t.fail(`tail --session ../x: ${tail.stderr.trim()}`);
    const after = walk(parent).sort().join('\n');
    if (after !== before) t.fail('files appeared or vanished around the repository');
    t.tried = t.refused;
  },

  'lefthook-yml-not-yaml'(t) {
    t.title =
      '`audit-hooks install` with a lefthook.yml that is not valid YAML: a clear error, nothing changed';
    const file = join(t.root, 'lefthook.yml');
    writeFileSync(file, 'pre-commit:\n  jobs: [\n    - run: npm test\n  oops: : :\n');
    const before = snapshotTree(t.root);
    // The repository runs plain git hooks already: install keeps them, and names the move.
    const kept = t.cli(['install']);
    t.tried++;
    if (
      kept.status !== 0 ||
      !/lefthook\.yml is here too: install --manager lefthook/.test(kept.stdout)
    )
      t.fail(
        `audit-hooks install over plain git hooks said: ${JSON.stringify(kept.stdout + kept.stderr)}`,
      );
    for (const args of [
      ['install', '--manager', 'lefthook'],
      ['install', '--manager', 'lefthook', '--dry-run'],
    ]) {
      const result = t.cli(args);
      t.tried++;
      if (result.status === 0) t.fail(`audit-hooks ${args.join(' ')} exited 0`);
      if (
        !/^audit-hooks: cannot parse lefthook\.yml:\d+:\d+ \(.+\); fix it and run install again \(nothing was changed\)\n$/.test(
          result.stderr,
        )
      ) {
        t.fail(`audit-hooks ${args.join(' ')} said: ${JSON.stringify(result.stderr)}`);
      }
    }
    if (snapshotTree(t.root) !== before) t.fail('install changed files although it failed');
  },

  'partition-in-disorder'(t, size) {
    t.title =
      'a v1 partition edited by hand: shuffled, duplicated, edited copies, entries of other days, CRLF, blank lines; verify --fix repairs it in place';
    const count = size === 'full' ? 2000 : 400;
    const lines = [];
    for (let i = 0; i < count; i++) {
      lines.push(
        JSON.stringify({
          id: `p-${i}`,
          timestamp: `2026-05-10T${String(Math.floor(i / 120) % 24).padStart(2, '0')}:${String(Math.floor(i / 2) % 60).padStart(2, '0')}:00.000Z`,
          session_id: `s${i % 3}`,
          seq: i,
          n: i,
        }),
      );
    }
    const misplaced = Array.from({ length: 15 }, (_, i) =>
      entry(`other-day-${i}`, {}, `2026-05-11T0${i % 10}:00:00.000Z`),
    );
    const edited = lines
      .slice(0, 10)
      .map((line) => JSON.stringify({ ...JSON.parse(line), edited: true }));
    const shuffled = shuffle([...lines, ...misplaced, ...lines.slice(100, 120), ...edited], 42);
    const text = `${shuffled.map((line, i) => (i === 7 ? `${line}\r` : line)).join('\n\n')}\n`;
    mkdirSync(join(t.root, 'logs', 'history'), { recursive: true });
    const file = join(t.root, 'logs', 'history', '2026-05-10.jsonl');
    writeFileSync(file, text);
    for (const line of [...lines, ...misplaced]) t.keep(line);
    t.tried = shuffled.length;

    const verify = t.cli(['verify']);
    const findings = verify.stdout
      .split('\n')
      .filter((line) => /^logs\/history\/\S+:\d+: /.test(line));
    if (verify.status === 0) t.fail('verify passed a partition in disorder');
    if (findings.length < 15 + 20 + 10) t.fail(`verify found only ${findings.length} problems`);
    const fix = t.cli(['verify', '--fix']);
    // The ten ids with two contents are committed data both: --fix keeps both and says so
    // (SPEC §11); everything else it repairs in place (a v1 partition).
    if (fix.status === 0 || !/remains?/.test(fix.stderr)) {
      t.fail(`verify --fix with conflicting ids left: exit ${fix.status} ${fix.stderr.trim()}`);
    }
    const left = t
      .cli(['verify'])
      .stdout.split('\n')
      .filter((line) => /^logs\/history\/\S+:\d+: /.test(line));
    const conflicts = left.filter((line) => /with other content/.test(line));
    if (left.length !== 10 || conflicts.length !== 10) {
      t.fail(
        `after --fix verify finds ${left.length} problems, expected the 10 conflicting ids: ${left.slice(0, 3).join(' | ')}`,
      );
    }
    t.partitions = true;
    t.verifyAfterwards = false;
    t.gitAdd('logs/history');
    // Each edited copy is kept beside its original, once each.
    const kept = readdirSync(join(t.root, 'logs', 'history'))
      .filter((name) => name.endsWith('.jsonl'))
      .map((name) => readFileSync(join(t.root, 'logs', 'history', name), 'utf8'))
      .join('');
    for (let i = 0; i < 10; i++) {
      t.seeds.delete(`p-${i}`);
      t.twice.add(`p-${i}`);
      for (const version of [lines[i], edited[i]]) {
        if (kept.split(`${version}\n`).length !== 2)
          t.fail(`p-${i} is not kept once as ${version}`);
      }
    }
    t.figures = { findings: findings.length };
  },

  'history-invalid-utf8'(t) {
    t.title =
      'a v1 partition with invalid UTF-8 in an entry: verify finds it, consolidation never rewrites (launders) it, verify --fix quarantines its bytes';
    const day = '2026-06-01';
    const first = entry('h-1', {}, `${day}T09:00:00.000Z`);
    const third = entry('h-3', {}, `${day}T11:00:00.000Z`);
    const bad = Buffer.concat([
      Buffer.from(`{"id":"h-2","timestamp":"${day}T10:00:00.000Z","text":"`),
      Buffer.from([0xff, 0xfe, 0x41]),
      Buffer.from('"}'),
    ]);
    mkdirSync(join(t.root, 'logs', 'history'), { recursive: true });
    const file = join(t.root, 'logs', 'history', `${day}.jsonl`);
    const original = Buffer.concat([Buffer.from(`${first}\n`), bad, Buffer.from(`\n${third}\n`)]);
    writeFileSync(file, original);
    const fresh = entry('new', {}, `${day}T12:00:00.000Z`);
    t.shard('20260601T000000_new.jsonl', [fresh]);
    t.tried = 1;

    const verify = t.cli(['verify']);
    if (verify.status === 0 || !verify.stdout.includes(`logs/history/${day}.jsonl:2:`)) {
      t.fail(`verify did not report line 2: ${verify.stdout}${verify.stderr}`.trim());
    }
    // v2 consolidation never rewrites a file in logs/history: the new entry goes to a batch.
    t.consolidate(['--hook']);
    if (!readFileSync(file).equals(original))
      t.fail('consolidation rewrote the partition with the bad bytes');
    const fix = t.cli(['verify', '--fix']);
    if (fix.status !== 0) t.fail(`verify --fix: ${fix.stdout}${fix.stderr}`.trim());
    t.partitions = true;
    t.gitAdd(`logs/history/${day}.jsonl`);
    t.quarantined(`logs/history/${day}.jsonl`, 2, bad);
    for (const line of [first, third, fresh]) t.keep(line);
  },

  'hook-stamp-keeps-bytes'(t) {
    t.title =
      'hook mode stamps the commit without re-serializing: big integers, 1.50, \\u escapes, spacing, duplicate keys, __proto__, 150-deep and 100,000-deep nesting';
    const lines = [
      `{"id":"big","timestamp":"${DAY}T10:00:00Z","n":123456789012345678901234567890}`,
      `{ "id" : "spaced", "timestamp":"${DAY}T10:00:01Z" , "f": 1.50, "e": 1e2 }`,
      `{"id":"escapes","timestamp":"${DAY}T10:00:02Z","s":"\\u00e9\\u2028\\/"}`,
      `{"id":"dupkey","timestamp":"${DAY}T10:00:03Z","k":1,"k":2}`,
      `{"id":"proto","timestamp":"${DAY}T10:00:04Z","__proto__":{"polluted":true}}`,
      `{"id":"deep","timestamp":"${DAY}T10:00:05Z","d":${'['.repeat(150)}1${']'.repeat(150)}}`,
      // Redaction walks the line's text without recursion (§12): nothing is too deep.
      `{"id":"very-deep","timestamp":"${DAY}T10:00:06Z","d":${'['.repeat(100_000)}${']'.repeat(100_000)}}`,
    ];
    t.shard('20260401T000000_bytes.jsonl', lines);
    for (const line of lines) t.keep(line);
    t.tried = lines.length;
    t.consolidate(['--hook']);
    const history = readHistory(t.root, []);
    for (const line of lines) {
      const id = JSON.parse(line).id;
      if (!/,"commit":"[0-9a-f]{40}"}$/.test(history.get(id)?.line ?? '')) {
        t.fail(`entry ${id} has no commit stamp`);
      }
    }
  },

  'torn-line-then-new-writer'(t) {
    t.title =
      'a shard ending in a torn line (its writer was killed), then `audit-hooks log` in that session: live readers and the history both get the new entries';
    const torn = Buffer.from(
      `{"id":"torn","timestamp":"${DAY}T10:00:00.000Z","session_id":"tl","seq":7,"pad":"cut he`,
    );
    const before = entry('before-torn');
    const { source } = t.shard('20260401T000000_tl.jsonl', [before, torn]);
    t.keep(before);
    t.quarantined(source, 2, torn);
    for (const event of ['first-after', 'second-after']) {
      const result = t.cli(['log', JSON.stringify({ event }), '--session', 'tl']);
      if (result.status !== 0) t.fail(`audit-hooks log: ${result.stderr.trim()}`);
    }
    // Before any consolidation, tail must already show both (neither glued to the torn line).
    const tail = t.cli(['tail', '-n', '0', '--json', '--session', 'tl']);
    const shown = tail.stdout
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line).event);
    if (!shown.includes('first-after') || !shown.includes('second-after')) {
      t.fail(`tail shows ${JSON.stringify(shown)}: an entry is hidden behind the torn line`);
    }
    t.tried = 3;
    t.consolidate();
    for (const found of readHistory(t.root, []).values()) {
      if (found.entry.session_id === 'tl') t.seeds.set(found.entry.id, found.line);
    }
    if (t.seeds.size !== 3) t.fail(`${t.seeds.size - 1} of the 2 new entries are in the history`);
  },

  'fifo-at-shard-path'(t) {
    t.title =
      'a FIFO named like a session’s shard: `audit-hooks log` must neither hang nor write into it';
    t.allow(NOT_REGULAR);
    const fifo = join(t.root, 'logs', 'active', '20260401T000000_ff.jsonl');
    if (spawnSync('mkfifo', [fifo]).status !== 0) {
      t.figures = { skipped: 'no mkfifo' };
      return;
    }
    t.leave(fifo);
    t.tried = 1;
    const result = t.cli(['log', '{"event":"fifo"}', '--session', 'ff'], { timeoutMs: 20_000 });
    if (result.hung) t.fail('audit-hooks log hung on a FIFO');
    else if (result.status !== 0) t.fail(`audit-hooks log: ${result.stderr.trim()}`);
    t.consolidate();
    const found = [...readHistory(t.root, []).values()].find((e) => e.entry.event === 'fifo');
    if (found === undefined) t.fail('the entry is not in the history');
    else t.seeds.set(found.entry.id, found.line);
  },
  // ---- issue 12 and SPEC §4/§5 v2 kinds ----

  async 'links-under-logs'(t) {
    t.title =
      'symbolic links where audit-hooks keeps a folder or a file: logs/active, logs/history, logs/quarantine, a committed batch file, and a branch that carries logs/history as a link; nothing outside is read, moved or written';
    const outside = freshDir('links-outside');
    const precious = join(outside, 'session.jsonl');
    writeFileSync(precious, `${entry('outside-1')}\n`);
    writeFileSync(join(outside, '20260401T000000_other-app.jsonl'), `${entry('outside-2')}\n`);
    const before = snapshotDir(outside);
    const refuse =
      /^audit-hooks: warning: did not consolidate \(logs\/(active|history|quarantine) is a symbolic link/;
    t.allow(refuse);
    const logs = join(t.root, 'logs');
    let tried = 0;
    // Each folder in turn is a link to the outside folder; a commit must refuse and wait.
    for (const folder of ['active', 'history', 'quarantine']) {
      const good = entry(`behind-${folder}`);
      const bad = 'not an entry';
      if (folder !== 'active') {
        const { source } = t.shard(`20260401T00000${tried}_${folder}.jsonl`, [good, bad]);
        t.keep(good);
        t.quarantined(source, 2, Buffer.from(bad));
      }
      const path = join(logs, folder);
      const moved = join(t.root, `real-${folder}`);
      const existed = existsSync(path);
      if (existed) spawnSync('mv', [path, moved]);
      symlinkSync(outside, path);
      if (folder === 'active') {
        // The writer too: one clear line, exit 1, nothing written through the link.
        const logged = t.cli(['log', '{"event":"through-a-link"}', '--session', 'linked']);
        tried++;
        if (logged.status === 0 || snapshotDir(outside) !== before) {
          t.fail(
            `audit-hooks log with logs/active a link: exit ${logged.status}, the outside folder ${snapshotDir(outside) === before ? 'unchanged' : 'written to'}`,
          );
          // (what it wrote there is not the repository's: put the folder back as it was)
          for (const name of readdirSync(outside)) {
            if (!before.includes(`${name}\0`)) rmSync(join(outside, name));
          }
        }
      }
      const result = await commit(t.root, `with logs/${folder} a link`);
      tried++;
      const said = hookWarnings(result.stderr);
      if (result.status !== 0 || said.length !== 1 || !refuse.test(said[0])) {
        t.fail(`logs/${folder} as a link: exit ${result.status} ${said.join(' | ')}`);
      }
      rmSync(path);
      if (existed) spawnSync('mv', [moved, path]);
      if (snapshotDir(outside) !== before)
        t.fail(`with logs/${folder} a link, the outside folder changed`);
    }
    // A committed batch file that is a link to a file outside: never read, never written.
    const dayDir = join(logs, 'history', DAY);
    mkdirSync(dayDir, { recursive: true });
    const fake = join(dayDir, `20260401T090000000Z-${'0'.repeat(20)}.jsonl`);
    symlinkSync(precious, fake);
    t.gitAdd(fake);
    await t.commit('a batch file that is a link');
    t.expectedHistory.push(relative(join(logs, 'history'), fake));
    const more = entry('after-link-file');
    t.shard('20260401T000009_more.jsonl', [more]);
    t.keep(more);
    await t.commit('next to a linked batch file');
    tried++;
    const tail = t.cli(['tail', '-n', '0']);
    if (/outside-1/.test(tail.stdout)) t.fail('tail read the linked file');
    // A branch that carries logs/history as a link: checking it out and committing on it.
    spawnSync('git', ['checkout', '-q', '-b', 'evil'], { cwd: t.root, env: cleanEnv() });
    rmSync(join(logs, 'history'), { recursive: true });
    symlinkSync(outside, join(logs, 'history'));
    t.gitAdd('logs/history');
    spawnSync('git', ['rm', '-r', '-q', '--cached', 'logs/history/'], {
      cwd: t.root,
      env: cleanEnv(),
    });
    t.gitAdd('logs/history');
    await commit(t.root, 'the link is committed on this branch');
    const onBranch = entry('on-evil-branch');
    t.shard('20260401T000010_evil.jsonl', [onBranch]);
    const evil = await commit(t.root, 'a commit on the branch with the link');
    tried++;
    if (!hookWarnings(evil.stderr).some((line) => refuse.test(line))) {
      t.fail(`a commit on a branch whose logs/history is a link: ${evil.stderr.trim()}`);
    }
    if (snapshotDir(outside) !== before)
      t.fail('on the branch with the link, the outside folder changed');
    spawnSync('git', ['checkout', '-q', '-f', 'main'], { cwd: t.root, env: cleanEnv() });
    t.keep(onBranch);
    // verify names the linked batch file; once it is gone, all is well again.
    const verify = t.cli(['verify']);
    if (verify.status === 0 || !verify.stdout.includes(relative(t.root, fake))) {
      t.fail(`verify does not name the linked batch file: ${verify.stdout}${verify.stderr}`.trim());
    }
    spawnSync('git', ['rm', '-q', '--', relative(t.root, fake)], { cwd: t.root, env: cleanEnv() });
    t.expectedHistory.pop();
    t.tried = tried;
    t.leave(precious);
  },

  'same-id-two-days'(t) {
    t.title =
      'one id with two contents on two UTC days: in one shard, and in the next commit (the ledger of recent ids): one kept, the other quarantined, never both in the history';
    const first = entry('twin', { v: 1 }, '2026-04-01T23:59:59.999Z');
    const second = entry('twin', { v: 2 }, '2026-04-02T00:00:00.000Z');
    const { source } = t.shard('20260401T000000_twins.jsonl', [first, second]);
    t.keep(first);
    t.quarantined(source, 2, second);
    t.consolidate();
    const third = entry('twin', { v: 3 }, '2026-04-03T12:00:00.000Z');
    const later = t.shard('20260401T000001_later.jsonl', [third]);
    t.quarantined(later.source, 1, third);
    t.consolidate();
    t.tried = 3;
    const history = t.cli(['verify', '--history']);
    if (history.status !== 0) t.fail(`verify --history: ${history.stdout}${history.stderr}`.trim());
  },

  async 'git-dir-from-caller'(t) {
    t.title =
      'GIT_DIR and GIT_WORK_TREE set by the caller, from inside another repository: `log` writes into the named one, its commit consolidates it, the enclosing one is untouched';
    const outer = t.root;
    const inner = join(outer, 'vendor', 'other');
    mkdirSync(inner, { recursive: true });
    initRepo(inner);
    spawnSync('git', ['init', '-q'], { cwd: inner, env: cleanEnv() });
    const env = { GIT_DIR: join(inner, '.git'), GIT_WORK_TREE: inner };
    const logged = t.cli(['log', '{"event":"named-repo"}', '--session', 'named'], { env });
    if (logged.status !== 0) t.fail(`audit-hooks log with GIT_DIR: ${logged.stderr.trim()}`);
    const shards = (root) =>
      existsSync(join(root, 'logs', 'active'))
        ? readdirSync(join(root, 'logs', 'active')).filter((n) => n.endsWith('.jsonl'))
        : [];
    if (shards(inner).length !== 1)
      t.fail(`the named repository has ${shards(inner).length} shards`);
    if (shards(outer).length !== 0) t.fail('the entry went into the enclosing repository');
    // Its commit, run from the enclosing repository with the same variables.
    const consolidated = t.cli(['consolidate'], { env });
    if (consolidated.status !== 0)
      t.fail(`consolidate with GIT_DIR: ${consolidated.stderr.trim()}`);
    const inInner = readHistory(inner, []);
    const found = [...inInner.values()].find((e) => e.entry.event === 'named-repo');
    if (found === undefined) t.fail('the entry is not in the named repository’s history');
    if (existsSync(join(outer, 'logs', 'history'))) {
      if (readdirSync(join(outer, 'logs', 'history')).length > 0)
        t.fail('the enclosing repository got a history');
    }
    t.tried = 2;
    spawnSync('rm', ['-rf', join(outer, 'vendor')]);
  },

  async 'bad-shards-never-block'(t) {
    t.title =
      'one bad shard never blocks the others, commit after commit: a 240-character name, one nobody may read (mode 000: an open that fails, as root), a FIFO, a link, a folder; the unreadable one waits, intact, until it can be read';
    t.allow(NOT_REGULAR);
    t.allow(/^audit-hooks: warning: logs\/active\/\S+: could not be read \(EACCES\)/);
    const dir = join(t.root, 'logs', 'active');
    const lockedLines = [entry('locked-1'), entry('locked-2')];
    const locked = `${lockedLines.join('\n')}\n`;
    // Its name is long (200 characters): each run that gives it back makes it longer.
    writeFileSync(join(dir, `20260401T000000_${'n'.repeat(178)}_locked.jsonl`), locked);
    spawnSync('mkfifo', [join(dir, '20260401T000001_fifo.jsonl')]);
    symlinkSync(join(freshDir('nowhere'), 'x.jsonl'), join(dir, '20260401T000002_link.jsonl'));
    mkdirSync(join(dir, '20260401T000003_folder.jsonl'));
    const unreadable = { kind: 'none', deny: { pattern: '_locked' } };
    for (let round = 0; round < 3; round++) {
      const long = entry(`long-${round}`);
      t.shard(`${'l'.repeat(234)}${round}.jsonl`.slice(-240), [long]);
      t.keep(long);
      const good = entry(`good-${round}`);
      t.shard(`20260401T00001${round}_good.jsonl`, [good]);
      t.keep(good);
      await t.commit(`round ${round}`, { fault: unreadable });
      const kept = walk(dir).some((path) => {
        try {
          return !/[/@]$/.test(path) && readFileSync(path, 'utf8') === locked;
        } catch {
          return false;
        }
      });
      if (!kept) t.fail(`round ${round}: the unreadable shard is gone from logs/active`);
    }
    for (const name of [
      '20260401T000001_fifo.jsonl',
      '20260401T000002_link.jsonl',
      '20260401T000003_folder.jsonl',
    ])
      rmSync(join(dir, name), { recursive: true });
    for (const line of lockedLines) t.keep(line);
    t.tried = 5 * 3;
  },

  async 'user-files-in-history'(t) {
    t.title =
      'files of the user in logs/history that look like temp files or history (`review_history.jsonl.1`, `.tmp-1-x`, `draft.jsonl.7` and notes in a day folder): never deleted or changed by commits, consolidation or verify';
    const history = join(t.root, 'logs', 'history');
    const mine = [
      'review_history.jsonl.1',
      '2026-04-01.jsonl.bak',
      'notes.md',
      '.tmp-1-abc',
      `${DAY}/notes.txt`,
      `${DAY}/.tmp-99-xyz`,
      `${DAY}/draft.jsonl.7`,
    ];
    for (const name of mine) {
      mkdirSync(join(history, name, '..'), { recursive: true });
      writeFileSync(join(history, name), `mine: ${name}\n`);
      t.leave(join(history, name));
      t.expectedHistory.push(name);
    }
    for (let round = 0; round < 3; round++) {
      const line = entry(`user-${round}`);
      t.shard(`20260401T00000${round}_u.jsonl`, [line]);
      t.keep(line);
      if (round === 1) t.consolidate();
      else await t.commit(`round ${round}`);
    }
    t.tried = mine.length;
  },

  async 'fresh-repo-add-all'(t) {
    t.title =
      'a repository where audit-hooks never ran: an agent logs (creating logs/active), then `git add -A && git commit`: no raw shard reaches the commit, and the tree is clean after it';
    rmSync(join(t.root, 'logs'), { recursive: true, force: true });
    const logged = t.cli(['log', '{"event":"first"}', '--session', 'fresh']);
    if (logged.status !== 0) t.fail(`audit-hooks log: ${logged.stderr.trim()}`);
    writeFileSync(join(t.root, 'code.txt'), 'work\n');
    spawnSync('git', ['add', '-A'], { cwd: t.root, env: cleanEnv() });
    const result = await commit(t.root, 'add everything');
    if (result.status !== 0) t.fail(`git commit: ${result.stderr.trim()}`);
    const files = spawnSync('git', ['show', '--name-only', '--format=', 'HEAD'], {
      cwd: t.root,
      env: cleanEnv(),
      encoding: 'utf8',
    }).stdout;
    const raw = files.split('\n').filter((name) => name.startsWith('logs/active/'));
    if (raw.length > 0) t.fail(`the commit holds raw shards: ${raw.join(', ')}`);
    const status = spawnSync('git', ['status', '--porcelain'], {
      cwd: t.root,
      env: cleanEnv(),
      encoding: 'utf8',
    }).stdout.trim();
    if (status !== '')
      t.fail(`the tree is not clean after the commit: ${status.replaceAll('\n', ' | ')}`);
    for (const found of readHistory(t.root, []).values()) t.seeds.set(found.entry.id, found.line);
    if (t.seeds.size !== 1) t.fail(`${t.seeds.size} entries in the history, expected 1`);
    t.tried = 1;
    // The shard it committed by mistake would stay tracked: take it out for the checks.
    if (raw.length > 0)
      spawnSync('git', ['rm', '-r', '-q', '--cached', 'logs/active'], {
        cwd: t.root,
        env: cleanEnv(),
      });
  },
  async 'damaged-claim-set'(t) {
    t.title =
      'a claim set whose manifest.json is damaged (a hand edit, a disk error): the step names it in one warning and goes on with the other shards and sets';
    const first = entry('in-damaged-set');
    t.shard('20260401T000000_first.jsonl', [first]);
    t.cli(['consolidate']);
    const claimed = join(t.root, 'logs', 'active', '.claimed');
    const set = readdirSync(claimed).find((name) => !name.startsWith('.'));
    const manifest = join(claimed, set, 'manifest.json');
    // Replace (not edit) the file: the run folder keeps its own link to the good one.
    rmSync(manifest);
    writeFileSync(manifest, '{"version":2,"set":');
    t.allow(new RegExp(`^audit-hooks: warning: .*${set}`));
    const later = entry('after-damaged-set');
    t.shard('20260401T000001_later.jsonl', [later]);
    t.keep(later);
    const done = await commit(t.root, 'with a damaged claim set');
    const said = hookWarnings(done.stderr);
    if (!said.some((line) => line.includes(set))) {
      t.fail(`the warning does not name the damaged set: ${said.join(' | ')}`);
    }
    const history = readHistory(t.root, []);
    if (!history.has(JSON.parse(later).id)) {
      t.fail('the shards next to a damaged claim set were not consolidated');
    }
    // The damaged set is left for a person; its batch was published before the damage.
    t.gitAdd('logs/history');
    rmSync(join(claimed, set), { recursive: true, force: true });
    t.keep(first);
    t.tried = 1;
  },
};

function shuffle(items, seed) {
  const random = randomBytes(items.length * 4, seed);
  for (let i = items.length - 1; i > 0; i--) {
    const j = random.readUInt32LE(i * 4) % (i + 1);
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}

/** Names and bytes of everything below `dir` (links as their target). */
function snapshotDir(dir) {
  return walk(dir)
    .map((path) => {
      const clean = path.replace(/[/@]$/, '');
      const stat = lstatSync(clean);
      return `${relative(dir, clean)}\0${fingerprint(clean, stat)}`;
    })
    .join('\n');
}

/** Every file of a worktree (and its .git config and hooks), byte for byte. */
function snapshotTree(root) {
  return walk(root)
    .filter((path) => !path.includes('/.git/') || /\/\.git\/(config|hooks\/)/.test(path))
    .filter((path) => !path.includes('/.git/objects') && !path.endsWith('/.git/index'))
    .sort()
    .map(
      (path) =>
        `${relative(root, path)}\0${/[/@]$/.test(path) ? '' : readFileSync(path).toString('base64')}`,
    )
    .join('\n');
}
