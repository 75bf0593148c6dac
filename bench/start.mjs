// One `audit-hooks log` call, as every agent tool call pays it (issue 15): the hook command
// an agent runs (`audit-hooks log --hook --agent claude-code`, the tool's payload on stdin),
// next to a bare `node -e 0` (the floor of any Node.js command on this machine), in
// interleaved rounds. For reference: `log` with its JSON as an argument, `--version`, and
// `tail -n 1`.
//
// Standalone: `npm run build && node bench/start.mjs`. Environment (all optional):
//   START_BENCH_ROUNDS  timed rounds, median reported (default 15)
import { fileURLToPath } from 'node:url';
import { BIN, identityEnv, makeRepo, removeRepo } from './repo.mjs';
import { interleaved, median, medianDifference } from './timing.mjs';

/** A Claude Code PostToolUse payload, as its documentation shows one (~0.9 KB). */
export function toolPayload(root) {
  return JSON.stringify({
    session_id: '5f1c0a7e-3b2d-4e8f-9a6b-1c2d3e4f5a6b',
    transcript_path: '/home/dev/.claude/projects/-repo/5f1c0a7e-3b2d-4e8f-9a6b-1c2d3e4f5a6b.jsonl',
    cwd: `${root}/src`,
    permission_mode: 'default',
    hook_event_name: 'PostToolUse',
    tool_name: 'Bash',
    tool_input: { command: 'npm test -- tests/unit/writer.test.ts', description: 'Run the tests' },
    tool_response: {
      stdout:
        ' ✓ tests/unit/writer.test.ts (12 tests) 48ms\n\n Test Files  1 passed (1)\n      Tests  12 passed (12)\n',
      stderr: '',
      interrupted: false,
      isImage: false,
    },
    tool_use_id: 'toolu_01DEF456',
  });
}

export const HOOK_ARGS = ['log', '--hook', '--agent', 'claude-code'];

/**
 * Times `node -e 0` and the commands, interleaved. Returns `{ node, commands: [{ name,
 * args, ms, addedMs }] }` (the hook call first).
 */
export function benchStart({ rounds = 15, warmup = 2 } = {}) {
  const root = makeRepo({ commit: true });
  try {
    const env = identityEnv();
    const commands = [
      {
        name: 'log --hook --agent claude-code < payload',
        args: HOOK_ARGS,
        input: toolPayload(root),
      },
      { name: 'log {…}', args: ['log', '{"event":"bench","tool":"Bash","command":"npm test"}'] },
      { name: '--version', args: ['--version'] },
      { name: 'tail -n 1', args: ['tail', '-n', '1'] },
    ];
    const tasks = [
      { name: 'node -e 0', command: process.execPath, args: ['-e', '0'], cwd: root, env },
      ...commands.map((command) => ({
        name: command.name,
        command: process.execPath,
        args: [BIN, ...command.args],
        input: command.input,
        cwd: root,
        env,
        after: (child) => {
          if (child.stderr !== '') throw new Error(`${command.name}: ${child.stderr}`);
        },
      })),
    ];
    const samples = interleaved(tasks, { rounds, warmup });
    const node = samples['node -e 0'];
    return {
      node: median(node),
      commands: commands.map((command) => {
        const own = samples[command.name];
        return { ...command, ms: median(own), addedMs: medianDifference(own, node) };
      }),
    };
  } finally {
    removeRepo(root);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const result = benchStart({ rounds: Number(process.env.START_BENCH_ROUNDS ?? 15) });
  process.stdout.write(`node -e 0: ${result.node.toFixed(1)} ms\n`);
  for (const row of result.commands) {
    process.stdout.write(
      `audit-hooks ${row.name.padEnd(44)} ${row.ms.toFixed(1)} ms (+${row.addedMs.toFixed(1)} ms, ${(row.ms / result.node).toFixed(2)}× node -e 0)\n`,
    );
  }
}
