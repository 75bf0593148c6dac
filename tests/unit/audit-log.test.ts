// The shard writer (§3 entries, §4 shards), in process, with a repoRoot given or in legacy
// mode, so no git is needed. Only the clock is faked.
import {
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { basename, join, relative } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AuditLog, CLAIM_CHECK_MS, MAX_LINE_BYTES } from '../../src/writer/index.js';
import { readJsonl, tempDir } from '../helpers/git-repo.js';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const ISO_UTC_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const NOW = '2026-11-24T13:33:03.123Z';

let root: string;

beforeEach(() => {
  root = tempDir('audit-hooks-unit-');
});

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllEnvs();
  rmSync(root, { recursive: true, force: true });
});

function activeDir(): string {
  return join(root, 'logs', 'active');
}

/** What the writer put in logs/active, without the `.gitignore` it always adds there. */
function shardNames(): string[] {
  return readdirSync(activeDir()).filter((name) => name !== '.gitignore');
}

describe('envelope (§3)', () => {
  it('adds a UUID v4 id, an ISO UTC timestamp with ms, the session id and seq 1, 2, 3', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date(NOW));
    const log = new AuditLog({ repoRoot: root, sessionId: 'sess-1' });

    const first = log.log({ event: 'a' });
    vi.setSystemTime(new Date('2026-11-24T13:33:04.007Z'));
    const second = log.log({ event: 'b' });
    const third = log.log({ event: 'c' });

    expect(readJsonl(log.shardFile)).toEqual([first, second, third]);
    for (const entry of [first, second, third]) {
      expect(entry.id).toMatch(UUID_V4);
      expect(entry.timestamp).toMatch(ISO_UTC_MS);
      expect(entry.session_id).toBe('sess-1');
    }
    expect(new Set([first.id, second.id, third.id]).size).toBe(3);
    expect([first.timestamp, second.timestamp]).toEqual([NOW, '2026-11-24T13:33:04.007Z']);
    expect([first.seq, second.seq, third.seq]).toEqual([1, 2, 3]);
    expect([first.event, second.event, third.event]).toEqual(['a', 'b', 'c']);
  });

  it('counts seq per writer instance, in write order', () => {
    const a = new AuditLog({ repoRoot: root, sessionId: 'a' });
    const b = new AuditLog({ repoRoot: root, sessionId: 'b' });
    expect([a.log({}).seq, b.log({}).seq, a.log({}).seq, a.log({}).seq, b.log({}).seq]).toEqual([
      1, 1, 2, 3, 2,
    ]);
    expect(readJsonl(a.shardFile).map((entry) => entry.seq)).toEqual([1, 2, 3]);
    expect(readJsonl(b.shardFile).map((entry) => entry.seq)).toEqual([1, 2]);
  });

  it('keeps caller fields as given, their own id and +02:00 timestamp included', () => {
    const log = new AuditLog({ repoRoot: root, sessionId: 's' });
    const given = {
      id: 'caller-chosen-id',
      timestamp: '2026-11-24T15:33:03.123+02:00',
      event: 'tool_use',
      model: 'some-model',
      nested: { list: [1, 'two', null, true], empty: {} },
      text: 'é ✓ 𝄞 "quoted" \\ back\nslash',
    };
    const snapshot = structuredClone(given);

    const written = log.log(given);

    expect(written).toEqual({ ...snapshot, session_id: 's', seq: 1 });
    expect(readJsonl(log.shardFile)).toEqual([written]);
    const raw = readFileSync(log.shardFile, 'utf8');
    expect(raw).toContain('"timestamp":"2026-11-24T15:33:03.123+02:00"');
    expect(raw).toContain('"id":"caller-chosen-id"');
    expect(raw.split('\n')).toHaveLength(2); // one line, newline-terminated
    expect(given).toEqual(snapshot); // the caller's object is not changed
  });

  it('fills an envelope field the caller set to undefined (absent once serialized)', () => {
    const log = new AuditLog({ repoRoot: root, sessionId: 's' });
    const written = log.log({
      id: undefined,
      timestamp: undefined,
      session_id: undefined,
      seq: undefined,
      event: 'x',
    });
    const [line] = readJsonl(log.shardFile);
    expect(line).toEqual(written);
    expect(line?.id).toMatch(UUID_V4);
    expect(line?.timestamp).toMatch(ISO_UTC_MS);
    expect(line).toMatchObject({ session_id: 's', seq: 1, event: 'x' });
  });

  it('gives 100 writers 100 distinct session ids, shards and entry ids', () => {
    const writers = Array.from({ length: 100 }, () => new AuditLog({ repoRoot: root }));
    const ids = writers.map((writer) => writer.log({ event: 'start' }).id);

    const sessions = writers.map((writer) => writer.sessionId);
    for (const session of sessions) expect(session).toMatch(/^[0-9a-f]{8}$/);
    expect(new Set(sessions).size).toBe(100);
    expect(new Set(ids).size).toBe(100);
    expect(shardNames()).toHaveLength(100);
    for (const writer of writers) {
      expect(readJsonl(writer.shardFile)).toMatchObject([{ session_id: writer.sessionId }]);
    }
  });
});

