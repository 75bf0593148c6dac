// Cursor: hooks in `.cursor/hooks.json` (version 1). Source: https://cursor.com/docs/hooks
// — every payload has conversation_id (the session), generation_id, model,
// hook_event_name, cursor_version, workspace_roots, user_email, transcript_path;
// project hooks run from the project root. Cursor also runs `.claude/settings.json`
// hooks (https://cursor.com/docs/reference/third-party-hooks): see claude-code.ts.
// An unknown event name makes Cursor ignore the whole file, so only documented ones.
import type { AgentSpec } from './types.js';

export const cursor: AgentSpec = {
  name: 'cursor',
  title: 'Cursor',
  configFile: '.cursor/hooks.json',
  folder: '.cursor',
  shape: 'cursor',
  sessionKeys: ['conversation_id', 'session_id'],
  eventKey: 'hook_event_name',
  common: { model: 'model', cwd: 'cwd', turn_id: 'generation_id' },
  drop: [
    'conversation_id',
    'session_id',
    'hook_event_name',
    'transcript_path',
    'workspace_roots',
    'user_email',
  ],
  events: [
    { native: 'sessionStart', event: 'session_start' },
    { native: 'sessionEnd', event: 'session_end' },
    { native: 'beforeSubmitPrompt', event: 'prompt', fields: { input: 'prompt' } },
    {
      native: 'preToolUse',
      event: 'tool_call',
      fields: { tool: 'tool_name', input: 'tool_input', tool_call_id: 'tool_use_id' },
    },
    {
      native: 'postToolUse',
      event: 'tool_result',
      fields: {
        tool: 'tool_name',
        input: 'tool_input',
        output: 'tool_output',
        tool_call_id: 'tool_use_id',
      },
    },
    {
      native: 'postToolUseFailure',
      event: 'tool_error',
      fields: {
        tool: 'tool_name',
        input: 'tool_input',
        error: 'error_message',
        tool_call_id: 'tool_use_id',
      },
    },
    { native: 'subagentStart', event: 'subagent_start' },
    { native: 'subagentStop', event: 'subagent_stop' },
    { native: 'preCompact', event: 'compaction' },
    { native: 'stop', event: 'stop' },
  ],
  envFileVariables: [],
  userSteps: [],
};
