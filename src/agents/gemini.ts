// Gemini CLI: hooks in `.gemini/settings.json`. Source: google-gemini/gemini-cli
// docs/hooks/reference.md and docs/hooks/index.md — base payload session_id,
// transcript_path, cwd, hook_event_name, timestamp; hooks get GEMINI_PROJECT_DIR and
// GEMINI_SESSION_ID; timeouts in milliseconds; stdout must be JSON or nothing. The
// documents name no way for a hook to export a variable to later shell commands.
import type { AgentSpec } from './types.js';

export const gemini: AgentSpec = {
  name: 'gemini',
  title: 'Gemini CLI',
  configFile: '.gemini/settings.json',
  folder: '.gemini',
  shape: 'matcher-groups',
  jsonc: true,
  projectDirVariable: 'GEMINI_PROJECT_DIR',
  timeout: { field: 'timeout', value: 10_000 },
  sessionKeys: ['session_id'],
  eventKey: 'hook_event_name',
  common: { cwd: 'cwd' },
  drop: ['session_id', 'hook_event_name', 'transcript_path', 'timestamp'],
  events: [
    { native: 'SessionStart', event: 'session_start' },
    { native: 'SessionEnd', event: 'session_end' },
    { native: 'BeforeAgent', event: 'prompt', fields: { input: 'prompt' } },
    {
      native: 'BeforeTool',
      event: 'tool_call',
      matcher: '*',
      fields: { tool: 'tool_name', input: 'tool_input' },
    },
    {
      native: 'AfterTool',
      event: 'tool_result',
      matcher: '*',
      fields: { tool: 'tool_name', input: 'tool_input', output: 'tool_response' },
    },
    { native: 'AfterAgent', event: 'stop', fields: { output: 'prompt_response' } },
    { native: 'PreCompress', event: 'compaction' },
    { native: 'Notification', event: 'notification', fields: { output: 'message' } },
  ],
  envFileVariables: [],
  userSteps: [
    'Gemini CLI runs hooks only with its hooks system on: /settings → Advanced → Enable Hooks System (tools.enableHooks in settings.json), then restart it.',
  ],
};
