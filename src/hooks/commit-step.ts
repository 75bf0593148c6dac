// The commit steps git hooks run (`audit-hooks hook pre-commit|post-commit`), loaded by the
// bin without the CLI: this is the code every commit pays for. It never fails the commit
// (SPEC §5.6): every failure is one warning line on stderr, exit 0, and the entries stay
// in logs/active/ for the next run.
import type { Writable } from 'node:stream';
import { aliasOf } from '../git/git.js';
import {
  type ConsolidateResult,
  consolidate,
  MODES,
  type Mode,
  type Step,
} from '../history/consolidate.js';
import * as messages from '../messages.js';

/** Options of {@link commitStep}. */
export interface CommitStepOptions {
  step: Exclude<Step, 'manual'>;
  mode: Mode;
  cwd: string;
  env: NodeJS.ProcessEnv;
  stdout: Writable;
  stderr: Writable;
}

export const STEPS: readonly string[] = ['pre-commit', 'post-commit'];

/** Parses `hook <step> [--mode <mode>]`; `undefined` when the arguments are not that. */
export function parseStepArgs(
  args: readonly string[],
): { step: Exclude<Step, 'manual'>; mode: Mode } | undefined {
  const [step, ...rest] = args;
  if (step === undefined || !STEPS.includes(step)) return undefined;
  let mode: Mode = 'in-commit';
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i] as string;
    const value =
      arg === '--mode' ? rest[++i] : arg.startsWith('--mode=') ? arg.slice(7) : undefined;
    if (value === undefined || !MODES.includes(value as Mode)) return undefined;
    mode = value as Mode;
  }
  return { step: step as Exclude<Step, 'manual'>, mode };
}

/** Runs one commit step; always resolves to 0. */
export async function commitStep(options: CommitStepOptions): Promise<number> {
  messages.setHintFolder(options.cwd, aliasOf);
  let skipped: string | undefined;
  try {
    const result = await consolidate({
      cwd: options.cwd,
      hook: true,
      step: options.step,
      mode: options.mode,
      env: options.env,
      requireMarker: options.step === 'post-commit' && options.mode === 'post-commit',
    });
    skipped = result.skipped;
    report(result, options);
  } catch (error) {
    warn(
      options,
      messages.hookDidNotConsolidate((error as Error).message.split('\n')[0] ?? ''),
      error,
    );
  }
  if (options.step === 'post-commit' && !isOperation(skipped)) await recordCommit(options);
  return 0;
}

// A rebase, merge, cherry-pick or revert makes commits an agent did not make one by one.
function isOperation(skipped: string | undefined): boolean {
  return skipped !== undefined && skipped !== 'no-verify' && skipped !== 'nothing to commit';
}

/**
 * A session that exported AUDIT_HOOKS_SESSION (an agent's session start does, SPEC §15)
 * gets a `commit` event for each commit made from it: sha, branch, subject.
 */
async function recordCommit(options: CommitStepOptions): Promise<void> {
  const sessionId = options.env.AUDIT_HOOKS_SESSION;
  if (!sessionId) return;
  try {
    const { SESSION_ID_PATTERN } = await import('../writer/index.js');
    if (!SESSION_ID_PATTERN.test(sessionId)) {
      warn(options, messages.badSessionVariable(sessionId));
      return;
    }
    const { recordCommitEvent } = await import('../agents/commit-event.js');
    const agent = options.env.AUDIT_HOOKS_AGENT;
    recordCommitEvent({ cwd: options.cwd, sessionId, ...(agent ? { agent } : {}) });
  } catch (error) {
    warn(options, messages.commitNotRecorded((error as Error).message.split('\n')[0] ?? ''), error);
  }
}

function warn(options: CommitStepOptions, message: string, error?: unknown): void {
  options.stderr.write(`${message}\n`);
  if (error !== undefined && (options.env.DEBUG ?? '').split(',').includes('audit-hooks')) {
    options.stderr.write(`${(error as Error).stack ?? message}\n`);
  }
}

/** What a step prints: one line when it did something, warnings on stderr, else nothing. */
export function report(
  result: ConsolidateResult,
  out: { stdout: Writable; stderr: Writable },
): void {
  for (const warning of result.warnings) out.stderr.write(`${messages.warning(warning)}\n`);
  if (result.entries > 0 || result.batches.length > 0 || result.shards > 0) {
    const made = new Set(result.batches);
    const earlier = result.staged.filter((file) => !made.has(file)).length;
    out.stdout.write(
      `${messages.consolidated(result.entries, result.sessions.length, result.batches, result.staged.length > 0, result.duplicates)}${earlier > 0 ? messages.alsoRestaged(earlier) : ''}\n`,
    );
  } else if (result.staged.length > 0) {
    out.stdout.write(`${messages.restaged(result.staged.length)}\n`);
  }
  const lines = result.quarantined.reduce((sum, item) => sum + item.lines, 0);
  if (lines > 0) {
    out.stderr.write(
      `${messages.quarantined(
        lines,
        result.quarantined.map((item) => item.file),
      )}\n`,
    );
  }
}
