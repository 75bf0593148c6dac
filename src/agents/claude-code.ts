// Claude Code: hooks in `.claude/settings.json` (merged with the user's settings).
// Source: Claude Code hooks reference, https://code.claude.com/docs/en/hooks — every
// payload has session_id, transcript_path, cwd, permission_mode, hook_event_name; hooks
// get CLAUDE_PROJECT_DIR, and SessionStart hooks CLAUDE_ENV_FILE, whose `export` lines
// Claude Code applies to the Bash commands it runs afterwards.
import type { AgentSpec } from './types.js';

export const claudeCode: AgentSpec = {
  name: 'claude-code',
  title: 'Claude Code',
  configFile: '.claude/settings.json',
  folder: '.claude',
  shape: 'matcher-groups',
  projectDirVariable: 'CLAUDE_PROJECT_DIR',
  timeout: { field: 'timeout', value: 10 },
  sessionKeys: ['session_id'],
  eventKey: 'hook_event_name',
  common: { model: 'model', cwd: 'cwd' },
  drop: ['session_id', 'hook_event_name', 'transcript_path', 'agent_transcript_path'],
  events: [
    { native: 'SessionStart', event: 'session_start' },
    { native: 'SessionEnd', event: 'session_end' },
    { native: 'UserPromptSubmit', event: 'prompt', fields: { input: 'prompt' } },
    {
      native: 'PreToolUse',
      event: 'tool_call',
      matcher: '*',
      fields: { tool: 'tool_name', input: 'tool_input', tool_call_id: 'tool_use_id' },
    },
    {
      native: 'PostToolUse',
      event: 'tool_result',
      matcher: '*',
      fields: {
        tool: 'tool_name',
        input: 'tool_input',
        output: 'tool_response',
        tool_call_id: 'tool_use_id',
      },
    },
    {
      native: 'PostToolUseFailure',
      event: 'tool_error',
      matcher: '*',
      fields: {
        tool: 'tool_name',
        input: 'tool_input',
        error: 'error',
        tool_call_id: 'tool_use_id',
      },
    },
    {
      native: 'PermissionRequest',
      event: 'permission_request',
      matcher: '*',
      fields: { tool: 'tool_name', input: 'tool_input', tool_call_id: 'tool_use_id' },
    },
    { native: 'Notification', event: 'notification', fields: { output: 'message' } },
    { native: 'Stop', event: 'stop', fields: { output: 'last_assistant_message' } },
    { native: 'SubagentStart', event: 'subagent_start' },
    {
      native: 'SubagentStop',
      event: 'subagent_stop',
      fields: { output: 'last_assistant_message' },
    },
    { native: 'PreCompact', event: 'compaction' },
  ],
  envFileVariables: ['CLAUDE_ENV_FILE'],
  // Cursor runs the hooks of .claude/settings.json too (cursor.com/docs/reference/third-party-hooks)
  // and sets CURSOR_VERSION for the hooks it runs; its payloads carry cursor_version.
  alsoRunBy: { agent: 'cursor', env: 'CURSOR_VERSION', payloadKey: 'cursor_version' },
  userSteps: [],
};
