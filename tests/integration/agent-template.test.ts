// templates/agents/claude-code-settings.json as Claude Code runs it: each hook command in
// `sh -c`, the hook payload on stdin, CLAUDE_PROJECT_DIR set to the session's worktree.
// Agents work in linked worktrees, which have no node_modules of their own.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { ROOT, readJsonl, shardFiles } from '../helpers/git-repo.js';
import { hookEnv, linkBin, makeWorktreeRepo, removeScratch } from '../helpers/install.js';

afterEach(removeScratch);

interface HookGroup {
  hooks: Array<{ type: string; command: string }>;
}
const TEMPLATE = JSON.parse(
  readFileSync(join(ROOT, 'templates', 'agents', 'claude-code-settings.json'), 'utf8'),
) as { hooks: Record<string, HookGroup[]> };

function command(event: string): string {
  const found = TEMPLATE.hooks[event]?.[0]?.hooks[0]?.command;
  if (found === undefined) throw new Error(`the template has no ${event} hook`);
  return found;
}

it('logs each hook payload to the worktree the agent works in, found from a linked worktree', () => {
  const repo = makeWorktreeRepo({ linked: 1 });
  linkBin(repo.root); // only the main worktree has node_modules
  const linked = repo.worktrees[1] as string;
  const session = '5f1c0a7e-3b2d-4e8f-9a6b-1c2d3e4f5a6b';
  const run = (event: string, payload: Record<string, unknown>, cwd: string) =>
    spawnSync('sh', ['-c', command(event)], {
      cwd, // Claude Code may run hooks from a subfolder: the command must not rely on it
      env: { ...hookEnv(), CLAUDE_PROJECT_DIR: linked },
      input: JSON.stringify({ session_id: session, ...payload }),
      encoding: 'utf8',
    });

  const results = [
    run('UserPromptSubmit', { prompt: 'add a --since option' }, linked),
    run('PostToolUse', { tool_name: 'Bash', tool_input: { command: 'npm test' } }, repo.root),
    run('Stop', {}, linked),
  ];
  for (const result of results) {
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  }

  expect(shardFiles(repo.root)).toEqual([]);
  const shards = shardFiles(linked);
  expect(shards).toHaveLength(1);
  const entries = readJsonl(shards[0] as string);
  expect(entries.map((entry) => entry.event)).toEqual(['prompt', 'tool_use', 'stop']);
  for (const entry of entries) expect(entry.session_id).toBe(session);
  expect(entries[1]).toMatchObject({ tool_name: 'Bash', tool_input: { command: 'npm test' } });
});
