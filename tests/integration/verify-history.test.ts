import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeRepo, type TempRepo, testEnv } from '../helpers/git-repo.js';

let repo: TempRepo;
afterEach(() => repo?.cleanup());

const entry = (id: string, hour: number, extra: object = {}) =>
  JSON.stringify({
    id,
    timestamp: `2026-11-24T${String(hour).padStart(2, '0')}:00:00.000Z`,
    session_id: 's',
    seq: hour,
    tool: 'Bash',
    ...extra,
  });

function setPartition(name: string, lines: string[]): void {
  mkdirSync(join(repo.root, 'logs', 'history'), { recursive: true });
  writeFileSync(join(repo.root, 'logs', 'history', name), lines.map((l) => `${l}\n`).join(''));
}

function commitAll(message: string): string {
  repo.git('add', '-A');
  repo.git('commit', '-q', '-m', message);
  return repo.git('rev-parse', 'HEAD');
}

/** A history that grew over three commits, the last one a verify --fix style move. */
function growHistory(): void {
  setPartition('2026-11-24.jsonl', [entry('a', 1)]);
  commitAll('one');
  setPartition('2026-11-24.jsonl', [entry('a', 1), entry('b', 2)]);
  setPartition('2026-11-23.jsonl', [entry('misplaced', 3)]);
  commitAll('two');
  // The misplaced entry moves to its right partition: moved, not removed.
  rmSync(join(repo.root, 'logs', 'history', '2026-11-23.jsonl'));
  setPartition('2026-11-24.jsonl', [entry('a', 1), entry('b', 2), entry('misplaced', 3)]);
  commitAll('three');
}

describe('audit-hooks verify --history', () => {
  it('passes a trail that only grew (entries moved between partitions included)', () => {
    repo = makeRepo();
    growHistory();
    const run = repo.cli(['verify', '--history']);
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe(
      'audit-hooks: the committed trail only grew: 3 commits checked, nothing removed or altered\n',
    );
    expect(run.status).toBe(0);
  });

  it('catches a commit that deletes one line', () => {
    repo = makeRepo();
    growHistory();
    setPartition('2026-11-24.jsonl', [entry('a', 1), entry('misplaced', 3)]);
    const bad = commitAll('drop b');
    const run = repo.cli(['verify', '--history']);
    expect(run.status).toBe(1);
    expect(run.stdout).toBe(`${bad.slice(0, 12)} logs/history/2026-11-24.jsonl: entry b removed\n`);
    expect(run.stderr).toMatch(
      /^audit-hooks: 1 committed entry was removed or altered \(4 commits checked\)/,
    );
  });

  it('catches a commit that edits a field', () => {
    repo = makeRepo();
    growHistory();
    setPartition('2026-11-24.jsonl', [
      entry('a', 1, { tool: 'Edit' }),
      entry('b', 2),
      entry('misplaced', 3),
    ]);
    const bad = commitAll('edit a');
    const run = repo.cli(['verify', '--history']);
    expect(run.status).toBe(1);
    expect(run.stdout).toBe(
      `${bad.slice(0, 12)} logs/history/2026-11-24.jsonl: entry a altered (tool)\n`,
    );
  });

  it('catches a commit that drops a whole partition, and a range can skip it', () => {
    repo = makeRepo();
    growHistory();
    rmSync(join(repo.root, 'logs', 'history', '2026-11-24.jsonl'));
    const bad = commitAll('drop the day');
    setPartition('2026-11-25.jsonl', [
      JSON.stringify({ id: 'later', timestamp: '2026-11-25T01:00:00Z' }),
    ]);
    commitAll('later');
    const run = repo.cli(['verify', '--history']);
    expect(run.status).toBe(1);
    expect(run.stdout.split('\n').filter(Boolean).sort()).toEqual(
      ['a', 'b', 'misplaced'].map(
        (id) => `${bad.slice(0, 12)} logs/history/2026-11-24.jsonl: entry ${id} removed`,
      ),
    );
    expect(repo.cli(['verify', '--history', `${bad}..HEAD`]).status).toBe(0);
    expect(repo.cli(['verify', 'HEAD']).status).toBe(2); // a range needs --history
    const both = repo.cli(['verify', '--history', '--fix']); // commits are not repaired
    expect(both.status).toBe(2);
    expect(both.stderr).toMatch(/--fix repairs the working history, not commits/);
  });

  it('reports a redaction as a redaction, not as tampering', () => {
    repo = makeRepo();
    const token = `ghp_${'Ab1'.repeat(12)}`;
    setPartition('2026-11-24.jsonl', [
      entry('a', 1, { command: `curl -H "Authorization: token ${token}" x` }),
    ]);
    commitAll('leak');
    setPartition('2026-11-24.jsonl', [
      entry('a', 1, {
        command: 'curl -H "Authorization: token [REDACTED:github-token]" x',
        redacted: ['command'],
      }),
    ]);
    const fix = commitAll('redact');
    const run = repo.cli(['verify', '--history']);
    expect(run.status).toBe(0);
    expect(run.stdout).toBe(
      `${fix.slice(0, 12)} logs/history/2026-11-24.jsonl: entry a redacted (command): a redaction, not tampering\n` +
        'audit-hooks: the committed trail only grew: 2 commits checked, 1 redaction, nothing removed or altered\n',
    );
    // Replacing a value with something that is not a redaction marker is tampering.
    setPartition('2026-11-24.jsonl', [entry('a', 1, { command: 'ls', redacted: ['command'] })]);
    commitAll('rewrite');
    expect(repo.cli(['verify', '--history']).status).toBe(1);
  });

  it('walks 1,000 commits in one git process', () => {
    repo = makeRepo();
    // git fast-import makes the 1,000 commits quickly; each appends one entry.
    let stream = '';
    const lines: string[] = [];
    for (let i = 0; i < 1000; i++) {
      lines.push(entry(`e${String(i).padStart(4, '0')}`, i % 24, { i }));
      const content = `${lines.join('\n')}\n`;
      const message = `entry ${i}`;
      stream += `commit refs/heads/main\ncommitter T <t@example.test> ${1_700_000_000 + i} +0000\n`;
      stream += `data ${Buffer.byteLength(message)}\n${message}\n`;
      if (i === 0) stream += 'from refs/heads/main^0\n';
      stream += `M 100644 inline logs/history/2026-11-24.jsonl\ndata ${Buffer.byteLength(content)}\n${content}\n`;
    }
    execFileSync('git', ['fast-import', '--quiet'], {
      cwd: repo.root,
      input: stream,
      env: testEnv(),
    });
    repo.git('reset', '-q', '--hard', 'main');
    expect(
      readFileSync(join(repo.root, 'logs', 'history', '2026-11-24.jsonl'), 'utf8').split('\n'),
    ).toHaveLength(1001);

    const run = repo.cli(['verify', '--history', '--json']);

    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ commits: 1000, findings: [], ok: true });
  });
});
