// OpenAI Codex: hooks in `.codex/hooks.json`. Sources: https://developers.openai.com/codex/hooks
// (events, trust), openai/codex codex-rs/hooks/schema/generated/*.command.input.schema.json
// (payloads: session_id, turn_id, transcript_path, cwd, model, permission_mode,
// tool_name, tool_input, tool_use_id, tool_response, prompt, last_assistant_message),
// codex-rs/hooks/src/events/session_start_env_file.rs (CODEX_ENV_FILE, CLAUDE_ENV_FILE).
// Commands run with the session's cwd as their folder (SchemaStore codex-hooks.json).
import type { AgentSpec } from './types.js';

export const codex: AgentSpec = {
  name: 'codex',
  title: 'Codex',
  configFile: '.codex/hooks.json',
  folder: '.codex',
  shape: 'matcher-groups',
  timeout: { field: 'timeout', value: 10 },
  sessionKeys: ['session_id'],
  eventKey: 'hook_event_name',
  common: { model: 'model', cwd: 'cwd', turn_id: 'turn_id' },
  drop: ['session_id', 'hook_event_name', 'transcript_path'],
  events: [
    { native: 'SessionStart', event: 'session_start' },
    { native: 'UserPromptSubmit', event: 'prompt', fields: { input: 'prompt' } },
    {
      native: 'PreToolUse',
      event: 'tool_call',
      matcher: '*',
      fields: { tool: 'tool_name', input: 'tool_input', tool_call_id: 'tool_use_id' },
    },
    {
      native: 'PermissionRequest',
      event: 'permission_request',
      matcher: '*',
      fields: { tool: 'tool_name', input: 'tool_input' },
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
    { native: 'PreCompact', event: 'compaction' },
    { native: 'SubagentStart', event: 'subagent_start' },
    {
      native: 'SubagentStop',
      event: 'subagent_stop',
      fields: { output: 'last_assistant_message' },
    },
    { native: 'Stop', event: 'stop', fields: { output: 'last_assistant_message' } },
  ],
  envFileVariables: ['CODEX_ENV_FILE', 'CLAUDE_ENV_FILE'],
  userSteps: [
    'Codex runs project hooks only in a trusted project, and only hooks you have reviewed: trust this folder when Codex asks (or add [projects.{root}] trust_level = "trusted" to ~/.codex/config.toml), then open /hooks in Codex and trust the audit-hooks entries (again after any change to them).',
    'Codex before 0.124 needs hooks switched on: [features] hooks = true (older: codex_hooks = true) in ~/.codex/config.toml.',
  ],
};
