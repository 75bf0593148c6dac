// What an agent integration is, as data: where the tool reads its hooks, which of its
// events audit-hooks listens to and what each is called in the common vocabulary, and
// which payload fields become which entry fields. Adding a tool is one such module.

/** One vocabulary for every tool: the same kind of moment has the same name (SPEC §15). */
export const EVENTS = [
  'session_start',
  'session_end',
  'prompt',
  'tool_call',
  'tool_result',
  'tool_error',
  'permission_request',
  'notification',
  'stop',
  'subagent_start',
  'subagent_stop',
  'compaction',
  'error',
  'commit',
  /** A native event this integration does not know (yet); `native_event` says which. */
  'other',
] as const;

export type EventName = (typeof EVENTS)[number];

/** The common fields a payload field can become. */
export type CommonField =
  | 'tool'
  | 'input'
  | 'output'
  | 'error'
  | 'model'
  | 'cwd'
  | 'tool_call_id'
  | 'turn_id';

/** One native event the integration listens to. */
export interface AgentEvent {
  /** The tool's own name, as the key in its hook configuration. */
  native: string;
  /** Its name in the common vocabulary. */
  event: EventName;
  /** The configuration's matcher, for tools whose events take one (`*` = every tool). */
  matcher?: string;
  /** Payload field → common field, for this event (on top of the agent's `common`). */
  fields?: Partial<Record<CommonField, string>>;
}

/** How the tool's hook configuration file is shaped. */
export type ConfigShape =
  /** `{ "hooks": { Event: [ { "matcher"?, "hooks": [ { "type": "command", "command" } ] } ] } }` */
  | 'matcher-groups'
  /** `{ "version": 1, "hooks": { event: [ { "command" } ] } }` */
  | 'cursor'
  /** `{ "version": 1, "hooks": { event: [ { "type": "command", "bash", "cwd" } ] } }`, a file of its own */
  | 'copilot';

/** One coding agent's integration. */
export interface AgentSpec {
  /** The `--agent` name. */
  name: string;
  /** How people call it. */
  title: string;
  /** Its project hook configuration, relative to the worktree root. */
  configFile: string;
  /** The folder whose presence makes `--agent all` pick this tool. */
  folder: string;
  shape: ConfigShape;
  /** The configuration may hold comments (JSONC). */
  jsonc?: boolean;
  /** The variable the tool sets to the project folder, for the hook command to `cd` into. */
  projectDirVariable?: string;
  /** Per-hook timeout written into the configuration, in the unit the tool expects. */
  timeout?: { field: string; value: number };
  /** The configured command names the event (the payload does not). */
  eventInCommand?: boolean;
  /** Payload fields that hold the tool's session id, first found wins. */
  sessionKeys: string[];
  /** Payload field holding the native event name, when the payload carries one. */
  eventKey?: string;
  /** Payload field → common field, for every event. */
  common: Partial<Record<CommonField, string>>;
  /** Payload fields that are not recorded (local absolute paths, what is already mapped). */
  drop: string[];
  /** Payload fields holding JSON encoded as a string (decoded when it parses). */
  jsonStrings?: string[];
  events: AgentEvent[];
  /** Variables naming a file the session-start hook can append `export X=…` lines to. */
  envFileVariables: string[];
  /**
   * Another tool that runs this tool's hooks too (Cursor runs `.claude/settings.json`),
   * recognised by an environment variable or a payload field. Such a call is recorded once:
   * skipped when that tool's own integration is installed, else recorded as that tool.
   */
  alsoRunBy?: { agent: string; env?: string; payloadKey?: string };
  /** What the user must do by hand for the hooks to run; `install` prints it (`{root}`: the worktree). */
  userSteps: string[];
}
