// `audit-hooks tail` and the library's `tail()` (SPEC §6), on real files in a real git
// repository, through the built bin where the output matters.
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tail } from '../../src/read/tail.js';
import { AuditLog } from '../../src/writer/index.js';
import {
  BIN,
  captureOutput,
  makeRepo,
  type TempRepo,
  tempDir,
  testEnv,
} from '../helpers/git-repo.js';

let repo: TempRepo;
afterEach(() => repo?.cleanup());

const ANSI = new RegExp(`${String.fromCharCode(27)}\\[`);

interface Fields {
  id: string;
  timestamp: string;
  session_id?: string;
  seq?: number;
  [field: string]: unknown;
}

function entry(id: string, timestamp: string, extra: Partial<Fields> = {}): Fields {
  return { id, timestamp, session_id: 's', seq: 1, event: 'run', ...extra };
}

function jsonl(lines: Array<string | object>): string {
  return lines
    .map((line) => `${typeof line === 'string' ? line : JSON.stringify(line)}\n`)
    .join('');
}

function writeLogFile(root: string, relative: string, lines: Array<string | object>): string {
  const path = join(root, relative);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, jsonl(lines));
  return path;
}

const partition = (day: string) => `logs/history/${day}.jsonl`;
const shard = (name: string) => `logs/active/${name}.jsonl`;
const claim = (name: string) => `logs/active/.claimed/${name}~1700000000000-1-0.jsonl`;

/** `count` entries on `day`, one every 30 s from midnight UTC, ids `<prefix>0001`… */
function dayOf(day: string, count: number, prefix: string, session = 's'): Fields[] {
  return Array.from({ length: count }, (_, i) =>
    entry(
      `${prefix}${String(i + 1).padStart(4, '0')}`,
      new Date(Date.parse(`${day}T00:00:00.000Z`) + i * 60_000).toISOString(),
      { session_id: session, seq: i + 1 },
    ),
  );
}

function ids(stdout: string): string[] {
  return stdout
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => (JSON.parse(line) as { id: string }).id);
}

function lines(text: string): string[] {
  return text.split('\n').filter((line) => line !== '');
}

