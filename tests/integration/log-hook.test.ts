// `log --hook` never blocks or fails the agent (SPEC §15): exit 0 whatever happens,
// nothing on stdout, one warning line at most on stderr, and the failure kept for
// `status`. And the size budget (SPEC §9): a large payload is recorded, trimmed.
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { hookFailures } from '../../src/hooks/hook-failures.js';
import { makeRepo, readJsonl, runCli, shardFiles, type TempRepo } from '../helpers/git-repo.js';

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

function repo(): TempRepo {
  const made = makeRepo();
  cleanups.push(made.cleanup);
  return made;
}

const SESSION = '5f1c0a7e-3b2d-4e8f-9a6b-1c2d3e4f5a6b';

function hook(root: string, input: string, args: string[] = ['--agent', 'claude-code']) {
  return runCli(['log', '--hook', ...args], { cwd: root, input });
}

function payload(fields: Record<string, unknown> = {}): string {
  return JSON.stringify({
    session_id: SESSION,
    cwd: '/nowhere',
    hook_event_name: 'PostToolUse',
    tool_name: 'Read',
    tool_input: { file_path: 'README.md' },
    tool_use_id: 'toolu_1',
    ...fields,
  });
}

/** Exit 0, empty stdout, at most one stderr line: what every hook call must look like. */
function expectNeverBlocked<T extends { status: number | null; stdout: string; stderr: string }>(
  result: T,
): T {
  expect(result.status).toBe(0);
  expect(result.stdout).toBe('');
  expect(result.stderr.split('\n').filter((line) => line !== '').length).toBeLessThanOrEqual(1);
  return result;
}

