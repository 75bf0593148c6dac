// Every line audit-hooks prints for people lives here: one prefix, and each message
// says what to do next.

export const PREFIX = 'audit-hooks:';

let hintCwd: string | undefined;
let aliasOf: ((cwd: string) => string | undefined) | undefined;
let runner: string | undefined;

/**
 * Where hints are printed for, and how to read the repository's `alias.audit-hooks` (the
 * CLI and the commit steps pass git; `log`'s short path starts no git and passes nothing).
 */
export function setHintFolder(cwd: string, alias: (cwd: string) => string | undefined): void {
  hintCwd = cwd;
  aliasOf = alias;
  runner = undefined;
}

/** Hints spell commands with `runner` from here on (uninstall: the alias is going away). */
export function setHintRunner(text: string): void {
  runner = text;
}

/** True for an alias audit-hooks wrote (any version: each finds audit-hooks the same way). */
export function isAuditHooksAlias(value: string | undefined): boolean {
  return value?.includes('node_modules/.bin/audit-hooks') === true;
}

/**
 * An audit-hooks command as a hint spells it: `git audit-hooks …` where install set the
 * alias (it works in every folder of every worktree, with or without node_modules), else
 * `audit-hooks …`. Asked of git once, and only when a hint is printed.
 */
export function cmd(args: string): string {
  if (runner === undefined) {
    let alias: string | undefined;
    try {
      alias = aliasOf?.(hintCwd ?? process.cwd());
    } catch {
      alias = undefined;
    }
    runner = isAuditHooksAlias(alias) ? 'git audit-hooks' : 'audit-hooks';
  }
  return `${runner} ${args}`;
}

export const USAGE = 'Usage: audit-hooks <command> [options] (see audit-hooks --help)';

export const noCommand = `${PREFIX} no command given`;

export const unknownCommand = (name: string) => `${PREFIX} unknown command \`${name}\``;

/**
 * One error line. The writer's messages keep their sentence case: SPEC §4 fixes "Not in a
 * git repository", which scripts match.
 */
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

export const notUtf8 = 'not valid UTF-8';

export const conflictingId = 'an entry with the same id and other content came first';

export const conflictingHistoryId =
  'the history already holds an entry with this id and other content';

export const mergeSideInvalid = (file: string, line: number, problem: string) =>
  `cannot merge ${file}: line ${line} is not a valid entry (${problem}); resolve the conflict by hand, then run \`${cmd('verify --fix')}\``;

/**
 * `1,234,567`: thousands grouped as `toLocaleString('en-US')` does, without its first call
 * (~20 ms to load the locale data, on every commit that consolidates).
 */
function grouped(n: number): string {
  return Number.isInteger(n)
    ? String(n).replace(/\B(?=(\d{3})+$)/g, ',')
    : n.toLocaleString('en-US');
}

/** One line per consolidation: how many entries from how many sessions, into which files. */
export const consolidated = (
  entries: number,
  sessions: number,
  batches: readonly string[],
  staged: boolean,
  duplicates = 0,
) => {
  const into =
    batches.length > 0
      ? ` → ${batches[0]}${batches.length > 1 ? ` and ${batches.length - 1} more` : ''}`
      : duplicates > 0
        ? ` (${duplicates === 1 ? 'a copy' : 'all copies'} of entries already consolidated)`
        : ' (nothing new)';
  return `${PREFIX} ${grouped(entries)} ${entries === 1 ? 'entry' : 'entries'} from ${sessions} ${sessions === 1 ? 'session' : 'sessions'}${into}${staged && batches.length > 0 ? ' (staged)' : ''}`;
};

/** Said after {@link consolidated} when earlier batch files were staged with the new ones. */
export const alsoRestaged = (files: number) =>
  `, with ${files} ${files === 1 ? 'batch file' : 'batch files'} of an earlier consolidation`;

/** The trail of an earlier, aborted commit, staged into this one. */
export const restaged = (files: number) =>
  `${PREFIX} staged ${files} ${files === 1 ? 'batch file' : 'batch files'} of an earlier consolidation into this commit`;