describe('tail: what it shows', () => {
  it('merges history, live and claimed shards, oldest first in §3 order, each id once', async () => {
    repo = makeRepo();
    writeLogFile(repo.root, partition('2026-11-23'), [
      entry('h1', '2026-11-23T10:00:00.000Z'),
      entry('h2', '2026-11-23T22:30:00.000Z'),
    ]);
    writeLogFile(repo.root, partition('2026-11-24'), [
      entry('h3', '2026-11-24T08:00:00.000Z', { session_id: 'b' }),
      entry('h4', '2026-11-24T09:00:00.000Z'),
    ]);
    writeLogFile(repo.root, shard('20261124T080000_a'), [
      // Same instant as h3: session `a` sorts before `b`.
      entry('s1', '2026-11-24T08:00:00.000Z', { session_id: 'a' }),
      // A copy of a history entry (a writer's re-append after a claim): shown once.
      entry('h4', '2026-11-24T09:00:00.000Z'),
      // 00:30+02:00 is 22:30Z the day before: between h2 (22:30:00Z, seq 1) and h3.
      entry('s2', '2026-11-24T00:30:00.000+02:00', { seq: 2 }),
    ]);
    writeLogFile(repo.root, claim('20261124T090000_c'), [
      entry('c1', '2026-11-24T12:00:00.000Z', { session_id: 'c' }),
      entry('h1', '2026-11-23T10:00:00.000Z'),
    ]);

    const result = repo.cli(['tail', '--json']);

    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(ids(result.stdout)).toEqual(['h1', 'h2', 's2', 's1', 'h3', 'h4', 'c1']);
    const library = await tail({ cwd: repo.root });
    expect(library.map((e) => e.id)).toEqual(['h1', 'h2', 's2', 's1', 'h3', 'h4', 'c1']);
  });

  it('shows the last 10 by default, -n N the last N, -n 0 all', async () => {
    repo = makeRepo();
    writeLogFile(repo.root, partition('2026-11-22'), dayOf('2026-11-22', 30, 'a'));
    writeLogFile(repo.root, partition('2026-11-23'), dayOf('2026-11-23', 4, 'b'));
    writeLogFile(repo.root, shard('20261124T000000_s'), dayOf('2026-11-24', 3, 'c'));

    expect(ids(repo.cli(['tail', '--json']).stdout)).toEqual([
      'a0028',
      'a0029',
      'a0030',
      'b0001',
      'b0002',
      'b0003',
      'b0004',
      'c0001',
      'c0002',
      'c0003',
    ]);
    expect(ids(repo.cli(['tail', '-n', '2', '--json']).stdout)).toEqual(['c0002', 'c0003']);
    expect(ids(repo.cli(['tail', '--lines=5', '--json']).stdout)).toEqual([
      'b0003',
      'b0004',
      'c0001',
      'c0002',
      'c0003',
    ]);
    expect(ids(repo.cli(['tail', '-n', '0', '--json']).stdout)).toHaveLength(37);
    expect((await tail({ cwd: repo.root, n: 0 })).map((e) => e.id)).toHaveLength(37);
  });

  it('prints each entry as stored with --json, for jq', () => {
    repo = makeRepo();
    // Key order and an offset the writer would not produce: kept byte for byte.
    const line = '{"timestamp":"2026-11-24T10:00:00.000+01:00","id":"x","seq":1,"session_id":"s"}';
    writeLogFile(repo.root, partition('2026-11-24'), [line]);
    expect(repo.cli(['tail', '--json']).stdout).toBe(`${line}\n`);
  });

  it('filters by --session and --since (ISO time or duration)', async () => {
    repo = makeRepo();
    const now = Date.now();
    const at = (minutesAgo: number) => new Date(now - minutesAgo * 60_000).toISOString();
    writeLogFile(repo.root, partition('2026-11-20'), [entry('old', '2026-11-20T10:00:00.000Z')]);
    writeLogFile(repo.root, shard('20261124T000000_live'), [
      entry('a-3h', at(180), { session_id: 'alpha' }),
      entry('b-90m', at(90), { session_id: 'beta' }),
      entry('a-10m', at(10), { session_id: 'alpha' }),
      entry('b-1m', at(1), { session_id: 'beta' }),
    ]);

    expect(ids(repo.cli(['tail', '--json', '--since', '2h']).stdout)).toEqual([
      'b-90m',
      'a-10m',
      'b-1m',
    ]);
    expect(ids(repo.cli(['tail', '--json', '--since', '15m']).stdout)).toEqual(['a-10m', 'b-1m']);
    expect(ids(repo.cli(['tail', '--json', '--session', 'alpha']).stdout)).toEqual([
      'a-3h',
      'a-10m',
    ]);
    expect(
      ids(repo.cli(['tail', '--json', '--session', 'beta', '--since', at(60)]).stdout),
    ).toEqual(['b-1m']);
    expect(
      ids(repo.cli(['tail', '--json', '--since', '2026-11-20T10:00:00Z', '-n', '0']).stdout),
    ).toHaveLength(5);
    expect(ids(repo.cli(['tail', '--json', '--since', '2026-11-21']).stdout)).not.toContain('old');
    const library = await tail({ cwd: repo.root, since: new Date(now - 15 * 60_000) });
    expect(library.map((e) => e.id)).toEqual(['a-10m', 'b-1m']);
  });

  it('takes a numeric-looking session id as typed', () => {
    repo = makeRepo();
    writeLogFile(repo.root, shard('20261124T000000_0042'), [
      entry('mine', '2026-11-24T10:00:00.000Z', { session_id: '0042' }),
      entry('other', '2026-11-24T10:00:01.000Z', { session_id: '42' }),
    ]);
    expect(ids(repo.cli(['tail', '--json', '--session', '0042']).stdout)).toEqual(['mine']);
  });

  it('refuses a bad --since or -n as a usage error: one clear line, the usage line, exit 2', () => {
    repo = makeRepo();
    for (const args of [
      ['--since', 'yesterday'],
      ['--since', '15'],
      ['--since', '2026-02-31'],
      ['--lines=-3'],
      ['-n', 'ten'],
      ['-n', '2.5'],
    ]) {
      const result = repo.cli(['tail', ...args]);
      expect(result.status, args.join(' ')).toBe(2);
      expect(result.stdout).toBe('');
      expect(lines(result.stderr), args.join(' ')).toHaveLength(2);
      expect(lines(result.stderr)[1]).toMatch(/^Usage: audit-hooks /);
      expect(result.stderr).toMatch(
        args[0]?.startsWith('--since') ? /--since .* 15m/ : /-n .* whole number/,
      );
      expect(result.stderr).not.toMatch(/^\s+at /m);
    }
  });

  it('says so outside a git repository', () => {
    repo = makeRepo();
    const outside = tempDir();
    const result = repo.cli(['tail'], { cwd: outside });
    expect(result.status).toBe(1);
    expect(lines(result.stderr)).toHaveLength(1);
    expect(result.stderr).toMatch(/Not in a git repository/);
  });
});