describe('session ids (§4)', () => {
  it.each(['a', 'Z', '0', 'agent_1-run', 'x'.repeat(64), '6f1c2b1e-8d4a-4c3e-9b7a-2f5d8e9c0a1b'])(
    'accepts %j',
    (sessionId) => {
      const log = new AuditLog({ repoRoot: root, sessionId });
      expect(log.sessionId).toBe(sessionId);
      expect(basename(log.shardFile)).toMatch(new RegExp(`^\\d{8}T\\d{6}_${sessionId}\\.jsonl$`));
      expect(log.log({}).session_id).toBe(sessionId);
    },
  );

  it.each(['../x', 'a/b', 'a\\b', 'x'.repeat(65), '', '.', 'a.b', 'a b', 'é', 'a\nb'])(
    'refuses %j with a TypeError naming the rule, creating nothing',
    (sessionId) => {
      expect(() => new AuditLog({ repoRoot: root, sessionId })).toThrow(TypeError);
      expect(() => new AuditLog({ repoRoot: root, sessionId })).toThrow(
        /1-64 characters from A-Z a-z 0-9 _ -/,
      );
      expect(() => new AuditLog({ logPath: join(root, 'legacy.jsonl'), sessionId })).toThrow(
        TypeError,
      );
      expect(readdirSync(root)).toEqual([]);
    },
  );
});

describe('shard file (§4)', () => {
  it('is <repoRoot>/logs/active/<UTC creation time>_<sessionId>.jsonl', () => {
    // UTC+14: the local date is already the 25th, the UTC date still the 24th.
    vi.stubEnv('TZ', 'Pacific/Kiritimati');
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-11-24T23:59:58.765Z'));
    expect(new Date().getDate()).not.toBe(new Date().getUTCDate());

    const log = new AuditLog({ repoRoot: relative(process.cwd(), root), sessionId: 'abc_1' });
    const expected = join(root, 'logs', 'active', '20261124T235958_abc_1.jsonl');
    expect(log.repoRoot).toBe(root);
    expect(log.shardFile).toBe(expected);

    // Named when the writer was created, not when it writes.
    vi.setSystemTime(new Date('2026-11-25T10:00:00.000Z'));
    log.log({ event: 'later' });
    expect(shardNames()).toEqual(['20261124T235958_abc_1.jsonl']);
    expect(readJsonl(expected)).toHaveLength(1);
  });

  it('makes a new session’s shard name from the generated id', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date(NOW));
    const log = new AuditLog({ repoRoot: root });
    log.log({});
    expect(shardNames()).toEqual([`20261124T133303_${log.sessionId}.jsonl`]);
  });

  it('lets a second writer of the same session append to the existing shard', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date(NOW));
    const first = new AuditLog({ repoRoot: root, sessionId: 'same' });
    const one = first.log({ n: 1 });
    first.close();

    vi.setSystemTime(new Date('2026-11-24T15:00:00.000Z'));
    const second = new AuditLog({ repoRoot: root, sessionId: 'same' });
    const two = second.log({ n: 2 });
    const other = new AuditLog({ repoRoot: root, sessionId: 'other' });
    other.log({ n: 3 });

    expect(second.shardFile).toBe(first.shardFile);
    expect(readJsonl(first.shardFile)).toEqual([one, two]);
    expect(shardNames().sort()).toEqual([
      '20261124T133303_same.jsonl',
      '20261124T150000_other.jsonl',
    ]);
  });
});