export const quarantined = (count: number, files: readonly string[]) =>
  `${PREFIX} warning: quarantined ${count} ${count === 1 ? 'line that is not a valid entry' : 'lines that are not valid entries'} into ${files.join(', ')}; to keep one, fix it and run \`${cmd("log '<fixed line>'")}\` (its id and timestamp stay)`;

export const hookDidNotConsolidate = (reason: string) =>
  `${PREFIX} warning: did not consolidate (${reason}); the entries stay in logs/active for the next commit`;

export const unknownStep = (step: string, mode: string | undefined) =>
  `unknown commit step \`${step}${mode === undefined ? '' : ` --mode ${mode}`}\`: use \`hook pre-commit\` or \`hook post-commit\`, with --mode in-commit (default) or post-commit`;

export const badSessionVariable = (value: string) =>
  `${PREFIX} warning: AUDIT_HOOKS_SESSION=${JSON.stringify(value.slice(0, 80))} cannot name a session (use 1-64 characters from A-Z a-z 0-9 _ -): the commit was not recorded in it`;

export const commitNotRecorded = (reason: string) =>
  `${PREFIX} warning: the commit was not recorded in the session of AUDIT_HOOKS_SESSION (${reason})`;

export const damagedClaimSet = (dir: string, problem: string) =>
  `${dir}/manifest.json cannot be read (${problem}): that claim set is left alone, the others go on; move its *.jsonl files back to logs/active and delete the folder to consolidate them again`;

export const notAFolder = (path: string) =>
  `${path} is a symbolic link or a file where audit-hooks keeps a folder; replace it with a real folder (audit-hooks never follows links out of the worktree)`;

export const shardNotRegular =
  'not a regular file (a link, a folder or a FIFO): left alone; move it out of logs/active';

export const shardNotClaimed = (code: string) =>
  `could not be claimed (${code}): left in logs/active for the next run; check its name and permissions`;

export const shardUnreadable = (code: string) =>
  `could not be read (${code}): given back to logs/active under a new name, the other shards were consolidated; check its permissions`;

export const shardMovedToQuarantine = (code: string) =>
  `could not be read (${code}) nor given back to logs/active: moved to logs/quarantine/ as it is; check its permissions`;

export const shardLeftInClaim = (code: string) =>
  `a claimed shard could not be read (${code}), nor moved back to logs/active or to logs/quarantine; its claim set in logs/active/.claimed waits, untouched: fix its permissions`;

export const batchNameTaken = (path: string) =>
  `${path} already exists with other content (was it edited?); the batch stays in logs/active/.claimed: run \`${cmd('verify')}\``;

export const configUnparseable = (file: string, where: string, problem: string) =>
  `cannot parse ${file}${where === '' ? '' : `:${where}`} (${problem}); fix it and run install again (nothing was changed)`;

export const otherConfigUnparseable =
  'cannot be parsed, so lefthook fails in this worktree until its branch fixes it (the audit-hooks jobs are in its lefthook-local.yml)';

export const configCannotEdit = (file: string, hook: string, snippet: string) =>
  `cannot edit the ${hook} hook in ${file} without changing the rest of it: add ${snippet} by hand`;

type IgnoreRule = { source: string; line: string; pattern: string };

export const ignoredInCommitMode = (rule: IgnoreRule) =>
  `logs/history is ignored by ${rule.source}:${rule.line} (${rule.pattern}); that is fine in in-commit mode: the pre-commit step stages each batch file with git add -f`;

export const ignoredCannotFix = (rule: IgnoreRule) =>
  `logs/history is ignored by ${rule.source}:${rule.line} (${rule.pattern}), which a rule in the root .gitignore cannot override: remove that line, or install in in-commit mode (the default), which stages the trail with git add -f`;

export const ignoredUnignored = (rule: IgnoreRule, rules: readonly string[]) =>
  `logs/history is ignored by ${rule.source}:${rule.line} (${rule.pattern}): the root .gitignore gets ${rules.join(' ')} so that the batch files can be committed`;

export const ignoredElsewhere = (worktree: string, rule: IgnoreRule) =>
  `${worktree}: logs/history is ignored there by ${rule.source}:${rule.line} (${rule.pattern}) until its branch has the new .gitignore rules: its trail is written after each commit but git add leaves it out until then (merge them in, or git add -f logs/history)`;

