// `audit-hooks log` (§9) and the CLI's error handling (§10), through the built bin in a
// real git repository.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  makeRepo,
  ROOT,
  readJsonl,
  runCli,
  shardFiles,
  type TempRepo,
  tempDir,
} from '../helpers/git-repo.js';

const STACK_FRAME = /^\s+at /m;
const USAGE = 'Usage: audit-hooks <command> [options]';

let repo: TempRepo;

beforeEach(() => {
  repo = makeRepo();
});

afterEach(() => {
  repo.cleanup();
});

/** The one shard of the repo, parsed. */
function onlyShard(): { session: string; entries: Record<string, unknown>[] } {
  const shards = shardFiles(repo.root);
  expect(shards).toHaveLength(1);
  const file = shards[0] as string;
  const session = /^\d{8}T\d{6}_(.+)\.jsonl$/.exec(basename(file))?.[1] as string;
  return { session, entries: readJsonl(file) };
}

function expectSilentSuccess(result: { status: number | null; stdout: string; stderr: string }) {
  expect(result.stderr).toBe('');
  expect(result.stdout).toBe('');
  expect(result.status).toBe(0);
}

function stderrLines(stderr: string): string[] {
  return stderr.split('\n').filter((line) => line !== '');
}

describe('audit-hooks log: the entry', () => {
  it('appends the JSON argument as one entry, silently', () => {
    const result = repo.cli(['log', '{"event":"run","command":"npm test","n":1}']);
    expectSilentSuccess(result);
    const { session, entries } = onlyShard();
    expect(session).toMatch(/^[0-9a-f]{8}$/);
    expect(entries).toEqual([
      {
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        timestamp: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
        session_id: session,
        seq: 1,
        event: 'run',
        command: 'npm test',
        n: 1,
      },
    ]);
  });

  it('reads the entry from stdin when there is no argument (a piped hook payload)', () => {
    const payload = { hook_event_name: 'PostToolUse', tool_input: { command: 'ls -la' } };
    const result = repo.cli(['log'], { input: `${JSON.stringify(payload, null, 2)}\n` });
    expectSilentSuccess(result);
    expect(onlyShard().entries).toEqual([expect.objectContaining(payload)]);
  });

  it('works from a subfolder, writing to the repo root’s shards', () => {
    const sub = join(repo.root, 'src', 'deep');
    mkdirSync(sub, { recursive: true });
    expectSilentSuccess(repo.cli(['log', '{"event":"x"}'], { cwd: sub }));
    expect(existsSync(join(sub, 'logs'))).toBe(false);
    expect(onlyShard().entries).toHaveLength(1);
  });

  it('--event sets the entry’s event field; the payload’s own is kept beside it', () => {
    const call = (json: string) => ['log', json, '--event', 'Stop', '--session', 's1'];
    expectSilentSuccess(repo.cli(call('{"event":"payload","a":1}')));
    expectSilentSuccess(repo.cli(call('{"event":"Stop","b":2}')));
    const [first, second] = onlyShard().entries;
    expect(first).toMatchObject({ event: 'Stop', payload_event: 'payload', a: 1 });
    expect(second).toMatchObject({ event: 'Stop', b: 2 });
    expect(second).not.toHaveProperty('payload_event');
  });

  it('takes --session and --event values as typed, even when they look like numbers', () => {
    expectSilentSuccess(repo.cli(['log', '{}', '--session', '00123', '--event=007']));
    const { session, entries } = onlyShard();
    expect(session).toBe('00123');
    expect(entries).toMatchObject([{ session_id: '00123', event: '007' }]);
  });
});

