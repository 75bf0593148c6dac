import type { Writable } from 'node:stream';
import * as messages from '../messages.js';
import type { ReadWarning } from '../read/read-warning.js';
import { status, type WorktreeStatus } from '../read/status.js';

/** Options of {@link statusCommand}. */
export interface StatusCommandOptions {
  cwd: string;
  stdout: Writable;
  stderr: Writable;
  json?: boolean;
}

// A worktree with many live shards lists this many, then says how many more.
const SHARDS_LISTED = 10;

/** `audit-hooks status`: per worktree, hooks, live shards, quarantine, history. */
export async function statusCommand(options: StatusCommandOptions): Promise<number> {
  const result = await status({
    cwd: options.cwd,
    onWarning: (warning: ReadWarning) =>
      options.stderr.write(`${messages.warning(warning.message)}\n`),
  });
  if (options.json) {
    options.stdout.write(`${JSON.stringify(result)}\n`);
    return 0;
  }
  const now = Date.now();
  const lines = [messages.statusHeader(result.worktrees.length)];
  for (const worktree of result.worktrees) lines.push('', ...describe(worktree, now));
  options.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}

function describe(worktree: WorktreeStatus, now: number): string[] {
  const { STATUS_LABELS: label, statusRow: row, statusDetail: detail } = messages;
  const lines = [
    messages.statusWorktree(worktree.path, worktree.branch, worktree.current, worktree.exists),
  ];
  if (!worktree.exists) return lines;

  const { hooks } = worktree;
  const running = hooks.setups.filter((setup) => setup.runs);
  const idle = hooks.setups.filter((setup) => !setup.runs);
  if (running.length > 0) {
    lines.push(row(label.hooks, messages.hooksInstalled(running, hooks.mode, hooks.installed)));
  }
  for (const setup of idle) {
    lines.push(
      row(
        running.length > 0 ? '' : label.hooks,
        messages.hooksNotRunning(setup.manager, setup.hook, setup.file, setup.note ?? ''),
      ),
    );
  }
  if (hooks.setups.length === 0)
    lines.push(row(label.hooks, messages.hooksNotInstalled(worktree.command)));
  if (worktree.ignoredBy !== undefined) {
    lines.push(detail(messages.statusIgnored(worktree.ignoredBy, hooks.mode ?? 'in-commit')));
  }

  lines.push(
    row(
      label.agents,
      worktree.agents.length === 0
        ? messages.noAgents(worktree.command)
        : worktree.agents.map((item) => `${item.agent} (${item.file})`).join(', '),
    ),
  );
  if (worktree.hookFailures.count > 0) {
    const last = worktree.hookFailures.latest.at(-1);
    lines.push(
      detail(messages.hookFailuresSummary(worktree.hookFailures.count, last?.message ?? '')),
    );
  }

  const shards = worktree.shards;
  const entries = shards.reduce((sum, shard) => sum + shard.entries, 0);
  lines.push(row(label.shards, messages.shardsSummary(shards.length, entries)));
  const listed = shards.slice(0, SHARDS_LISTED);
  const width = Math.max(0, ...listed.map((shard) => shard.file.length));
  for (const shard of listed)
    lines.push(detail(messages.shardDetail(shard.file, shard.entries, width)));
  if (shards.length > listed.length)
    lines.push(detail(messages.moreShards(shards.length - listed.length)));
  lines.push(
    row(
      label.claims,
      messages.claimsSummary(
        worktree.claims.sets,
        worktree.claims.entries,
        worktree.claims.batches.length,
      ),
    ),
  );

  const { quarantine, history } = worktree;
  lines.push(row(label.quarantine, messages.quarantineSummary(quarantine.files, quarantine.lines)));
  lines.push(
    row(
      label.history,
      messages.historySummary(
        history.files,
        history.entries,
        history.bytes,
        history.firstDay,
        history.lastDay,
      ),
    ),
  );
  const last = history.lastChange === undefined ? undefined : new Date(history.lastChange);
  lines.push(
    row(
      label.last,
      messages.lastConsolidation(
        last === undefined ? undefined : localTime(last),
        last === undefined ? '' : messages.ago(now - last.getTime()),
      ),
    ),
  );
  return lines;
}

function localTime(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}