/** Runs the built CLI without waiting, so that several runs overlap. */
async function cliAsync(
  cwd: string,
  args: string[],
): Promise<{ code: number | null; stdout: string }> {
  const child = spawn(process.execPath, [BIN, ...args], { cwd, env: testEnv() });
  const { code, stdout } = await captureOutput(child).closed;
  return { code, stdout };
}

describe('tail: while a consolidation runs', () => {
  it('shows every entry exactly once, whether it is still in a shard or already moved', async () => {
    repo = makeRepo();
    const written: string[] = [];
    for (let round = 0; round < 8; round++) {
      for (const session of ['a', 'b', 'c']) {
        const log = new AuditLog({ repoRoot: repo.root, sessionId: `${session}${round}` });
        for (let i = 0; i < 40; i++) written.push(log.log({ event: 'run', round, i }).id);
        log.close();
      }
      // A consolidation and several tails at once: shards are claimed, read, moved into
      // the history and deleted while the tails read them.
      const [consolidation, ...tails] = await Promise.all([
        cliAsync(repo.root, ['consolidate']),
        ...Array.from({ length: 4 }, () => cliAsync(repo.root, ['tail', '-n', '0', '--json'])),
      ]);
      expect(consolidation?.code).toBe(0);
      for (const result of tails) {
        expect(result.code).toBe(0);
        const shown = ids(result.stdout);
        expect(shown).toHaveLength(written.length);
        expect(new Set(shown)).toEqual(new Set(written));
      }
    }
  });
});

