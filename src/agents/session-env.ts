// Commits know their session (SPEC §15): where a tool lets its session-start hook export
// variables to the commands the agent runs later (Claude Code's CLAUDE_ENV_FILE, Codex's
// CODEX_ENV_FILE), audit-hooks exports AUDIT_HOOKS_SESSION (and AUDIT_HOOKS_AGENT). A
// `git commit` the agent runs then records a `commit` event in the session's trail, and
// `audit-hooks log` calls from its scripts join the same shard.
import { appendFileSync, readFileSync } from 'node:fs';
import type { AgentSpec } from './types.js';

/** Appends the `export` lines to the tool's env file; false when the tool offers none here. */
export function exportSession(
  spec: AgentSpec,
  env: NodeJS.ProcessEnv,
  sessionId: string,
  agent: string = spec.name,
): boolean {
  const file = spec.envFileVariables
    .map((name) => env[name])
    .find((value) => value !== undefined && value !== '');
  if (file === undefined) return false;
  // Session ids and agent names are [A-Za-z0-9_-]: nothing to quote.
  const lines = `export AUDIT_HOOKS_SESSION=${sessionId}\nexport AUDIT_HOOKS_AGENT=${agent}\n`;
  let current = '';
  try {
    current = readFileSync(file, 'utf8');
  } catch {
    // Not there yet: the tool reads it after the hooks ran.
  }
  if (!current.includes(lines)) appendFileSync(file, lines);
  return true;
}
