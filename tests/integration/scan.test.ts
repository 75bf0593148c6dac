import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeRepo, type TempRepo } from '../helpers/git-repo.js';
import { snapshotLogs } from '../helpers/history.js';

let repo: TempRepo;
afterEach(() => repo?.cleanup());

// Fake credentials, assembled so that none is committed verbatim.
const GITHUB = `ghp_${'x7Yk2'.repeat(7)}Q`;
const AWS_KEY_ID = `AKIA${'Q7ZX'.repeat(4)}`;

let seq = 0;
const line = (day: string, fields: object) =>
  JSON.stringify({
    id: `id-${++seq}`,
    timestamp: `${day}T10:00:${String(seq % 60).padStart(2, '0')}.000Z`,
    session_id: 's1',
    seq,
    ...fields,
  });

function partition(name: string, lines: string[]): void {
  mkdirSync(join(repo.root, 'logs', 'history'), { recursive: true });
  writeFileSync(join(repo.root, 'logs', 'history', name), lines.map((l) => `${l}\n`).join(''));
}

function plantSecrets(): void {
  partition('2026-11-23.jsonl', [
    line('2026-11-23', { event: 'run', input: { command: 'npm test' }, tokens: 1200 }),
    line('2026-11-23', {
      event: 'run',
      input: { command: `git push https://${GITHUB}@github.com/a/b` },
    }),
  ]);
  partition('2026-11-24.jsonl', [
    line('2026-11-24', { event: 'run', input: { command: 'git status' } }),
    line('2026-11-24', {
      event: 'config',
      env: { DB_PASSWORD: 'hunter2' },
      args: ['x', AWS_KEY_ID],
    }),
    line('2026-11-24', { event: 'done', max_tokens: 4096 }),
  ]);
}

