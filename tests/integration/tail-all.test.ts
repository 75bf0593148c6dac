// SPEC §6 (issue 14): one live view of every agent — `tail --all` and `tail -f --all`
// across worktrees, the filters, and the legacy single-file log.
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { tailRecords } from '../../src/read/tail.js';
import { AuditLog } from '../../src/writer/index.js';
import { BIN, captureOutput, runCli, tempDir, testEnv } from '../helpers/git-repo.js';
import { gitIn, makeWorktreeRepo, removeScratch } from '../helpers/install.js';

const children: ChildProcessWithoutNullStreams[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  removeScratch();
});

/** Logs from a separate process, as an agent's hook would (the built CLI). */
function log(cwd: string, session: string, fields: Record<string, unknown>): void {
  const run = runCli(['log', '--session', session, JSON.stringify(fields)], { cwd });
  if (run.status !== 0) throw new Error(run.stderr);
}

function tailJson(cwd: string, args: string[]): Array<Record<string, unknown>> {
  const run = runCli(['tail', '--json', ...args], { cwd });
  expect(run.status).toBe(0);
  return run.stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line));
}

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await sleep(20);
}

describe('tail --all: every worktree in one stream', () => {
  it('shows the live entries of every worktree, each line naming its worktree', () => {
    const repo = makeWorktreeRepo({ linked: 2 });
    const [main, wt1, wt2] = repo.worktrees as [string, string, string];
    log(main, 'lead', { event: 'plan' });
    log(wt1, 'agent-a', { event: 'edit' });
    log(wt2, 'agent-b', { event: 'test' });

    // Without --all, only this worktree; with it, all three.
    expect(tailJson(main, []).map((e) => e.event)).toEqual(['plan']);
    expect(tailJson(main, ['--all']).map((e) => e.event)).toEqual(['plan', 'edit', 'test']);
    expect(tailJson(wt1, ['--all']).map((e) => e.event)).toEqual(['plan', 'edit', 'test']);
    const human = runCli(['tail', '--all'], { cwd: main });
    const lines = human.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^\S+\s+\S+\s+lead\s+event=plan/);
    expect(lines[1]).toMatch(/^wt1\s+\S+\s+agent-a\s+event=edit/);
    expect(lines[2]).toMatch(/^wt2\s+\S+\s+agent-b\s+event=test/);
  });

  it('follows three worktrees live, through a consolidation and a worktree added meanwhile, each entry once', async () => {
    const repo = makeWorktreeRepo({ linked: 2 });
    const [main, wt1, wt2] = repo.worktrees as [string, string, string];
    log(main, 'lead', { event: 'before' });
    const child = spawn(process.execPath, [BIN, 'tail', '-f', '--all', '--json', '-n', '1000'], {
      cwd: main,
      env: testEnv(),
    });
    children.push(child);
    const output = captureOutput(child);
    const events = () =>
      output
        .stdout()
        .split('\n')
        .slice(0, -1)
        .map((line) => String(JSON.parse(line).event));
    await until(() => events().includes('before'));

    log(wt1, 'agent-a', { event: 'a1' });
    log(wt2, 'agent-b', { event: 'b1' });
    await until(() => events().includes('a1') && events().includes('b1'));

    // A consolidation in one worktree moves its entries into a claim set and a batch file.
    log(wt1, 'agent-a', { event: 'a2' });
    expect(runCli(['consolidate'], { cwd: wt1 }).status).toBe(0);
    log(wt1, 'agent-a', { event: 'a3' });
    // A worktree added while following.
    const wt3 = join(tempDir(), 'wt3');
    gitIn(main, ['worktree', 'add', '-q', '-b', 'wt3', wt3]);
    log(wt3, 'agent-c', { event: 'c1' });
    await until(() => ['a2', 'a3', 'c1'].every((event) => events().includes(event)));
    // Removed again: no error.
    gitIn(main, ['worktree', 'remove', '--force', wt3]);
    log(main, 'lead', { event: 'after' });
    await until(() => events().includes('after'));

    child.kill('SIGINT');
    const end = await output.closed;
    expect(end.code).toBe(0);
    expect(events().sort()).toEqual(['a1', 'a2', 'a3', 'after', 'b1', 'before', 'c1']);
    expect(output.stderr()).toBe('');
  });
});

