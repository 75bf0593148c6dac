// Commits know their session (SPEC §15): a `git commit` made with AUDIT_HOOKS_SESSION set
// (exported by the agent's session-start hook) adds a `commit` event to that session's
// trail. The post-commit hook step calls this; it reads HEAD with git, as the hook sees it.
import { execFileSync } from 'node:child_process';
import { AuditLog, detectRepoRoot, type Entry } from '../writer/index.js';

/** Options of {@link recordCommitEvent}. */
export interface CommitEventOptions {
  /** A folder of the worktree the commit was made in. */
  cwd?: string;
  /** The session to record it in (AUDIT_HOOKS_SESSION); must be a valid session id. */
  sessionId: string;
  /** The agent of that session (AUDIT_HOOKS_AGENT), when known. */
  agent?: string | undefined;
}

/** Logs `{ event: "commit", sha, branch, subject }` for HEAD into the session's shard. */
export function recordCommitEvent(options: CommitEventOptions): Entry {
  const cwd = options.cwd ?? process.cwd();
  const git = (args: string[]) =>
    execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  const [sha = '', subject = ''] = git(['log', '-1', '--format=%H%x00%s', 'HEAD'])
    .replace(/\n$/, '')
    .split('\0');
  let branch: string | null = null;
  try {
    branch = git(['symbolic-ref', '--short', '-q', 'HEAD']).trim() || null;
  } catch {
    // Detached HEAD: no branch.
  }
  const writer = new AuditLog({ repoRoot: detectRepoRoot(cwd), sessionId: options.sessionId });
  try {
    return writer.log({
      ...(options.agent === undefined ? {} : { agent: options.agent }),
      event: 'commit',
      sha,
      branch,
      subject,
    });
  } finally {
    writer.close();
  }
}
