// §12 at the git boundary: what consolidation and verify --fix write is redacted, and
// redaction keeps consolidation's guarantees.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { consolidate } from '../../src/history/consolidate.js';
import { BIN, makeRepo, type TempRepo, testEnv } from '../helpers/git-repo.js';
import {
  batchFiles,
  historyEntries,
  pendingEntries,
  snapshotLogs,
  snapshotPublished,
  walk,
} from '../helpers/history.js';

let repo: TempRepo;
afterEach(() => repo?.cleanup());

// Assembled at run time so that no credential-shaped string sits in the source.
const githubToken = `ghp_${'R7kq2ZxW9mLp4TvB8nYc'}${'3HsJ6dFa1QeUo5'}${'Xg'}`;
const sessionToken = `s3ss10n-${'x9Q2'.repeat(6)}`;

function shard(name: string, entries: Array<object | string>): void {
  mkdirSync(join(repo.root, 'logs', 'active'), { recursive: true });
  // As the writer makes the folder: ignoring itself.
  writeFileSync(join(repo.root, 'logs', 'active', '.gitignore'), '*\n');
  writeFileSync(
    join(repo.root, 'logs', 'active', name),
    entries
      .map((entry) => `${typeof entry === 'string' ? entry : JSON.stringify(entry)}\n`)
      .join(''),
  );
}

const historyText = () =>
  batchFiles(repo.root)
    .map((file) => readFileSync(join(repo.root, file), 'utf8'))
    .join('');
const head = `"id":"raw-1","timestamp":"2026-11-24T10:00:00.000Z","session_id":"agent","seq":1`;

const leaky = {
  id: 'leak-1',
  timestamp: '2026-11-24T10:00:00.000Z',
  session_id: 'agent',
  seq: 1,
  event: 'tool_call',
  command: `GH_TOKEN=${githubToken} gh pr list`,
  input: {
    headers: { Authorization: `Bearer ${sessionToken}` },
    password: 'hunter2',
    max_tokens: 4096,
  },
  commit_sha: '9fceb02d0ae598e95dc970b74767f19372d61af8',
};