describe('tail filters', () => {
  function fixture(): string {
    const repo = makeWorktreeRepo({ linked: 0 });
    const rows: Array<Record<string, unknown>> = [
      { agent: 'claude-code', event: 'tool_call', tool: 'Bash', input: { command: 'npm test' } },
      { agent: 'claude-code', event: 'tool_call', tool: 'Edit', input: { file: 'a.ts' } },
      { agent: 'codex', event: 'tool_call', tool: 'Bash', input: { command: 'git status' } },
      { agent: 'codex', event: 'prompt', text: 'run npm test please' },
      { agent: 'gemini', event: 'tool_result', tool: 'Bash', output: 'ok' },
    ];
    for (const [i, row] of rows.entries()) log(repo.root, `s${i % 2}`, { ...row, i });
    // Half of them in the history, half live: filters apply to both.
    expect(runCli(['consolidate'], { cwd: repo.root }).status).toBe(0);
    log(repo.root, 's0', {
      agent: 'codex',
      event: 'tool_call',
      tool: 'Bash',
      input: { command: 'npm run build' },
      i: 5,
    });
    return repo.root;
  }

  it('--agent, --event, --tool and --grep keep the right entries, alone and combined', () => {
    const root = fixture();
    const ids = (args: string[]) => tailJson(root, ['-n', '0', ...args]).map((e) => e.i);
    expect(ids(['--agent', 'codex'])).toEqual([2, 3, 5]);
    expect(ids(['--event', 'tool_call'])).toEqual([0, 1, 2, 5]);
    expect(ids(['--tool', 'Bash'])).toEqual([0, 2, 4, 5]);
    expect(ids(['--grep', 'npm (test|run)'])).toEqual([0, 3, 5]);
    expect(ids(['--agent', 'codex', '--tool', 'Bash', '--grep', 'npm'])).toEqual([5]);
    expect(ids(['--session', 's1', '--event', 'tool_call'])).toEqual([1]);
    const none = runCli(['tail', '--agent', 'nobody'], { cwd: root });
    expect(none.status).toBe(0);
    expect(none.stdout).toBe('');
    expect(none.stderr).toBe('audit-hooks: no entries match --agent nobody\n');
  });

  it('a bad --grep is refused with one line, exit 2', () => {
    const root = fixture();
    const run = runCli(['tail', '--grep', '(unclosed'], { cwd: root });
    expect(run.status).toBe(2);
    expect(run.stderr.split('\n')[0]).toMatch(
      /^audit-hooks: --grep "\(unclosed" is not a regular expression/,
    );
  });

  it('skips unparsed only what cannot match: a value spelled with \\u escapes is still found', () => {
    const repo = makeWorktreeRepo({ linked: 0 });
    const day = join(repo.root, 'logs', 'history', '2026-11-24');
    mkdirSync(day, { recursive: true });
    const lines: string[] = [];
    for (let i = 0; i < 5000; i++) {
      lines.push(
        JSON.stringify({
          id: `f${i}`,
          timestamp: `2026-11-24T10:00:00.${String(i % 1000).padStart(3, '0')}Z`,
          session_id: 'filler',
          seq: i,
          pad: 'x'.repeat(100),
        }),
      );
    }
    // The caller's own bytes are kept: a session spelled with an escape.
    lines.splice(
      10,
      0,
      '{"id":"rare","timestamp":"2026-11-24T10:00:00.010Z","session_id":"\\u0072are","seq":1}',
    );
    writeFileSync(
      join(day, `20261124T100000999Z-${'a'.repeat(20)}.jsonl`),
      `${lines.join('\n')}\n`,
    );
    expect(tailRecords({ cwd: repo.root, session: 'rare', n: 0 }).map((r) => r.entry.id)).toEqual([
      'rare',
    ]);
    expect(tailRecords({ cwd: repo.root, session: 'nobody', n: 0 })).toEqual([]);
  });

  it('filters a follow too', async () => {
    const root = fixture();
    const child = spawn(
      process.execPath,
      [BIN, 'tail', '-f', '--json', '--tool', 'Bash', '-n', '1000'],
      {
        cwd: root,
        env: testEnv(),
      },
    );
    children.push(child);
    const output = captureOutput(child);
    const seen = () =>
      output
        .stdout()
        .split('\n')
        .slice(0, -1)
        .map((line) => JSON.parse(line).i);
    await until(() => seen().length === 4);
    log(root, 's9', { tool: 'Edit', i: 6 });
    log(root, 's9', { tool: 'Bash', i: 7 });
    await until(() => seen().includes(7));
    child.kill('SIGINT');
    expect((await output.closed).code).toBe(0);
    expect(seen()).toEqual([0, 2, 4, 5, 7]);
  });
});

describe('tail({ logPath }): a legacy single-file log (SPEC §4)', () => {
  it('reads the file the legacy writer appends to, with the same options', () => {
    const dir = tempDir();
    const file = join(dir, 'audit.jsonl');
    const writer = new AuditLog({ logPath: file, sessionId: 'legacy' });
    for (let i = 0; i < 12; i++) writer.log({ event: i % 2 === 0 ? 'even' : 'odd', i });
    writer.close();
    const last = tailRecords({ logPath: file, n: 3 });
    expect(last.map((r) => r.entry.i)).toEqual([9, 10, 11]);
    expect(tailRecords({ logPath: file, n: 0, event: 'odd' }).map((r) => r.entry.i)).toEqual([
      1, 3, 5, 7, 9, 11,
    ]);
    // No git needed: the folder is no repository.
    expect(tailRecords({ cwd: dir, logPath: 'audit.jsonl', n: 1 })[0]?.entry.i).toBe(11);
  });
});

describe('a submodule is a repository of its own (issue 12 #11)', () => {
  it('an agent logging inside a submodule writes to the submodule’s trail, which the parent neither consolidates nor shows', () => {
    const repo = makeWorktreeRepo({ linked: 0 });
    const library = makeWorktreeRepo({ linked: 0 });
    const allow = ['-c', 'protocol.file.allow=always'];
    gitIn(repo.root, [...allow, 'submodule', 'add', '-q', library.root, 'vendor/lib']);
    gitIn(repo.root, ['commit', '-qm', 'Add the submodule']);
    const sub = join(repo.root, 'vendor', 'lib');

    log(sub, 'agent-in-sub', { event: 'inside the submodule' });
    log(repo.root, 'agent-top', { event: 'in the parent' });

    expect(tailJson(sub, []).map((e) => e.event)).toEqual(['inside the submodule']);
    expect(tailJson(repo.root, ['--all']).map((e) => e.event)).toEqual(['in the parent']);
    expect(runCli(['consolidate'], { cwd: repo.root }).status).toBe(0);
    expect(tailJson(sub, []).map((e) => e.event)).toEqual(['inside the submodule']);
    // The submodule's shards ignore themselves: the parent sees no change in it.
    expect(gitIn(repo.root, ['status', '--porcelain', '--', 'vendor/lib']).trim()).toBe('');
  });
});
