export {
  ACTIVE_DIR,
  AuditLog,
  type AuditLogOptions,
  assertSessionId,
  detectRepoRoot,
  type Entry,
  gitEnvironment,
  isIsoTimestamp,
  MAX_LINE_BYTES,
  newSessionId,
  SESSION_ID_PATTERN,
  SHARD_NAME_PATTERN,
} from './audit-log.js';