export const hooksFolderNotCommitted = (worktree: string, folder: string) =>
  `${worktree}: its hooks run the audit-hooks steps now, but git will not merge a branch that commits ${folder}/ over these uncommitted copies: commit them there too, or first take them back (git checkout -- ${folder} && git clean -fq -- ${folder})`;

export const aliasTaken = (key: string) =>
  `git config ${key} is set to something else: left alone (run audit-hooks through node_modules/.bin, or a global install)`;

export const lefthookMissing =
  'lefthook is not installed for this repository: add it (npm i -D lefthook, or install it globally) and run install again, or use --manager git (plain git hooks need nothing else)';

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
  mode: string,
  modeReason: string,
  dryRun: boolean,
) =>
  verb === 'install'
    ? `${PREFIX} ${dryRun ? 'would install' : 'installing'} with ${manager} (${reason}), ${mode} mode (${modeReason}): ${mode === 'in-commit' ? 'each commit carries the trail that led up to it' : 'the trail of each commit is written after it, and committed with the next one'}`
    : `${PREFIX} ${dryRun ? 'would uninstall' : 'uninstalling'}`;

export const unknownMode = (mode: string) =>
  `unknown mode \`${mode}\`: use --mode in-commit (the default: the trail rides in its own commit) or --mode post-commit`;

export const entriesWaiting = (worktree: string, shards: number, sets: number) =>
  `${worktree}: ${shards} ${shards === 1 ? 'shard' : 'shards'} and ${sets} ${sets === 1 ? 'claim set' : 'claim sets'} are still waiting in logs/active (not committed): to commit them, run \`${cmd('consolidate')}\`, \`git add -f logs/history\` and \`git commit\` there; or keep them`;

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
      : `; commit ${files.join(' ')} (here; other worktrees get them when they merge) so every clone gets them`;
  return verb === 'install'
    ? `${PREFIX} installed in ${where}${commit}`
    : `${PREFIX} uninstalled from ${where}${commit.replace('gets them', 'loses them')}`;
};

export const verifyClean = (files: number, entries: number) =>
  `${PREFIX} history is sound: ${files} ${files === 1 ? 'file' : 'files'}, ${entries} ${entries === 1 ? 'entry' : 'entries'}`;

export const strayTempFile =
  'stray temp file left by an interrupted v1 write (verify --fix deletes it)';

export const historyNotRegular = (file: string) =>
  `${file} is not a regular file (a symbolic link?); readers skip it: put the real file there, or remove it`;

export const sameEntryTwice = (id: string, at: string) =>
  `the same entry ${id} is also at ${at} (readers keep one; not a problem)`;

export const idWithOtherContent = (id: string, at: string) =>
  `id ${id} is also at ${at} with other content`;

export const batchAdvice = (files: readonly string[]) =>
  `batch files never change once written, so --fix does not rewrite ${files.length === 1 ? files[0] : `${files.length} of them`}: \`git checkout -- ${files[0]}\` undoes a change not yet committed; for a committed one, \`${cmd('verify --history')}\` names the commit and the \`git checkout <commit>~1 -- ${files[0]}\` that restores it`;

export const batchEditedSinceWritten =
  'edited after it was written: a batch file is named after the sha-256 of its bytes, and these bytes no longer match';

export const batchNameWrongFromStart =
  'its name does not match its bytes, and never did since it was committed: audit-hooks did not write it (a batch file is named after the sha-256 of its bytes)';

export const batchRedactedSinceWritten =
  'redacted after it was written (its name no longer matches its bytes; the redaction markers say why)';