describe('audit-hooks log: the session', () => {
  const payload = JSON.stringify({ event: 'x', session_id: 'from-payload' });

  it('uses --session first', () => {
    const result = repo.cli(['log', payload, '--session', 'from-flag'], {
      env: { AUDIT_HOOKS_SESSION: 'from-env' },
    });
    expectSilentSuccess(result);
    expect(onlyShard()).toMatchObject({
      session: 'from-flag',
      entries: [{ session_id: 'from-flag', payload_session_id: 'from-payload' }],
    });
  });

  it('then AUDIT_HOOKS_SESSION', () => {
    expectSilentSuccess(repo.cli(['log', payload], { env: { AUDIT_HOOKS_SESSION: 'from-env' } }));
    expect(onlyShard()).toMatchObject({
      session: 'from-env',
      entries: [{ session_id: 'from-env' }],
    });
  });

  it('then the payload’s session_id (also from stdin)', () => {
    expectSilentSuccess(repo.cli(['log'], { input: payload }));
    expect(onlyShard()).toMatchObject({
      session: 'from-payload',
      entries: [{ session_id: 'from-payload' }],
    });
  });

  it('an empty AUDIT_HOOKS_SESSION counts as unset', () => {
    expectSilentSuccess(repo.cli(['log', payload], { env: { AUDIT_HOOKS_SESSION: '' } }));
    expect(onlyShard().session).toBe('from-payload');
  });

  it('else a new session per call', () => {
    expectSilentSuccess(repo.cli(['log', '{"n":1}']));
    expectSilentSuccess(repo.cli(['log', '{"n":2}']));
    const shards = shardFiles(repo.root);
    expect(shards).toHaveLength(2);
    const sessions = shards.map((file) => readJsonl(file)[0]?.session_id);
    expect(new Set(sessions).size).toBe(2);
  });

  it('successive calls with one session append to that session’s shard', () => {
    expectSilentSuccess(repo.cli(['log', '{"n":1}', '--session', 'agent-7']));
    // As if the session had started an hour ago: later calls still find its shard.
    const [first] = shardFiles(repo.root);
    const older = join(repo.root, 'logs', 'active', '20200101T000000_agent-7.jsonl');
    renameSync(first as string, older);
    expectSilentSuccess(
      repo.cli(['log'], { input: '{"n":2}', env: { AUDIT_HOOKS_SESSION: 'agent-7' } }),
    );
    expectSilentSuccess(repo.cli(['log', '{"n":3,"session_id":"agent-7"}']));
    expect(shardFiles(repo.root)).toEqual([older]);
    const entries = readJsonl(older);
    expect(entries.map((entry) => entry.n)).toEqual([1, 2, 3]);
    expect(new Set(entries.map((entry) => entry.id)).size).toBe(3);
  });
});