describe('audit-hooks scan', () => {
  it('reports each secret as file:line with its rule and path, exit 1, changing nothing', () => {
    repo = makeRepo();
    plantSecrets();
    const before = snapshotLogs(repo.root);

    const run = repo.cli(['scan']);

    expect(run.stdout.split('\n').filter(Boolean)).toEqual([
      'logs/history/2026-11-23.jsonl:2: github-token at input.command',
      'logs/history/2026-11-24.jsonl:2: key at env.DB_PASSWORD',
      'logs/history/2026-11-24.jsonl:2: aws-access-key at args[1]',
    ]);
    expect(run.stderr).toMatch(
      /^audit-hooks: 3 secrets on 2 lines of logs\/history: rotate them first .*audit-hooks verify --fix/,
    );
    expect(run.status).toBe(1);
    expect(snapshotLogs(repo.root)).toBe(before);
    // The secret itself is never printed.
    expect(run.stdout + run.stderr).not.toContain(GITHUB);
  });

  it('prints JSON for machines with --json', () => {
    repo = makeRepo();
    plantSecrets();

    const run = repo.cli(['scan', '--json']);

    expect(run.status).toBe(1);
    const result = JSON.parse(run.stdout);
    expect(result).toMatchObject({ root: repo.root, files: 2, entries: 5 });
    expect(result.findings).toEqual([
      {
        file: 'logs/history/2026-11-23.jsonl',
        line: 2,
        rule: 'github-token',
        path: 'input.command',
      },
      { file: 'logs/history/2026-11-24.jsonl', line: 2, rule: 'key', path: 'env.DB_PASSWORD' },
      { file: 'logs/history/2026-11-24.jsonl', line: 2, rule: 'aws-access-key', path: 'args[1]' },
    ]);
  });

  it('exits 0 on a clean history, already-redacted entries included', () => {
    repo = makeRepo();
    partition('2026-11-24.jsonl', [
      line('2026-11-24', {
        event: 'run',
        input: { command: 'git log -n 1' },
        commit: 'a'.repeat(40),
      }),
      line('2026-11-24', {
        event: 'run',
        input: { command: 'git push https://[REDACTED:github-token]@github.com/a/b' },
        env: { DB_PASSWORD: '[REDACTED:key]' },
        redacted: ['input.command', 'env.DB_PASSWORD'],
      }),
    ]);

    const run = repo.cli(['scan']);

    expect(run.stdout).toBe('audit-hooks: no secrets found in logs/history (1 file, 2 entries)\n');
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
  });

  it('reports secrets in every copy of a duplicate key and in envelope-like caller fields', () => {
    repo = makeRepo();
    partition('2026-11-24.jsonl', [
      `{"id":"d1","timestamp":"2026-11-24T10:00:00.000Z","command":"curl -H \\"Authorization: Bearer ${GITHUB}\\" x","command":"ls"}`,
      `{"id":"${GITHUB}","timestamp":"2026-11-24T10:00:01.000Z","commit":{"token":"tk-1234"},"redacted":["${AWS_KEY_ID}"]}`,
    ]);

    const run = repo.cli(['scan']);

    expect(run.stdout.split('\n').filter(Boolean)).toEqual([
      'logs/history/2026-11-24.jsonl:1: github-token at command',
      'logs/history/2026-11-24.jsonl:2: github-token at id',
      'logs/history/2026-11-24.jsonl:2: key at commit.token',
      'logs/history/2026-11-24.jsonl:2: aws-access-key at redacted[0]',
    ]);
    expect(run.status).toBe(1);
  });

  it('exits 0 when there is no history at all', () => {
    repo = makeRepo();
    const run = repo.cli(['scan', '--json']);
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ files: 0, entries: 0, findings: [] });
  });

  it('scans a line that is not JSON as text', () => {
    repo = makeRepo();
    partition('2026-11-24.jsonl', [`{"id": "broken", "note": "${GITHUB}`]);
    const run = repo.cli(['scan']);
    expect(run.stdout.split('\n')[0]).toBe(
      'logs/history/2026-11-24.jsonl:1: github-token at (line)',
    );
    expect(run.status).toBe(1);
  });

  it('scans the history as committed in --rev, whatever the working tree holds', () => {
    repo = makeRepo();
    plantSecrets();
    repo.git('add', 'logs');
    repo.git('commit', '-q', '-m', 'history with secrets');
    partition('2026-11-23.jsonl', [line('2026-11-23', { event: 'clean' })]);
    partition('2026-11-24.jsonl', [line('2026-11-24', { event: 'clean' })]);
    expect(repo.cli(['scan']).status).toBe(0);

    const run = repo.cli(['scan', '--rev', 'HEAD']);

    expect(run.stdout.split('\n').filter(Boolean)).toEqual([
      'HEAD:logs/history/2026-11-23.jsonl:2: github-token at input.command',
      'HEAD:logs/history/2026-11-24.jsonl:2: key at env.DB_PASSWORD',
      'HEAD:logs/history/2026-11-24.jsonl:2: aws-access-key at args[1]',
    ]);
    expect(run.stderr).toMatch(/^audit-hooks: 3 secrets on 2 lines of logs\/history at HEAD: /);
    expect(run.status).toBe(1);
    expect(repo.cli(['scan', '--rev', 'HEAD~1']).status).toBe(0);
  });

  it('refuses an unknown revision with one line', () => {
    repo = makeRepo();
    const run = repo.cli(['scan', '--rev', 'no-such-branch']);
    expect(run.stderr).toBe(
      'audit-hooks: unknown revision `no-such-branch`: give a commit git knows (HEAD, a branch, a sha) or a full 40-character sha\n',
    );
    expect(run.status).toBe(1);
  });

  it('uses the configured keys and patterns, and still scans when redaction is off', () => {
    repo = makeRepo();
    const internal = `itk_${'aB3'.repeat(6)}Zz`;
    partition('2026-11-24.jsonl', [
      line('2026-11-24', { event: 'run', session_cookie: 'abc', note: `used ${internal}` }),
    ]);
    writeFileSync(
      join(repo.root, '.audit-hooks.json'),
      JSON.stringify({
        redact: {
          enabled: false,
          keys: ['session_cookie'],
          patterns: [{ name: 'internal-token', pattern: 'itk_[A-Za-z0-9]{20}' }],
        },
      }),
    );

    const run = repo.cli(['scan']);

    expect(run.stdout.split('\n').filter(Boolean)).toEqual([
      'logs/history/2026-11-24.jsonl:1: key at session_cookie',
      'logs/history/2026-11-24.jsonl:1: internal-token at note',
    ]);
    expect(run.status).toBe(1);
  });

  it('stops with one clear line on an invalid configuration', () => {
    repo = makeRepo();
    writeFileSync(
      join(repo.root, '.audit-hooks.json'),
      JSON.stringify({ redact: { patterns: [{ name: 'x', pattern: '(' }] } }),
    );
    const run = repo.cli(['scan']);
    expect(run.stderr).toMatch(
      /^audit-hooks: invalid redaction config in \.audit-hooks\.json: "redact\.patterns\[0\]\.pattern" is not a valid regular expression \(.*\); fix it and run again/,
    );
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.status).toBe(1);
  });
});

describe('audit-hooks scan on batch files', () => {
  it('finds a secret a rule added later names, in the working tree and in a commit', () => {
    repo = makeRepo();
    const logged = repo.cli(['log', '--event', 'login', '{"session_cookie":"abc123"}']);
    expect(logged.status).toBe(0);
    expect(repo.cli(['consolidate']).status).toBe(0);
    repo.git('add', '-f', 'logs/history');
    repo.git('commit', '-q', '--no-verify', '-m', 'trail');
    writeFileSync(
      join(repo.root, '.audit-hooks.json'),
      JSON.stringify({ redact: { keys: ['session_cookie'] } }),
    );

    const here = repo.cli(['scan']);
    const committed = repo.cli(['scan', '--rev', 'HEAD']);

    expect(here.stdout).toMatch(
      /^logs\/history\/\d{4}-\d{2}-\d{2}\/\d{8}T\d{9}Z-[0-9a-f]{20}\.jsonl:1: key at session_cookie\n$/,
    );
    expect(here.status).toBe(1);
    expect(committed.stdout).toBe(`HEAD:${here.stdout}`);
    expect(committed.status).toBe(1);
  });
});
