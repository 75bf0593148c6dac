// GitHub Copilot (CLI and cloud agent): hooks in `.github/hooks/*.json` (version 1), a
// file of audit-hooks' own. Source: https://docs.github.com/en/copilot/reference/copilot-cli-reference/cli-hooks-reference
// — command hooks have `bash`, `cwd` (relative to the repository root), `timeoutSec`;
// payloads are camelCase (sessionId, timestamp, cwd, toolName, toolArgs as JSON text,
// toolResult, prompt, error) and name no event, so each configured command does.
import type { AgentSpec } from './types.js';

export const copilot: AgentSpec = {
  name: 'copilot',
  title: 'GitHub Copilot',
  configFile: '.github/hooks/audit-hooks.json',
  folder: '.github/hooks',
  shape: 'copilot',
  timeout: { field: 'timeoutSec', value: 10 },
  eventInCommand: true,
  sessionKeys: ['sessionId', 'session_id'],
  common: { cwd: 'cwd' },
  drop: ['sessionId', 'session_id', 'timestamp'],
  jsonStrings: ['toolArgs'],
  events: [
    { native: 'sessionStart', event: 'session_start', fields: { input: 'initialPrompt' } },
    { native: 'sessionEnd', event: 'session_end' },
    { native: 'userPromptSubmitted', event: 'prompt', fields: { input: 'prompt' } },
    { native: 'preToolUse', event: 'tool_call', fields: { tool: 'toolName', input: 'toolArgs' } },
    {
      native: 'postToolUse',
      event: 'tool_result',
      fields: { tool: 'toolName', input: 'toolArgs', output: 'toolResult' },
    },
    { native: 'errorOccurred', event: 'error', fields: { error: 'error' } },
    { native: 'agentStop', event: 'stop' },
    { native: 'subagentStop', event: 'subagent_stop' },
  ],
  envFileVariables: [],
  userSteps: [
    'Copilot cloud agent reads .github/hooks/ from the default branch: commit and merge the file there.',
  ],
};