describe('redaction at the git boundary', () => {
  it('consolidation writes only redacted entries, listing what it removed', async () => {
    repo = makeRepo();
    shard('20261124T100000_agent.jsonl', [leaky]);

    const result = await consolidate({ cwd: repo.root });

    expect(result).toMatchObject({ entries: 1, quarantined: [] });
    const history = batchFiles(repo.root)
      .map((file) => readFileSync(join(repo.root, file), 'utf8'))
      .join('');
    expect(history).not.toContain(githubToken);
    expect(history).not.toContain(sessionToken);
    expect(history).not.toContain('hunter2');
    const [entry] = historyEntries(repo.root);
    expect(entry).toMatchObject({
      id: 'leak-1',
      command: expect.stringMatching(/^GH_TOKEN=\[REDACTED:[a-z-]+\] gh pr list$/),
      input: { password: '[REDACTED:key]', max_tokens: 4096 },
      commit_sha: leaky.commit_sha,
    });
    expect(JSON.stringify(entry?.input)).toMatch(/"Authorization":"\[REDACTED:key\]"/);
    expect(entry?.redacted).toEqual(expect.arrayContaining(['command', 'input.password']));
    expect(repo.cli(['scan']).status).toBe(0);
    expect(repo.cli(['verify']).status).toBe(0);
  });

  it('a re-consolidated copy of a redacted entry is a duplicate, not a conflict', async () => {
    repo = makeRepo();
    shard('20261124T100000_agent.jsonl', [leaky]);
    await consolidate({ cwd: repo.root });
    const snapshot = snapshotPublished(repo.root);
    // What a killed run or a writer's re-append leaves: the same raw entry once more.
    shard('20261124T100001_agent.jsonl', [leaky]);

    const again = await consolidate({ cwd: repo.root });

    expect(again).toMatchObject({ entries: 0, duplicates: 1, quarantined: [] });
    expect(walk(join(repo.root, 'logs', 'quarantine'))).toEqual([]);
    expect(snapshotPublished(repo.root)).toBe(snapshot);
  });

  it('follows the configuration: extra keys and patterns, or off', async () => {
    repo = makeRepo();
    writeFileSync(
      join(repo.root, '.audit-hooks.json'),
      JSON.stringify({
        redact: {
          keys: ['tenant_ref'],
          patterns: [{ name: 'internal', pattern: 'itk_[A-Za-z0-9]{12}' }],
        },
      }),
    );
    shard('20261124T100000_a.jsonl', [
      { ...leaky, id: 'c1', tenant_ref: 'acme-42', note: 'used itk_AbCdEf123456 today' },
    ]);
    await consolidate({ cwd: repo.root });
    expect(historyEntries(repo.root)[0]).toMatchObject({
      tenant_ref: '[REDACTED:key]',
      note: 'used [REDACTED:internal] today',
    });

    writeFileSync(
      join(repo.root, '.audit-hooks.json'),
      JSON.stringify({ redact: { enabled: false } }),
    );
    shard('20261124T100001_b.jsonl', [{ ...leaky, id: 'c2' }]);
    await consolidate({ cwd: repo.root });
    expect(historyEntries(repo.root).find((e) => e.id === 'c2')?.input).toMatchObject({
      password: 'hunter2',
    });
  });

  it('an invalid configuration stops consolidation before any shard is touched', () => {
    repo = makeRepo();
    writeFileSync(
      join(repo.root, '.audit-hooks.json'),
      '{ "redact": { "patterns": [{ "name": "x", "pattern": "(" }] } }',
    );
    shard('20261124T100000_agent.jsonl', [leaky]);
    const before = snapshotLogs(repo.root);

    const plain = repo.cli(['consolidate']);
    expect(plain.status).toBe(1);
    expect(plain.stderr.split('\n').filter(Boolean)).toHaveLength(1);
    expect(plain.stderr).toContain('.audit-hooks.json');

    const hook = repo.cli(['consolidate', '--hook']);
    expect(hook.status).toBe(0);
    expect(hook.stderr).toMatch(
      /^audit-hooks: warning: did not consolidate \(.*\.audit-hooks\.json/,
    );
    expect(snapshotLogs(repo.root)).toBe(before);
    expect(pendingEntries(repo.root).map((e) => e.id)).toEqual(['leak-1']);
  });

  it('verify reports secrets already in the history; --fix redacts them; --history calls it a redaction', () => {
    repo = makeRepo();
    mkdirSync(join(repo.root, 'logs', 'history'), { recursive: true });
    writeFileSync(
      join(repo.root, 'logs', 'history', '2026-11-24.jsonl'),
      `${JSON.stringify(leaky)}\n`,
    );
    repo.git('add', '-A');
    repo.git('commit', '-q', '-m', 'trail from before redaction existed');

    const found = repo.cli(['verify']);
    expect(found.status).toBe(1);
    expect(found.stdout).toMatch(
      /^logs\/history\/2026-11-24\.jsonl:1: unredacted secret \(key at input\.password\)$/m,
    );
    expect(repo.cli(['scan']).status).toBe(1);

    expect(repo.cli(['verify', '--fix']).status).toBe(0);
    expect(
      readFileSync(join(repo.root, 'logs', 'history', '2026-11-24.jsonl'), 'utf8'),
    ).not.toContain('hunter2');
    expect(repo.cli(['scan']).status).toBe(0);
    repo.git('commit', '-q', '-am', 'redact the trail');

    const history = repo.cli(['verify', '--history']);
    expect(history.status).toBe(0);
    expect(history.stdout).toMatch(
      /entry leak-1 redacted \(.*input\.password.*\): a redaction, not tampering/,
    );
  });

  it('a secret in the first copy of a duplicate key never reaches the history', async () => {
    repo = makeRepo();
    const line = `{${head},"command":"curl -H \\"Authorization: Bearer ${githubToken}\\" x","command":"ls"}`;
    shard('20261124T100000_agent.jsonl', [line]);

    await consolidate({ cwd: repo.root });

    expect(historyText()).not.toContain(githubToken);
    expect(historyText()).toBe(
      `${line.replace(githubToken, '[REDACTED:github-token]').replace(/}$/, ',"redacted":["command"]}')}\n`,
    );
    expect(repo.cli(['scan']).status).toBe(0);
  });

  it('caller fields named commit, redacted or id are redacted on the way into the history', async () => {
    repo = makeRepo();
    shard('20261124T100000_agent.jsonl', [
      {
        id: 'own-fields',
        timestamp: '2026-11-24T10:00:00.000Z',
        session_id: 'agent',
        seq: 1,
        commit: { url: `https://bot:${sessionToken}@git.example.com/a.git`, token: 'tk-1234' },
        redacted: [githubToken],
        tool_use_id: githubToken,
      },
    ]);

    await consolidate({ cwd: repo.root });

    const text = historyText();
    for (const secret of [githubToken, sessionToken, 'tk-1234']) expect(text).not.toContain(secret);
    expect(historyEntries(repo.root)[0]?.redacted).toEqual([
      '[REDACTED:github-token]',
      'commit.url',
      'commit.token',
      'redacted[0]',
      'tool_use_id',
    ]);
  });

  it('two ids that held tokens stay two entries, and verify passes', async () => {
    repo = makeRepo();
    const otherToken = `ghp_${'Tq4'.repeat(12)}`;
    shard('20261124T100000_agent.jsonl', [
      { id: githubToken, timestamp: '2026-11-24T10:00:00.000Z', session_id: 'agent', seq: 1 },
      { id: otherToken, timestamp: '2026-11-24T10:00:01.000Z', session_id: 'agent', seq: 2 },
    ]);

    await consolidate({ cwd: repo.root });

    const ids = historyEntries(repo.root).map((entry) => entry.id);
    expect(ids).toHaveLength(2);
    expect(new Set(ids).size).toBe(2);
    for (const id of ids) expect(id).toMatch(/^\[REDACTED:github-token\]#[0-9a-f]{16}$/);
    expect(historyText()).not.toContain(githubToken);
    const verify = spawnSync(process.execPath, [BIN, 'verify'], {
      cwd: repo.root,
      env: testEnv(),
      encoding: 'utf8',
    });
    expect(verify.status).toBe(0);
  });

  it('only the secret’s bytes change on the way into the history: 1.50, big integers, escapes stay', async () => {
    repo = makeRepo();
    const line = `{${head}, "order_id": 9007199254740993, "amount": 1.50, "s": "\\u00e9\\/", "password" : "hunter2" }`;
    shard('20261124T100000_agent.jsonl', [line]);

    await consolidate({ cwd: repo.root });

    expect(historyText()).toBe(
      `{${head}, "order_id": 9007199254740993, "amount": 1.50, "s": "\\u00e9\\/", "password" : "[REDACTED:key]","redacted":["password"] }\n`,
    );
  });

  it('a catastrophically backtracking pattern is refused when loaded: the commit hook never hangs', () => {
    repo = makeRepo();
    writeFileSync(
      join(repo.root, '.audit-hooks.json'),
      JSON.stringify({ redact: { patterns: [{ name: 'itk', pattern: 'itk_([a-z]+)+_END' }] } }),
    );
    // 40 letters and no _END: about 2^40 steps for that pattern.
    shard('20261124T100000_agent.jsonl', [{ ...leaky, note: `itk_${'a'.repeat(40)}` }]);
    const before = snapshotLogs(repo.root);
    // Bounded here, so that a hang fails this test instead of stalling the suite.
    const run = (args: string[]) =>
      spawnSync(process.execPath, [BIN, ...args], {
        cwd: repo.root,
        env: testEnv(),
        encoding: 'utf8',
        timeout: 60_000,
      });

    const plain = run(['consolidate']);
    expect(plain.status).toBe(1);
    expect(plain.stderr.split('\n').filter(Boolean)).toEqual([
      expect.stringMatching(
        /^audit-hooks: invalid redaction config in \.audit-hooks\.json: "redact\.patterns\[0\]\.pattern" \(itk: itk_\(\[a-z\]\+\)\+_END\) can backtrack catastrophically: .*exponential time.*rewrite it/,
      ),
    ]);
    const hook = run(['consolidate', '--hook']);
    expect(hook.status).toBe(0);
    expect(hook.stderr).toMatch(/^audit-hooks: warning: did not consolidate \(.*backtrack/);
    expect(snapshotLogs(repo.root)).toBe(before);
  });
});