describe('never blocking', () => {
  it('bad JSON: exit 0, one warning, the failure kept for status, nothing logged', () => {
    const { root } = repo();
    const result = hook(root, '{"session_id": "abc", oops');
    expectNeverBlocked(result);
    expect(result.stderr).toMatch(
      /^audit-hooks: warning: did not log the claude-code hook call \(the entry is not valid JSON/,
    );
    expect(shardFiles(root)).toEqual([]);
    const failures = hookFailures(root);
    expect(failures.count).toBe(1);
    expect(failures.latest[0]).toMatchObject({
      agent: 'claude-code',
      message: expect.stringContaining('not valid JSON'),
    });
  });

  it('an unwritable logs/active: exit 0, one warning, the failure kept in the git folder', () => {
    const { root } = repo();
    const active = join(root, 'logs', 'active');
    mkdirSync(active, { recursive: true });
    writeFileSync(join(active, '.gitignore'), '*\n');
    chmodSync(active, 0o555);
    cleanups.unshift(() => chmodSync(active, 0o755));
    const result = hook(root, payload());
    expectNeverBlocked(result);
    if (process.getuid?.() === 0) {
      // root writes through missing write bits: the entry is simply logged.
      expect(shardFiles(root)).toHaveLength(1);
      return;
    }
    expect(result.stderr).toMatch(/did not log .*Could not append/);
    expect(hookFailures(root).count).toBe(1);
  });

  it('a folder where the shard should be (a write that fails even as root): exit 0, kept for status', () => {
    const { root } = repo();
    writeFileSync(join(root, 'logs'), 'a file where the folder should be\n');
    const result = hook(root, payload());
    expectNeverBlocked(result);
    expect(result.stderr).toMatch(/did not log .*logs is not a folder/);
    // logs/active cannot exist here, so the failure went to the git folder.
    expect(hookFailures(root)).toMatchObject({ count: 1 });
    expect(readFileSync(join(root, '.git', 'audit-hooks-hook-failures'), 'utf8')).toContain(
      'logs is not a folder',
    );
  });

  it('a broken configuration: the entry is logged with the default budget, one warning', () => {
    const { root } = repo();
    writeFileSync(join(root, '.audit-hooks.json'), '{ "budget": ');
    const result = hook(root, payload());
    expectNeverBlocked(result);
    expect(result.stderr).toMatch(
      /warning: invalid \.audit-hooks\.json: it is not valid JSON \(.*\); fix the file; logged with the default size budget/,
    );
    expect(shardFiles(root)).toHaveLength(1);
    expect(hookFailures(root).count).toBe(1);
  });

  it('an unknown agent, empty stdin, not a repository: exit 0 and one warning each', () => {
    const { root } = repo();
    expect(expectNeverBlocked(hook(root, payload(), ['--agent', 'vim'])).stderr).toMatch(
      /; kept for audit-hooks status\n$/,
    );
    expectNeverBlocked(hook(root, ''));
    // Outside a repository there is nowhere to keep it, and the warning does not say it was.
    const outside = expectNeverBlocked(hook(join(root, '..'), payload()));
    expect(outside.stderr).toMatch(
      /did not log the claude-code hook call \(Not in a git repository/,
    );
    expect(outside.stderr).not.toMatch(/kept for/);
    expect(hookFailures(root).count).toBe(2);
  });

  it('without --hook the same failures are errors: one line, non-zero exit', () => {
    const { root } = repo();
    const result = runCli(['log', '--agent', 'claude-code'], { cwd: root, input: '{oops' });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^audit-hooks: the entry is not valid JSON/);
    writeFileSync(join(root, '.audit-hooks.json'), '{"budget":{"valueBytes":"big"}}');
    const config = runCli(['log', '{"a":1}'], { cwd: root });
    expect(config.status).toBe(1);
    expect(config.stderr).toMatch(/"budget.valueBytes" must be a whole number/);
  });
});

describe('size budget (SPEC §9)', () => {
  it('a 5 MB payload is recorded, trimmed, with the bytes and sha256 of the original', () => {
    const { root } = repo();
    const content = 'x'.repeat(5 * 1024 * 1024);
    const result = hook(root, payload({ tool_response: { file: { content } } }));
    expectNeverBlocked(result);
    expect(result.stderr).toBe('');
    const [entry] = readJsonl(shardFiles(root)[0] as string);
    expect(entry).toMatchObject({
      event: 'tool_result',
      tool: 'Read',
      input: { file_path: 'README.md' },
      trimmed: [
        {
          path: 'output.file.content',
          bytes: content.length,
          sha256: createHash('sha256').update(content).digest('hex'),
        },
      ],
    });
    const kept = (entry as { output: { file: { content: string } } }).output.file.content;
    expect(kept).toBe(`${'x'.repeat(4096)}…`);
    expect(readFileSync(shardFiles(root)[0] as string).length).toBeLessThan(64 * 1024);
  });

  it('many small values over the entry budget: the largest go, the identity stays', () => {
    const { root } = repo();
    const lines = Array.from({ length: 20_000 }, (_, i) => `line ${i}`);
    const result = hook(
      root,
      payload({ tool_response: { lines }, tool_input: { file_path: 'a.txt' } }),
    );
    expectNeverBlocked(result);
    const [entry] = readJsonl(shardFiles(root)[0] as string);
    expect(entry).toMatchObject({
      agent: 'claude-code',
      event: 'tool_result',
      tool: 'Read',
      input: { file_path: 'a.txt' },
      output: { lines: '[trimmed]' },
      trimmed: [
        {
          path: 'output.lines',
          bytes: expect.any(Number),
          sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
        },
      ],
    });
  });

  it('is configurable in .audit-hooks.json, next to redact', () => {
    const { root } = repo();
    writeFileSync(
      join(root, '.audit-hooks.json'),
      JSON.stringify({ redact: { enabled: true }, budget: { valueBytes: 100 } }),
    );
    const result = runCli(['log', JSON.stringify({ note: 'y'.repeat(150) })], { cwd: root });
    expect(result.status).toBe(0);
    const [entry] = readJsonl(shardFiles(root)[0] as string);
    expect(entry).toMatchObject({
      note: `${'y'.repeat(100)}…`,
      trimmed: [{ path: 'note', bytes: 150 }],
    });
  });

  it('or under the "audit-hooks" key of package.json', () => {
    const { root } = repo();
    writeFileSync(
      join(root, 'package.json'),
      JSON.stringify({ name: 'x', 'audit-hooks': { budget: { valueBytes: 64 } } }),
    );
    runCli(['log', JSON.stringify({ note: 'z'.repeat(65) })], { cwd: root });
    const [entry] = readJsonl(shardFiles(root)[0] as string);
    expect(entry).toMatchObject({ trimmed: [{ path: 'note', bytes: 65 }] });
  });
});
