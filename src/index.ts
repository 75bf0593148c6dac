// The library: everything the CLI does, as functions that return results or throw.

export { type CommitEventOptions, recordCommitEvent } from './agents/commit-event.js';
export { AGENTS, type AgentSpec, agentNamed, EVENTS, type EventName } from './agents/index.js';
export { normalizePayload } from './agents/normalize.js';
export { exportSession } from './agents/session-env.js';
export {
  type ConsolidateOptions,
  type ConsolidateResult,
  consolidate,
  type QuarantinedLine,
} from './history/consolidate.js';
export { mergeHistory } from './history/merge.js';
export { commitRecords, resolveCommit, showCommit } from './history/show.js';
export {
  type Finding,
  type VerifyOptions,
  type VerifyResult,
  verify,
} from './history/verify.js';
export {
  type HistoryCheck,
  type HistoryFinding,
  verifyHistory,
} from './history/verify-history.js';
export { applyBudget, type Budget, DEFAULT_BUDGET, type Trim } from './hooks/budget.js';
export { loadBudget } from './hooks/budget-config.js';
export {
  type HookFailure,
  type HookFailures,
  hookFailures,
  recordHookFailure,
} from './hooks/hook-failures.js';
export {
  AGENT_NAMES,
  agentHookCommand,
  agentStatus,
  agentUserSteps,
  planAgentInstall,
  planAgentUninstall,
  resolveAgents,
} from './install/agents.js';
export {
  type Action,
  type InstallOptions,
  type InstallResult,
  install,
  type Manager,
  uninstall,
} from './install/install.js';
export {
  type EntryHandler,
  type FollowOptions,
  follow,
} from './read/follow.js';
export type { ReadWarning, WarningHandler } from './read/read-warning.js';
export {
  type HookSetup,
  type ShardStatus,
  type StatusOptions,
  type StatusResult,
  status,
  type WorktreeStatus,
} from './read/status.js';
export { type TailOptions, tail } from './read/tail.js';
export {
  CONFIG_FILE,
  compileRedactConfig,
  loadRedactionRules,
  type RedactConfig,
} from './redact/config.js';
export {
  applyRedaction,
  DEFAULT_REDACTION_RULES,
  type Redaction,
  type RedactionFinding,
  type RedactionRules,
  redactEntry,
} from './redact/redact.js';
export { findSecretsInLine, type LineRedaction, redactLine } from './redact/redact-line.js';
export {
  findSecrets,
  type ScanFinding,
  type ScanOptions,
  type ScanResult,
  scanHistory,
} from './redact/scan.js';
export * from './writer/index.js';