describe('rejected entries (§3): TypeError and nothing written', () => {
  const cyclic: Record<string, unknown> = { event: 'loop' };
  cyclic.self = cyclic;

  it.each<[string, unknown, RegExp]>([
    ['an array', [{ event: 'x' }], /JSON object/],
    ['a string', '{"event":"x"}', /JSON object/],
    ['null', null, /JSON object/],
    ['a number', 42, /JSON object/],
    ['a BigInt', { event: 'x', size: 10n }, /JSON/],
    ['a cycle', cyclic, /JSON/],
    ['an unparseable timestamp', { timestamp: 'yesterday' }, /timestamp/],
    ['an impossible date', { timestamp: '2026-13-45T25:61:00Z' }, /timestamp/],
    ['a numeric timestamp', { timestamp: Date.parse(NOW) }, /timestamp/],
    ['a numeric id', { id: 42 }, /id/],
    ['a null id', { id: null }, /id/],
    ['an object id', { id: { value: 'x' } }, /id/],
    ['a line over 1 MiB', { blob: 'x'.repeat(MAX_LINE_BYTES) }, /1048576 bytes/],
    // Under 1 Mi characters but over 1 MiB once encoded: bytes count, not characters.
    ['a line over 1 MiB in UTF-8', { blob: 'é'.repeat(MAX_LINE_BYTES / 2) }, /1048576 bytes/],
  ])('refuses %s, leaving the shard byte for byte', (_name, bad, message) => {
    const log = new AuditLog({ repoRoot: root, sessionId: 's' });
    const good = log.log({ event: 'before' });
    const before = readFileSync(log.shardFile);

    expect(() => log.log(bad as object)).toThrow(TypeError);
    expect(() => log.log(bad as object)).toThrow(message);

    expect(readFileSync(log.shardFile).equals(before)).toBe(true);
    expect(shardNames()).toEqual([basename(log.shardFile)]);
    // A refused entry uses up no sequence number.
    const after = log.log({ event: 'after' });
    expect(readJsonl(log.shardFile)).toEqual([good, after]);
    expect(after.seq).toBe(2);
  });

  it('accepts a line of exactly 1 MiB and refuses one byte more', () => {
    const log = new AuditLog({ repoRoot: root, sessionId: 's' });
    const fixed = { id: 'fixed', timestamp: NOW };
    const overhead = Buffer.byteLength(
      `${JSON.stringify({ ...fixed, session_id: 's', seq: 1, blob: '' })}\n`,
    );
    const blob = 'x'.repeat(MAX_LINE_BYTES - overhead);

    expect(() => log.log({ ...fixed, blob: `${blob}x` })).toThrow(TypeError);
    expect(existsSync(log.shardFile)).toBe(false);
    log.log({ ...fixed, blob });
    expect(lstatSync(log.shardFile).size).toBe(MAX_LINE_BYTES);
    expect(readJsonl(log.shardFile)).toMatchObject([{ id: 'fixed', seq: 1 }]);
  });
});