describe('tail: damaged files', () => {
  it('skips garbage with one warning line per file and shows the rest (exit 0)', () => {
    repo = makeRepo();
    writeLogFile(repo.root, partition('2026-11-24'), [
      entry('h1', '2026-11-24T10:00:00.000Z'),
      'not json',
      '{"id":"no-timestamp"}',
      entry('h2', '2026-11-24T11:00:00.000Z'),
    ]);
    writeLogFile(repo.root, shard('20261124T000000_s'), [
      entry('s1', '2026-11-24T12:00:00.000Z'),
      '[1,2,3]',
      entry('s2', '2026-11-24T13:00:00.000Z'),
    ]);
    const bad = join(repo.root, 'logs', 'active', '20261124T000000_bytes.jsonl');
    writeFileSync(bad, Buffer.from([0xff, 0xfe, 0x0a]));
    // A folder named like a shard is not a file.
    mkdirSync(join(repo.root, shard('20261124T000000_dir')));

    const result = repo.cli(['tail', '--json']);

    expect(result.status).toBe(0);
    expect(ids(result.stdout)).toEqual(['h1', 'h2', 's1', 's2']);
    const warnings = lines(result.stderr);
    expect(warnings).toHaveLength(4);
    expect(warnings.every((line) => line.startsWith('audit-hooks: warning: '))).toBe(true);
    expect(result.stderr).toMatch(
      /logs\/history\/2026-11-24\.jsonl: skipped 2 lines that are not valid entries .*verify/,
    );
    expect(result.stderr).toMatch(/_s\.jsonl: skipped 1 line that is not a valid entry \(line 2: /);
    expect(result.stderr).toMatch(/_bytes\.jsonl: skipped 1 line .*UTF-8/);
    expect(result.stderr).toMatch(/_dir\.jsonl: it is not a regular file/);
  });

  it('never follows a symbolic link out of logs/active', () => {
    repo = makeRepo();
    const outside = tempDir();
    writeFileSync(join(outside, 'secret.jsonl'), jsonl([entry('outside', '2026-11-24T10:00Z')]));
    mkdirSync(join(repo.root, 'logs', 'active', '.claimed'), { recursive: true });
    symlinkSync(join(outside, 'secret.jsonl'), join(repo.root, shard('20261124T000000_link')));
    symlinkSync(join(outside, 'secret.jsonl'), join(repo.root, claim('20261124T000000_link')));
    writeLogFile(repo.root, shard('20261124T000000_real'), [entry('inside', '2026-11-24T11:00Z')]);

    const result = repo.cli(['tail', '--json']);

    expect(result.status).toBe(0);
    expect(ids(result.stdout)).toEqual(['inside']);
    expect(lines(result.stderr)).toHaveLength(2);
    expect(result.stderr).toMatch(/_link\.jsonl: it is a symbolic link/);

    // Nor a claims folder that is itself a link to elsewhere.
    rmSync(join(repo.root, 'logs', 'active', '.claimed'), { recursive: true });
    symlinkSync(outside, join(repo.root, 'logs', 'active', '.claimed'));
    const linked = repo.cli(['tail', '--json']);
    expect(ids(linked.stdout)).toEqual(['inside']);
    expect(linked.stderr).toMatch(/skipped logs\/active\/\.claimed: it is a symbolic link/);
  });

  it('ignores a shard’s unfinished last line (a write in flight), without a warning', () => {
    repo = makeRepo();
    const path = writeLogFile(repo.root, shard('20261124T000000_s'), [
      entry('s1', '2026-11-24T10:00:00.000Z'),
    ]);
    writeFileSync(path, `${jsonl([entry('s1', '2026-11-24T10:00:00.000Z')])}{"id":"s2","ti`);
    const result = repo.cli(['tail', '--json']);
    expect(result.stderr).toBe('');
    expect(ids(result.stdout)).toEqual(['s1']);
  });
});

describe('tail: reads the history backwards, only as far as it needs', () => {
  it('never opens a partition older than the last N (a broken old one goes unnoticed)', () => {
    repo = makeRepo();
    // An old partition that cannot be read: a folder with the partition's name.
    mkdirSync(join(repo.root, partition('2026-01-01')), { recursive: true });
    writeLogFile(repo.root, partition('2026-01-02'), ['garbage', 'more garbage']);
    writeLogFile(repo.root, partition('2026-11-23'), dayOf('2026-11-23', 5, 'a'));
    writeLogFile(repo.root, partition('2026-11-24'), dayOf('2026-11-24', 5, 'b'));

    const recent = repo.cli(['tail', '-n', '8', '--json']);
    expect(recent.stderr).toBe('');
    expect(ids(recent.stdout)).toEqual([
      'a0003',
      'a0004',
      'a0005',
      'b0001',
      'b0002',
      'b0003',
      'b0004',
      'b0005',
    ]);

    // All of it does reach the broken ones, and says so.
    const all = repo.cli(['tail', '-n', '0', '--json']);
    expect(ids(all.stdout)).toHaveLength(10);
    expect(lines(all.stderr)).toHaveLength(2);
  });

  it('stops at partitions older than --since, however many entries N asks for', () => {
    repo = makeRepo();
    writeLogFile(repo.root, partition('2026-01-02'), ['garbage']);
    writeLogFile(repo.root, partition('2026-11-24'), dayOf('2026-11-24', 5, 'b'));
    const result = repo.cli(['tail', '-n', '0', '--json', '--since', '2026-11-10T00:00:00Z']);
    expect(result.stderr).toBe('');
    expect(ids(result.stdout)).toHaveLength(5);
  });

  it('reads a large partition and lines longer than its read buffer correctly', async () => {
    repo = makeRepo();
    // ~1,500 entries (well over one 64 KiB chunk), and some entries of 200 KB each.
    const many = dayOf('2026-11-24', 1500, 'e');
    const big = (i: number) => ({
      ...(many[i] as Fields),
      pad: `${i}`.repeat(200_000 / `${i}`.length),
    });
    for (const i of [1497, 1498, 700]) many[i] = big(i);
    writeLogFile(repo.root, partition('2026-11-24'), many);

    const last = await tail({ cwd: repo.root, n: 4 });
    expect(last.map((e) => e.id)).toEqual(['e1497', 'e1498', 'e1499', 'e1500']);
    expect(last[0]?.pad).toBeUndefined();
    expect(last[1]?.pad).toBe(big(1497).pad);
    expect(last[2]?.pad).toBe(big(1498).pad);
    const all = await tail({ cwd: repo.root, n: 0 });
    expect(all.map((e) => e.id)).toEqual(many.map((e) => e.id));
    expect(all[700]?.pad).toBe(big(700).pad);
  });
});

describe('tail: output for people', () => {
  it('prints local time, short session and the main fields, aligned, without colour on a pipe', () => {
    repo = makeRepo();
    const log = new AuditLog({
      repoRoot: repo.root,
      sessionId: 'f3a9c2d1-7b4e-4c1a-9e2f-0a1b2c3d4e5f',
    });
    log.log({ event: 'pre_tool_use', tool: 'Bash', decision: 'allow', command: 'npm test' });
    log.log({ event: 'stop', reason: 'done', cost: { usd: 0.12 } });
    log.close();
    const long = 'x'.repeat(500);
    new AuditLog({ repoRoot: repo.root, sessionId: 'other' }).log({ event: 'note', text: long });

    // NO_COLOR unset: the pipe alone must keep colour out.
    const result = repo.cli(['tail'], { env: { NO_COLOR: '', TERM: 'xterm-256color' } });

    expect(result.status).toBe(0);
    expect(result.stdout).not.toMatch(ANSI);
    const out = lines(result.stdout);
    expect(out).toHaveLength(3);
    // The date comes first only when the entry is not from today: local midnight may pass
    // between writing and reading.
    const time = /^(?:\d{4}-\d{2}-\d{2} )?\d{2}:\d{2}:\d{2}\.\d{3} {2}/;
    expect(out[0]).toMatch(time);
    expect(out[0]?.replace(time, '')).toBe(
      'f3a9c2d1  event=pre_tool_use  tool=Bash  decision=allow  command="npm test"',
    );
    expect(out[1]?.replace(time, '')).toBe(
      `f3a9c2d1  event=stop${' '.repeat(10)}reason=done cost={"usd":0.12}`,
    );
    // Aligned: each line's second column starts at the same place.
    expect(out[1]?.indexOf('reason=')).toBe(out[0]?.indexOf('tool='));
    // Envelope fields are not repeated as key=value.
    expect(result.stdout).not.toMatch(/\b(id|seq|session_id|timestamp)=/);
    // Not a terminal: nothing is cut.
    expect(out[2]).toContain(`text=${long}`);
  });
});

describe('tail: safe output for people (SPEC §6)', () => {
  // Assembled at run time so that no credential-shaped string sits in the source.
  const GITHUB = `ghp_${'R7kq2ZxW9mLp4TvB8nYc'}${'3HsJ6dFa1QeUo5Xg'}`;
  const UNSAFE_CHARS = /[\p{Cc}\p{Cf}\u2028\u2029]/u;

  it('shows live entries redacted as consolidation will write them, with --json too', () => {
    repo = makeRepo();
    const live = `{"id":"live","timestamp":"2026-11-24T10:00:01.000Z","session_id":"s","seq":1,"command":"export GITHUB_TOKEN=${GITHUB}","n":1.50}`;
    const stored =
      '{"id":"old","timestamp":"2026-11-24T10:00:00.000Z","session_id":"s","seq":1,"n":1.50}';
    writeLogFile(repo.root, partition('2026-11-24'), [stored]);
    writeLogFile(repo.root, shard('20261124T100000_s'), [live]);

    const human = repo.cli(['tail']);
    const json = repo.cli(['tail', '--json']);

    expect(human.status).toBe(0);
    expect(human.stdout + json.stdout).not.toContain(GITHUB);
    expect(lines(human.stdout)[1]).toContain(
      'command="export GITHUB_TOKEN=[REDACTED:github-token]" n=1.5 redacted=["command"]',
    );
    // The history's line as stored; the live one as the history will store it.
    expect(lines(json.stdout)).toEqual([
      stored,
      live.replace(GITHUB, '[REDACTED:github-token]').replace(/}$/, ',"redacted":["command"]}'),
    ]);
  });

  it('keeps secrets off the screen with the built-in rules when the configuration is broken', () => {
    repo = makeRepo();
    writeFileSync(join(repo.root, '.audit-hooks.json'), '{ "redact": ');
    writeLogFile(repo.root, shard('20261124T100000_s'), [
      entry('live', '2026-11-24T10:00:01.000Z', { command: `gh auth login ${GITHUB}` }),
    ]);

    const result = repo.cli(['tail']);

    expect(result.status).toBe(0);
    expect(result.stdout).not.toContain(GITHUB);
    expect(result.stdout).toContain('[REDACTED:github-token]');
    expect(lines(result.stderr)).toEqual([
      expect.stringMatching(
        /^audit-hooks: warning: invalid redaction config in \.audit-hooks\.json: .*; live entries are shown redacted by the built-in rules only$/,
      ),
    ]);
  });

  it('never sends C0, C1 or bidi control characters to the terminal, in values, keys or --json', () => {
    repo = makeRepo();
    const hostile = '\u009b2J\u001b]0;pwned\u0007\u202etxt.exe\u2066\u2069\u200e\u200f\u061c\u007f';
    writeLogFile(repo.root, shard('20261124T100000_s'), [
      entry('c1', '2026-11-24T10:00:01.000Z', { event: hostile, [`k\u202e${hostile}`]: hostile }),
    ]);

    const human = repo.cli(['tail'], { env: { NO_COLOR: '1' } });
    const json = repo.cli(['tail', '--json']);

    expect(human.status).toBe(0);
    // Nothing unsafe but the newline that ends each line.
    expect(human.stdout.replaceAll('\n', '')).not.toMatch(UNSAFE_CHARS);
    expect(lines(human.stdout)[0]).toContain(
      'event="\\u009b2J\\u001b]0;pwned\\u0007\\u202etxt.exe',
    );
    expect(json.stdout.slice(0, -1)).not.toMatch(UNSAFE_CHARS);
    // Still the same JSON for jq.
    expect(JSON.parse(json.stdout)).toMatchObject({ id: 'c1', event: hostile });
  });

  it('shows an entry nested 100,000 deep raw and goes on with the rest, exit 0', () => {
    repo = makeRepo();
    const depth = 100_000;
    const deep = `{"id":"deep","timestamp":"2026-11-24T10:00:01.000Z","session_id":"s","seq":2,"d":${'['.repeat(depth)}${']'.repeat(depth)}}`;
    writeLogFile(repo.root, shard('20261124T100000_s'), [
      entry('before', '2026-11-24T10:00:00.000Z', { event: 'one' }),
      deep,
      entry('after', '2026-11-24T10:00:02.000Z', { event: 'three', seq: 3 }),
    ]);

    const result = repo.cli(['tail']);

    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const out = lines(result.stdout);
    expect(out).toHaveLength(3);
    expect(out[0]).toContain('event=one');
    expect(out[1]).toBe(deep);
    expect(out[2]).toContain('event=three');
  });

  it('says "no entries" on stderr when there is nothing to show, exit 0', () => {
    repo = makeRepo();
    const empty = repo.cli(['tail']);
    expect(empty).toMatchObject({ status: 0, stdout: '', stderr: 'audit-hooks: no entries\n' });

    writeLogFile(repo.root, shard('20261124T100000_s'), [entry('a', '2026-11-24T10:00:00.000Z')]);
    const filtered = repo.cli(['tail', '--session', 'nobody', '--json']);
    expect(filtered).toMatchObject({
      status: 0,
      stdout: '',
      stderr: 'audit-hooks: no entries match --session nobody\n',
    });
  });

  it('takes -n5 and -5 like -n 5', () => {
    repo = makeRepo();
    writeLogFile(repo.root, partition('2026-11-24'), dayOf('2026-11-24', 12, 'e'));
    const expected = ['e0008', 'e0009', 'e0010', 'e0011', 'e0012'];
    for (const args of [['-n', '5'], ['-n5'], ['-5'], ['--json', '-5', '--session', 's']]) {
      const result = repo.cli(['tail', ...args, ...(args.includes('--json') ? [] : ['--json'])]);
      expect([args.join(' '), result.status, ids(result.stdout)]).toEqual([
        args.join(' '),
        0,
        expected,
      ]);
    }
    // After an option that takes a value, -5 is not taken for a count.
    expect(repo.cli(['tail', '--since', '-5'])).toMatchObject({ status: 2, stdout: '' });
  });
});
