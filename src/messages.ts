// Every line audit-hooks prints for people lives here: one prefix, and each message
// says what to do next.

export const PREFIX = 'audit-hooks:';

export const USAGE = 'Usage: audit-hooks <command> [options] (see audit-hooks --help)';

export const noCommand = `${PREFIX} no command given`;

export const unknownCommand = (name: string) => `${PREFIX} unknown command \`${name}\``;

export const failed = (message: string) => `${PREFIX} ${message}`;

export const entryNotObject = (what: string) =>
  `the entry must be a JSON object, not ${what}; e.g. '{"event":"run","command":"npm test"}'`;

export const logNeedsEntry =
  'no entry given: pass one JSON object as an argument, or pipe it on stdin';

export const invalidJson = (detail: string) =>
  `the entry is not valid JSON (${detail}); pass one JSON object, e.g. '{"event":"run","command":"npm test"}'`;

export const payloadSessionInvalid = (sessionId: string) =>
  `the payload's session_id ${JSON.stringify(sessionId.slice(0, 80))} cannot name a shard (use 1-64 characters from A-Z a-z 0-9 _ -): pass --session ID, or set AUDIT_HOOKS_SESSION`;

export const optionNeedsValue = (option: string) => `option --${option} needs a value`;

export const lockBusy = (path: string, pid: number | undefined) =>
  `another consolidation${pid === undefined ? '' : ` (pid ${pid})`} holds ${path}; wait for it to finish and run again`;

export const partialLine = 'incomplete last line (its writer stopped mid-write)';

export const tornLine =
  'incomplete line (its writer stopped mid-write); the entry written after it on the same line was kept';

export const claimedNotFolder = (dir: string) =>
  `${dir} is not a folder (a symbolic link?); remove it, then run again`;

export const notUtf8 = 'not valid UTF-8';

export const conflictingId = 'an entry with the same id and other content came first';

export const conflictingHistoryId =
  'the history already holds an entry with this id and other content';

export const corruptPartition = (file: string, line: number, problem: string) =>
  `${file}:${line} is not a valid entry (${problem}); nothing was consolidated: run \`audit-hooks verify --fix\`, then consolidate again`;

export const partitionNotFile = (file: string) =>
  `${file} is not a regular file; move it out of logs/history and run again`;

export const mergeSideInvalid = (file: string, line: number, problem: string) =>
  `cannot merge ${file}: line ${line} is not a valid entry (${problem}); resolve the conflict by hand, then run \`audit-hooks verify --fix\``;

export const consolidated = (entries: number, shards: number, partitions: readonly string[]) =>
  `${PREFIX} consolidated ${entries} ${entries === 1 ? 'entry' : 'entries'} from ${shards} ${shards === 1 ? 'shard' : 'shards'}${partitions.length === 0 ? ' (nothing new)' : ` into ${partitions.join(', ')}`}`;

export const quarantined = (count: number, files: readonly string[]) =>
  `${PREFIX} warning: quarantined ${count} ${count === 1 ? 'line that is' : 'lines that are'} not valid entries into ${files.join(', ')}; inspect and fix them there`;

export const hookDidNotConsolidate = (reason: string) =>
  `${PREFIX} warning: did not consolidate (${reason}); the entries stay in logs/active for the next commit`;

export const configUnparseable = (file: string, where: string, problem: string) =>
  `cannot parse ${file}${where === '' ? '' : `:${where}`} (${problem}); fix it and run install again (nothing was changed)`;

export const configCannotEdit = (file: string, hook: string, snippet: string) =>
  `cannot edit the ${hook} hook in ${file} without changing the rest of it: add ${snippet} by hand`;

export const unknownManager = (name: string) =>
  `unknown hook manager \`${name}\`: use --manager lefthook, husky or git`;

export const lefthookHooksPath = (hooksPath: string) =>
  `core.hooksPath is set to ${hooksPath}, where lefthook refuses to install: use --manager husky (if husky set it) or --manager git, or unset core.hooksPath`;