describe('audit-hooks log: refused input writes nothing', () => {
  it.each<[string, string[], string | undefined, RegExp]>([
    ['bad JSON argument', ['log', '{"event":'], undefined, /not valid JSON/],
    ['bad JSON on stdin', ['log'], '{event: x}', /not valid JSON/],
    ['a JSON array', ['log', '[{"event":"x"}]'], undefined, /must be a JSON object, not an array/],
    ['a JSON string', ['log', '"event"'], undefined, /must be a JSON object, not string/],
    ['JSON null', ['log'], 'null', /must be a JSON object, not null/],
    ['an invalid --session', ['log', '{}', '--session', '../escape'], undefined, /session id/],
    ['an invalid timestamp', ['log', '{"timestamp":"soon"}'], undefined, /timestamp/],
    ['a non-string id', ['log', '{"id":7}'], undefined, /id/],
  ])('%s: one line on stderr, non-zero exit', (_name, args, input, message) => {
    const result = repo.cli(args, { input });
    expect(result.status).not.toBe(0);
    expect(result.stdout).toBe('');
    const lines = stderrLines(result.stderr);
    expect(lines[0]).toMatch(/^audit-hooks: /);
    expect(lines[0]).toMatch(message);
    expect(lines).toHaveLength(1);
    expect(result.stderr).not.toMatch(STACK_FRAME);
    expect(existsSync(join(repo.root, 'logs'))).toBe(false);
  });

  it.each([
    ['empty stdin', ''],
    ['blank stdin', ' \n\t\n'],
  ])('%s: no entry given is a usage error (exit 2, the usage line)', (_name, input) => {
    const result = repo.cli(['log'], { input });
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(stderrLines(result.stderr)).toEqual([
      'audit-hooks: no entry given: pass one JSON object as an argument, or pipe it on stdin',
      expect.stringMatching(/^Usage: audit-hooks /),
    ]);
    expect(existsSync(join(repo.root, 'logs'))).toBe(false);
  });

  it('an invalid payload session_id is refused too, naming the rule', () => {
    const result = repo.cli(['log', '{"session_id":"a/b"}']);
    expect(result.status).not.toBe(0);
    expect(stderrLines(result.stderr)).toEqual([
      expect.stringMatching(/payload's session_id "a\/b".*1-64 characters.*--session/),
    ]);
    expect(existsSync(join(repo.root, 'logs'))).toBe(false);
    // The way out it names works.
    expectSilentSuccess(repo.cli(['log', '{"session_id":"a/b"}', '--session', 'agent-1']));
    expect(onlyShard().entries).toMatchObject([
      { session_id: 'agent-1', payload_session_id: 'a/b' },
    ]);
  });

  it('a failed write: one line, non-zero exit', () => {
    writeFileSync(join(repo.root, 'logs'), 'not a folder\n');
    const result = repo.cli(['log', '{"event":"x"}']);
    expect(result.status).not.toBe(0);
    expect(result.stdout).toBe('');
    expect(stderrLines(result.stderr)).toEqual([
      expect.stringMatching(/^audit-hooks: Could not append to .*not logged/),
    ]);
    expect(readFileSync(join(repo.root, 'logs'), 'utf8')).toBe('not a folder\n');
  });

  it('outside a git repository: one line, non-zero exit', () => {
    const dir = tempDir('audit-hooks-plain-');
    try {
      const result = runCli(['log', '{"event":"x"}'], { cwd: dir });
      expect(result.status).not.toBe(0);
      expect(stderrLines(result.stderr)).toEqual([
        expect.stringMatching(/^audit-hooks: Not in a git repository/),
      ]);
      expect(existsSync(join(dir, 'logs'))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the command line (§10)', () => {
  it.each<[string, string[], RegExp]>([
    ['an unknown command', ['frobnicate'], /unknown command `frobnicate`/],
    ['no command', [], /no command given/],
    ['an unknown option of log', ['log', '{}', '--bogus'], /Unknown option `--bogus`/],
    ['an unknown global option', ['--bogus'], /audit-hooks: /],
    ['an option without its value', ['log', '{}', '--session'], /--session/],
  ])('refuses %s with the usage line and a non-zero exit', (_name, args, message) => {
    const result = repo.cli(args);
    expect(result.status).not.toBe(0);
    expect(result.stdout).toBe('');
    const lines = stderrLines(result.stderr);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(message);
    expect(lines[1]).toContain(USAGE);
    expect(result.stderr).not.toMatch(STACK_FRAME);
    expect(existsSync(join(repo.root, 'logs'))).toBe(false);
  });

  it('--help prints the commands and exits 0', () => {
    for (const flag of ['--help', '-h']) {
      const result = repo.cli([flag]);
      expect(result.status).toBe(0);
      expect(result.stdout).toMatch(/Usage:/);
      expect(result.stdout).toMatch(/^\s+log \[json\]/m);
      expect(result.stderr).toBe('');
    }
    const logHelp = repo.cli(['log', '--help']);
    expect(logHelp.status).toBe(0);
    expect(logHelp.stdout).toMatch(/--session <id>/);
    expect(logHelp.stdout).toMatch(/--event <name>/);
    expect(existsSync(join(repo.root, 'logs'))).toBe(false);
  });

  it('--version prints the package version and exits 0', () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    for (const flag of ['--version', '-v']) {
      const result = repo.cli([flag]);
      expect(result.status).toBe(0);
      expect(result.stdout).toContain(`audit-hooks/${version}`);
      expect(result.stderr).toBe('');
    }
  });

  it('prints a stack trace only under DEBUG=audit-hooks', () => {
    const plain = repo.cli(['log', 'not json']);
    expect(plain.status).not.toBe(0);
    expect(plain.stderr).not.toMatch(STACK_FRAME);

    for (const DEBUG of ['audit-hooks', 'express,audit-hooks']) {
      const debug = repo.cli(['log', 'not json'], { env: { DEBUG } });
      expect(debug.status).toBe(plain.status);
      expect(debug.stderr.startsWith(plain.stderr)).toBe(true);
      expect(debug.stderr).toMatch(STACK_FRAME);
    }
    const other = repo.cli(['log', 'not json'], { env: { DEBUG: 'express' } });
    expect(other.stderr).toBe(plain.stderr);
  });
});