export const verifyFound = (count: number, fixable: number) =>
  `${PREFIX} ${count} ${count === 1 ? 'problem' : 'problems'} in logs/history${fixable === 0 ? '' : fixable === count ? `; run \`${cmd('verify --fix')}\` to repair ${count === 1 ? 'it' : 'them'}` : `; \`${cmd('verify --fix')}\` repairs ${fixable} of them`}`;

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
  id?: string;
  kind: string;
  fields?: string[];
  to?: string;
}) => {
  const where = `${finding.commit.slice(0, 12)} ${finding.file}`;
  if (finding.id === undefined) {
    const what =
      finding.kind === 'renamed'
        ? `batch file renamed${finding.to ? ` to ${finding.to}` : ''}`
        : finding.kind === 'redacted'
          ? 'batch file redacted: a redaction, not tampering'
          : `batch file ${finding.kind}${finding.to ? ` (now ${finding.to})` : ''}: batch files are never changed once committed`;
    return `${where}: ${what}`;
  }
  return `${where}: entry ${finding.id} ${finding.kind}${finding.fields && finding.fields.length > 0 ? ` (${finding.fields.join(', ')})` : ''}${finding.kind === 'redacted' ? ': a redaction, not tampering' : ''}`;
};

export const historyMissing = (entry: { id: string; file: string; commit: string; kind: string }) =>
  `tip: entry ${entry.id} ${entry.kind === 'missing' ? 'is missing' : 'is altered'} (committed in ${entry.file}; first taken away by ${entry.commit.slice(0, 12)}: \`git checkout ${entry.commit.slice(0, 12)}~1 -- ${entry.file}\` restores the file as it was)`;

export const historyClean = (commits: number, redactions: number, changes: number) =>
  `${PREFIX} the committed trail only grew: ${commits} ${commits === 1 ? 'commit' : 'commits'} checked${redactions > 0 ? `, ${redactions} ${redactions === 1 ? 'redaction' : 'redactions'}` : ''}${changes > 0 ? `, ${changes} ${changes === 1 ? 'change' : 'changes'} listed above, all undone or harmless: every entry ever committed is at the tip` : ', nothing removed or altered'}`;

export const historyTampered = (commits: number, count: number) =>
  `${PREFIX} ${count} committed ${count === 1 ? 'entry is' : 'entries are'} missing or altered at the tip (${commits} commits checked); restore ${count === 1 ? 'it' : 'them'} as each line above says, and commit`;

export const historyShallow = `${PREFIX} note: this clone is shallow, so only the commits it has were checked (git fetch --unshallow checks all)`;

export const fixWithHistory = () =>
  `--fix repairs the working history, not commits: run ${cmd('verify --fix')} and ${cmd('verify --history')} separately`;

export const rangeNeedsHistory = () =>
  `a revision range goes with --history: ${cmd('verify --history main~10..main')}`;

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
  `${file}: skipped ${count} ${count === 1 ? 'line that is not a valid entry' : 'lines that are not valid entries'} (${first.line === undefined ? '' : `line ${first.line}: `}${first.problem}); ${history ? `run \`${cmd('verify')}\` to find and fix them` : 'the next consolidation moves them to logs/quarantine/'}`;

export const badCount = (value: string) =>
  `-n ${JSON.stringify(value)} is not a number of entries: use a whole number, e.g. -n 20 (0 shows all)`;

export const badGrep = (value: string, detail: string) =>
  `--grep ${JSON.stringify(value)} is not a regular expression (${detail}); e.g. --grep 'npm (test|run)'`;

export const badSince = (value: string) =>
  `--since ${JSON.stringify(value)} is not a time: use an ISO time (2026-11-24, 2026-11-24T13:00, 2026-11-24T13:00:00Z) or a duration such as 30s, 15m, 2h, 7d, 2w`;

export const lefthookNotRunning = (hooksDir: string, command: string) =>
  `lefthook is not installed in ${hooksDir}: run \`${command} install\` again`;

export const huskyNotRunning = (hooksPath: string | undefined, command: string) =>
  hooksPath === undefined
    ? `core.hooksPath is not set, so git does not run husky’s hooks: run \`${command} install\``
    : `core.hooksPath is ${hooksPath}, where husky’s hook runner is missing in this worktree: run \`${command} install\``;

export const gitHookNotExecutable = (command: string) =>
  `the hook is not executable, so git skips it: run \`${command} install\``;

const count = (n: number, one: string, many: string) => `${grouped(n)} ${n === 1 ? one : many}`;

const STATUS_LABEL_WIDTH = 20;

/** One `label  value` row of a worktree's status. */
export const statusRow = (label: string, value: string) =>
  `  ${label.padEnd(STATUS_LABEL_WIDTH)}${value}`;

/** Continuation line under a status row. */
export const statusDetail = (text: string) => `  ${' '.repeat(STATUS_LABEL_WIDTH)}  ${text}`;