export const installNotInRepository = (cwd: string, verb: 'install' | 'uninstall') =>
  `not in a git repository: ${cwd}; run \`audit-hooks ${verb}\` in a folder of the repository (or \`git init\` first)`;

export const installHeader = (
  verb: 'install' | 'uninstall',
  manager: string,
  reason: string,
  dryRun: boolean,
) =>
  verb === 'install'
    ? `${PREFIX} ${dryRun ? 'would install' : 'installing'} with ${manager} (${reason})`
    : `${PREFIX} ${dryRun ? 'would uninstall' : 'uninstalling'}`;

export const installFooter = (
  verb: 'install' | 'uninstall',
  changes: number,
  worktrees: number,
  dryRun: boolean,
  files: readonly string[] = [],
) => {
  const where = `${worktrees} ${worktrees === 1 ? 'worktree' : 'worktrees'}`;
  if (changes === 0) {
    return verb === 'install'
      ? `${PREFIX} already installed in ${where}; nothing changed`
      : `${PREFIX} nothing to remove in ${where}; nothing changed`;
  }
  if (dryRun)
    return `${PREFIX} dry run: ${changes} ${changes === 1 ? 'change' : 'changes'} planned, nothing written`;
  const commit =
    files.length === 0
      ? ''
      : `; commit ${files.join(' ')} in each worktree so every clone gets them`;
  return verb === 'install'
    ? `${PREFIX} installed in ${where}${commit}`
    : `${PREFIX} uninstalled from ${where}${commit.replace('gets them', 'loses them')}`;
};

export const verifyClean = (partitions: number, entries: number) =>
  `${PREFIX} history is sound: ${partitions} ${partitions === 1 ? 'partition' : 'partitions'}, ${entries} ${entries === 1 ? 'entry' : 'entries'}`;

export const verifyFound = (count: number) =>
  `${PREFIX} ${count} ${count === 1 ? 'problem' : 'problems'} in logs/history; run \`audit-hooks verify --fix\` to repair ${count === 1 ? 'it' : 'them'}`;

export const verifyFixed = (count: number, files: readonly string[]) =>
  `${PREFIX} fixed ${count} ${count === 1 ? 'problem' : 'problems'}; changed ${files.join(', ')}`;

export const verifyRemaining = (count: number) =>
  `${PREFIX} ${count} ${count === 1 ? 'problem remains' : 'problems remain'} after --fix; inspect logs/history by hand`;

export const unknownRevision = (rev: string) =>
  `unknown revision \`${rev}\`: give a commit git knows (HEAD, a branch, a sha) or a full 40-character sha`;

export const historyWalkFailed = (range: string, detail: string) =>
  `cannot walk the history of ${range} (${detail}); give a range git understands, e.g. main or main~50..main`;

export const historyFinding = (finding: {
  commit: string;
  file: string;
  id: string;
  kind: string;
  fields?: string[];
}) =>
  `${finding.commit.slice(0, 12)} ${finding.file}: entry ${finding.id} ${finding.kind}${finding.fields && finding.fields.length > 0 ? ` (${finding.fields.join(', ')})` : ''}${finding.kind === 'redacted' ? ': a redaction, not tampering' : ''}`;

export const historyClean = (commits: number, redactions: number) =>
  `${PREFIX} the committed trail only grew: ${commits} ${commits === 1 ? 'commit' : 'commits'} checked${redactions > 0 ? `, ${redactions} ${redactions === 1 ? 'redaction' : 'redactions'}` : ''}, nothing removed or altered`;

export const historyTampered = (commits: number, count: number) =>
  `${PREFIX} ${count} committed ${count === 1 ? 'entry was' : 'entries were'} removed or altered (${commits} commits checked); restore them from the commit before`;

export const fixWithHistory =
  '--fix repairs the working history, not commits: run audit-hooks verify --fix and audit-hooks verify --history separately';

export const rangeNeedsHistory =
  'a revision range goes with --history: audit-hooks verify --history main~10..main';

// Reading: tail, follow, status.

