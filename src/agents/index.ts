// Every agent integration, by `--agent` name. A new tool is one module here.
import { claudeCode } from './claude-code.js';
import { codex } from './codex.js';
import { copilot } from './copilot.js';
import { cursor } from './cursor.js';
import { gemini } from './gemini.js';
import type { AgentSpec } from './types.js';

/** The integrations, in the order `install --agent all` writes them. */
export const AGENTS: readonly AgentSpec[] = [claudeCode, codex, gemini, cursor, copilot];

/** The integration called `name`, or `undefined`. */
export function agentNamed(name: string): AgentSpec | undefined {
  return AGENTS.find((agent) => agent.name === name);
}

export type { AgentEvent, AgentSpec, EventName } from './types.js';
export { EVENTS } from './types.js';