describe('fail-closed (§4)', () => {
  it('throws when a directory stands at the shard path, and writes nothing', () => {
    const log = new AuditLog({ repoRoot: root, sessionId: 's' });
    mkdirSync(log.shardFile, { recursive: true });

    expect(() => log.log({ event: 'x' })).toThrow(/Could not append to .*not logged/);
    expect(shardNames()).toEqual([basename(log.shardFile)]);
    expect(readdirSync(log.shardFile)).toEqual([]);

    // Once the path is usable again the writer works, and the failure used up no seq.
    rmSync(log.shardFile, { recursive: true });
    expect(log.log({ event: 'y' }).seq).toBe(1);
    expect(readJsonl(log.shardFile)).toMatchObject([{ event: 'y', seq: 1 }]);
  });

  it('throws on a full disk (/dev/full), and writes nothing', () => {
    // A real full filesystem (tmpfs) is in the torture suite (bench/torture/faults.mjs).
    const log = new AuditLog({ logPath: '/dev/full' });

    expect(() => log.log({ event: 'x' })).toThrow(/ENOSPC/);
    expect(() => log.log({ event: 'x' })).toThrow(/not logged/);
  });

  it('never writes through a symbolic link at the shard path (its target may be outside the repo)', () => {
    const log = new AuditLog({ repoRoot: root, sessionId: 's' });
    mkdirSync(activeDir(), { recursive: true });
    const outside = join(root, 'outside.jsonl');
    writeFileSync(outside, 'precious\n');
    symlinkSync(outside, log.shardFile);

    expect(() => log.log({ event: 'x' })).toThrow(/Could not append to .*ELOOP.*not logged/);
    expect(readFileSync(outside, 'utf8')).toBe('precious\n');
    expect(lstatSync(log.shardFile).isSymbolicLink()).toBe(true);
  });

  it('throws when the shard folder cannot be created', () => {
    writeFileSync(join(root, 'logs'), 'a file where the folder should be\n');
    const log = new AuditLog({ repoRoot: root, sessionId: 's' });
    expect(() => log.log({ event: 'x' })).toThrow(/Could not append/);
    expect(readFileSync(join(root, 'logs'), 'utf8')).toBe('a file where the folder should be\n');
  });
});

describe('legacy mode (§4)', () => {
  it('appends to the one given file, keeping what is there, without git', () => {
    // No git on PATH: legacy mode must not need it.
    const noGit = join(root, 'empty-bin');
    mkdirSync(noGit);
    vi.stubEnv('PATH', noGit);
    const logPath = join(root, 'audit.jsonl');
    writeFileSync(logPath, '{"id":"old","timestamp":"2026-01-01T00:00:00.000Z"}\n');

    const a = new AuditLog({ logPath });
    const b = new AuditLog({ logPath, sessionId: 'legacy-b' });
    const one = a.log({ event: 'one' });
    const two = b.log({ event: 'two' });
    const three = a.log({ event: 'three' });

    expect(a.shardFile).toBe(logPath);
    expect(a.repoRoot).toBe('');
    expect(readJsonl(logPath)).toEqual([
      { id: 'old', timestamp: '2026-01-01T00:00:00.000Z' },
      one,
      two,
      three,
    ]);
    expect([one.seq, two.seq, three.seq]).toEqual([1, 1, 2]);
    expect(one.session_id).toBe(a.sessionId);
    expect(readdirSync(root).sort()).toEqual(['audit.jsonl', 'empty-bin']);
  });
});