export const warning = (message: string) => `${PREFIX} warning: ${message}`;

export const notFollowed = (file: string) =>
  `skipped ${file}: it is a symbolic link, and audit-hooks never follows links out of logs/ (put the real file or folder there instead)`;

export const notRegularFile = (file: string) =>
  `skipped ${file}: it is not a regular file (move it out of logs/)`;

export const unreadable = (file: string, code: string) =>
  `cannot read ${file} (${code}); showing the rest (check its permissions)`;

export const invalidLines = (
  file: string,
  count: number,
  first: { line?: number; problem: string },
  history: boolean,
) =>
  `${file}: skipped ${count} ${count === 1 ? 'line that is not a valid entry' : 'lines that are not valid entries'} (${first.line === undefined ? '' : `line ${first.line}: `}${first.problem}); ${history ? 'run `audit-hooks verify` to find and fix them' : 'the next consolidation moves them to logs/quarantine/'}`;

export const badCount = (value: string) =>
  `-n ${JSON.stringify(value)} is not a number of entries: use a whole number, e.g. -n 20 (0 shows all)`;

export const badSince = (value: string) =>
  `--since ${JSON.stringify(value)} is not a time: use an ISO time (2026-11-24, 2026-11-24T13:00, 2026-11-24T13:00:00Z) or a duration such as 30s, 15m, 2h, 7d, 2w`;

export const lefthookNotRunning = (hooksDir: string) =>
  `lefthook is not installed in ${hooksDir}: run \`audit-hooks install\` again (\`npx audit-hooks install\` in a Node.js project)`;

export const huskyNotRunning = (hooksPath: string | undefined) =>
  hooksPath === undefined
    ? 'core.hooksPath is not set, so git does not run husky’s hooks: run `npx husky` (or `npx audit-hooks install`)'
    : `core.hooksPath is ${hooksPath}, where husky’s hook runner is missing: run \`npx husky\` (or \`npx audit-hooks install\`)`;

export const gitHookNotExecutable =
  'the hook is not executable, so git skips it: run `chmod +x` on it (or `npx audit-hooks install`)';