export const STATUS_LABELS = {
  hooks: 'hooks',
  agents: 'agents',
  shards: 'live shards',
  claims: 'waiting',
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

const hookSetup = (manager: string, hook: string, file: string) =>
  manager === 'lefthook' ? `lefthook (${hook} job in ${file})` : `${manager} (${file})`;

export const hooksInstalled = (
  setups: ReadonlyArray<{ manager: string; hook: string; file: string }>,
  mode: string | undefined,
  complete: boolean,
) => {
  // One mention per file: "lefthook (pre-commit and post-commit jobs in lefthook.yml)".
  const byFile = new Map<string, { manager: string; file: string; hooks: string[] }>();
  for (const setup of setups) {
    const key = `${setup.manager}\0${setup.file}`;
    const item = byFile.get(key) ?? { manager: setup.manager, file: setup.file, hooks: [] };
    item.hooks.push(setup.hook);
    byFile.set(key, item);
  }
  const described = [...byFile.values()].map((item) =>
    item.manager === 'lefthook'
      ? `lefthook (${item.hooks.join(' and ')} ${item.hooks.length === 1 ? 'job' : 'jobs'} in ${item.file})`
      : `${item.manager} (${item.file})`,
  );
  return `${complete ? `installed, ${mode} mode` : 'partly installed (a commit step is missing: run install again)'}: ${described.join('; ')}`;
};

export const hooksNotRunning = (manager: string, hook: string, file: string, note: string) =>
  `NOT RUNNING: ${hookSetup(manager, hook, file)} is set up, but ${note}`;

export const hooksNotInstalled = (command: string) => `not installed: run \`${command} install\``;

export const statusIgnored = (
  rule: { source: string; line: string; pattern: string },
  mode: string,
) =>
  `logs/history is ignored by ${rule.source}:${rule.line} (${rule.pattern})${mode === 'in-commit' ? ': fine, the pre-commit step stages batch files with git add -f' : ': git add leaves the trail out of commits until this branch’s root .gitignore un-ignores it (merge the branch where install added the rules, or run install here)'}`;

export const noAgents = (command: string) =>
  `none wired: \`${command} install --agent all\` (or name them: claude-code,codex,gemini,cursor,copilot)`;

export const hookFailuresSummary = (count: number, latest: string) =>
  `${count} agent hook ${count === 1 ? 'call' : 'calls'} failed (never blocking the agent); latest: ${latest}`;

export const shardsSummary = (shards: number, entries: number) =>
  shards === 0
    ? 'none'
    : `${count(shards, 'shard', 'shards')}, ${count(entries, 'entry', 'entries')}`;

export const claimsSummary = (sets: number, entries: number, batches: number, undecided = 0) => {
  if (sets === 0) return 'none';
  const decided = sets - undecided;
  const parts: string[] = [];
  if (decided > 0)
    parts.push(
      `${count(decided, 'claim set', 'claim sets')}: ${count(entries, 'entry', 'entries')} in ${count(batches, 'batch file', 'batch files')}, waiting for a commit to hold them`,
    );
  if (undecided > 0)
    parts.push(
      `${count(undecided, 'claim set', 'claim sets')} not yet batched (a consolidation is running, or was stopped: the next one finishes it)`,
    );
  return parts.join('; ');
};

export const shardDetail = (file: string, entries: number, width: number) =>
  `${file.padEnd(width)}  ${count(entries, 'entry', 'entries')}`;

export const moreShards = (more: number) => `… and ${count(more, 'more shard', 'more shards')}`;

export const quarantineSummary = (files: number, lines: number) =>
  lines === 0
    ? 'none'
    : `${count(lines, 'line', 'lines')} in ${count(files, 'file', 'files')} under logs/quarantine/: inspect those files, then fix or delete them`;

export const historySummary = (
  files: number,
  entries: number,
  bytes: number,
  firstDay: string | undefined,
  lastDay: string | undefined,
) =>
  files === 0
    ? 'empty (nothing consolidated yet)'
    : `${count(entries, 'entry', 'entries')} in ${count(files, 'file', 'files')} (${firstDay === lastDay ? firstDay : `${firstDay} … ${lastDay}`}), ${megabytes(bytes)}`;

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

export const showHeader = (commit: string, entries: number) =>
  `${PREFIX} ${count(entries, 'entry', 'entries')} consolidated by commit ${commit}`;

export const redactConfigInvalid = (file: string, problem: string) =>
  `invalid redaction config in ${file}: ${problem}; fix it and run again (see "Redaction" in the README)`;

export const scanClean = (files: number, entries: number, where: string) =>
  `${PREFIX} no secrets found in ${where} (${files} ${files === 1 ? 'file' : 'files'}, ${entries} ${entries === 1 ? 'entry' : 'entries'})`;

export const scanFound = (count: number, lines: number, where: string) =>
  `${PREFIX} ${count} ${count === 1 ? 'secret' : 'secrets'} on ${lines} ${lines === 1 ? 'line' : 'lines'} of ${where}: rotate ${count === 1 ? 'it' : 'them'} first (earlier commits keep ${count === 1 ? 'it' : 'them'}), then run \`${cmd('verify --fix')}\` to redact the files and commit`;

export const commitWithFollow =
  '--commit cannot be combined with --follow: a commit’s entries are already all there';

// View.

export const viewWritten = (view: {
  file: string;
  entries: number;
  sessions: number;
  commits: number;
}) =>
  `${PREFIX} wrote the timeline of ${count(view.entries, 'entry', 'entries')} (${count(view.sessions, 'session', 'sessions')}, ${count(view.commits, 'commit', 'commits')}) to ${view.file}`;

export const viewEmpty = `${PREFIX} no entries to show yet (nothing logged, or nothing matches --since/--session); the page says so too`;

export const viewNoDisplay = `${PREFIX} no display to open a browser on (DISPLAY and WAYLAND_DISPLAY are unset): open the file above in a browser`;

export const viewNotOpened = (detail: string) =>
  `${PREFIX} warning: could not start the browser (${detail}): open the file above yourself`;

export const viewNotWritten = (file: string, code: string) =>
  `cannot write ${file} (${code}): give --out a file in a folder that exists and that you can write`;

export const viewDirNotFolder = (path: string) =>
  `${path} is not a folder or file of audit-hooks (a symbolic link?); remove it, or pass --out FILE`;

export const viewNotBuilt = (file: string) =>
  `the view's page is missing (${file}): run \`npm run build\` in the audit-hooks package`;

export const noEntries = (filters: readonly string[]) =>
  filters.length === 0 ? `${PREFIX} no entries` : `${PREFIX} no entries match ${filters.join(' ')}`;

export const tailBuiltInRules = (problem: string) =>
  `${problem}; live entries are shown redacted by the built-in rules only`;

export const notUtf8Input =
  'the entry is not valid UTF-8; pass UTF-8 text (nothing was logged, so nothing was turned into U+FFFD)';

export const noAgentFolders = (folders: readonly string[]) =>
  `--agent all: no coding agent's folder here (looked for ${folders.join(', ')}), so no agent was wired; name the agents to wire them anyway: --agent claude-code,codex,gemini,cursor,copilot`;

export const agentFoldersFound = (agents: readonly string[]) =>
  `--agent all: the agents whose folder is here: ${agents.join(', ')}`;

export const unknownAgent = (name: string) =>
  `unknown agent \`${name}\`: use claude-code, codex, gemini, cursor or copilot`;

export const hookNotLogged = (
  agent: string | undefined,
  event: string | undefined,
  reason: string,
  kept: boolean,
) =>
  `${PREFIX} warning: did not log ${agent === undefined ? 'the' : `the ${agent}`}${event === undefined ? '' : ` ${event}`} hook call (${reason})${kept ? `; kept for ${cmd('status')}` : ''}`;

export const hookTimedOut = (seconds: number) =>
  `no hook payload on stdin after ${seconds} s (the tool must pipe it and close stdin)`;

export const budgetDefaults = (problem: string) =>
  `${PREFIX} warning: ${problem}; logged with the default size budget`;

export const configNotJson = (file: string, problem: string) =>
  `invalid ${file}: it is not valid JSON (${problem}); fix the file`;

export const budgetConfigInvalid = (file: string, problem: string) =>
  `invalid ${file}: ${problem}; fix the "budget" section (see the README, Size budget)`;

export const agentStepsHeader = `${PREFIX} to do by hand, for the agents' hooks to run:`;