describe('a shard claimed by consolidation (§4)', () => {
  it('re-appends to a fresh shard when the shard was renamed away', () => {
    const log = new AuditLog({ repoRoot: root, sessionId: 's' });
    const one = log.log({ n: 1 });
    const claimed = join(activeDir(), 'claimed-by-consolidation');
    renameSync(log.shardFile, claimed);
    // What the writer writes within CLAIM_CHECK_MS of its last check goes, unchecked, to the
    // claimed file (a consolidation reads it only after that long); then it checks.
    pastClaimWindow();

    const two = log.log({ n: 2 });
    const three = log.log({ n: 3 });

    const fresh = readJsonl(log.shardFile);
    expect(fresh.map((entry) => entry.id)).toContain(two.id);
    expect(fresh.at(-1)).toEqual(three);
    const everywhere = [...readJsonl(claimed), ...fresh].map((entry) => entry.id);
    for (const entry of [one, two, three]) expect(everywhere).toContain(entry.id);
    // Nothing but the duplicate of the line in flight: every id at most twice, three once.
    expect(everywhere.filter((id) => id === three.id)).toHaveLength(1);
    expect(readJsonl(claimed).map((entry) => entry.id)).not.toContain(three.id);
  });

  it('writes what comes within CLAIM_CHECK_MS of its last check to the file it has open', () => {
    const log = new AuditLog({ repoRoot: root, sessionId: 's' });
    const shard = log.shardFile;
    const claimed = join(activeDir(), 'claimed-by-consolidation');
    // Unless the clock says the window passed meanwhile, the next line follows the first.
    for (let tries = 0; tries < 20; tries++) {
      log.log({ n: 1 });
      renameSync(shard, claimed);
      const two = log.log({ n: 2 });
      if (existsSync(shard)) {
        // The window had passed (a slow machine): the writer checked and wrote it again.
        log.close();
        rmSync(shard);
        rmSync(claimed);
        continue;
      }
      expect(readJsonl(claimed).at(-1)).toEqual(two);
      return;
    }
    throw new Error(`${CLAIM_CHECK_MS} ms never sufficed for two writes here`);
  });

  it('does not lose the next entry when the claimed shard was already deleted', () => {
    const log = new AuditLog({ repoRoot: root, sessionId: 's' });
    log.log({ n: 1 });
    unlinkSync(log.shardFile); // consolidated and removed
    rmSync(activeDir(), { recursive: true }); // even the folder
    pastClaimWindow(); // a claim is never removed sooner (it is read only after that long)

    const two = log.log({ n: 2 });
    expect(readJsonl(log.shardFile)).toEqual([two]);
  });
});

describe('v2 writer additions', () => {
  it.each(['../../etc/passwd', 'a/b', '', 42])(
    'refuses a caller session_id %j with a TypeError, writing nothing',
    (sessionId) => {
      const log = new AuditLog({ repoRoot: root, sessionId: 's' });
      expect(() => log.log({ session_id: sessionId })).toThrow(TypeError);
      expect(() => log.logJson(JSON.stringify({ session_id: sessionId }))).toThrow(TypeError);
      expect(existsSync(log.shardFile)).toBe(false);
    },
  );

  it('logJson keeps the caller’s text and adds the missing envelope fields in front', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date(NOW));
    const log = new AuditLog({ repoRoot: root, sessionId: 's' });
    const written = log.logJson('{ "big": 12345678901234567890, "seq": 7 }');
    const line = readFileSync(log.shardFile, 'utf8');
    expect(line).toMatch(
      new RegExp(
        `^\\{"id":"[0-9a-f-]{36}","timestamp":"${NOW}","session_id":"s","big":12345678901234567890,"seq":7\\}\\n$`,
      ),
    );
    expect(written.seq).toBe(7);
    expect(() => log.logJson('[1]')).toThrow(/JSON object/);
    expect(() => log.logJson('{"a":')).toThrow(TypeError);
  });

  it('a new writer of a session continues its seq from the shard', () => {
    const first = new AuditLog({ repoRoot: root, sessionId: 'same' });
    first.log({});
    first.log({});
    first.close();
    const second = new AuditLog({ repoRoot: root, sessionId: 'same' });
    expect(second.log({}).seq).toBe(3);
    expect(second.logJson('{}').seq).toBe(4);
  });

  it('creates logs/active with its .gitignore in one rename, leaving nothing aside', () => {
    const log = new AuditLog({ repoRoot: root, sessionId: 's' });
    log.log({});
    expect(readFileSync(join(activeDir(), '.gitignore'), 'utf8')).toBe('*\n');
    expect(readdirSync(join(root, 'logs'))).toEqual(['active']);
  });

  it('refuses a logs/active that is a symbolic link, writing nothing through it', () => {
    const outside = tempDir('audit-hooks-outside-');
    mkdirSync(join(root, 'logs'));
    symlinkSync(outside, activeDir());
    const log = new AuditLog({ repoRoot: root, sessionId: 's' });
    expect(() => log.log({})).toThrow(/logs\/active is a symbolic link/);
    expect(readdirSync(outside)).toEqual([]);
    rmSync(outside, { recursive: true });
  });
});

/** Waits (synchronously) until a writer's claim check window has surely passed. */
function pastClaimWindow(): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, CLAIM_CHECK_MS + 1);
}