const count = (n: number, one: string, many: string) =>
  `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

const STATUS_LABEL_WIDTH = 20;

/** One `label  value` row of a worktree's status. */
export const statusRow = (label: string, value: string) =>
  `  ${label.padEnd(STATUS_LABEL_WIDTH)}${value}`;

/** Continuation line under a status row. */
export const statusDetail = (text: string) => `  ${' '.repeat(STATUS_LABEL_WIDTH)}  ${text}`;

export const STATUS_LABELS = {
  hooks: 'hooks',
  shards: 'live shards',
  quarantine: 'quarantine',
  history: 'history',
  last: 'last consolidation',
} as const;

export const statusHeader = (worktrees: number) =>
  `${PREFIX} status of ${count(worktrees, 'worktree', 'worktrees')}`;

export const statusWorktree = (
  path: string,
  branch: string | undefined,
  current: boolean,
  exists: boolean,
) =>
  `${path}${branch === undefined ? ' (detached HEAD)' : ` [${branch}]`}${current ? ' (this worktree)' : ''}${exists ? '' : ' — folder missing: run `git worktree prune` if it was deleted'}`;

const hookSetup = (manager: string, file: string) =>
  manager === 'lefthook' ? `lefthook (post-commit job in ${file})` : `${manager} (${file})`;

export const hooksInstalled = (setups: ReadonlyArray<{ manager: string; file: string }>) =>
  `installed: ${setups.map((setup) => hookSetup(setup.manager, setup.file)).join('; ')}`;

export const hooksNotRunning = (manager: string, file: string, note: string) =>
  `NOT RUNNING: ${hookSetup(manager, file)} is set up, but ${note}`;

export const hooksNotInstalled = 'not installed: run `npx audit-hooks install`';

export const shardsSummary = (shards: number, entries: number, claimed: number) =>
  shards === 0
    ? 'none'
    : `${count(shards, 'shard', 'shards')}, ${count(entries, 'entry', 'entries')}${claimed === 0 ? '' : ` (${count(claimed, 'shard', 'shards')} being consolidated right now)`}`;

export const shardDetail = (file: string, entries: number, width: number) =>
  `${file.padEnd(width)}  ${count(entries, 'entry', 'entries')}`;

export const moreShards = (more: number) => `… and ${count(more, 'more shard', 'more shards')}`;

export const quarantineSummary = (files: number, lines: number) =>
  lines === 0
    ? 'none'
    : `${count(lines, 'line', 'lines')} in ${count(files, 'file', 'files')} under logs/quarantine/: inspect those files, then fix or delete them`;

export const historySummary = (
  partitions: number,
  entries: number,
  bytes: number,
  firstDay: string | undefined,
  lastDay: string | undefined,
) =>
  partitions === 0
    ? 'empty (nothing consolidated yet)'
    : `${count(entries, 'entry', 'entries')} in ${count(partitions, 'partition', 'partitions')} (${firstDay === lastDay ? firstDay : `${firstDay} … ${lastDay}`}), ${megabytes(bytes)}`;

const megabytes = (bytes: number) =>
  bytes < 1e6 ? `${(bytes / 1e3).toFixed(1)} kB` : `${(bytes / 1e6).toFixed(1)} MB`;

export const lastConsolidation = (when: string | undefined, ago: string) =>
  when === undefined ? 'never' : `${when} (${ago})`;

export const ago = (ms: number) => {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return 'just now';
  const m = Math.round(s / 60);
  if (m < 60) return `${count(m, 'minute', 'minutes')} ago`;
  const h = Math.round(m / 60);
  if (h < 48) return `${count(h, 'hour', 'hours')} ago`;
  return `${count(Math.round(h / 24), 'day', 'days')} ago`;
};

export const showHeader = (commit: string, count: number) =>
  `${PREFIX} ${count} ${count === 1 ? 'entry' : 'entries'} consolidated by commit ${commit}`;

export const redactConfigInvalid = (file: string, problem: string) =>
  `invalid redaction config in ${file}: ${problem}; fix it and run again (see "Redaction" in the README)`;

export const scanClean = (files: number, entries: number, where: string) =>
  `${PREFIX} no secrets found in ${where} (${files} ${files === 1 ? 'partition' : 'partitions'}, ${entries} ${entries === 1 ? 'entry' : 'entries'})`;

export const scanFound = (count: number, lines: number, where: string) =>
  `${PREFIX} ${count} ${count === 1 ? 'secret' : 'secrets'} on ${lines} ${lines === 1 ? 'line' : 'lines'} of ${where}: rotate ${count === 1 ? 'it' : 'them'} first (earlier commits keep ${count === 1 ? 'it' : 'them'}), then run \`audit-hooks verify --fix\` to redact the files and commit`;

export const commitWithFollow =
  '--commit cannot be combined with --follow: a commit’s entries are already all there';

export const notUtf8Input =
  'the entry is not valid UTF-8; pass UTF-8 text (nothing was logged, so nothing was turned into U+FFFD)';

export const unknownAgent = (name: string) =>
  `unknown agent \`${name}\`: use claude-code, codex, gemini, cursor or copilot`;

export const hookNotLogged = (
  agent: string | undefined,
  event: string | undefined,
  reason: string,
) =>
  `${PREFIX} warning: did not log ${agent === undefined ? 'the' : `the ${agent}`}${event === undefined ? '' : ` ${event}`} hook call (${reason}); kept for audit-hooks status`;

export const hookTimedOut = (seconds: number) =>
  `no hook payload on stdin after ${seconds} s (the tool must pipe it and close stdin)`;

export const budgetDefaults = (problem: string) =>
  `${PREFIX} warning: ${problem}; logged with the default size budget`;

export const budgetConfigInvalid = (file: string, problem: string) =>
  `invalid ${file}: ${problem}; fix the "budget" section (see the README, Size budget)`;

export const agentStepsHeader = `${PREFIX} to do by hand, for the agents' hooks to run:`;
