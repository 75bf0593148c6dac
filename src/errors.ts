/** A mistake in how the command was called; the CLI prints the usage line with it. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** A failure the user can fix; its message says how. */
export class AuditHooksError extends Error {
  override name = 'AuditHooksError';
}
